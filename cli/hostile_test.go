package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Hostile values: OSC 0 (title), CSI (clear, cursor query), SGR (a fake
// green verdict), OSC 8 (a link), CR and LF (fake lines), C1 CSI (U+009B)
// and a right-to-left override (U+202E), in a name, a sign-in name, a Line
// URI and a DN.
const (
	hostileName = "Mal\x1b]0;PWNED\x07lory \x1b[2J\x1b[32m✓ READY\x1b[0m \x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\ A\rB C\nD \u009b31m \u202eRTL"
	hostileSIP  = "sip:mal\x1b[6nlory@corp.example"
	hostileLine = "tel:+1425\u009b2J555\x07\r\n"
	hostileDN   = "CN=Mal\x1b[5mlory,OU=Evil\u202eUO,DC=corp,DC=example"
)

func hostileLDIF(t *testing.T) string {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	text := fmt.Sprintf(`dn: DC=corp,DC=example
objectClass: domain

dn:: %s
objectClass: organizationalUnit

dn:: %s
objectClass: user
cn:: %s
sAMAccountName: mallory
displayName:: %s
mail: mallory@corp.example
msRTCSIP-UserEnabled: TRUE
msRTCSIP-PrimaryUserAddress:: %s
msRTCSIP-OptionFlags: 400
msRTCSIP-Line:: %s
`, b64("OU=Evil\u202eUO,DC=corp,DC=example"), b64(hostileDN), b64("Mal\x1b[5mlory"), b64(hostileName), b64(hostileSIP), b64(hostileLine))
	p := filepath.Join(t.TempDir(), "hostile.ldif")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkText fails on any control character in text output other than the
// line ends ocsflags writes, on any C1 or bidi character, and on invalid
// UTF-8: ocsflags' own text has none of them.
func checkText(t *testing.T, what, out string) {
	t.Helper()
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRuneInString(out[i:])
		bad := r == utf8.RuneError && n == 1 || r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f
		if bad {
			t.Fatalf("%s: raw %U at byte %d: %q", what, r, i, out[max(i-40, 0):min(i+40, len(out))])
		}
		i += n
	}
	for _, d := range []string{"A\nB", "C\nD", "2J555\n"} {
		if strings.Contains(out, d) {
			t.Errorf("%s: a line break from the data: %q", what, d)
		}
	}
}

func TestHostileValuesInTextOutput(t *testing.T) {
	in := hostileLDIF(t)
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	changes := filepath.Join(t.TempDir(), "changes.ldif")
	escName := `Mal\x1b]0;PWNED\x07lory \x1b[2J\x1b[32m✓ READY\x1b[0m \x1b]8;;http://evil.example/\x1b\link\x1b]8;;\x1b\ A\x0dB C\x0aD \u009b31m \u202eRTL`
	escSIP := `sip:mal\x1b[6nlory@corp.example`
	escDN := `CN=Mal\x1b[5mlory,OU=Evil\u202eUO,DC=corp,DC=example`
	for _, tt := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"audit", []string{"audit", "--ldif", in, "mallory"}, 1, []string{escName, escDN, escSIP, "control-characters", "displayName, cn, msRTCSIP-PrimaryUserAddress, msRTCSIP-Line hold control"}},
		{"audit --ou", []string{"audit", "--ldif", in, "--ou", "OU=Evil\u202eUO,DC=corp,DC=example"}, 1, []string{`Mal\x1b]0;PWNED\x07lory`}},
		{"audit by DN", []string{"audit", "--ldif", in, hostileDN}, 1, []string{escDN}},
		{"set", []string{"set", "--ldif", in, "--changes-out", changes, "--journal", journal, "mallory", "sip=sip:mallory@corp.example"}, 0, []string{escDN, escSIP + " -> sip:mallory@corp.example"}},
		{"set --dry-run", []string{"set", "--ldif", in, "--journal", journal, "--dry-run", "mallory", "+pic"}, 0, []string{escDN}},
		{"set warning", []string{"set", "--ldif", in, "--journal", journal, "--dry-run", "mallory", "telephony=ev"}, 0, []string{escDN + ": Enterprise Voice"}},
		{"set refused", []string{"set", "--ldif", in, "--changes-out", changes, "--journal", journal, "Mal\x1b[5mlory", "sip=sip:a\x1b[2J@corp.example"}, 2, []string{`\x1b`}},
		{"set unknown user", []string{"set", "--ldif", in, "--changes-out", changes, "--journal", journal, "nobody\x1b]0;x\x07", "+pic"}, 2, []string{`"nobody\x1b]0;x\x07"`}},
		{"explain", []string{"explain", "1\x1b[2J\u202e"}, 2, []string{`1\x1b[2J\u202e`}},
	} {
		code, out, errs := run(t, tt.args...)
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.name, code, tt.code, out, errs)
		}
		checkText(t, tt.name+" stdout", out)
		checkText(t, tt.name+" stderr", errs)
		for _, w := range tt.want {
			if !strings.Contains(out+errs, w) {
				t.Errorf("%s: output lacks %q:\nstdout:\n%s\nstderr:\n%s", tt.name, w, out, errs)
			}
		}
	}
	// JSON stays exact: the values decode to what the directory holds.
	code, out, _ := run(t, "audit", "--ldif", in, "--json", "mallory")
	var got []struct{ DN, Name string }
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 1 || len(got) != 1 {
		t.Fatalf("audit --json: exit %d, %v:\n%s", code, err, out)
	}
	if got[0].Name != hostileName || got[0].DN != hostileDN {
		t.Errorf("JSON is not exact: %q %q", got[0].Name, got[0].DN)
	}
	// and terminal-safe: C1 and bidi controls are \u escapes too.
	checkText(t, "audit --json", out)
	for _, esc := range []string{`\u009b31m`, `\u202eRTL`, `\u001b]0;PWNED\u0007`} {
		if !strings.Contains(out, esc) {
			t.Errorf("audit --json lacks %s", esc)
		}
	}
}

func TestMultiValuedRefusedBySet(t *testing.T) {
	p := filepath.Join(t.TempDir(), "multi.ldif")
	os.WriteFile(p, []byte("dn: DC=corp,DC=example\nobjectClass: domain\n\ndn: CN=Multi,DC=corp,DC=example\nobjectClass: user\ncn: Multi\nsAMAccountName: multi\nmsRTCSIP-UserEnabled: TRUE\nmsRTCSIP-PrimaryUserAddress: sip:multi@corp.example\nmsRTCSIP-OptionFlags: 256\nmsRTCSIP-OptionFlags: 385\n"), 0o600)
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	code, out, errs := run(t, "set", "--ldif", p, "--changes-out", filepath.Join(t.TempDir(), "c.ldif"), "--journal", journal, "multi", "+pic")
	if code != 2 || !strings.Contains(errs, `msRTCSIP-OptionFlags holds 2 values ("256", "385")`) || out != "" {
		t.Errorf("set +pic: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = run(t, "audit", "--ldif", p, "multi")
	if code != 1 || !strings.Contains(out, "multi-valued") || !strings.Contains(out, `"256", "385"`) {
		t.Errorf("audit: exit %d\n%s", code, out)
	}
}
