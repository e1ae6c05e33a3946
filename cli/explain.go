package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"ocsflags/flags"
)

func runExplain(args []string, env Env) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	// Accepted like every command's --demo, so scripts can pass the same
	// options everywhere; explain reads no directory.
	fs.Bool("demo", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("explain takes one value, e.g. ocsflags explain 961 (decimal, 0x hex, or AD's negative form such as -1)")
	}
	v, err := flags.ParseInput(pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.Stdout, flags.Explain(v))
	}
	WriteExplanation(env.Stdout, v)
	return nil
}

// WriteExplanation prints a decoded value for a person, grouped like the
// OCS Admin Console.
func WriteExplanation(w io.Writer, v flags.Value) {
	fmt.Fprintf(w, "msRTCSIP-OptionFlags %d\n", uint32(v))
	fmt.Fprintf(w, "  decimal %d   AD form %s   hex %s\n  binary  %s\n", uint32(v), flags.FormatAD(v), v.Hex(), v.Binary())
	var caveats []flags.Feature
	for _, g := range flags.Groups {
		title := g.String()
		if g == flags.GroupTelephony {
			t := flags.TelephonyOf(v)
			title += ": " + t.Label()
			if t.Inferred() {
				title += " (bit pattern inferred)"
			}
		}
		fmt.Fprintf(w, "\n%s\n", title)
		for _, f := range flags.InGroup(g) {
			mark := "[ ]"
			if v.Has(f.Value) {
				mark = "[x]"
				if f.Caveat != "" && f.Documented {
					caveats = append(caveats, f)
				}
			}
			label := f.Label
			if label == "" {
				label = f.Name
			}
			if f.Inferred && f.Documented {
				label += " (inferred)"
			}
			fmt.Fprintf(w, "  %s %4d  %s\n", mark, uint32(f.Value), label)
		}
	}
	if u := v.Unknown(); u != 0 {
		var parts []string
		for _, b := range u.Bits() {
			parts = append(parts, fmt.Sprintf("%d (bit %d)", uint32(b), flags.BitIndex(b)))
		}
		fmt.Fprintf(w, "\nUnknown bits, kept unchanged on every write: %s\n", strings.Join(parts, ", "))
	}
	if set := v & flags.KnownMask &^ documentedMask(); set != 0 {
		fmt.Fprintf(w, "\nReserved or undocumented bits are set (%s): ocsflags keeps them exactly as found.\n", flags.Delta{Set: set})
	}
	if len(caveats) > 0 {
		fmt.Fprintf(w, "\nCaveats\n")
		for _, f := range caveats {
			fmt.Fprintf(w, "  %s (%d): %s\n", f.Label, uint32(f.Value), f.Caveat)
		}
	}
}

func documentedMask() flags.Value {
	var m flags.Value
	for _, f := range flags.Catalogue {
		if f.Documented {
			m |= f.Value
		}
	}
	return m
}
