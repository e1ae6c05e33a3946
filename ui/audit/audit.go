package audit

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
)

// Model is the audit screen of the open user: every readiness rule as a
// line that passes or fails, judged on the user as it will be written (the
// directory's values plus the pending edits), so a fix turns its line green
// at once and the header still says what the directory holds until commit.
type Model struct {
	com  *common.Common
	sess *session.Session
	keys KeyMap
	common.Outbox

	// user is the open user, as the browser last read it (ShowUser).
	user    directory.User
	has     bool
	loading bool
	// closed is set by a key that leaves the audit.
	closed bool

	Cursor int // index into flags.Rules
	offset int
	Picker *pickerModel
	// moved is set once the admin moves the cursor; until then a look-up
	// that turns up a problem (a duplicate sign-in name) moves the cursor
	// to it, as if it had been known when the audit opened.
	moved bool
}

// pickOption is one answer of a fix that needs a choice.
type pickOption struct {
	Label, note string
	change      flags.Change
	what        string
}

// pickerModel is the choice a fix needs: which pool, which sign-in name.
type pickerModel struct {
	title   string
	body    []string
	Options []pickOption
	Cursor  int
}

// firstProblem is the index of the first rule that stops the user signing
// in, else of the first warning, or -1.
func firstProblem(rows []ruleState) int {
	warn := -1
	for i, r := range rows {
		switch {
		case r.Finding == nil:
		case r.Finding.Severity == flags.Error:
			return i
		case warn < 0:
			warn = i
		}
	}
	return warn
}

// ruleState is one rule's line: how it stands with the pending edits, and
// how it stands in the directory.
type ruleState struct {
	Rule    flags.Rule
	Finding *flags.Finding // with the pending edits; nil when it passes
	before  *flags.Finding // in the directory
	na      string         // why the rule does not apply, when it passes trivially
	unknown string         // why it cannot be judged yet
	note    string         // why it passes where one might expect it to fail
}

// AuditRules judges every rule on the open user.
func (m *Model) AuditRules() (rows []ruleState, base, after []flags.Finding) {
	u := m.user
	s := m.state()
	run := func(st flags.Settings) []flags.Finding { return flags.Audit(s.Input(st)) }
	base, after = run(s.Base), run(s.After)
	notes := flags.Notes(s.Input(s.After))
	scope := m.com.Dir.Info().SIPScope
	find := func(fs []flags.Finding, id string) *flags.Finding {
		for i := range fs {
			if fs[i].ID == id {
				return &fs[i]
			}
		}
		return nil
	}
	a := s.After
	v := a.OptionFlags.V
	for _, r := range flags.Rules {
		rs := ruleState{Rule: r, Finding: find(after, r.ID), before: find(base, r.ID)}
		if n := flags.NoteFor(notes, r.ID); n != nil && rs.Finding == nil {
			rs.note = n.Message
		}
		// The uniqueness rule says how far it could search.
		rs.Rule.Title = flags.RuleTitle(r, scope)
		switch r.ID {
		case flags.FindingADAccountDisabled:
			if u.Kind == directory.KindContact {
				rs.na = "a contact has no account of its own to disable"
			}
		case flags.FindingContactNoOriginatorSid:
			if u.Kind != directory.KindContact {
				rs.na = "not a contact"
			}
		case flags.FindingProxyAddressNoSIP:
			switch {
			case u.Kind != directory.KindContact:
				rs.na = "not a contact"
			case directory.IsAppContact(u.DN):
				rs.na = "an OCS application contact"
			case !a.SIPAddress.Set:
				rs.na = "not checked: no sign-in name"
			}
		case flags.FindingSIPAddressMalformed:
			if !a.SIPAddress.Set {
				rs.na = "not checked: no sign-in name"
			}
		case flags.FindingSIPAddressDuplicate:
			addr := strings.ToLower(a.SIPAddress.V)
			switch {
			case !a.SIPAddress.Set:
				rs.na = "not checked: no sign-in name"
			case m.sess.LookupErr(addr) != nil:
				rs.unknown = "could not search the directory: " + m.sess.LookupErr(addr).Error() + " (r checks again)"
			case m.sess.Asking(addr):
				rs.unknown = "searching the directory for other holders…"
			}
		case flags.FindingHomeServerNotAPool:
			switch {
			case !a.HomeServer.Set:
				rs.na = "not checked: no home server"
			case m.sess.PoolsErr != nil:
				rs.unknown = "the pools could not be read: " + m.sess.PoolsErr.Error()
				rs.Finding = nil
			case !m.sess.PoolsLoaded:
				rs.unknown = "reading the pools…"
				rs.Finding = nil
			case find(after, flags.FindingHomeServerUnchecked) != nil:
				// Not among the pools this account can read: not known to
				// be broken, so neither failed nor offered a fix.
				rs.unknown = find(after, flags.FindingHomeServerUnchecked).Problem
			}
		case flags.FindingRCCWithoutLine:
			if !v.Has(flags.RemoteCallControl) {
				rs.na = "remote call control is off"
			}
		case flags.FindingLineNotE164:
			if !v.Has(flags.EnterpriseVoice) {
				rs.na = "Enterprise Voice is off"
			}
		case flags.FindingArchivingLegacyValue:
			if !a.Archiving.Set {
				rs.na = "not set: archiving follows the forest setting"
			}
		}
		rows = append(rows, rs)
	}
	return rows, base, after
}

