package cli

import (
	"testing"

	"ocsflags/directory"
)

// SASL_MECH GSSAPI chooses Kerberos unless the command line asks for a
// password bind; --kerberos always does, and takes the KRB5 variables.
func TestChooseKerberos(t *testing.T) {
	env := Env{Getenv: func(k string) string {
		return map[string]string{"KRB5_CONFIG": "/k/krb5.conf", "KRB5CCNAME": "FILE:/k/cc"}[k]
	}}
	for _, tc := range []struct {
		c    conn
		mech string
		want bool
	}{
		{conn{}, "GSSAPI", true},
		{conn{bind: "admin@corp.example"}, "GSSAPI", false},
		{conn{passwordFile: "pw"}, "GSSAPI", false},
		{conn{}, "EXTERNAL", false},
		{conn{}, "", false},
		{conn{kerberos: true}, "", true},
	} {
		cfg := directory.LDAPConfig{SASLMech: tc.mech, Bind: "CN=from ldap.conf"}
		if err := tc.c.chooseKerberos(env, &cfg); err != nil {
			t.Fatal(err)
		}
		if cfg.Kerberos != tc.want {
			t.Errorf("%+v with SASL_MECH %q: Kerberos %v", tc.c, tc.mech, cfg.Kerberos)
		}
		if cfg.Kerberos && (cfg.Bind != "" || cfg.KRB5Config != "/k/krb5.conf" || cfg.CCache != "FILE:/k/cc") {
			t.Errorf("Kerberos config %+v", cfg)
		}
	}
}
