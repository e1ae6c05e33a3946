package flags

import (
	"fmt"
	"strings"
)

// BitUndo is the inverse of one recorded bit-mask change (before → after),
// worked out on the value the directory holds now: the bits the change set
// are cleared and the bits it cleared are set again, every other bit stays
// as it is now.
type BitUndo struct {
	// Delta is what to write: it never names a bit the change did not
	// touch, a one-way bit, or a refused bit.
	Delta Delta
	// Refused are the bits the change touched that the directory no longer
	// holds as the change left them (someone changed them since): they are
	// left as they are now.
	Refused Value
	// Kept are one-way bits the change set (enhanced presence): never
	// cleared, so the undo leaves them set.
	Kept Value
}

// Done reports whether the undo takes the whole change back.
func (u BitUndo) Done() bool { return u.Refused == 0 && u.Kept == 0 }

// UndoBits is the inverse of the change before → after on now. oneWay are
// bits that are never cleared once set. Each of groups is a set of bits
// that only make sense together (the Telephony radio group): when any bit
// of a group the change touched is refused, every bit of that group the
// change touched is refused, so an undo never leaves half of a radio
// option.
func UndoBits(before, after, now, oneWay Value, groups ...Value) BitUndo {
	set, cleared := after&^before, before&^after
	var u BitUndo
	u.Kept = set & oneWay
	set &^= oneWay
	// As the change left them: set bits still set, cleared bits still
	// clear.
	u.Refused = set&^now | cleared&now
	for _, g := range groups {
		if u.Refused&g != 0 {
			u.Refused |= (set | cleared) & g
		}
	}
	u.Delta = Delta{Set: cleared &^ u.Refused, Clear: set &^ u.Refused}
	return u
}

// UndoOptionFlags is UndoBits for msRTCSIP-OptionFlags: enhanced presence
// is one-way and the Telephony bits go back together or not at all.
func UndoOptionFlags(before, after, now Value) BitUndo {
	return UndoBits(before, after, now, EnhancedPresence, TelephonyMask)
}

// BitName is how a single OptionFlags bit is named to an admin: its
// command-line name (anonymous, ep), or what the catalogue calls a bit
// nobody toggles by name (reserved, undocumented), or "unknown".
func BitName(b Value) string {
	f, ok := Lookup(b)
	switch {
	case !ok:
		return "unknown"
	case f.Short != "":
		return f.Short
	case f.Documented:
		return f.Name
	}
	// "undocumented (a public decoder calls it …)" is for the detail view.
	name, _, _ := strings.Cut(f.Name, " (")
	return name
}

// DeltaNames is a delta of OptionFlags with each bit named: "+64 anonymous
// -1 pic"; "no change" for none.
func DeltaNames(d Delta) string {
	parts := DeltaParts(d, BitName)
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, " ")
}

// DeltaParts is each bit a delta sets ("+64 NAME") and then clears ("-1
// NAME"), named by name: the one order every surface lists a delta in.
func DeltaParts(d Delta, name func(Value) string) []string {
	var parts []string
	for _, b := range d.Set.Bits() {
		parts = append(parts, fmt.Sprintf("+%d %s", uint32(b), name(b)))
	}
	for _, b := range d.Clear.Bits() {
		parts = append(parts, fmt.Sprintf("-%d %s", uint32(b), name(b)))
	}
	return parts
}

// BitsNames is every bit of v named, as DeltaNames names them without the
// sign: "64 anonymous, 1024 undocumented".
func BitsNames(v Value) string {
	var parts []string
	for _, b := range v.Bits() {
		parts = append(parts, fmt.Sprintf("%d %s", uint32(b), BitName(b)))
	}
	return strings.Join(parts, ", ")
}