// ruleValue is the attribute's value as it will be written, and as read when
// a pending edit changes it.
func (m *Model) ruleValue(r flags.Rule) string {
	s := m.state()
	attr := r.Attribute
	show := func(st flags.Settings) string {
		switch attr {
		case flags.AttrPrimaryHomeServer:
			if r.ID == flags.FindingNoHomeServer && st.HomeServer.Set && !s.IsPool(st.HomeServer.V) {
				// This rule only asks that there is one; whether it is a
				// pool is the next rule's verdict, not shown twice.
				if flags.IsDeletedReference(st.HomeServer.V) {
					return "set (a Deleted Objects reference)"
				}
				return st.HomeServer.V
			}
			return session.PoolText(s, st.HomeServer)
		case flags.AttrTargetHomeServer:
			return session.PoolText(s, st.TargetHomeServer)
		case flags.AttrUserAccountControl:
			switch {
			case m.user.Kind == directory.KindContact:
				return "(a contact has none)"
			case m.user.Disabled:
				return "account disabled"
			}
			return "account enabled"
		case flags.AttrOriginatorSid:
			return session.OptString(st.OriginatorSid)
		case flags.AttrProxyAddresses:
			if len(m.user.ProxyAddresses) == 0 {
				return "(not set)"
			}
			var ps []string
			for _, p := range m.user.ProxyAddresses {
				ps = append(ps, termtext.Safe(p))
			}
			return strings.Join(ps, ", ")
		case flags.AttrOptionFlags:
			if !st.OptionFlags.Set {
				return "(not set)"
			}
			return fmt.Sprintf("%s (%s)", flags.FormatAD(st.OptionFlags.V), flags.TelephonyOf(st.OptionFlags.V).Label())
		}
		if val, ok := st.Encode()[attr]; ok {
			return val
		}
		return "(not set)"
	}
	b, a := show(s.Base), show(s.After)
	if b == a {
		return a
	}
	// The new value first: a narrow screen cuts the end of the line.
	return a + "  (pending; the directory holds " + b + ")"
}

// auditKey handles the audit screen's keys.
func (m *Model) auditKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if p := m.Picker; p != nil {
		switch {
		case key.Matches(msg, k.Up):
			p.Cursor = max(p.Cursor-1, 0)
		case key.Matches(msg, k.Down):
			p.Cursor = min(p.Cursor+1, len(p.Options)-1)
		case key.Matches(msg, k.Choose):
			o := p.Options[p.Cursor]
			m.Picker = nil
			m.pushEdit(o.change, o.what)
		case key.Matches(msg, k.Cancel):
			m.Picker = nil
			m.setStatus("nothing changed")
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		m.closed = true
		m.Emit(BackMsg{})
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Up):
		m.Cursor, m.moved = max(m.Cursor-1, 0), true
	case key.Matches(msg, k.Down):
		m.Cursor, m.moved = min(m.Cursor+1, len(flags.Rules)-1), true
	case key.Matches(msg, k.Home):
		m.Cursor, m.moved = 0, true
	case key.Matches(msg, k.End):
		m.Cursor, m.moved = len(flags.Rules)-1, true
	case key.Matches(msg, k.Fix):
		return m.fixRule()
	case key.Matches(msg, k.Undo):
		m.undo(m.user.DN, m.user.Label())
	case key.Matches(msg, k.Review):
		return m.openReview()
	case key.Matches(msg, k.Reload):
		// Read the user and the sign-in names afresh: someone may have
		// fixed them elsewhere.
		m.sess.Update(session.ForgetMsg{})
		m.Cursor, m.offset, m.Picker, m.moved = 0, 0, nil, false
		m.loading = true
		m.Emit(ReloadMsg{})
	case key.Matches(msg, k.Help):
		m.Emit(common.ToggleHelpMsg{})
	}
	return nil
}

