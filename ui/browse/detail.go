package browse

import (
	"fmt"
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
	"ocsflags/ui/styles"
)

// ItemKind is what a line of the detail pane stands for (common.ItemKind:
// the audit and the editor name the lines too).
type ItemKind = common.ItemKind

const (
	ItEnabled    = common.ItEnabled
	ItSIP        = common.ItSIP
	ItPool       = common.ItPool
	ItVerdict    = common.ItVerdict
	ItFederation = common.ItFederation
	ItRemote     = common.ItRemote
	ItBit        = common.ItBit
	ItTelephony  = common.ItTelephony
	ItLine       = common.ItLine
	ItLineServer = common.ItLineServer
	ItArchive    = common.ItArchive
	ItReserved   = common.ItReserved
	ItUnknown    = common.ItUnknown
	ItValue      = common.ItValue
)

type Item struct {
	Kind ItemKind
	Bit  flags.Value
	Tel  flags.Telephony
}

// Detail is the user pane: the OCS Admin Console's view of one user.
type Detail struct {
	User    directory.User
	Has     bool
	Loading bool
	err     error
	Cursor  int
	offset  int
}

// documentedBits are the bits shown as check boxes, by group.
var (
	federationBits = []flags.Value{flags.PublicIM}
	presenceBits   = []flags.Value{flags.EnhancedPresence}
	meetingBits    = []flags.Value{flags.AnonymousParticipants}
	reservedMask   = func() flags.Value {
		var m flags.Value
		for _, f := range flags.Catalogue {
			if !f.Documented {
				m |= f.Value
			}
		}
		return m
	}()
)

// Items lists the focusable lines in display order.
func Items(s session.State) []Item {
	out := []Item{{Kind: ItEnabled}, {Kind: ItSIP}, {Kind: ItPool}, {Kind: ItVerdict}, {Kind: ItFederation}, {Kind: ItRemote}}
	for _, b := range federationBits {
		out = append(out, Item{Kind: ItBit, Bit: b})
	}
	for _, b := range presenceBits {
		out = append(out, Item{Kind: ItBit, Bit: b})
	}
	for _, t := range flags.TelephonyModes {
		out = append(out, Item{Kind: ItTelephony, Tel: t})
	}
	out = append(out, Item{Kind: ItLine}, Item{Kind: ItLineServer})
	for _, b := range meetingBits {
		out = append(out, Item{Kind: ItBit, Bit: b})
	}
	out = append(out, Item{Kind: ItArchive, Bit: flags.ArchiveInternal}, Item{Kind: ItArchive, Bit: flags.ArchiveFederated})
	both := s.Base.OptionFlags.V | s.After.OptionFlags.V
	for _, b := range (both & reservedMask).Bits() {
		out = append(out, Item{Kind: ItReserved, Bit: b})
	}
	for _, b := range both.Unknown().Bits() {
		out = append(out, Item{Kind: ItUnknown, Bit: b})
	}
	return append(out, Item{Kind: ItValue})
}

// line is one rendered line; item is the index of the item it shows, or -1.
type line struct {
	text string
	item int
}

// enabledBox is the "Enable user" check box as the OCS console shows it:
// ticked only for UserEnabled TRUE with a sign-in name.
func enabledBox(set flags.Settings) bool {
	return set.Enabled.Or(false) && set.SIPAddress.Set
}

func radio(on bool) string {
	if on {
		return "(•)"
	}
	return "( )"
}

// verdictText is the readiness verdict in words, never colour alone: the
// verdict flags.Judge gives, worded as the audit words it.
func verdictText(set flags.Settings, s session.State) (string, readiness) {
	f := s.Findings(set)
	v, e, w := flags.JudgeCounts(f)
	warns := ""
	if w > 0 {
		warns = fmt.Sprintf("%d warning%s", w, common.Plural(w))
	}
	switch v {
	case flags.VerdictReady:
		t := "✓ ready to sign in"
		if w > 0 {
			t = "✓ ready (" + warns + ")"
		}
		if n := flags.NoteFor(flags.Notes(s.Input(set)), flags.FindingADAccountDisabled); n != nil {
			t += " · resource-forest account"
		}
		return t, v
	case flags.VerdictCannotSignIn:
		// The same count as the audit: problems, and warnings after them.
		t := fmt.Sprintf("✗ cannot sign in (%d problem%s", e, common.Plural(e))
		if w > 0 {
			t += ", " + warns
		}
		return t + ")", v
	}
	t := v.Mark() + " " + v.Headline()
	if v == flags.VerdictNotEnabled {
		t = "– not enabled for OCS"
	}
	if w > 0 {
		t += " (" + warns + ")"
	}
	return t, v
}

