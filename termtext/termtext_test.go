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
		{"Zoë Ångström 李", "Zoë Ångström 李"},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
		{"\x1b[2J\x1b[6n", `\x1b[2J\x1b[6n`},
		{"\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;http://evil\x1b\click\x1b]8;;\x1b\`},
		{"a\r\nb\tc\x00", `a\x0d\x0ab\x09c\x00`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"\u0085next line", `\u0085next line`},
		{"evil\u202egpj.exe", `evil\u202egpj.exe`},
		{"\u2066iso\u2069 \u200e\u200f\u061c \u2028\u2029", `\u2066iso\u2069 \u200e\u200f\u061c \u2028\u2029`},
		{"bad \xff\x9b utf8", `bad \xff\x9b utf8`},
		// DNs read as AD writes them.
		{`CN=Lee\, Ann,OU=Sales`, `CN=Lee\, Ann,OU=Sales`},
		{`CN=a\\b`, `CN=a\\b`},
		{`CN=x\0Ay`, `CN=x\0Ay`},
		// A backslash that would read as an escape is doubled.
		{`\x1b`, `\\x1b`},
		{`C:\users`, `C:\\users`},
		{"\\\x1b", `\\\x1b`},
		{`\\x`, `\\\\x`},
		{`trailing\`, `trailing\`},
	} {
		if got := Safe(c.in); got != c.want {
			t.Errorf("Safe(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := unescape(Safe(c.in)); got != c.in {
			t.Errorf("unescape(Safe(%q)) = %q", c.in, got)
		}
	}
}

func TestSafeDoesNotAllocateForPlainText(t *testing.T) {
	s := strings.Repeat("CN=Lee\\, Ann,OU=Sales,DC=corp ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = Safe(s) }); n != 0 {
		t.Fatalf("Safe allocated %v times for plain text", n)
	}
}

func TestContains(t *testing.T) {
	for s, want := range map[string]bool{
		"sip:ann@corp.example": false, `CN=Lee\, Ann`: false, `\x1b`: false,
		"a\x1bb": true, "a\nb": true, "\u009b": true, "\u202e": true, "\xff": true,
	} {
		if got := Contains(s); got != want {
			t.Errorf("Contains(%q) = %v, want %v", s, got, want)
		}
	}
}

// unescape reads Safe's output back, following its documented grammar; the
// tests use it to show that nothing is lost or ambiguous.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '\\' {
			j++
		}
		k := j - i
		if j < len(s) && (s[j] == 'x' || s[j] == 'u') {
			b.WriteString(strings.Repeat(`\`, k/2))
			if k%2 == 1 {
				digits := 2
				if s[j] == 'u' {
					digits = 4
				}
				v, err := strconv.ParseUint(s[j+1:j+1+digits], 16, 32)
				if err != nil {
					panic(err)
				}
				if s[j] == 'u' || v < 0x80 {
					b.WriteRune(rune(v))
				} else {
					b.WriteByte(byte(v)) // an invalid UTF-8 byte
				}
				i = j + 1 + digits
				continue
			}
			i = j
			continue
		}
		b.WriteString(s[i:j])
		i = j
	}
	return b.String()
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
		if got := unescape(out); got != s {
			t.Fatalf("Safe(%q) = %q reads back as %q", s, out, got)
		}
		if Contains(out) {
			t.Fatalf("Contains(Safe(%q)) is true", s)
		}
		printable := !Contains(s) && !strings.Contains(s, `\x`) && !strings.Contains(s, `\u`)
		if printable && out != s {
			t.Fatalf("Safe(%q) = %q changed printable text", s, out)
		}
	})
}
