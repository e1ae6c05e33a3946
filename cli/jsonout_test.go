package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"ocsflags/termtext"
)

// writeJSON escapes every rune termtext calls unsafe and still encodes the
// exact value.
func TestWriteJSONIsExactAndTerminalSafe(t *testing.T) {
	in := map[string]string{"name": "a\x1b[2J\x07 \u009b31m \u0085 \u202eRTL \u2066x\u2069 \u200e\u200f\u061c del\x7f \u2028 Zoë 李 <&>", "plain": "CN=Lee\\, Ann"}
	var b bytes.Buffer
	if err := writeJSON(&b, in); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if termtext.Contains(strings.ReplaceAll(out, "\n", "")) {
		t.Errorf("raw unsafe rune in %q", out)
	}
	for _, want := range []string{`\u001b[2J\u0007`, `\u009b31m`, `\u0085`, `\u202eRTL`, `\u2066x\u2069`, `\u200e\u200f\u061c`, `del\u007f`, `Zoë 李`, "\n  \""} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
	var got map[string]string
	if err := json.Unmarshal(b.Bytes(), &got); err != nil || got["name"] != in["name"] || got["plain"] != in["plain"] {
		t.Errorf("not exact: %q, %v", got, err)
	}
}

func TestExplainJSONGoesThroughWriteJSON(t *testing.T) {
	code, out, _ := run(t, "explain", "--json", "961")
	var v map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || !strings.HasPrefix(out, "{\n  \"") {
		t.Errorf("explain --json: exit %d\n%s", code, out)
	}
}

func FuzzSafeJSON(f *testing.F) {
	f.Add("a\u009b\u202e\x1b\x7f")
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		if err := writeJSON(&b, s); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatalf("%q: %v", b.String(), err)
		}
		want := string([]rune(s)) // encoding/json: U+FFFD for each byte that is not UTF-8
		if got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
		if termtext.Contains(strings.TrimSuffix(b.String(), "\n")) {
			t.Fatalf("unsafe: %q", b.String())
		}
	})
}