// originatorNote says what an OriginatorSid means on this object.
func originatorNote(u directory.User) string {
	switch {
	case u.Kind == directory.KindContact:
		return "read-only · central forest: the person's account in their forest"
	case u.Disabled:
		return "read-only · resource forest: the person logs on with this account in the user forest"
	}
	return "read-only · the account in the forest where the person logs on"
}

// policyTexts are the user's msRTCSIP-UserPolicy values of one kind, named
// (kind 0: the values of other or unknown kinds, and ones that do not
// parse). Read-only: ocsflags never writes policies.
func policyTexts(s session.State, kind flags.PolicyKind) []string {
	var out []string
	for _, v := range s.After.Policies {
		p, err := flags.ParsePolicy(v)
		switch {
		case err != nil:
			if kind == 0 {
				out = append(out, "✗ "+termtext.Safe(v)+" (not DN-Binary)")
			}
		case p.Kind == kind:
			out = append(out, session.ObjectName(s, p.DN)+"  (read-only)")
		case kind == 0 && p.Kind != flags.PolicyMeeting && p.Kind != flags.PolicyVoice:
			out = append(out, p.Kind.String()+": "+session.ObjectName(s, p.DN)+"  (read-only)")
		}
	}
	if len(out) == 0 && kind != 0 {
		out = append(out, "(none assigned)")
	}
	return out
}

// locationText is the per-user location profile (OCS 2007 R2).
func locationText(s session.State) string {
	if l := s.After.LocationProfile; l.Set {
		return session.ObjectName(s, l.V) + "  (read-only)"
	}
	return "(none assigned: the pool's default applies)"
}

