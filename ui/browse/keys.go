package browse

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
)

func (m *Model) cyclePane(d int) {
	m.Focus = Pane((int(m.Focus) + d + 3) % 3)
	if m.Focus == PaneDetail && !m.Detail.Has {
		m.Focus = Pane((int(m.Focus) + d + 3) % 3)
	}
}

// back is esc in the browser: narrow screens go one pane left.
func (m *Model) back() {
	if m.Focus > PaneTree {
		m.Focus--
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
	t := &m.Tree
	page := max(m.com.Height-2, 1)
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
		cmds = append(cmds, m.ListContainer(n.c.DN, n.c.Name))
		// A container known to hold no users but sub-containers is a
		// step on the way down: stay in the tree.
		if n.c.Users != 0 || !n.c.HasChildren {
			m.Focus = PaneList
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
		if m.List.dn != "" && directory.SameDN(n.c.DN, m.List.dn) {
			cmds = append(cmds, m.ListContainer(n.c.DN, n.c.Name))
		}
		return tea.Batch(cmds...)
	}
	return nil
}

func (m *Model) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.com.Keys
	l := &m.List
	page := max(m.com.Height-4, 1)
	if m.cursorKey(msg, page, l.VisibleLen(), l.move) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Open), key.Matches(msg, k.Right):
		if r := l.Selected(); r != nil {
			m.Focus = PaneDetail
			return m.OpenUser(r.U)
		}
	case key.Matches(msg, k.Audit):
		if r := l.Selected(); r != nil {
			m.Focus = PaneDetail
			return tea.Batch(m.OpenUser(r.U), m.openAudit())
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
			return m.ListContainer(l.dn, l.title)
		}
	}
	return nil
}

// filterKey edits the filter; the list follows every keystroke.
func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	l := &m.List
	k := m.com.Keys.Line
	switch {
	case key.Matches(msg, k.Cancel):
		l.editing = false
		l.input.Value = ""
		l.setFilter("")
		return nil
	case key.Matches(msg, k.Done):
		l.editing = false
		if l.VisibleLen() == 1 {
			// One match: open it, the obvious next step.
			m.Focus = PaneDetail
			return m.OpenUser(l.At(0).U)
		}
		return nil
	case key.Matches(msg, k.Up):
		l.move(-1)
		return nil
	case key.Matches(msg, k.Down):
		l.move(1)
		return nil
	case key.Matches(msg, k.PageUp):
		l.move(-max(m.com.Height-4, 1))
		return nil
	case key.Matches(msg, k.PageDown):
		l.move(max(m.com.Height-4, 1))
		return nil
	}
	if changed, _ := l.input.Update(msg); changed {
		l.setFilter(l.input.Value)
	}
	return nil
}

func (m *Model) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.com.Keys
	d := &m.Detail
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
		return LoadUser(m.com.Ctx, m.com.Dir, d.User.DN)
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
	m.Detail.Cursor = common.Clamp(m.Detail.Cursor, 0, len(its)-1)
	it := its[m.Detail.Cursor]
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
			for _, r := range m.planEdit(m.Detail.User, flags.Change{Enabled: flags.Some(true)}) {
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
	if why := session.CannotEdit(m.com.ReadOnly, m.state().ApplyErr); why != "" {
		m.setError(why)
		return false
	}
	return true
}

// pushEdit records an edit for the open user, refusing one that could not
// be written.
func (m *Model) pushEdit(c flags.Change, what string) {
	m.pushEditFor(m.Detail.User, c, what)
}

// markRow is space in the list: select or deselect the row and move down,
// so a run of users is selected by holding space.
func (m *Model) markRow() {
	r := m.List.Selected()
	if r == nil {
		return
	}
	on := m.List.toggleMark(r.U)
	m.List.move(1)
	n := len(m.List.Marks)
	switch {
	case on:
		m.setStatus(fmt.Sprintf("selected %s · %d selected: e enables them for OCS, esc clears", r.U.Label(), n))
	case n > 0:
		m.setStatus(fmt.Sprintf("deselected %s · %d selected", r.U.Label(), n))
	default:
		m.setStatus("deselected " + r.U.Label() + " · nothing selected")
	}
}

func (m *Model) clearMarks() {
	n := len(m.List.Marks)
	m.List.Marks = nil
	m.setStatus(fmt.Sprintf("cleared the selection of %d user%s", n, common.Plural(n)))
}

