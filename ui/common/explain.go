package common

import (
	"fmt"

	"ocsflags/flags"
)

// ExplainBit is the catalogue's account of one OptionFlags bit: official
// name, value and bit, where the console shows it, what it does, caveats,
// versions.
func ExplainBit(b flags.Value, w int) []string {
	f, ok := flags.Lookup(b)
	if !ok {
		return Para(w,
			fmt.Sprintf("Bit %d, value %d: not in the catalogue.", flags.BitIndex(b), uint32(b)),
			"No OCS 2007/R2 documentation names it; ocsflags shows it and keeps it exactly as found on every write.")
	}
	title := f.Label
	if title == "" {
		title = f.Name
	}
	out := []string{title}
	out = append(out, Para(w,
		fmt.Sprintf("%s · value %d · bit %d", f.Name, uint32(f.Value), f.Bit),
	)...)
	if f.ConsolePath != "" {
		out = append(out, Para(w, "Console: "+f.ConsolePath)...)
	}
	out = append(out, Para(w, f.Explain)...)
	if f.Caveat != "" {
		out = append(out, Para(w, "Caveat: "+f.Caveat)...)
	}
	v := "Versions: " + f.Versions
	if f.Inferred {
		v += " · inferred, not documented by Microsoft"
	}
	return append(out, Para(w, v)...)
}

// Para wraps each paragraph to w.
func Para(w int, ps ...string) []string {
	var out []string
	for _, p := range ps {
		out = append(out, Wrap(p, w)...)
	}
	return out
}
