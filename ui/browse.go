package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/explorer"
	"ocsflags/ui/history"
)

// onKey routes a key press, and drops a status line that belonged to the
// screen the key left for another ("pending: c reviews…" on the review
// itself, "wrote…" over the bit explorer). Coming back to the browser keeps
// it: that is where a wizard's or a review's summary is read. Errors stay
// until something replaces them.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	from, status := m.where(), m.status
	m.lastKey = msg.String()
	cmd := m.routeKey(msg)
	if to := m.where(); to != from && to != (place{scr: scrBrowse}) && m.status == status && !m.statusErr {
		m.setStatus("")
	}
	return cmd
}

// routeKey sends a key to a dialog first, then the screen, then the
// focused pane.
func (m *Model) routeKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.edit != nil {
		return m.editKey(msg)
	}
	if m.confirm != nil {
		if msg.String() == "ctrl+c" && m.confirm.kind == "quit" {
			return tea.Quit
		}
		if cmd, ok := m.confirm.handle(m, msg); ok {
			return cmd
		}
		return nil
	}
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if m.top() != nil {
		return m.updateTop(msg)
	}
	switch m.screen {
	case scrReview:
		return m.reviewKey(msg)
	case scrAudit:
		return m.auditKey(msg)
	case scrEnable:
		return m.enableKey(msg)
	}
	if m.list.editing {
		return m.filterKey(msg)
	}
	k := m.com.Keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return nil
	case key.Matches(msg, k.Explorer):
		from := m.detail.User.Label()
		if m.detail.Has && m.sess.Pending.Get(m.detail.User.DN).HasEdits() {
			from += " (with pending edits)"
		}
		return m.push(explorer.New(m.com, m.startOptionFlags(), from))
	case key.Matches(msg, k.History):
		s, cmd := history.New(m.com, m.sess)
		return tea.Batch(m.push(s), cmd)
	case key.Matches(msg, k.Configure), key.Matches(msg, k.ConfigureAll):
		m.openConfigure(key.Matches(msg, k.ConfigureAll))
		return nil
	case key.Matches(msg, k.Review):
		return m.openReview()
	case key.Matches(msg, k.NextPane):
		m.cyclePane(1)
		return nil
	case key.Matches(msg, k.PrevPane):
		m.cyclePane(-1)
		return nil
	case key.Matches(msg, k.Filter):
		m.focus = PaneList
		// Editing starts from the applied filter, so / refines it.
		m.list.editing = true
		return nil
	case key.Matches(msg, k.Enable):
		return m.enableFromBrowse()
	case key.Matches(msg, k.Disable) && m.focus != PaneTree:
		return m.toggleOCSEnabled()
	}
	switch m.focus {
	case PaneTree:
		return m.treeKey(msg)
	case PaneList:
		return m.listKey(msg)
	}
	return m.detailKey(msg)
}

// quit asks first when edits would be lost.
func (m *Model) quit() tea.Cmd {
	if m.writing() {
		// Killing the program mid-write could leave a change applied but
		// missing from the journal, and the admin without its result.
		if m.quitting {
			m.list.Stop()
			return tea.Quit // asked twice: the admin insists
		}
		m.quitting = true
		if e := m.enable; e != nil && e.step == stepApplying && e.cancel != nil {
			e.cancel()
			e.stopped = true
		}
		m.setStatus("quitting once the write in progress has ended and its outcome is known (the other users are not written); press ctrl+c again to quit at once")
		return nil
	}
	edits, users := m.sess.Pending.Counts()
	if edits == 0 {
		m.list.Stop()
		return tea.Quit
	}
	byCtrlC := m.lastKey == "ctrl+c"
	them, discard := "them", "discard them and quit"
	if edits == 1 {
		them, discard = "it", "discard it and quit"
	}
	if byCtrlC {
		discard += " (ctrl+c again also quits)"
	}
	m.confirm = &confirmModel{
		kind:  "quit",
		title: "Quit with changes that are not written?",
		body: []string{fmt.Sprintf("%d pending change%s for %d user%s %s not been written to the directory. Quitting now loses %s.",
			edits, common.Plural(edits), users, common.Plural(users), map[bool]string{true: "has", false: "have"}[edits == 1], them)},
		options: []confirmOption{
			{keys: []string{"c"}, label: "review and commit them", do: func(m *Model) tea.Cmd { return m.openReview() }},
			// Not y: y writes in the review, and a hand used to it must not
			// throw the edits away here.
			{keys: []string{"d"}, label: discard, do: func(m *Model) tea.Cmd { m.list.Stop(); return tea.Quit }},
			{keys: []string{"n", "esc"}, label: "stay"},
		},
	}
	return nil
}

