package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

func krbVars(k dctest.Kerberos, cc string) map[string]string {
	return map[string]string{"LDAPNOINIT": "1", "KRB5_CONFIG": k.Config, "KRB5CCNAME": cc}
}

// With a ticket, audit and set bind with Kerberos over ldap:// and LDAPS,
// no password anywhere; after kdestroy the error names kinit (exit 2); a
// wrong SPN is named.
func TestDCKerberosAuditSet(t *testing.T) {
	k := dctest.RequireKerberos(t)
	dc := dctest.RequireDC(t)
	cc := k.Kinit(t)
	vars := krbVars(k, cc)
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	for _, url := range [][]string{{"--url", k.URL}, {"--url", k.LDAPSURL, "--ca-cert", k.CACert}, {"--url", k.URL, "--start-tls", "--ca-cert", k.CACert}} {
		args := append(append([]string{"audit", "--kerberos", "--journal", journal}, url...), "fhaddad")
		code, out, errs := runEnv(t, vars, args...)
		if code != 0 || !strings.Contains(out, "Farid Haddad") || strings.Contains(errs, "CLEARTEXT") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", url, code, out, errs)
		}
		// Samba agrees to sign plain ldap://, so no notice of unprotected
		// traffic either.
		if strings.Contains(errs, "neither signed nor encrypted") {
			t.Errorf("%v: %q", url, errs)
		}
	}

	u := dctest.NewUser(t, dc, "ocskrb", map[string]string{flags.AttrOptionFlags: "256"})
	code, out, errs := runEnv(t, vars, "set", "--kerberos", "--url", k.URL, "--journal", journal, u.SAM, "+pic")
	if code != 0 || !strings.Contains(out, "256 -> 257") {
		t.Fatalf("set --kerberos: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if got := dcUser(t, u.DN).OCS.OptionFlags.V; got != 257 {
		t.Errorf("the DC holds %d after set --kerberos +pic, want 257", got)
	}

	code, _, errs = runEnv(t, vars, "audit", "--kerberos", "--url", k.URL, "--spn", "ldap/wrong.corp.example", "--journal", journal, "fhaddad")
	if code != 2 || !strings.Contains(errs, "unknown SPN") || !strings.Contains(errs, "ldap/wrong.corp.example") {
		t.Errorf("wrong SPN: exit %d, stderr %q", code, errs)
	}

	k.Kdestroy(t, cc)
	code, out, errs = runEnv(t, vars, "audit", "--kerberos", "--url", k.URL, "--journal", journal, "fhaddad")
	if code != 2 || out != "" || !strings.Contains(errs, "kinit") || !strings.Contains(errs, "no Kerberos ticket") {
		t.Errorf("after kdestroy: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// ldap.conf's SASL_MECH GSSAPI (or LDAPSASL_MECH) makes Kerberos the
// default bind, as for ldapsearch; a --bind on the command line wins.
func TestDCKerberosFromLDAPConf(t *testing.T) {
	k := dctest.RequireKerberos(t)
	cc := k.Kinit(t)
	conf := filepath.Join(t.TempDir(), "ldaprc")
	writeFile(t, conf, "URI "+k.URL+"\nSASL_MECH GSSAPI\nBINDDN CN=ignored,DC=corp,DC=example\n")
	vars := map[string]string{"LDAPCONF": conf, "KRB5_CONFIG": k.Config, "KRB5CCNAME": cc}
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	if code, out, errs := runEnv(t, vars, "audit", "--journal", journal, "fhaddad"); code != 0 || !strings.Contains(out, "Farid Haddad") {
		t.Errorf("SASL_MECH GSSAPI: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	vars = map[string]string{"LDAPURI": k.URL, "LDAPSASL_MECH": "gssapi", "KRB5_CONFIG": k.Config, "KRB5CCNAME": cc, "LDAPNOINIT": ""}
	if code, out, errs := runEnv(t, vars, "audit", "--journal", journal, "fhaddad"); code != 0 || !strings.Contains(out, "Farid Haddad") {
		t.Errorf("LDAPSASL_MECH=gssapi: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The options that contradict a Kerberos bind are refused before anything
// is sent; a missing krb5.conf is named, and plain ldap:// is no refusal.
func TestKerberosOptions(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "--kerberos", "--bind", "admin@corp.example", "--url", "ldap://dc1.corp.example", "x"}, "drop --bind"},
		{[]string{"audit", "--kerberos", "--password-file", "/dev/null", "--url", "ldap://dc1.corp.example", "x"}, "drop --bind and --password-file"},
		{[]string{"audit", "--spn", "ldap/dc1", "--url", "ldaps://dc1.corp.example", "x"}, "add --kerberos"},
		{[]string{"audit", "--kerberos", "--demo", "x"}, "--demo"},
		{[]string{"audit", "--kerberos", "x"}, "no directory to connect to"},
	} {
		code, out, errs := run(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, want %q", tc.args, code, out, errs, tc.want)
		}
	}
	vars := map[string]string{"LDAPNOINIT": "1", "KRB5_CONFIG": filepath.Join(t.TempDir(), "missing.conf")}
	code, _, errs := runEnv(t, vars, "audit", "--kerberos", "--url", "ldap://dc1.corp.example", "x")
	if code != 2 || !strings.Contains(errs, "no Kerberos configuration") || !strings.Contains(errs, "KRB5_CONFIG") || strings.Contains(errs, "in clear") {
		t.Errorf("no krb5.conf: exit %d, stderr %q", code, errs)
	}
}

// The console's prompt asks again after a wrong password, keeping the bind
// name, up to three times; the third failure ends with the reason. A
// password file gets one try, and so does every scriptable command.
func TestDCConsolePasswordRetry(t *testing.T) {
	dc := dctest.RequireDC(t)
	right := dctest.Password(t, dc.UserPasswordFile)
	dial := func(console bool, answers ...string) ([]string, error) {
		var prompts []string
		env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" },
			TTYPassword: func(p string) (string, error) {
				prompts = append(prompts, p)
				if len(answers) == 0 {
					return "", errors.New("no more answers")
				}
				a := answers[0]
				answers = answers[1:]
				return a, nil
			}}
		c := conn{url: dc.LDAPSURL, caCert: dc.CACert, bind: dc.UserUPN, console: console}
		d, err := c.dialLDAP(context.Background(), env, &directory.LDAPConfig{})
		if err == nil {
			d.Close()
		}
		return prompts, err
	}
	prompts, err := dial(true, "wrong-1", right)
	if err != nil || len(prompts) != 2 || prompts[1] != "Password for "+dc.UserUPN+" (try 2 of 3): " {
		t.Errorf("wrong then right: %v, prompts %q", err, prompts)
	}
	prompts, err = dial(true, "wrong-1", "wrong-2", "wrong-3", right)
	if !directory.WrongPassword(err) || len(prompts) != 3 || !strings.Contains(err.Error(), "wrong user name or password for "+dc.UserUPN) {
		t.Errorf("three wrong: %v, prompts %q", err, prompts)
	}
	if prompts, err = dial(false, "wrong-1", right); err == nil || len(prompts) != 1 {
		t.Errorf("a command other than the console: %v, prompts %q", err, prompts)
	}
}
