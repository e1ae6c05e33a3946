package termtext

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafe(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Ann Lee", "Ann Lee"},
		{"Zoë Ångström 李 \ufffd", "Zoë Ångström 李 \ufffd"},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
		{"\x1b[2J\x1b[6n", `\x1b[2J\x1b[6n`},
		{"\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;http://evil\x1b\click\x1b]8;;\x1b\`},
		{"a\r\nb\tc\x00", `a\x0d\x0ab\x09c\x00`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"\u0085next line", `\u0085next line`},
		{"evil\u202egpj.exe", `evil\u202egpj.exe`},
		{"\u2066iso\u2069 \u200e\u200f\u061c \u2028\u2029", `\u2066iso\u2069 \u200e\u200f\u061c \u2028\u2029`},
		{"bad \xff\x9b utf8 \xc3", `bad \xff\x9b utf8 \xc3`},
		// Backslashes stay as they are: DNs read as AD writes them.
		{`CN=Lee\, Ann,OU=Sales`, `CN=Lee\, Ann,OU=Sales`},
		{`CN=a\\b`, `CN=a\\b`},
		{`CN=x\0Ay`, `CN=x\0Ay`},
		{`CORP\user`, `CORP\user`},
		{`\x1b`, `\x1b`},
		{"\\\x1b", `\\x1b`},
	} {
		if got := Safe(c.in); got != c.want {
			t.Errorf("Safe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSafeDoesNotAllocateForPlainText(t *testing.T) {
	s := strings.Repeat("CN=Lee\\, Ann,OU=Sales,DC=corp Zoë ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = Safe(s) }); n != 0 {
		t.Fatalf("Safe allocated %v times for plain text", n)
	}
}

func TestContains(t *testing.T) {
	for s, want := range map[string]bool{
		"sip:ann@corp.example": false, `CN=Lee\, Ann`: false, `\x1b`: false, "Zoë": false,
		"a\x1bb": true, "a\nb": true, "\t": true, "\u009b": true, "\u202e": true, "\u2067": true, "\xff": true,
	} {
		if got := Contains(s); got != want {
			t.Errorf("Contains(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzSafe(f *testing.F) {
	for _, s := range []string{"", "Ann", "\x1b[31m✓ READY\x1b[0m", "\x1b]8;;http://x\x07a\x1b]8;;\x07", "a\r\nb", "\u009b2J", "\u202e", `\x1b`, "\\\x00", `CN=a\,b`, "\xc2", "\xe2\x80", "\\\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Safe(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Safe(%q) = %q is not valid UTF-8", s, out)
		}
		for _, r := range out {
			if Unsafe(r) {
				t.Fatalf("Safe(%q) = %q holds %U", s, out, r)
			}
		}
		if Contains(out) {
			t.Fatalf("Contains(Safe(%q)) is true", s)
		}
		if Safe(out) != out {
			t.Fatalf("Safe is not idempotent on %q: %q, then %q", s, out, Safe(out))
		}
		if !Contains(s) && out != s {
			t.Fatalf("Safe(%q) = %q changed printable text", s, out)
		}
		// Nothing is dropped: every rune of s is in out, as is or as its
		// escape, in order.
		rest := out
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			want := s[i : i+n]
			switch {
			case r == utf8.RuneError && n == 1, r < 0x20, r == 0x7f:
				want = `\x` + hex2(uint64(s[i]))
			case Unsafe(r):
				want = `\u` + strings.Repeat("0", 4-len(strconv.FormatUint(uint64(r), 16))) + strconv.FormatUint(uint64(r), 16)
			}
			if !strings.HasPrefix(rest, want) {
				t.Fatalf("Safe(%q) = %q: at byte %d expected %q, have %q", s, out, i, want, rest)
			}
			rest = rest[len(want):]
			i += n
		}
		if rest != "" {
			t.Fatalf("Safe(%q) = %q added %q", s, out, rest)
		}
	})
}

func hex2(v uint64) string {
	h := strconv.FormatUint(v, 16)
	if len(h) < 2 {
		h = "0" + h
	}
	return h
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{"tel:+1\x07": `"tel:+1\x07"`, `CORP\user`: `"CORP\user"`, "a\u202eb": `"a\u202eb"`, "": `""`} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
