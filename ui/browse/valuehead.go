package browse

import (
	"strings"

	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
	"ocsflags/ui/styles"
)

// valueHeader is the first thing the user pane says after the DN: the
// OptionFlags value (as it will be written, with what it was when an edit
// is pending) in decimal and hex with the bits it holds, inferred and
// undocumented ones marked, and the telephony option it makes. It is the
// admin's first question, so it stays on the first screen at any size.
func valueHeader(s session.State, st styles.Styles, w int) []string {
	o, was := s.After.OptionFlags, s.Base.OptionFlags
	var head, legend string
	if !o.Set {
		head = "OptionFlags not set"
	} else {
		bits, l := flags.BitsLine(o.V)
		head, legend = "OptionFlags "+flags.FormatAD(o.V)+" = "+o.V.Hex()+" = "+bits, l
	}
	if o != was {
		w := "not set"
		if was.Set {
			w = flags.FormatAD(was.V)
		}
		head += "  " + st.Changed.Render("* was "+w)
	}
	t := flags.TelephonyOf(o.V)
	tel := "Telephony   " + t.Short() + ": " + t.Label()
	if t.Inferred() {
		tel += "*"
		if !strings.Contains(legend, "inferred") {
			legend = strings.TrimPrefix("* inferred, "+legend, ", ")
			legend = strings.TrimSuffix(legend, ", ")
		}
	}
	if legend != "" {
		tel += " · " + legend
	}
	var out []string
	for i, l := range common.Wrap(head, w) {
		if i > 0 {
			l = "            " + l
		}
		out = append(out, st.Bold.Render(l))
	}
	for i, l := range common.Wrap(tel, w) {
		if i > 0 {
			l = "            " + l
		}
		out = append(out, l)
	}
	return out
}
