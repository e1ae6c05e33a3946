package ui

import (
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/audit"
	"ocsflags/ui/browse"
	"ocsflags/ui/common"
	"ocsflags/ui/dialogs"
	"ocsflags/ui/enable"
	"ocsflags/ui/keys"
	"ocsflags/ui/review"
	"ocsflags/ui/session"
)

// layout sizes every screen to the body and hands them the spinner's frame
// and the time, and lets them lay themselves out: done in Update, so View
// only reads.
func (m *Model) layout() {
	m.com.Width = m.frame.Width()
	m.com.Height = m.frame.BodyHeight(m.stack.help(keys.Of(m.browse)))
	m.com.Spin, m.com.Now = m.spin.View(), m.now
	m.com.HelpOpen = m.frame.HelpOpen()
	m.browse.Settle()
	u, _ := m.browse.Shown()
	m.stack.layout(u, m.browse.Detail.Loading)
}

// toSession hands msg to the session, the one owner of pending edits and
// pools, and says on the status line what it did; false when msg is not
// the session's.
func (m *Model) toSession(msg tea.Msg) bool {
	n, ok := m.sess.Update(msg)
	if n.Text != "" {
		m.frame.SetStatus(n.Text, n.Err, m.shownDN())
	}
	return ok
}

// toBrowse gives msg to the browser and handles at once the messages it
// sent back (a status line, "open the audit"), as if they came with msg.
func (m *Model) toBrowse(msg tea.Msg) tea.Cmd {
	_, cmd := m.browse.Update(msg)
	for _, x := range m.browse.TakeMsgs() {
		cmd = tea.Batch(cmd, m.update(x))
	}
	return cmd
}

// fromBrowse handles what the browser and the screens ask of the root;
// false for a message that is not one of theirs.
func (m *Model) fromBrowse(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case browse.OpenedMsg:
		m.frame.Opened(msg.DN) // a status about the user on screen until now goes
		m.stack.closeEditorOf(msg.DN)
	case browse.OpenAuditMsg:
		return m.openAudit(), true
	case common.OpenReviewMsg:
		return m.openReview(), true
	case common.QuitMsg:
		return m.quit(), true
	case common.ToggleHelpMsg:
		m.frame.ToggleHelp()
	case common.EditMsg:
		m.openEdit(msg.Kind)
	case common.ConfirmEPMsg:
		m.confirmEP()
	case browse.ExplainMsg:
		m.push(dialogs.NewConfirm(m.com, "info", msg.Title, msg.Body, dialogs.Answer("close", nil, "esc", "enter", "i", "q")))
	case session.UndoMsg:
		m.toSession(msg)
	case browse.EnableMsg:
		return m.openEnable(msg.Users), true
	case audit.BackMsg:
		m.browse.Focus = browse.PaneDetail
	case audit.JumpMsg:
		m.browse.FocusItem(msg.Kind)
		m.setStatus(msg.Hint)
	case common.LoadUserMsg:
		return browse.LoadUser(m.com.Ctx, m.com.Dir, msg.DN), true
	case audit.ReloadMsg:
		return m.browse.Reload(), true
	case review.RefreshMsg:
		m.browse.Refresh(msg.User)
	case enable.RefreshMsg:
		m.browse.Refresh(msg.User)
	case enable.UnmarkMsg:
		m.browse.UnmarkDNs(msg.DNs)
		if w, ok := find[*enable.Model](m.stack); ok {
			w.SetMarksLeft(len(m.browse.List.Marks) > 0)
		}
	case browse.PoolsUnreadableMsg:
		if m.frame.Status == "" {
			who := m.com.Info.BoundAs
			if who == "" {
				who = "anonymous bind"
			}
			m.setStatus("? some pools cannot be read with this account (" + who + "): users on them are \"? unchecked\", not ready, and their home servers are left alone")
		}
	default:
		return nil, false
	}
	return nil, true
}

// shownDN is the DN of the user on screen, "" when none is.
func (m *Model) shownDN() string {
	if u, ok := m.browse.Shown(); ok {
		return u.DN
	}
	return ""
}

// state is the open user as read and with its pending edits.
func (m *Model) state() session.State {
	return m.sess.State(m.browse.Detail.User, m.com.Dir.Info().SIPScope)
}

// pushEdit records an edit for the open user through the session.
func (m *Model) pushEdit(c flags.Change, what string) {
	m.pushEditFor(m.browse.Detail.User, c, what)
}

// pushEditFor records an edit for u through the session, which refuses one
// that could not be written.
func (m *Model) pushEditFor(u directory.User, c flags.Change, what string) {
	m.toSession(session.StageMsg{User: u, Change: c, What: what})
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

// openAudit shows the audit of the open user.
func (m *Model) openAudit() tea.Cmd {
	u, ok := m.browse.Shown()
	if !ok {
		m.setStatus("open a user first: the audit is of one user")
		return nil
	}
	m.push(audit.New(m.com, m.sess, u, m.browse.Detail.Loading))
	return m.auditLookups()
}

// auditLookups starts the sign-in-name look-ups the open user still needs
// (the detail's verdict and the audit both use them): the address in the
// directory, the one pending edits would write, and while the audit is
// open the ones its fix could offer. A failed look-up is not retried until
// r, so a directory that is down is not hammered.
func (m *Model) auditLookups() tea.Cmd {
	if !m.browse.Detail.Has {
		return nil
	}
	s := m.state()
	var ask []string
	for _, o := range []flags.Opt[string]{s.Base.SIPAddress, s.After.SIPAddress} {
		if o.Set {
			ask = append(ask, o.V)
		}
	}
	if a, ok := find[*audit.Model](m.stack); ok {
		ask = append(ask, a.Candidates()...)
	}
	return m.sess.Lookup(m.com.Ctx, m.com.Dir, readTimeout, ask...)
}

// openReview shows the review of the pending edits over the screen open
// now (esc goes back to it); when it is shown already, it only brings it
// up to date.
func (m *Model) openReview() tea.Cmd {
	ok := m.review.Open()
	cmd := m.drain(m.review)
	if ok && !m.stack.has(m.review) {
		m.push(m.review)
	}
	return cmd
}

// openEnable opens the Enable Users wizard on users.
func (m *Model) openEnable(users []directory.User) tea.Cmd {
	w := enable.New(m.com, m.sess, users, m.browse.RootDN())
	m.push(w)
	return m.drain(w)
}

// openEdit opens the editor of the open user's line of kind.
func (m *Model) openEdit(kind browse.ItemKind) {
	if !m.canEdit() {
		return
	}
	s := m.state()
	if err := s.Base.Editable(kind.Attr()); err != nil {
		m.setError("refused: " + err.Error())
		return
	}
	m.push(dialogs.NewEditor(m.com, m.sess, kind, m.browse.Detail.User, s))
	// Editing is doing something else than waiting to quit.
	m.quitting = false
}