// writing reports whether a write to the directory is in flight.
func (m *Model) writing() bool {
	return m.review.busy() || (m.enable != nil && m.enable.step == stepApplying) || m.stackBusy()
}

func (m *Model) cyclePane(d int) {
	m.focus = Pane((int(m.focus) + d + 3) % 3)
	if m.focus == PaneDetail && !m.detail.Has {
		m.focus = Pane((int(m.focus) + d + 3) % 3)
	}
}

// back is esc in the browser: narrow screens go one pane left.
func (m *Model) back() {
	if m.focus > PaneTree {
		m.focus--
	}
}

// cursorKey handles the cursor keys the tree and the list share; move
// clamps, so Home and End are moves by the whole length.
func (m *Model) cursorKey(msg tea.KeyPressMsg, page, n int, move func(int)) bool {
	k := m.com.Keys
	switch {
	case key.Matches(msg, k.Up):
		move(-1)
	case key.Matches(msg, k.Down):
		move(1)
	case key.Matches(msg, k.PageUp):
		move(-page)
	case key.Matches(msg, k.PageDown):
		move(page)
	case key.Matches(msg, k.Home):
		move(-n)
	case key.Matches(msg, k.End):
		move(n)
	default:
		return false
	}
	return true
}

func (m *Model) treeKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.com.Keys
	t := &m.tree
	page := max(m.bodyHeight()-2, 1)
	if m.cursorKey(msg, page, len(t.flat), t.move) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Left):
		t.collapse()
	case key.Matches(msg, k.Right), key.Matches(msg, k.Toggle):
		n := t.Selected()
		if n == nil {
			return nil
		}
		if n.expanded && key.Matches(msg, k.Toggle) {
			t.collapse()
			return nil
		}
		if t.expand(n) {
			return loadChildren(m.com.Ctx, m.com.Dir, n.c.DN)
		}
	case key.Matches(msg, k.Open):
		n := t.Selected()
		if n == nil {
			return nil
		}
		var cmds []tea.Cmd
		if t.expand(n) {
			cmds = append(cmds, loadChildren(m.com.Ctx, m.com.Dir, n.c.DN))
		}
		cmds = append(cmds, m.listContainer(n.c.DN, n.c.Name))
		// A container known to hold no users but sub-containers is a
		// step on the way down: stay in the tree.
		if n.c.Users != 0 || !n.c.HasChildren {
			m.focus = PaneList
		}
		return tea.Batch(cmds...)
	case key.Matches(msg, k.Reload):
		n := t.Selected()
		if n == nil {
			return nil
		}
		n.loaded, n.loading, n.kids = false, false, nil
		n.expanded = false
		var cmds []tea.Cmd
		if t.expand(n) {
			cmds = append(cmds, loadChildren(m.com.Ctx, m.com.Dir, n.c.DN))
		}
		if m.list.dn != "" && directory.SameDN(n.c.DN, m.list.dn) {
			cmds = append(cmds, m.listContainer(n.c.DN, n.c.Name))
		}
		return tea.Batch(cmds...)
	}
	return nil
}

func (m *Model) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.com.Keys
	l := &m.list
	page := max(m.bodyHeight()-4, 1)
	if m.cursorKey(msg, page, l.VisibleLen(), l.move) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Open), key.Matches(msg, k.Right):
		if r := l.Selected(); r != nil {
			m.focus = PaneDetail
			return m.openUser(r.U)
		}
	case key.Matches(msg, k.Audit):
		if r := l.Selected(); r != nil {
			m.focus = PaneDetail
			return tea.Batch(m.openUser(r.U), m.openAudit())
		}
	case key.Matches(msg, k.Mark):
		m.markRow()
	case key.Matches(msg, k.Undo):
		// As in the user pane, for the user under the cursor (after E on
		// a selection, u on each row takes its disable back).
		if r := l.Selected(); r != nil {
			m.undo(r.U.DN, r.U.Label())
		}
	case key.Matches(msg, k.Back):
		switch {
		case l.Loading:
			m.stopStream()
		case l.Filter != "":
			l.input.Value = ""
			l.setFilter("")
		case len(l.Marks) > 0:
			m.clearMarks()
		default:
			m.back()
		}
	case key.Matches(msg, k.Left):
		m.back()
	case key.Matches(msg, k.Reload):
		if l.dn != "" {
			return m.listContainer(l.dn, l.title)
		}
	}
	return nil
}