// focusedUser is the user the list cursor is on, or the open user in the
// detail pane; the open user's copy is the fresher one.
func (m *Model) focusedUser() (directory.User, bool) {
	switch m.Focus {
	case PaneDetail:
		return m.Detail.User, m.Detail.Has
	case PaneList:
		r := m.List.Selected()
		if r == nil {
			return directory.User{}, false
		}
		if m.Detail.Has && directory.SameDN(m.Detail.User.DN, r.U.DN) {
			return m.Detail.User, true
		}
		return r.U, true
	}
	return directory.User{}, false
}

// enableFromBrowse is e: the selected users, else the user under the
// cursor or the open user.
func (m *Model) enableFromBrowse() tea.Cmd {
	if m.com.ReadOnly {
		m.setError("read-only: nothing can be enabled in this session (--read-only or a read-only directory)")
		return nil
	}
	users := m.List.MarkedUsers()
	if len(users) == 0 {
		u, ok := m.focusedUser()
		if !ok {
			m.setError("no user to enable: select users in the list with space, or put the cursor on one, then press e")
			return nil
		}
		users = []directory.User{u}
	}
	return m.openEnable(users)
}

// toggleOCSEnabled is E: disable an enabled user, re-enable a disabled one,
// as a pending edit that goes through the review and its compare-and-swap.
// Only msRTCSIP-UserEnabled is touched, so re-enabling restores the user as
// it was. A user without a sign-in name or pool goes to the wizard instead.
func (m *Model) toggleOCSEnabled() tea.Cmd {
	if m.com.ReadOnly {
		m.setError(session.ReadOnlyMsg)
		return nil
	}
	if m.Focus == PaneList && len(m.List.Marks) > 0 {
		return m.toggleOCSEnabledMarked()
	}
	u, ok := m.focusedUser()
	if !ok {
		m.setError("no user: put the cursor on a user in the list, or open one, then press E")
		return nil
	}
	after := u.OCS
	if p := m.sess.Pending.Get(u.DN); p != nil {
		a, err := p.After()
		if err != nil {
			m.setError("the pending edits of " + u.Label() + " cannot apply (" + err.Error() + "): undo with u first")
			return nil
		}
		after = a
	}
	var c flags.Change
	var what string
	switch {
	case after.Enabled.Or(false):
		c.Enabled = flags.Some(false)
		what = u.Label() + ": " + flags.DocEnabled.Label + ": off (every other setting is kept for re-enabling)"
	case after.SIPAddress.Set && after.HomeServer.Set:
		c.Enabled = flags.Some(true)
		what = u.Label() + ": " + flags.DocEnabled.Label + ": on (re-enabled as " + after.SIPAddress.V + ")"
	case m.sess.Pending.Get(u.DN).HasEdits():
		// The wizard never writes over pending edits: it could only skip.
		m.setError(u.Label() + " has no sign-in name or no pool in its pending edits: commit or undo them (u), then E opens the Enable Users wizard")
		return nil
	default:
		cmd := m.openEnable([]directory.User{u})
		m.setStatus(u.Label() + " has no sign-in name or no pool, so it cannot be re-enabled as it was: the Enable Users wizard sets them")
		return cmd
	}
	m.pushEditFor(u, c, what)
	return nil
}

// toggleOCSEnabledMarked is E on a selection: it disables the selected
// users who are enabled, each as its own pending edit. It never re-enables
// a selection: disabled users are often leavers, and bringing several back
// at once is how one of them gets signed in again by mistake; E on one user
// (or u) does that deliberately.
func (m *Model) toggleOCSEnabledMarked() tea.Cmd {
	users := m.List.MarkedUsers()
	var on []directory.User
	for _, u := range users {
		a, err := m.sess.Pending.Get(u.DN).AfterOr(u.OCS)
		if err != nil {
			m.setError("the pending edits of " + u.Label() + " cannot apply (" + err.Error() + "): undo with u first")
			return nil
		}
		if a.Enabled.Or(false) {
			on = append(on, u)
		}
	}
	if len(on) == 0 {
		m.setError(fmt.Sprintf("none of the %d selected users is enabled: E on a selection only disables; re-enable a user on its own with E, or take back a pending disable with u", len(users)))
		return nil
	}
	var names []string
	for _, u := range on {
		m.pushEditFor(u, flags.Change{Enabled: flags.Some(false)}, "")
		names = append(names, u.Label())
	}
	msg := fmt.Sprintf("disable %d selected user%s for OCS (%s), every other setting kept — pending: c reviews and commits", len(on), common.Plural(len(on)), strings.Join(names, ", "))
	if n := len(users) - len(on); n > 0 {
		msg += fmt.Sprintf("; %d already disabled", n)
	}
	m.setStatus(msg)
	return nil
}
