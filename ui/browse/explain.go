package browse

import (
	"fmt"
	"strings"

	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
)

// explainItem is the explanation panel for the focused detail line.
func explainItem(it Item, s session.State, w int) []string {
	switch it.Kind {
	case ItBit, ItReserved, ItUnknown:
		return common.ExplainBit(it.Bit, w)
	case ItTelephony:
		t := it.Tel
		out := []string{"Telephony: " + t.Label()}
		out = append(out, common.Para(w, fmt.Sprintf("msRTCSIP-OptionFlags bits %s of the radio group 16/128/512 · short name %q", t.Bits().SumText(), t.Short()))...)
		out = append(out, common.Para(w, "Console: "+flags.ConsolePathOptions+" › Telephony (one option of five).")...)
		for _, b := range t.Bits().Bits() {
			if f, ok := flags.Lookup(b); ok {
				out = append(out, common.Para(w, fmt.Sprintf("%d %s: %s", uint32(b), f.Name, f.Explain))...)
			}
		}
		if t == flags.TelephonyPCOnly {
			out = append(out, common.Para(w, "No telephony: Communicator calls PC to PC only; clears 16, 128 and 512.")...)
		}
		if t.Inferred() {
			out = append(out, common.Para(w, "The bit pattern of this option is inferred, not documented by Microsoft.")...)
		}
		if flags.TelephonyOf(s.After.OptionFlags.V) == flags.TelephonyInconsistent {
			out = append(out, common.Para(w, "This user's telephony bits match no option: choosing one replaces them; until then they are kept as found.")...)
		}
		return out
	case ItArchive:
		a := attrInfos[ItArchive]
		out := []string{flags.ArchivingLabel(it.Bit)}
		out = append(out, common.Para(w, fmt.Sprintf("%s · value %d · %s", a.attr, uint32(it.Bit), a.syntax))...)
		out = append(out, common.Para(w, "Console: "+flags.ConsolePathOptions+" › Archiving")...)
		out = append(out, common.Para(w, a.explain)...)
		return append(out, common.Para(w, "Caveat: "+a.caveat)...)
	case ItValue:
		return explainValue(s.After.OptionFlags, w)
	case ItVerdict:
		a := attrInfos[ItVerdict]
		out := []string{a.label}
		out = append(out, common.Para(w, a.explain)...)
		for _, f := range s.Findings(s.After) {
			mark := "✗"
			if f.Severity == flags.Warning {
				mark = "!"
			}
			out = append(out, common.Para(w, termtext.Safe(fmt.Sprintf("%s %s (%s): %s", mark, f.Problem, f.ID, f.Experience)))...)
		}
		for _, n := range flags.Notes(s.Input(s.After)) {
			out = append(out, common.Para(w, "✓ "+termtext.Safe(n.Message))...)
		}
		return append(out, common.Para(w, a.caveat)...)
	}
	a := attrInfos[it.Kind]
	out := []string{a.label}
	out = append(out, common.Para(w, a.attr+" · "+a.syntax)...)
	path := generalPath
	switch it.Kind {
	case ItFederation, ItRemote:
		path = flags.ConsolePathOptions + " › Federation"
	case ItLine, ItLineServer:
		path = flags.ConsolePathOptions + " › Telephony"
	}
	out = append(out, common.Para(w, "Console: "+path)...)
	out = append(out, common.Para(w, a.explain)...)
	return append(out, common.Para(w, "Caveat: "+a.caveat)...)
}

// explainValue decodes a whole OptionFlags value, like `ocsflags explain`.
func explainValue(o flags.Opt[flags.Value], w int) []string {
	out := []string{flags.AttrOptionFlags}
	if !o.Set {
		return append(out, common.Para(w, "Not set: the user was never provisioned for OCS 2007 (absent is not 0: 0 means a user moved from LCS 2005 without enhanced presence). Any bit set here creates the attribute.")...)
	}
	e := flags.Explain(o.V)
	out = append(out, common.Para(w, fmt.Sprintf("%d = %s = %s · telephony: %s", e.Value, e.Hex, o.V.SumText(), flags.TelephonyOf(o.V).Label()))...)
	var set []string
	for _, f := range e.Features {
		if f.Set {
			n := f.Label
			if n == "" {
				n = f.Name
			}
			set = append(set, fmt.Sprintf("%d %s", f.Value, n))
		}
	}
	for _, u := range e.Unknown {
		set = append(set, fmt.Sprintf("%d unknown", u))
	}
	if len(set) == 0 {
		set = []string{"no bit set"}
	}
	out = append(out, common.Para(w, "Set: "+strings.Join(set, "; "))...)
	return append(out, common.Para(w, "Every write sets or clears only the bits you toggled: reserved and unknown bits stay exactly as found.")...)
}
