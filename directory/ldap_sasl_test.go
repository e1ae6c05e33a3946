package directory

import (
	"os"
	"path/filepath"
	"testing"
)

// SASL_MECH in ldap.conf and LDAPSASL_MECH are read (upper-cased), later
// sources winning, as for ldapsearch.
func TestLDAPDefaultsSASLMech(t *testing.T) {
	dir := t.TempDir()
	sys := filepath.Join(dir, "ldap.conf")
	if err := os.WriteFile(sys, []byte("URI ldap://dc1.corp.example\nSASL_MECH gssapi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{nil, "GSSAPI"},
		{map[string]string{"LDAPSASL_MECH": "EXTERNAL"}, "EXTERNAL"},
		{map[string]string{"LDAPNOINIT": "1"}, ""},
	} {
		cfg, err := ldapDefaults(func(k string) string { return tc.env[k] }, "", []string{sys}, dir)
		if err != nil || cfg.SASLMech != tc.want {
			t.Errorf("%v: SASLMech %q, %v; want %q", tc.env, cfg.SASLMech, err, tc.want)
		}
	}
}

// A Kerberos bind sends no password: plain ldap:// is no refusal and no
// CLEARTEXT, whatever the bind name says.
func TestKerberosIsNotCleartext(t *testing.T) {
	c := LDAPConfig{URL: "ldap://dc1.corp.example", Kerberos: true, Bind: "admin@corp.example"}
	if c.CleartextPassword() || c.CheckTransport() != nil {
		t.Errorf("Kerberos over ldap:// counted as cleartext: %v", c.CheckTransport())
	}
	c.Kerberos = false
	if err := c.CheckTransport(); err == nil {
		t.Error("a simple bind over ldap:// was not refused")
	}
}
