package flags

import (
	"fmt"
	"strings"
)

// BitsLine spells the set bits of v for a one-line header, in value
// order: each bit's value with its set name when it has one (256 ep), "*"
// after a bit whose meaning is inferred (512 pbx*) and "?" after one that
// is reserved, undocumented or not in the catalogue (1024?, 2048?). legend
// explains the marks used ("" when none is).
func BitsLine(v Value) (bits, legend string) {
	if v == 0 {
		return "no bit set", ""
	}
	var parts []string
	var inferred, unknown bool
	for _, b := range v.Bits() {
		f, ok := Lookup(b)
		s := fmt.Sprint(uint32(b))
		switch {
		case ok && f.Short != "":
			s += " " + f.Short
			if f.Inferred {
				s += "*"
				inferred = true
			}
		default:
			s += "?"
			unknown = true
		}
		parts = append(parts, s)
	}
	var l []string
	if inferred {
		l = append(l, "* inferred")
	}
	if unknown {
		l = append(l, "? undocumented")
	}
	return strings.Join(parts, " + "), strings.Join(l, ", ")
}