// fixRule turns the focused rule's fix into pending edits, asking first
// when the fix is a choice (a pool, a sign-in name).
func (m *Model) fixRule() tea.Cmd {
	rows, _, _ := m.AuditRules()
	r := rows[common.Clamp(m.Cursor, 0, len(rows)-1)]
	f := r.Finding
	switch {
	case f == nil && r.unknown != "":
		m.setStatus(r.Rule.Title + ": " + r.unknown)
		return nil
	case f == nil:
		if i := firstProblem(rows); i >= 0 {
			m.Cursor = i
			m.setStatus(r.Rule.Title + " passes; moved to the first problem, " + rows[i].Rule.Title + ": f fixes it")
			return nil
		}
		m.setStatus(r.Rule.Title + ": passes, nothing to fix")
		return nil
	case !m.canEdit():
		return nil
	}
	switch f.ID {
	case flags.FindingNoHomeServer, flags.FindingHomeServerNotAPool:
		return m.pickPool(f)
	case flags.FindingNoSIPAddress, flags.FindingSIPAddressMalformed, flags.FindingSIPAddressDuplicate:
		opts := m.SignInChoices()
		switch {
		case len(opts) > 1 || len(opts) == 1 && f.ID == flags.FindingSIPAddressDuplicate:
			m.Picker = &pickerModel{
				title:   "Sign-in name for " + m.user.Label(),
				body:    []string{"The address the user types to sign in. It must be unique in the forest: the audit searches the directory for it again once it is chosen."},
				Options: opts,
			}
			return nil
		case len(opts) == 1:
			// The one free address mail or UPN gives (the finding's own fix
			// is not used: it may name an address that is taken).
			m.pushEdit(opts[0].change, opts[0].what)
			return nil
		default:
			// Neither mail nor UPN gives a free address: the admin types one.
			cmd := m.jumpToDetail(common.ItSIP, "no e-mail address or userPrincipalName gives a free sign-in name: type one")
			m.openEdit(common.ItSIP)
			return cmd
		}
	case flags.FindingTelephonyInconsistent:
		return m.jumpToDetail(common.ItTelephony, "choose one telephony option with space; the other bits stay as they are")
	case flags.FindingArchivingLegacyValue:
		m.Picker = m.archivingPicker(f)
		return nil
	case flags.FindingRCCWithoutLine:
		return m.jumpToDetail(m.lineToFix(f), "enter edits it; "+f.FixHint)
	case flags.FindingLineNotE164:
		return m.jumpToDetail(common.ItLine, "enter edits the Line URI: tel:+<country code><number>")
	case flags.FindingNoEnhancedPresence:
		// The same one-way warning as the check box: the fix is not
		// special.
		ep, _ := flags.Lookup(flags.EnhancedPresence)
		m.confirmEP(ep)
		return nil
	}
	if f.Fix == nil {
		m.setStatus(r.Rule.Title + ": " + f.FixHint)
		return nil
	}
	m.pushEdit(*f.Fix, m.fixText(r.Rule, *f.Fix))
	return nil
}

// fixText says what a fix will write.
func (m *Model) fixText(r flags.Rule, c flags.Change) string {
	after := m.state().After
	fixed, err := after.Apply(c)
	if err != nil {
		return r.Title
	}
	return r.Title + ": " + session.EditsSummary(flags.Edits(after, fixed))
}

