package dctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Kerberos is the Samba DC's KDC and the names a Kerberos bind needs: the
// DC by the host name of its SPN (dc1.corp.example, which .ci/servers.sh
// maps to 127.0.0.1), the realm's krb5.conf, and a principal with the
// admin's password file to kinit with.
type Kerberos struct {
	URL, LDAPSURL, CACert string
	Config, Realm         string
	Principal             string
	PasswordFile          string
}

// RequireKerberos returns the DC's Kerberos set-up or skips (fails in CI).
func RequireKerberos(t testing.TB) Kerberos {
	t.Helper()
	dc := RequireDC(t)
	if os.Getenv("OCSFLAGS_TEST_KRB5_CONFIG") == "" {
		missingKerberos(t, "Kerberos on the Samba DC not configured: set OCSFLAGS_TEST_KRB5_CONFIG "+
			"(servers started by a .ci/servers.sh without the KDC: start them afresh, then source the env file)")
	}
	if _, err := exec.LookPath("kinit"); err != nil {
		missingKerberos(t, "kinit is not installed (apt-get install krb5-user; .ci/servers.sh start installs it)")
	}
	return Kerberos{
		URL: os.Getenv("OCSFLAGS_TEST_DC_KRB5_URL"), LDAPSURL: os.Getenv("OCSFLAGS_TEST_DC_KRB5_LDAPS_URL"), CACert: dc.CACert,
		Config: os.Getenv("OCSFLAGS_TEST_KRB5_CONFIG"), Realm: os.Getenv("OCSFLAGS_TEST_KRB5_REALM"),
		Principal: os.Getenv("OCSFLAGS_TEST_KRB5_PRINCIPAL"), PasswordFile: dc.AdminPasswordFile,
	}
}

// Kinit gets a ticket for the principal into a ticket cache of the test's
// own and returns its KRB5CCNAME (FILE:...). The password goes to kinit on
// standard input, from the file; nothing kinit says is logged unless it
// fails.
func (k Kerberos) Kinit(t testing.TB, args ...string) string {
	t.Helper()
	cc := "FILE:" + filepath.Join(t.TempDir(), "krb5cc")
	pw, err := os.Open(k.PasswordFile)
	if err != nil {
		t.Fatalf("open the admin password file: %v", err)
	}
	defer pw.Close()
	cmd := exec.Command("kinit", append(args, k.Principal)...)
	cmd.Env = append(os.Environ(), "KRB5_CONFIG="+k.Config, "KRB5CCNAME="+cc)
	cmd.Stdin = pw
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kinit %s: %v: %s", k.Principal, err, out)
	}
	return cc
}

// Kdestroy removes the tickets of the cache, as an admin's kdestroy does.
func (k Kerberos) Kdestroy(t testing.TB, cc string) {
	t.Helper()
	cmd := exec.Command("kdestroy")
	cmd.Env = append(os.Environ(), "KRB5_CONFIG="+k.Config, "KRB5CCNAME="+cc)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kdestroy: %v: %s", err, out)
	}
}

// missingKerberos skips, or fails where the servers must provide Kerberos:
// in CI (CI=true, which always starts the servers afresh with .ci/servers.sh)
// or with OCSFLAGS_REQUIRE_KERBEROS=1, under OCSFLAGS_REQUIRE_INTEGRATION=1.
// Servers left running by an older servers.sh have no KDC; that alone does
// not fail a developer's run.
func missingKerberos(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("OCSFLAGS_REQUIRE_INTEGRATION") == "1" && (os.Getenv("CI") == "true" || os.Getenv("OCSFLAGS_REQUIRE_KERBEROS") == "1") {
		t.Fatal(msg + "; OCSFLAGS_REQUIRE_INTEGRATION=1 in CI makes this a failure")
	}
	t.Skip(msg)
}