// filterKey edits the filter; the list follows every keystroke.
func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	l := &m.list
	switch msg.String() {
	case "esc":
		l.editing = false
		l.input.Value = ""
		l.setFilter("")
		return nil
	case "enter":
		l.editing = false
		if l.VisibleLen() == 1 {
			// One match: open it, the obvious next step.
			m.focus = PaneDetail
			return m.openUser(l.At(0).U)
		}
		return nil
	case "up":
		l.move(-1)
		return nil
	case "down":
		l.move(1)
		return nil
	case "pgup":
		l.move(-max(m.bodyHeight()-4, 1))
		return nil
	case "pgdown":
		l.move(max(m.bodyHeight()-4, 1))
		return nil
	}
	if changed, _ := l.input.Update(msg); changed {
		l.setFilter(l.input.Value)
	}
	return nil
}

func (m *Model) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.com.Keys
	d := &m.detail
	if !d.Has {
		if key.Matches(msg, k.Back, k.Left) {
			m.back()
		}
		return nil
	}
	n := len(Items(m.state()))
	switch {
	case key.Matches(msg, k.Up):
		d.Cursor = common.Clamp(d.Cursor-1, 0, n-1)
	case key.Matches(msg, k.Down):
		d.Cursor = common.Clamp(d.Cursor+1, 0, n-1)
	case key.Matches(msg, k.Home):
		d.Cursor = 0
	case key.Matches(msg, k.End):
		d.Cursor = n - 1
	case key.Matches(msg, k.PageUp):
		d.Cursor = common.Clamp(d.Cursor-5, 0, n-1)
	case key.Matches(msg, k.PageDown):
		d.Cursor = common.Clamp(d.Cursor+5, 0, n-1)
	case key.Matches(msg, k.Audit):
		return m.openAudit()
	case key.Matches(msg, k.Open) && m.focusedItem().Kind == ItVerdict:
		return m.openAudit()
	case key.Matches(msg, k.Open) && editable(m.focusedItem().Kind):
		m.openEdit(m.focusedItem().Kind)
	case key.Matches(msg, k.Toggle):
		return m.toggle()
	case key.Matches(msg, k.Info):
		m.explainDialog()
	case key.Matches(msg, k.Undo):
		m.undo(d.User.DN, d.User.Label())
	case key.Matches(msg, k.Reload):
		d.Loading = true
		return loadUser(m.com.Ctx, m.com.Dir, d.User.DN)
	case key.Matches(msg, k.Back), key.Matches(msg, k.Left):
		m.back()
	}
	return nil
}