// SignInChoices offers the sign-in names the user's mail and UPN give, as
// the Enable Users wizard forms them.
func (m *Model) SignInChoices() []pickOption {
	u := m.user
	var out []pickOption
	seen := map[string]bool{}
	stored := m.state().After.SIPAddress
	froms := []struct{ from, v, addr string }{{"e-mail address", u.Mail, ""}, {"userPrincipalName", u.UPN, ""}}
	if stored.Set && !strings.HasPrefix(strings.ToLower(stored.V), "sip:") {
		// The stored name with the sip: it lacks: the smallest repair.
		froms = append([]struct{ from, v, addr string }{{"stored sign-in name", stored.V, "sip:" + stored.V}}, froms...)
	}
	for _, c := range froms {
		if c.v == "" {
			continue
		}
		addr := c.addr
		if addr == "" {
			addr = "sip:" + strings.ToLower(c.v)
		}
		if seen[addr] || flags.CheckSIPAddress(addr) != nil || strings.EqualFold(addr, m.state().After.SIPAddress.V) {
			continue // not valid, or what the user has already: no choice
		}
		if _, answered := m.sess.Holders(addr); !answered {
			continue // not known to be free (being looked up, or the look-up failed)
		}
		if others := m.sess.OtherHolders(addr, m.user.DN); len(others) > 0 {
			continue // someone else holds it: offering it would make a duplicate
		}
		if m.sess.PendingHolder(addr, u.DN) != "" {
			continue
		}
		seen[addr] = true
		out = append(out, pickOption{
			Label: addr, note: "from the " + c.from + " " + c.v,
			change: flags.Change{SIPAddress: flags.Some(addr)},
			what:   "Sign-in name: " + addr + " (from the " + c.from + ")",
		})
	}
	return out
}

// pickPool offers the pools found in the directory, by host name.
func (m *Model) pickPool(f *flags.Finding) tea.Cmd {
	switch {
	case m.sess.PoolsErr != nil:
		m.setError("the pools could not be read, so none can be offered: " + m.sess.PoolsErr.Error())
		return nil
	case m.sess.Pools.Len() == 0:
		m.setError(m.sess.Pools.NoneWhy())
		return nil
	}
	var opts []pickOption
	for _, p := range session.PoolsByHost(m.sess.Pools) {
		host := p.Host
		if host == "" {
			host = "(no host name) " + p.DN
		}
		note := "pool in the " + p.Container + " container"
		if p.Container == "" {
			note = p.DN
		}
		opts = append(opts, pickOption{
			Label: host, note: note,
			change: flags.Change{HomeServer: flags.Some(p.HomeServerDN)},
			what:   "Server or pool: " + host,
		})
	}
	m.Picker = &pickerModel{
		title: "Server or pool for " + m.user.Label(),
		body: []string{
			f.Problem + ".",
			"Choose the pool that registers the user. This repairs a missing or broken home server; users already homed on a working pool are moved with the OCS tools, which also move their contact lists.",
		},
		Options: opts,
	}
	return nil
}

// archivingPicker offers the four archiving states the console's two check
// boxes can produce; each clears the LCS 2005 bits, so every choice ends on
// a value the audit accepts (0, 4, 8 or 12).
func (m *Model) archivingPicker(f *flags.Finding) *pickerModel {
	cur := m.state().After.Archiving
	var opts []pickOption
	for _, mode := range flags.ArchivingModes {
		c := flags.Change{Archiving: flags.SetArchiving(mode.Bits)}
		var labels []string
		for _, b := range []flags.Value{flags.ArchiveInternal, flags.ArchiveFederated} {
			if mode.Bits.Has(b) {
				labels = append(labels, flags.ArchivingLabel(b))
			}
		}
		note := strings.Join(labels, " and ")
		if note == "" {
			note = "archive nothing for this user"
		}
		opts = append(opts, pickOption{
			Label: fmt.Sprintf("%-9s (%d)", mode.Name, uint32(mode.Bits)), note: note, change: c,
			what: fmt.Sprintf("Archiving: %s (%s → %d)", mode.Name, flags.FormatAD(cur.V), uint32(mode.Bits)),
		})
	}
	return &pickerModel{
		title:   "Archiving for " + m.user.Label(),
		body:    []string{f.Problem + ".", "Choose what to archive; the LCS 2005 bits 1 and 2 are cleared."},
		Options: opts,
	}
}

// lineToFix is the detail line a telephony finding is fixed on: the Line
// URI, or the Server URI when remote call control has a line but no server.
func (m *Model) lineToFix(f *flags.Finding) common.ItemKind {
	if a := m.state().After; f.ID == flags.FindingRCCWithoutLine && a.Line.Set && !a.LineServer.Set {
		return common.ItLineServer
	}
	return common.ItLine
}

// jumpToDetail closes the audit on the detail line where the fix is made
// by hand.
func (m *Model) jumpToDetail(kind common.ItemKind, hint string) tea.Cmd {
	m.closed = true
	m.Emit(JumpMsg{Kind: kind, Hint: hint})
	return nil
}
