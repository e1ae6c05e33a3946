// Package termtext renders text that came from a directory or a file for a
// terminal. A value is data, never an instruction to the terminal: an ESC in
// a displayName must not clear the screen, set the title or paint a fake
// "✓ READY", and a right-to-left override must not reorder what the admin
// reads. Dropping such characters would hide that a stored value is odd, so
// they are shown as visible escapes instead.
//
// Safe is the one function that does it; the console and every text output
// of the command line call it for every value they did not write themselves.
// JSON output does not: encoding/json already escapes and must stay exact.
package termtext

import (
	"strings"
	"unicode/utf8"
)

// Unsafe reports whether r is shown escaped: C0 controls (NUL … US, which
// includes TAB, LF and CR), DEL, C1 controls (U+0080–U+009F, which terminals
// treat as CSI, OSC and friends), the bidirectional controls (ALM U+061C,
// LRM/RLM U+200E/U+200F, the embeddings and overrides U+202A–U+202E, the
// isolates U+2066–U+2069) and the line and paragraph separators U+2028 and
// U+2029, which some terminals and pagers break lines at.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// Safe returns s with every unsafe rune (see Unsafe) and every byte that is
// not valid UTF-8 shown as a visible escape, and everything else unchanged:
//
//   - a C0 control or DEL as \xHH (ESC is \x1b, LF is \x0a);
//   - any other unsafe rune as \uHHHH (U+009B is \u009b, RLO is \u202e);
//   - a byte that is not valid UTF-8 as \xHH (a lone 0x9b is \x9b).
//
// A backslash is never doubled: DNs read as AD writes them (CN=Lee\, Ann,
// CN=a\\b, CN=x\0Ay), CORP\user stays CORP\user, and a message that already
// quotes a value with %q is not escaped twice, so Safe(Safe(s)) == Safe(s)
// and a caller cannot get it wrong by escaping a message that holds an
// escaped value. The price is that a value holding the literal text \x1b
// reads like one holding ESC; the audit's control-characters finding (which
// looks at the stored bytes) tells them apart, and neither reaches the
// terminal as a control character.
//
// Text without unsafe runes or invalid bytes is returned as is, without
// allocating.
func Safe(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			writeHex(&b, 'x', uint32(s[i]), 2)
		case r < 0x20 || r == 0x7f:
			writeHex(&b, 'x', uint32(r), 2)
		case Unsafe(r):
			writeHex(&b, 'u', uint32(r), 4)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// firstUnsafe returns the index of the first byte Safe must change, or -1.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || Unsafe(r) {
			return i
		}
		i += n
	}
	return -1
}

const hexDigits = "0123456789abcdef"

func writeHex(b *strings.Builder, kind byte, v uint32, digits int) {
	b.WriteByte('\\')
	b.WriteByte(kind)
	for d := digits - 1; d >= 0; d-- {
		b.WriteByte(hexDigits[v>>(4*uint(d))&0xf])
	}
}

// Contains reports whether s holds a character Safe shows escaped (an
// unsafe rune or invalid UTF-8). The audit uses it to flag a stored value
// that is odd.
func Contains(s string) bool { return firstUnsafe(s) >= 0 }

// Quote is s in double quotes as ocsflags quotes a value in a message: with
// Safe's escapes (\x07, \u202e), the one style every output uses, where
// %q would write Go's (\a) and double every backslash of a DN.
func Quote(s string) string { return `"` + Safe(s) + `"` }
