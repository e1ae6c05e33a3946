package ui

import (
	"fmt"
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

// itemKind is what a line of the detail pane stands for.
type itemKind int

const (
	itEnabled itemKind = iota
	itSIP
	itPool
	itVerdict
	itFederation
	itRemote
	itBit // a documented OptionFlags check box
	itTelephony
	itLine
	itLineServer
	itArchive
	itReserved // a reserved or undocumented bit that is set: read-only
	itUnknown  // a bit above the catalogue that is set: read-only
	itValue    // the msRTCSIP-OptionFlags value line
)

type item struct {
	kind itemKind
	bit  flags.Value
	tel  flags.Telephony
}

// detailModel is the user pane: the OCS Admin Console's view of one user.
type detailModel struct {
	user    directory.User
	has     bool
	loading bool
	err     error
	cursor  int
	offset  int
}

// state is what the pane shows: the user as read (base) and as it will be
// written (after), which differ only by pending edits.
type state struct {
	base, after  flags.Settings
	applyErr     error
	pending      bool
	pools        poolSet
	poolsUnknown bool
	// others gives the other objects holding a SIP address, as far as the
	// look-up started when the user was opened has answered (nil before).
	others func(addr string) []string
	// adDisabled: the AD account itself is disabled (userAccountControl).
	adDisabled bool
}

func (s state) isPool(dn string) bool { _, ok := s.pools.lookup(dn); return ok }

// findings are the readiness rules on set, with the duplicate check as far
// as the look-up knows.
func (s state) findings(set flags.Settings) []flags.Finding {
	in := flags.AuditInput{Settings: set, IsPool: s.isPool}
	if set.SIPAddress.Set && s.others != nil {
		in.OtherHolders = s.others(set.SIPAddress.V)
	}
	return flags.Audit(in)
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

// items lists the focusable lines in display order.
func items(s state) []item {
	out := []item{{kind: itEnabled}, {kind: itSIP}, {kind: itPool}, {kind: itVerdict}, {kind: itFederation}, {kind: itRemote}}
	for _, b := range federationBits {
		out = append(out, item{kind: itBit, bit: b})
	}
	for _, b := range presenceBits {
		out = append(out, item{kind: itBit, bit: b})
	}
	for _, t := range flags.TelephonyModes {
		out = append(out, item{kind: itTelephony, tel: t})
	}
	out = append(out, item{kind: itLine}, item{kind: itLineServer})
	for _, b := range meetingBits {
		out = append(out, item{kind: itBit, bit: b})
	}
	out = append(out, item{kind: itArchive, bit: flags.ArchiveInternal}, item{kind: itArchive, bit: flags.ArchiveFederated})
	both := s.base.OptionFlags.V | s.after.OptionFlags.V
	for _, b := range (both & reservedMask).Bits() {
		out = append(out, item{kind: itReserved, bit: b})
	}
	for _, b := range both.Unknown().Bits() {
		out = append(out, item{kind: itUnknown, bit: b})
	}
	return append(out, item{kind: itValue})
}

// line is one rendered line; item is the index of the item it shows, or -1.
type line struct {
	text string
	item int
}

func check(on bool) string {
	if on {
		return "[x]"
	}
	return "[ ]"
}

func radio(on bool) string {
	if on {
		return "(•)"
	}
	return "( )"
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// bitsText is a bit pattern as the sum a person reads: 16+128+512.
func bitsText(v flags.Value) string {
	if v == 0 {
		return "0"
	}
	var p []string
	for _, b := range v.Bits() {
		p = append(p, fmt.Sprint(uint32(b)))
	}
	return strings.Join(p, "+")
}

func optString(o flags.Opt[string]) string {
	if !o.Set {
		return "(not set)"
	}
	return o.V
}

// poolText names a home server the way the console does: by the pool's host.
func poolText(s state, o flags.Opt[string]) string {
	switch {
	case !o.Set:
		return "(not set)"
	case s.poolsUnknown:
		return o.V + " (pools could not be read)"
	}
	if p, ok := s.pools.lookup(o.V); ok {
		host := p.Host
		if host == "" {
			host = "(pool without dNSHostName) " + p.DN
		}
		return host
	}
	if flags.IsDeletedReference(o.V) {
		return "✗ a pool that was deleted"
	}
	return "✗ not a pool: " + o.V
}

// verdictText is the readiness verdict in words, never colour alone.
func verdictText(set flags.Settings, s state) (string, readiness) {
	t, r := ocsVerdict(set, s)
	if r == ready && s.adDisabled {
		// Sound OCS settings, but the AD account is disabled: it cannot
		// authenticate, so it cannot sign in either (inferred).
		return t + " — but the AD account is disabled", r
	}
	return t, r
}

func ocsVerdict(set flags.Settings, s state) (string, readiness) {
	f := s.findings(set)
	r := notEnabled
	if set.Enabled.Or(false) {
		r = problems
		if flags.Ready(f) {
			r = ready
		}
	}
	e, w := flags.Counts(f)
	warns := ""
	if w > 0 {
		warns = fmt.Sprintf("%d warning%s", w, plural(w))
	}
	switch r {
	case ready:
		if w > 0 {
			return "✓ ready (" + warns + ")", r
		}
		return "✓ ready to sign in", r
	case problems:
		// The same count as the audit: problems, and warnings after them.
		t := fmt.Sprintf("✗ cannot sign in (%d problem%s", e, plural(e))
		if w > 0 {
			t += ", " + warns
		}
		return t + ")", r
	}
	return "– not enabled for OCS", r
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// render lays out the pane's lines at width w.
func render(s state, st styles, its []item, cursor, w int) []line {
	var out []line
	add := func(text string, it int) { out = append(out, line{text, it}) }
	heading := func(t string) { add("", -1); add(st.group.Render(t), -1) }
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
		t := mark(i) + box + " " + fitRight(bits, valueW) + "  " + label
		if note != "" {
			t += "  " + note
		}
		return t
	}
	changedNote := func(was bool) string { return st.changed.Render("* was " + onOff(was)) }
	field := func(i int, label, now, was string) {
		now, was = termtext.Safe(now), termtext.Safe(was)
		t := mark(i) + fit(label, 16) + " " + now
		if was != now {
			t += "  " + st.changed.Render("* was "+was)
		}
		add(t, i)
	}

	// General: what the console shows at the top of the user's properties.
	{
		i := next()
		on, was := s.after.Enabled.Or(false), s.base.Enabled.Or(false)
		note := ""
		if on != was {
			note = changedNote(was)
		}
		add(row(i, check(on), "Enable user for Office Communications Server", "", note), i)
	}
	field(next(), "Sign-in name", optString(s.after.SIPAddress), optString(s.base.SIPAddress))
	field(next(), "Server or pool", poolText(s, s.after.HomeServer), poolText(s, s.base.HomeServer))
	{
		i := next()
		now, r := verdictText(s.after, s)
		was, _ := verdictText(s.base, s)
		sty := st.dim
		switch r {
		case ready:
			sty = st.ok
		case problems:
			sty = st.bad
		}
		if now != was {
			now += " after commit"
		}
		t := mark(i) + fit("Readiness", 16) + " " + sty.Render(now)
		if !strings.HasPrefix(now, was) {
			t += "  " + st.changed.Render("* now: "+was)
		}
		add(t, i)
	}

	boolRow := func(label string, after, before flags.Opt[bool]) {
		i := next()
		on, was := after.Or(false), before.Or(false)
		note := ""
		if on != was {
			note = changedNote(was)
		}
		add(row(i, check(on), label, "", note), i)
	}
	bitRow := func(b flags.Value) {
		i := next()
		f, _ := flags.Lookup(b)
		on, was := s.after.OptionFlags.V.Has(b), s.base.OptionFlags.V.Has(b)
		note := ""
		switch {
		case on != was:
			note = changedNote(was)
		case b == flags.EnhancedPresence && was:
			note = st.dim.Render("locked: one-way")
		}
		add(row(i, check(on), f.Label, fmt.Sprint(uint32(b)), note), i)
	}

	heading("Federation")
	boolRow("Enable federation", s.after.Federation, s.base.Federation)
	boolRow("Enable remote user access", s.after.RemoteAccess, s.base.RemoteAccess)
	for _, b := range federationBits {
		bitRow(b)
	}
	heading("Presence")
	for _, b := range presenceBits {
		bitRow(b)
	}
	heading("Telephony")
	telNow, telWas := flags.TelephonyOf(s.after.OptionFlags.V), flags.TelephonyOf(s.base.OptionFlags.V)
	for _, t := range flags.TelephonyModes {
		i := next()
		note := ""
		switch {
		case t == telNow && telNow != telWas:
			note = st.changed.Render("* was " + telWas.Short())
		case t.Inferred():
			note = st.dim.Render("inferred")
		}
		add(row(i, radio(t == telNow), t.Label(), bitsText(t.Bits()), note), i)
	}
	if telNow == flags.TelephonyInconsistent {
		add("  "+st.warn.Render(fmt.Sprintf("! Inconsistent: bits %s match no console option; kept as found until you choose one", bitsText(s.after.OptionFlags.V&flags.TelephonyMask))), -1)
	}
	field(next(), "  Line URI", optString(s.after.Line), optString(s.base.Line))
	field(next(), "  Server URI", optString(s.after.LineServer), optString(s.base.LineServer))
	heading("Meetings")
	for _, b := range meetingBits {
		bitRow(b)
	}
	heading("Archiving")
	for _, b := range []flags.Value{flags.ArchiveInternal, flags.ArchiveFederated} {
		i := next()
		on, was := s.after.Archiving.V.Has(b), s.base.Archiving.V.Has(b)
		note := ""
		if on != was {
			note = changedNote(was)
		}
		add(row(i, check(on), archiveLabels[b], fmt.Sprint(uint32(b)), note), i)
	}
	if a := s.after.Archiving; a.Set && a.V&^(flags.ArchiveInternal|flags.ArchiveFederated) != 0 {
		add("  "+st.warn.Render(fmt.Sprintf("! msRTCSIP-ArchivingEnabled is %s: LCS 2005 value, kept as found", flags.FormatAD(a.V))), -1)
	}

	both := s.base.OptionFlags.V | s.after.OptionFlags.V
	if both&reservedMask != 0 || both.Unknown() != 0 {
		heading("Reserved and undocumented bits (read-only, kept as found)")
		for _, b := range (both & reservedMask).Bits() {
			i := next()
			f, _ := flags.Lookup(b)
			add(row(i, check(s.after.OptionFlags.V.Has(b)), f.Name, fmt.Sprint(uint32(b)), ""), i)
		}
		for _, b := range both.Unknown().Bits() {
			i := next()
			add(row(i, check(s.after.OptionFlags.V.Has(b)), fmt.Sprintf("unknown bit %d (not in the catalogue)", flags.BitIndex(b)), fmt.Sprint(uint32(b)), ""), i)
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
	if s.applyErr != nil {
		add("  "+st.bad.Render("✗ pending edits cannot apply: "+termtext.Safe(s.applyErr.Error())), -1)
	}
	return out
}

// valueLines show OptionFlags as read and as it will be written, in
// decimal, hex and binary, with the changed bits marked under the binary.
func valueLines(s state, st styles, w int) []string {
	read, write := s.base.OptionFlags, s.after.OptionFlags
	dec := func(o flags.Opt[flags.Value]) string {
		if !o.Set {
			return "(not set)"
		}
		return flags.FormatAD(o.V)
	}
	dw := max(len(dec(read)), len(dec(write)))
	one := func(label string, o flags.Opt[flags.Value]) (head, bin string) {
		head = fit(label, 10) + fitRight(dec(o), dw)
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
		h2, b2 = fit("to write", 10)+"(unchanged)", ""
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
			out = append(out, fit(h, headW)+b+note)
		default:
			out = append(out, h+note, "    "+b)
		}
	}
	emit(h1, b1, "")
	note := ""
	if changed != 0 {
		note = st.changed.Render("* " + flags.Diff(read.V, write.V).String())
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
		out = append(out, st.changed.Render(strings.TrimRight(pad+string(marks), " ")))
	}
	return out
}