// toggle turns the focused line into a pending edit: a delta for the bit
// masks, a target value for the Booleans, never a literal OptionFlags value.
func (m *Model) toggle() tea.Cmd {
	if !m.canEdit() {
		return nil
	}
	s := m.state()
	its := Items(s)
	m.detail.Cursor = common.Clamp(m.detail.Cursor, 0, len(its)-1)
	it := its[m.detail.Cursor]
	if err := s.Base.Editable(itemAttr(it)); err != nil {
		// Several values where AD allows one: writing one drops the others.
		m.setError("refused: " + err.Error())
		return nil
	}
	var c flags.Change
	var what string
	switch it.Kind {
	case ItEnabled:
		now := s.After.Enabled.Or(false)
		if now && !enabledBox(s.After) {
			// The box shows unticked, as in the OCS console: TRUE without a
			// sign-in name is not enabled. Ticking it means giving one.
			m.setError("msRTCSIP-UserEnabled is TRUE but the user has no sign-in name, so OCS treats the user as not enabled: give a sign-in name (enter on Sign-in name) to enable, or the Enable Users wizard (E)")
			return nil
		}
		if !now {
			// The review would refuse it (directory.PlanWrite); the box
			// says so now, since no later edit here gives a pool.
			for _, r := range m.planEdit(m.detail.User, flags.Change{Enabled: flags.Some(true)}) {
				if r.Rule == directory.RuleEnableIncomplete {
					m.setError("cannot enable with this check box alone: the user has no sign-in name or no pool (" + r.Reason + "). Enabling needs all four readiness attributes (the Enable Users wizard).")
					return nil
				}
			}
		}
		c.Enabled = flags.Some(!now)
		what = flags.DocEnabled.Label + ": " + common.OnOff(!now)
	case ItFederation:
		c.Federation = flags.Some(!s.After.Federation.Or(false))
		what = flags.DocFederation.Label + ": " + common.OnOff(c.Federation.V)
	case ItRemote:
		c.RemoteAccess = flags.Some(!s.After.RemoteAccess.Or(false))
		what = flags.DocRemoteAccess.Label + ": " + common.OnOff(c.RemoteAccess.V)
	case ItBit:
		f, _ := flags.Lookup(it.Bit)
		if it.Bit == flags.EnhancedPresence {
			switch {
			case s.Base.OptionFlags.V.Has(flags.EnhancedPresence):
				m.setError("Enable enhanced presence is locked: it is set in the directory and is one-way (the OCS console greys it out); it can never be cleared")
				return nil
			case !s.After.OptionFlags.V.Has(flags.EnhancedPresence):
				m.confirmEP(f)
				return nil
			}
		}
		c.Flags = flags.Toggle(s.After.OptionFlags.V, it.Bit)
		what = fmt.Sprintf("%s (%d): %s", f.Label, uint32(it.Bit), common.OnOff(c.Flags.Set != 0))
	case ItTelephony:
		if flags.TelephonyOf(s.After.OptionFlags.V) == it.Tel {
			m.setStatus("Telephony is already " + it.Tel.Label())
			return nil
		}
		c.Flags = flags.SetTelephony(it.Tel)
		what = "Telephony: " + it.Tel.Label()
	case ItArchive:
		// Choosing again clears the LCS 2005 bits 1 and 2, so the value
		// ends as 0, 4, 8 or 12.
		c.Archiving = flags.ToggleArchiving(s.After.Archiving.V, it.Bit)
		what = fmt.Sprintf("%s (%d): %s", flags.ArchivingLabel(it.Bit), uint32(it.Bit), common.OnOff(!s.After.Archiving.V.Has(it.Bit)))
		if s.After.Archiving.V&flags.ArchiveLegacy != 0 {
			what += " (clears the LCS 2005 bits 1 and 2)"
		}
	case ItReserved, ItUnknown:
		reason := "ocsflags keeps it exactly as found on every write"
		if r := directory.CheckBits(flags.Delta{Set: it.Bit}); len(r) > 0 {
			reason = r[0].Reason
		}
		m.setError(fmt.Sprintf("bit %d is not a console option: %s", uint32(it.Bit), reason))
		return nil
	case ItVerdict:
		return m.openAudit()
	case ItSIP, ItLine, ItLineServer:
		m.openEdit(it.Kind)
		return nil
	case ItPool:
		m.setStatus("the pool is chosen in the audit: a, then f on the home server rule when it fails; moving a working user between pools is the OCS tools' job")
		return nil
	default:
		m.setStatus("this line is shown for information; it is not a check box")
		return nil
	}
	m.pushEdit(c, what)
	return nil
}

// canEdit reports whether the open user may get a new edit, and says why
// not: a read-only session, or pending edits that no longer apply.
func (m *Model) canEdit() bool {
	if m.com.ReadOnly {
		m.setError(readOnlyMsg)
		return false
	}
	if err := m.state().ApplyErr; err != nil {
		m.setError("the pending edits of this user cannot apply (" + err.Error() + "): undo with u first")
		return false
	}
	return true
}

const readOnlyMsg = "read-only: nothing can be changed in this session (--read-only or a read-only directory)"

// pushEdit records an edit for the open user, refusing one that could not
// be written.
func (m *Model) pushEdit(c flags.Change, what string) {
	m.pushEditFor(m.detail.User, c, what)
}

// confirmEP asks before setting enhanced presence, with the warning the
// console gives: it is one-way and ends Communicator 2005 for the user.
func (m *Model) confirmEP(f flags.Feature) {
	if err := m.state().Base.Editable(flags.AttrOptionFlags); err != nil {
		m.setError("refused: " + err.Error())
		return
	}
	name := m.detail.User.Label()
	m.confirm = &confirmModel{
		kind:  "ep",
		title: "Enable enhanced presence (256) for " + name + "?",
		body: []string{
			"This is one-way. Once it is written, the OCS console greys it out and it can never be cleared.",
			"After " + name + " first signs in with Communicator 2007 or 2007 R2, Communicator 2005 no longer works for them: time this with the client rollout.",
			"It is also what Communicator 2007 R2 needs to sign in at all.",
		},
		options: []confirmOption{
			{keys: []string{"y"}, label: "set enhanced presence (pending until you commit)", do: func(m *Model) tea.Cmd {
				m.pushEdit(flags.Change{Flags: flags.Delta{Set: flags.EnhancedPresence}}, f.Label+" (256): on")
				return nil
			}},
			{keys: []string{"n", "esc"}, label: "cancel"},
		},
	}
}
