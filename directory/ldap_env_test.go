package directory

import (
	"testing"

	"ocsflags/directory/dctest"
)

// The integration tests talk to the servers that .ci/servers.sh starts and
// describes in /tmp/ocsflags-servers/env. dctest holds the skipping rule
// shared by every package: without the servers they skip, and with
// OCSFLAGS_REQUIRE_INTEGRATION=1 (CI) they fail instead.

// dcEnv is the Samba AD DC of the integration tests, passwords read.
type dcEnv struct {
	dctest.DC
	AdminPassword, UserPassword string
}

// slapdEnv is the OpenLDAP server with AD's size limit, password read.
type slapdEnv struct {
	dctest.Slapd
	Password string
}

// requireDC returns the Samba AD DC's settings, or skips (fails in CI).
func requireDC(t testing.TB) dcEnv {
	t.Helper()
	dc := dctest.RequireDC(t)
	return dcEnv{DC: dc, AdminPassword: dctest.Password(t, dc.AdminPasswordFile), UserPassword: dctest.Password(t, dc.UserPasswordFile)}
}

// requireSlapd returns the OpenLDAP server's settings, or skips (fails in
// CI).
func requireSlapd(t testing.TB) slapdEnv {
	t.Helper()
	s := dctest.RequireSlapd(t)
	return slapdEnv{Slapd: s, Password: dctest.Password(t, s.PasswordFile)}
}

// adminConfig is the Samba DC over plain LDAP, bound as Administrator. The
// password crosses the loopback interface in clear, which the adapter
// refuses unless told, as --allow-cleartext-password does; the encrypted
// ways are in tlsConfig and TestLDAPContract.
func (e dcEnv) adminConfig() LDAPConfig {
	return LDAPConfig{URL: e.URL, Bind: e.AdminUPN, Password: e.AdminPassword, AllowCleartextPassword: true}
}

// tlsConfig is the Samba DC over StartTLS with the test CA, bound as id.
func (e dcEnv) tlsConfig(id, password string) LDAPConfig {
	return LDAPConfig{URL: e.URL, StartTLS: true, CACertFile: e.CACert, Bind: id, Password: password}
}

// config is slapd, which the tests run without TLS, so its simple bind is
// allowed in clear.
func (e slapdEnv) config() LDAPConfig {
	return LDAPConfig{URL: e.URL, Bind: e.BindDN, Password: e.Password, AllowCleartextPassword: true}
}