// render lays out the pane's lines at width w.
func render(s session.State, st styles.Styles, its []Item, cursor, w int) []line {
	var out []line
	add := func(text string, it int) { out = append(out, line{text, it}) }
	heading := func(t string) { add("", -1); add(st.Group.Render(t), -1) }
	idx := 0
	next := func() int { i := idx; idx++; return i }
	mark := func(i int) string {
		if i == cursor {
			return "› "
		}
		return "  "
	}
	const valueW = 10 // "16+128+512", the widest bit pattern
	// row is a check box or radio line: state, bit value, console label, and
	// a note saying what changes; changes carry "*".
	row := func(i int, box, label, bits, note string) string {
		t := mark(i) + box + " " + common.FitRight(bits, valueW) + "  " + label
		if note != "" {
			t += "  " + note
		}
		return t
	}
	changedNote := func(was bool) string { return st.Changed.Render("* was " + common.OnOff(was)) }
	field := func(i int, label, now, was string) {
		now, was = termtext.Safe(now), termtext.Safe(was)
		t := mark(i) + common.Fit(label, 16) + " " + now
		if was != now {
			t += "  " + st.Changed.Render("* was "+was)
		}
		add(t, i)
	}

	// General: what the console shows at the top of the user's properties.
	{
		i := next()
		on, was := enabledBox(s.After), enabledBox(s.Base)
		note := ""
		switch {
		case on != was:
			note = changedNote(was)
		case !on && s.After.Enabled.Or(false):
			note = st.Warn.Render("msRTCSIP-UserEnabled is TRUE, but without a sign-in name OCS treats the user as not enabled")
		}
		add(row(i, common.Check(on), flags.DocEnabled.Label, "", note), i)
	}
	field(next(), flags.DocSIPAddress.Label, session.OptString(s.After.SIPAddress), session.OptString(s.Base.SIPAddress))
	field(next(), flags.DocHomeServer.Label, session.PoolText(s, s.After.HomeServer), session.PoolText(s, s.Base.HomeServer))
	if sid := s.After.OriginatorSid; sid.Set {
		// Read-only: the account the person logs on with in their own
		// forest (resource or central forest).
		add("  "+common.Fit("Originator SID", 16)+" "+termtext.Safe(sid.V)+"  "+st.Dim.Render(originatorNote(s.User)), -1)
	}
	{
		i := next()
		now, r := verdictText(s.After, s)
		was, _ := verdictText(s.Base, s)
		sty := st.Verdict(r)
		if now != was {
			now += " after commit"
		}
		body := sty.Render(now)
		if !strings.HasPrefix(now, was) {
			body += "  " + st.Changed.Render("* now: "+was)
		}
		// The verdict is never cut: it wraps under itself.
		const ind = 2 + 16 + 1
		for j, l := range common.Wrap(body, max(w-ind, 20)) {
			if j == 0 {
				add(mark(i)+common.Fit("Readiness", 16)+" "+l, i)
			} else {
				add(strings.Repeat(" ", ind)+l, i)
			}
		}
	}

	boolRow := func(label string, after, before flags.Opt[bool]) {
		i := next()
		on, was := after.Or(false), before.Or(false)
		note := ""
		if on != was {
			note = changedNote(was)
		}
		add(row(i, common.Check(on), label, "", note), i)
	}
	bitRow := func(b flags.Value) {
		i := next()
		f, _ := flags.Lookup(b)
		on, was := s.After.OptionFlags.V.Has(b), s.Base.OptionFlags.V.Has(b)
		note := ""
		switch {
		case on != was:
			note = changedNote(was)
		case b == flags.EnhancedPresence && was:
			note = st.Dim.Render("locked: one-way")
		}
		add(row(i, common.Check(on), f.Label, fmt.Sprint(uint32(b)), note), i)
	}

	heading("Federation")
	boolRow(flags.DocFederation.Label, s.After.Federation, s.Base.Federation)
	boolRow(flags.DocRemoteAccess.Label, s.After.RemoteAccess, s.Base.RemoteAccess)
	for _, b := range federationBits {
		bitRow(b)
	}
	heading("Presence")
	for _, b := range presenceBits {
		bitRow(b)
	}
	heading("Telephony")
	telNow, telWas := flags.TelephonyOf(s.After.OptionFlags.V), flags.TelephonyOf(s.Base.OptionFlags.V)
	for _, t := range flags.TelephonyModes {
		i := next()
		note := ""
		switch {
		case t == telNow && telNow != telWas:
			note = st.Changed.Render("* was " + telWas.Short())
		case t.Inferred():
			note = st.Dim.Render("inferred")
		}
		add(row(i, radio(t == telNow), t.Label(), t.Bits().SumText(), note), i)
	}
	if telNow == flags.TelephonyInconsistent {
		add("  "+st.Warn.Render(fmt.Sprintf("! Inconsistent: bits %s match no console option; kept as found until you choose one", (s.After.OptionFlags.V&flags.TelephonyMask).SumText())), -1)
	}
	field(next(), "  Line URI", session.OptString(s.After.Line), session.OptString(s.Base.Line))
	field(next(), "  Server URI", session.OptString(s.After.LineServer), session.OptString(s.Base.LineServer))
	for _, p := range policyTexts(s, flags.PolicyVoice) {
		add("  "+common.Fit("  Voice policy", 16)+" "+p, -1)
	}
	add("  "+common.Fit("  Location prof.", 16)+" "+locationText(s), -1)
	heading("Meetings")
	for _, b := range meetingBits {
		bitRow(b)
	}
	for _, p := range policyTexts(s, flags.PolicyMeeting) {
		add("  "+common.Fit("Meeting policy", 16)+" "+p, -1)
	}
	for _, p := range policyTexts(s, 0) {
		add("  "+common.Fit("Other policy", 16)+" "+p, -1)
	}
	heading(flags.DocArchiving.Label)
	for _, b := range []flags.Value{flags.ArchiveInternal, flags.ArchiveFederated} {
		i := next()
		on, was := s.After.Archiving.V.Has(b), s.Base.Archiving.V.Has(b)
		note := ""
		if on != was {
			note = changedNote(was)
		}
		add(row(i, common.Check(on), flags.ArchivingLabel(b), fmt.Sprint(uint32(b)), note), i)
	}
	if a := s.After.Archiving; a.Set && a.V&^(flags.ArchiveInternal|flags.ArchiveFederated) != 0 {
		add("  "+st.Warn.Render(fmt.Sprintf("! msRTCSIP-ArchivingEnabled is %s: LCS 2005 value, kept as found", flags.FormatAD(a.V))), -1)
	}

	both := s.Base.OptionFlags.V | s.After.OptionFlags.V
	if both&reservedMask != 0 || both.Unknown() != 0 {
		heading("Reserved and undocumented bits (read-only, kept as found)")
		for _, b := range (both & reservedMask).Bits() {
			i := next()
			f, _ := flags.Lookup(b)
			add(row(i, common.Check(s.After.OptionFlags.V.Has(b)), f.Name, fmt.Sprint(uint32(b)), ""), i)
		}
		for _, b := range both.Unknown().Bits() {
			i := next()
			add(row(i, common.Check(s.After.OptionFlags.V.Has(b)), fmt.Sprintf("unknown bit %d (not in the catalogue)", flags.BitIndex(b)), fmt.Sprint(uint32(b)), ""), i)
		}
	}

	heading(flags.AttrOptionFlags)
	i := next()
	for j, l := range valueLines(s, st, w-2) {
		if j == 0 {
			add(mark(i)+l, i)
		} else {
			add("  "+l, i)
		}
	}
	if s.ApplyErr != nil {
		add("  "+st.Bad.Render("✗ pending edits cannot apply: "+termtext.Safe(s.ApplyErr.Error())), -1)
	}
	return out
}

