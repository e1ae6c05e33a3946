package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"ocsflags/termtext"
)

// writeJSON is how every --json output is written: indented, one value per
// call, and terminal-safe. encoding/json escapes C0 controls and U+2028/9
// but passes DEL, C1 (U+009B, a CSI to many terminals) and bidi controls
// (U+202E) raw; here every rune termtext.Unsafe names is written as
// \uXXXX too, which is the same JSON value, so the output stays exact for
// a program and harmless on a screen.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(safeJSON(buf.Bytes()))
	return err
}

// safeJSON escapes the unsafe runes of encoded JSON. Outside strings JSON
// is ASCII punctuation, digits and letters, so every rune changed is inside
// a string; encoding/json has already made the text valid UTF-8.
func safeJSON(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == '\n' || !termtext.Unsafe(r) {
			if out != nil {
				out = append(out, b[i:i+n]...)
			}
			i += n
			continue
		}
		if out == nil {
			out = append(make([]byte, 0, len(b)+16), b[:i]...)
		}
		out = fmt.Appendf(out, `\u%04x`, r)
		i += n
	}
	if out == nil {
		return b
	}
	return out
}

// The per-user outputs of find --json and audit --json are written by hand
// (jsonEnc) rather than by encoding/json: at 100k users reflection, the
// indenting pass and safeJSON's second pass were most of the run. The
// bytes are exactly what json.MarshalIndent(v, prefix, "  ") followed by
// safeJSON writes for the same struct (auditJSON, findJSON); a fuzz test
// holds the two side by side.

// jsonEnc appends indented JSON to b. Each line after the first starts
// with prefix and two spaces per level, as MarshalIndent writes it.
type jsonEnc struct {
	b      []byte
	prefix string
	depth  int
	// empty[d] is true while the object or array opened at depth d has
	// no member yet (MarshalIndent writes an empty one as {} or []).
	empty [8]bool
}

func (e *jsonEnc) newline() {
	e.b = append(e.b, '\n')
	e.b = append(e.b, e.prefix...)
	for range e.depth {
		e.b = append(e.b, "  "...)
	}
}

func (e *jsonEnc) open(c byte) {
	e.b = append(e.b, c)
	e.depth++
	e.empty[e.depth] = true
}

func (e *jsonEnc) close(c byte) {
	wasEmpty := e.empty[e.depth]
	e.depth--
	if !wasEmpty {
		e.newline()
	}
	e.b = append(e.b, c)
}

// next starts a member of the object or array open at the current depth.
func (e *jsonEnc) next() {
	if !e.empty[e.depth] {
		e.b = append(e.b, ',')
	}
	e.empty[e.depth] = false
	e.newline()
}

// key starts an object member; k is one of our field names (ASCII letters,
// which JSON writes as they are).
func (e *jsonEnc) key(k string) {
	e.next()
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, `": `...)
}

// objects writes items as an array of objects, each one's fields by
// fields, or null for a nil slice, as encoding/json writes them.
func objects[T any](e *jsonEnc, items []T, fields func(*T)) {
	if items == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.open('[')
	for i := range items {
		e.next()
		e.open('{')
		fields(&items[i])
		e.close('}')
	}
	e.close(']')
}

func (e *jsonEnc) str(s string) { e.b = appendJSONString(e.b, s) }
func (e *jsonEnc) strPtr(p *string) {
	if p == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.str(*p)
}
func (e *jsonEnc) boolean(v bool) { e.b = strconv.AppendBool(e.b, v) }
func (e *jsonEnc) uint32Ptr(p *uint32) {
	if p == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.b = strconv.AppendUint(e.b, uint64(*p), 10)
}

func (e *jsonEnc) strings(ss []string) {
	if ss == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.open('[')
	for _, s := range ss {
		e.next()
		e.str(s)
	}
	e.close(']')
}

const jsonHex = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way encoding/json
// writes it (HTML-safe: < > & as \u escapes; \b \f \n \r \t short; other
// C0 controls as \u00XX; each byte that is not UTF-8 as \ufffd; U+2028/9
// escaped) and with safeJSON's rule on top: every rune termtext.Unsafe
// names as \uXXXX.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' && c != 0x7f {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case termtext.Unsafe(r): // C1, bidi controls, U+2028/9: all below U+10000
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', jsonHex[r>>12&0xf], jsonHex[r>>8&0xf], jsonHex[r>>4&0xf], jsonHex[r&0xf])
		default:
			i += n
			continue
		}
		i += n
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
