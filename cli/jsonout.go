package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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
