package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/termtext"
)

func TestShellQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"jryan", "jryan"},
		{"sip=sip:a.b@corp.example", "sip=sip:a.b@corp.example"},
		{"+ep", "+ep"},
		{"", "''"},
		{"CN=Lee\\, Ann,OU=Sales", `'CN=Lee\, Ann,OU=Sales'`},
		{"O'Brien", `'O'\''Brien'`},
		{"$(rm -rf ~)", `'$(rm -rf ~)'`},
		{"a;b|c&d`e`*?[x]{y}<>#!~", "'a;b|c&d`e`*?[x]{y}<>#!~'"},
		{"~admin", "'~admin'"},
		{"Mal\x1b]0;x\x07lory", `$'Mal\x1b]0;x\x07lory'`},
		{"evil\u202egpj's\\", `$'evil\u202egpj\'s\\'`},
		{"bad\xff", `$'bad\xff'`},
	} {
		got := shellQuote(c.in)
		if got != c.want {
			t.Errorf("shellQuote(%q) = %s, want %s", c.in, got, c.want)
		}
		if termtext.Contains(got) {
			t.Errorf("shellQuote(%q) is not terminal-safe: %q", c.in, got)
		}
	}
}

// The quoting gives the shell back the exact value.
func TestShellQuoteRoundTrip(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to check the quoting with")
	}
	for _, s := range []string{"plain", "", "two words", "O'Brien", "$HOME `x` \\ \"q\"", "Mal\x1b]0;x\x07lory", "evil\u202egpj's\\", "tab\there\nnl", "bad\xff"} {
		out, err := exec.Command(bash, "-c", "printf %s "+shellQuote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("%q: bash gave %q, %v", s, out, err)
		}
	}
}

// A fix the audit prints names the directory the audit read: pasted, it
// must not write where LDAPURI or ldap.conf point.
func TestAuditFixNamesItsTarget(t *testing.T) {
	in := ldifCopy(t)
	spaced := filepath.Join(t.TempDir(), "my export.ldif")
	if err := os.WriteFile(spaced, directory.DemoLDIF(), 0o600); err != nil {
		t.Fatal(err)
	}
	changes := filepath.Join(t.TempDir(), "c.ldif")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "--demo", "jryan"}, "fix: ocsflags set --demo jryan +ep"},
		{[]string{"audit", "jryan"}, "fix: ocsflags set --demo jryan +ep"}, // no directory named: the demo
		{[]string{"audit", "--ldif", in, "jryan"}, "fix: ocsflags set --ldif " + in + " --changes-out FILE jryan +ep   (FILE: where to record the change as LDIF to replay"},
		{[]string{"audit", "--ldif", spaced, "--changes-out", changes, "jryan"}, "fix: ocsflags set --ldif '" + spaced + "' --changes-out " + changes + " jryan +ep\n"},
	} {
		code, out, errs := run(t, tt.args...)
		if code != 1 || !strings.Contains(out, tt.want) {
			t.Errorf("%v: exit %d, lacks %q:\n%s%s", tt.args, code, tt.want, out, errs)
		}
	}
}

func TestLiveTarget(t *testing.T) {
	c := conn{gc: "ldap://gc.corp.example:3268", allowCleartext: true, passwordFile: "/secret/pw"}
	got := c.liveTarget(directory.LDAPConfig{URL: "ldap://dc1.corp.example", StartTLS: true, CACertFile: "/etc/ca.pem", Bind: `CORP\admin`, Password: "hunter2"})
	want := []string{"--url", "ldap://dc1.corp.example", "--start-tls", "--ca-cert", "/etc/ca.pem", "--gc", "ldap://gc.corp.example:3268", "--bind", `CORP\admin`, "--allow-cleartext-password"}
	if strings.Join(got.args, "|") != strings.Join(want, "|") {
		t.Errorf("target %q, want %q", got.args, want)
	}
	k := conn{spn: "ldap/dc1.corp.example"}
	if got := k.liveTarget(directory.LDAPConfig{URL: "ldaps://dc1.corp.example", Kerberos: true}); strings.Join(got.args, " ") != "--url ldaps://dc1.corp.example --kerberos --spn ldap/dc1.corp.example" {
		t.Errorf("kerberos target %q", got.args)
	}
}

// Against the DC, named by an ldap.conf (LDAPCONF): the fix carries --url and how
// the audit bound, and no password.
func TestDCAuditFixNamesTheDC(t *testing.T) {
	dc := dctest.RequireDC(t)
	conf := filepath.Join(t.TempDir(), "ldap.conf")
	if err := os.WriteFile(conf, []byte("URI "+dc.URL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runEnv(t, map[string]string{"LDAPCONF": conf}, "audit", "--start-tls", "--ca-cert", dc.CACert,
		"--bind", dc.AdminUPN, "--password-file", dc.AdminPasswordFile, "staylor")
	if code != 1 {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	want := "fix: ocsflags set --url " + shellQuote(dc.URL) + " --start-tls --ca-cert " + shellQuote(dc.CACert) + " --bind " + shellQuote(dc.AdminUPN) + " staylor "
	if !strings.Contains(out, want) {
		t.Errorf("lacks %q:\n%s", want, out)
	}
	pw := dctest.Password(t, dc.AdminPasswordFile)
	if strings.Contains(out, pw) || strings.Contains(out, dc.AdminPasswordFile) {
		t.Error("the audit's output holds the password or its file")
	}
}
