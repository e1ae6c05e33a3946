package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/directory/dctest"
)

// A writing command must be told where to write: with no target it refuses
// and says how to name one; with --demo it runs on the demo and says so.
func TestSetNeedsATarget(t *testing.T) {
	code, out, errs := run(t, "set", "jryan", "+ep")
	if code != 2 || out != "" || !strings.Contains(errs, "--demo") || !strings.Contains(errs, "--url") {
		t.Errorf("set without a target: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, _, errs = run(t, "set", "--dry-run", "jryan", "+ep")
	if code != 2 || !strings.Contains(errs, "--demo") {
		t.Errorf("set --dry-run without a target: exit %d, stderr %q", code, errs)
	}
	code, out, errs = run(t, "set", "--demo", "jryan", "+ep")
	if code != 0 || !strings.Contains(out, "0 -> 256") || !strings.Contains(errs, "(demo directory)") {
		t.Errorf("set --demo: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, _, errs = run(t, "set", "--demo", "--url", "ldaps://dc1.corp.example", "jryan", "+ep")
	if code != 2 || !strings.Contains(errs, "--demo") {
		t.Errorf("--demo with --url: exit %d, stderr %q", code, errs)
	}
	// explain reads no directory but takes --demo like every command.
	if code, _, errs := run(t, "explain", "--demo", "961"); code != 0 {
		t.Errorf("explain --demo: exit %d, %s", code, errs)
	}
}

// Read-only commands on the demo say so on standard error, and keep
// standard output what it was.
func TestAuditOnTheDemoSaysSo(t *testing.T) {
	for _, args := range [][]string{{"audit", "alee"}, {"audit", "--demo", "alee"}, {"audit", "--json", "alee"}} {
		code, out, errs := run(t, args...)
		if code != 1 || !strings.Contains(errs, "(demo directory)") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
		if strings.Contains(out, "demo directory") {
			t.Errorf("%v: the notice went to standard output", args)
		}
		if args[1] == "--json" && !json.Valid([]byte(out)) {
			t.Errorf("%v: not JSON: %s", args, out)
		}
	}
	// An LDIF export is a named target: no notice.
	if _, _, errs := run(t, "audit", "--ldif", ldifCopy(t), "alee"); strings.Contains(errs, "demo") {
		t.Errorf("audit --ldif: %q", errs)
	}
}

// The URI of ldap.conf names a target for the scriptable commands, as for
// ldapsearch: set tries it instead of refusing or using the demo.
func TestSetUsesLDAPConfURI(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "ldap.conf")
	if err := os.WriteFile(conf, []byte("URI ldap://127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"set", "audit"} {
		code, _, errs := runEnv(t, map[string]string{"LDAPCONF": conf}, cmd, "jryan", "+ep")
		if code != 2 || !strings.Contains(errs, "ldap://127.0.0.1:1") || strings.Contains(errs, "demo") {
			t.Errorf("%s with URI in ldap.conf: exit %d, stderr %q", cmd, code, errs)
		}
	}
}

// A simple bind over plain ldap:// is refused before the password is read,
// unless --allow-cleartext-password; the risks a flag accepts are said on
// standard error. Nothing listens on port 1, so no password is sent.
func TestCleartextAndUnverifiedTLS(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("not-a-real-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no-such-file")
	for _, cmd := range [][]string{{"audit", "alee"}, {"set", "alee", "+pic"}} {
		args := append(append([]string{}, cmd...), "--url", "ldap://127.0.0.1:1", "--bind", "admin@corp.example", "--password-file", missing)
		code, _, errs := run(t, args...)
		if code != 2 || strings.Contains(errs, "no-such-file") {
			t.Errorf("%v: exit %d, stderr %q: want the refusal before the password is read", cmd, code, errs)
		}
		for _, want := range []string{"in clear", "ldaps://127.0.0.1", "--start-tls", "Kerberos", "--allow-cleartext-password"} {
			if !strings.Contains(errs, want) {
				t.Errorf("%v: refusal lacks %q: %q", cmd, want, errs)
			}
		}

		args = append(append([]string{}, cmd...), "--url", "ldap://127.0.0.1:1", "--bind", "admin@corp.example", "--password-file", pw, "--allow-cleartext-password")
		code, _, errs = run(t, args...)
		if code != 2 || !strings.Contains(errs, "warning: CLEARTEXT") || !strings.Contains(errs, "cannot talk to the directory") {
			t.Errorf("%v --allow-cleartext-password: exit %d, stderr %q", cmd, code, errs)
		}
		if strings.Contains(errs, "not-a-real-password") {
			t.Fatal("the password reached standard error")
		}

		// NTLM does not send the password: allowed on ldap://, no warning.
		args = append(append([]string{}, cmd...), "--url", "ldap://127.0.0.1:1", "--bind", `CORP\admin`, "--password-file", pw)
		if code, _, errs = run(t, args...); code != 2 || strings.Contains(errs, "clear") || strings.Contains(errs, "CLEARTEXT") || !strings.Contains(errs, "cannot talk") {
			t.Errorf("%v as CORP\\admin: exit %d, stderr %q", cmd, code, errs)
		}
		// Anonymous binds have no password to protect.
		args = append(append([]string{}, cmd...), "--url", "ldap://127.0.0.1:1")
		if code, _, errs = run(t, args...); code != 2 || strings.Contains(errs, "clear") || strings.Contains(errs, "CLEARTEXT") {
			t.Errorf("%v anonymous: exit %d, stderr %q", cmd, code, errs)
		}

		args = append(append([]string{}, cmd...), "--url", "ldaps://127.0.0.1:1", "--insecure-skip-verify")
		if code, _, errs = run(t, args...); code != 2 || !strings.Contains(errs, "warning: the certificate of ldaps://127.0.0.1:1 is not verified (--insecure-skip-verify)") {
			t.Errorf("%v --insecure-skip-verify: exit %d, stderr %q", cmd, code, errs)
		}
	}
}

// Without a terminal the console says what to use instead.
func TestConsoleNeedsATerminal(t *testing.T) {
	for _, args := range [][]string{nil, {"--demo"}, {"--url", "ldap://127.0.0.1:1", "--bind", "admin@corp.example"}} {
		code, out, errs := run(t, args...)
		if code != 2 || out != "" {
			t.Errorf("%v: exit %d, stdout %q", args, code, out)
		}
		for _, want := range []string{"needs a terminal", "ocsflags audit", "ocsflags set", "ocsflags explain"} {
			if !strings.Contains(errs, want) {
				t.Errorf("%v: stderr lacks %q: %q", args, want, errs)
			}
		}
	}
}

// Against the Samba DC: the simple bind over plain ldap:// is refused
// without the flag and works with it, with the warning.
func TestDCCleartextRefused(t *testing.T) {
	dc := dctest.RequireDC(t)
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	base := []string{"audit", "--url", dc.URL, "--bind", dc.AdminUPN, "--password-file", dc.AdminPasswordFile, "--journal", journal, "alee"}
	code, out, errs := run(t, base...)
	if code != 2 || out != "" || !strings.Contains(errs, "in clear") || !strings.Contains(errs, "--start-tls") {
		t.Errorf("plain ldap:// simple bind: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs = run(t, append(base, "--allow-cleartext-password")...)
	if code != 1 || !strings.Contains(out, "Ann Lee") || !strings.Contains(errs, "warning: CLEARTEXT: the password of "+dc.AdminUPN) {
		t.Errorf("with --allow-cleartext-password: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs = run(t, append(base, "--start-tls", "--ca-cert", dc.CACert)...)
	if code != 1 || !strings.Contains(out, "Ann Lee") || strings.Contains(errs, "warning") {
		t.Errorf("with --start-tls: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// --demo wins over LDAPURI (a flag over the environment), and the console
// stays on the demo when only ldap.conf names a DC.
func TestDemoTargetRules(t *testing.T) {
	vars := map[string]string{"LDAPURI": "ldap://127.0.0.1:1"}
	if code, _, errs := runEnv(t, vars, "set", "--demo", "jryan", "+ep"); code != 0 || !strings.Contains(errs, "(demo directory)") {
		t.Errorf("set --demo with LDAPURI: exit %d, %q", code, errs)
	}
	if code, _, errs := runEnv(t, vars, "set", "jryan", "+ep"); code != 2 || !strings.Contains(errs, "ldap://127.0.0.1:1") {
		t.Errorf("set with LDAPURI: exit %d, %q", code, errs)
	}

	conf := filepath.Join(t.TempDir(), "ldap.conf")
	if err := os.WriteFile(conf, []byte("URI ldap://127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var errb strings.Builder
	env := Env{Stdin: strings.NewReader(""), Stdout: &errb, Stderr: &errb, Getenv: func(k string) string {
		if k == "LDAPCONF" {
			return conf
		}
		return ""
	}}
	c := conn{console: true}
	d, err := c.open(t.Context(), env)
	if err != nil {
		t.Fatalf("console with URI in ldap.conf: %v", err)
	}
	defer d.Close()
	if d.Info().Kind != "demo" || errb.Len() != 0 {
		t.Errorf("console with URI in ldap.conf opened %+v and said %q", d.Info(), errb.String())
	}
}