// valueLines show OptionFlags as read and as it will be written, in
// decimal, hex and binary, with the changed bits marked under the binary.
func valueLines(s session.State, st styles.Styles, w int) []string {
	read, write := s.Base.OptionFlags, s.After.OptionFlags
	dec := func(o flags.Opt[flags.Value]) string {
		if !o.Set {
			return "(not set)"
		}
		return flags.FormatAD(o.V)
	}
	dw := max(len(dec(read)), len(dec(write)))
	one := func(label string, o flags.Opt[flags.Value]) (head, bin string) {
		head = common.Fit(label, 10) + common.FitRight(dec(o), dw)
		if !o.Set {
			return head, ""
		}
		return head + "  " + o.V.Hex(), o.V.Binary()
	}
	changed := read.V ^ write.V
	if read.Set != write.Set {
		changed = read.V | write.V
	}
	var out []string
	h1, b1 := one("as read", read)
	h2, b2 := one("to write", write)
	if read == write {
		h2, b2 = common.Fit("to write", 10)+"(unchanged)", ""
	}
	headW := max(len(h1), len(h2)) + 2
	inline := headW+39 <= w
	emit := func(h, b, note string) {
		if note != "" {
			note = "  " + note
		}
		switch {
		case b == "":
			out = append(out, h+note)
		case inline:
			out = append(out, common.Fit(h, headW)+b+note)
		default:
			out = append(out, h+note, "    "+b)
		}
	}
	emit(h1, b1, "")
	note := ""
	if changed != 0 {
		note = st.Changed.Render("* " + flags.Diff(read.V, write.V).String())
	}
	emit(h2, b2, note)
	if changed != 0 && b2 != "" {
		// A caret under each changed binary digit (digits are grouped in 4s).
		marks := []byte(strings.Repeat(" ", 39))
		for _, b := range changed.Bits() {
			d := 31 - flags.BitIndex(b)
			marks[d+d/4] = '^'
		}
		pad := "    "
		if inline {
			pad = strings.Repeat(" ", headW)
		}
		out = append(out, st.Changed.Render(strings.TrimRight(pad+string(marks), " ")))
	}
	return out
}

// editable reports whether enter/space on an item of kind opens the editor.
func editable(kind ItemKind) bool {
	return kind == ItSIP || kind == ItLine || kind == ItLineServer
}
