package ui

import (
	"strings"

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

// The root's stack of screens and overlays (common.Screen), opened over
// the browser. The top one gets every key and paste; every one gets the
// other messages, so a directory answer reaches a screen under a dialog.

// place is where the admin is: a screen of the root's own or the depth of
// the stack, for "did this key change the screen".
type place struct {
	scr   screen
	depth int
}

func (m *Model) where() place {
	p := place{scr: m.screen}
	for _, s := range m.stack {
		if _, ok := s.(common.Overlay); !ok {
			p.depth++ // a dialog over a screen is not another screen
		}
	}
	return p
}

// top is the screen on top of the stack, nil when none is open.
func (m *Model) top() common.Screen {
	if len(m.stack) == 0 {
		return nil
	}
	return m.stack[len(m.stack)-1]
}

// push opens s on top, sized to the body now.
func (m *Model) push(s common.Screen) tea.Cmd {
	m.stack = append(m.stack, s)
	m.layout()
	return nil
}

// updateTop gives a key or a paste to the top screen; a nil screen back
// closes it at once, before the next key.
func (m *Model) updateTop(msg tea.Msg) tea.Cmd {
	i := len(m.stack) - 1
	old := m.stack[i]
	s, cmd := old.Update(msg)
	if s == nil {
		m.stack = m.stack[:i]
	} else {
		m.stack[i] = s
	}
	return tea.Batch(cmd, m.drain(old))
}

// drain handles at once what a screen queued for the root (its
// common.Outbox), as if it had come with the message the screen handled.
func (m *Model) drain(s common.Screen) tea.Cmd {
	o, ok := s.(interface{ TakeMsgs() []tea.Msg })
	if !ok {
		return nil
	}
	var cmds []tea.Cmd
	for _, x := range o.TakeMsgs() {
		cmds = append(cmds, m.update(x))
	}
	return tea.Batch(cmds...)
}

// forward gives a message that is not input to every open screen, bottom
// first.
func (m *Model) forward(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	var asked []common.Screen
	for i := 0; i < len(m.stack); i++ {
		old := m.stack[i]
		s, cmd := old.Update(msg)
		cmds = append(cmds, cmd)
		asked = append(asked, old)
		if s == nil {
			m.stack = append(m.stack[:i], m.stack[i+1:]...)
			i--
			continue
		}
		m.stack[i] = s
	}
	for _, s := range asked {
		cmds = append(cmds, m.drain(s))
	}
	return tea.Batch(cmds...)
}

// layout sizes every screen to the body and hands them the spinner's frame
// and the time: done in Update, so View only reads.
func (m *Model) layout() {
	m.help.SetWidth(max(m.w, 20))
	m.com.Width, m.com.Height = max(m.w, 20), m.bodyHeight()
	m.com.Spin, m.com.Now = m.spin.View(), m.now
	m.com.HelpOpen = m.help.ShowAll
	u, _ := m.browse.Shown()
	for _, s := range m.stack {
		if a, ok := s.(interface{ ShowUser(directory.User, bool) }); ok {
			a.ShowUser(u, m.browse.Detail.Loading)
		}
	}
	m.settle()
	for _, s := range m.stack {
		if a, ok := s.(interface{ Settle() }); ok {
			a.Settle()
		}
	}
}

// stackBody draws the stack over base (the root's own screen): the top
// screen that is not an overlay in place of base, and the overlays above it
// as boxes.
func (m *Model) stackBody(base []string) []string {
	body, first := base, 0
	for i := len(m.stack) - 1; i >= 0; i-- {
		if _, ok := m.stack[i].(common.Overlay); !ok {
			body, first = strings.Split(m.stack[i].View(), "\n"), i+1
			break
		}
	}
	for _, o := range m.stack[first:] {
		body = common.DrawOver(body, strings.Split(o.View(), "\n"), m.com.Width)
	}
	return body
}

// topHelp is the top screen's help, for the footer and ?.
func (m *Model) topHelp() keys.Help {
	t := m.top()
	return keys.Help{Short: t.ShortHelp(), Full: t.FullHelp()}
}

// toSession hands msg to the session, the one owner of pending edits and
// pools, and says on the status line what it did; false when msg is not
// the session's.
func (m *Model) toSession(msg tea.Msg) bool {
	n, ok := m.sess.Update(msg)
	if n.Text != "" {
		if n.Err {
			m.setError(n.Text)
		} else {
			m.setStatus(n.Text)
		}
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

// fromBrowse handles what the browser asks of the root and the screens
// still kept by the root; false for a message that is not the browser's.
func (m *Model) fromBrowse(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case browse.OpenedMsg:
		if m.statusDN != "" && !directory.SameDN(m.statusDN, msg.DN) {
			m.setStatus("") // it was about the user on screen until now
		}
		m.closeEditorOf(msg.DN)
	case browse.OpenAuditMsg:
		return m.openAudit(), true
	case browse.OpenReviewMsg:
		return m.openReview(), true
	case browse.QuitMsg:
		return m.quit(), true
	case browse.ToggleHelpMsg:
		m.help.ShowAll = !m.help.ShowAll
	case browse.EditMsg:
		m.openEdit(msg.Kind)
	case browse.ConfirmEPMsg:
		ep, _ := flags.Lookup(flags.EnhancedPresence)
		m.confirmEP(ep)
	case browse.ExplainMsg:
		m.push(dialogs.NewConfirm(m.com, "info", msg.Title, msg.Body, dialogs.Answer("close", nil, "esc", "enter", "i", "q")))
	case browse.UndoMsg:
		m.undo(msg.DN, msg.Label)
	case browse.EnableMsg:
		return m.openEnable(msg.Users), true
	case audit.BackMsg:
		m.browse.Focus = browse.PaneDetail
	case audit.JumpMsg:
		m.browse.FocusItem(msg.Kind)
		m.setStatus(msg.Hint)
	case audit.ReloadMsg:
		return m.browse.Reload(), true
	case review.BackMsg:
		m.screen = m.reviewFrom
		m.stack, m.reviewStack = m.reviewStack, nil
	case review.RefreshMsg:
		m.browse.Refresh(msg.User)
	case enable.RefreshMsg:
		m.browse.Refresh(msg.User)
	case enable.UnmarkMsg:
		m.browse.UnmarkDNs(msg.DNs)
		if m.enable != nil {
			m.enable.SetMarksLeft(len(m.browse.List.Marks) > 0)
		}
	case browse.PoolsUnreadableMsg:
		if m.status == "" {
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

// canEdit reports whether the open user may get a new edit, and says why
// not: a read-only session, or pending edits that no longer apply.
func (m *Model) canEdit() bool {
	if why := browse.CannotEdit(m.com.ReadOnly, m.state().ApplyErr); why != "" {
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

// auditScreen is the audit when it is open.
func (m *Model) auditScreen() *audit.Model {
	for _, s := range m.stack {
		if a, ok := s.(*audit.Model); ok {
			return a
		}
	}
	return nil
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
	if a := m.auditScreen(); a != nil {
		ask = append(ask, a.Candidates()...)
	}
	return m.sess.Lookup(m.com.Ctx, m.com.Dir, readTimeout, ask...)
}

// toReview gives msg to the review and handles what it asks at once.
func (m *Model) toReview(msg tea.Msg) tea.Cmd {
	_, cmd := m.review.Update(msg)
	return tea.Batch(cmd, m.drain(m.review))
}

// openEnable opens the Enable Users wizard on users.
func (m *Model) openEnable(users []directory.User) tea.Cmd {
	m.enable = enable.New(m.com, m.sess, users, m.browse.RootDN())
	m.screen = scrEnable
	return m.drain(m.enable)
}

// toEnable gives msg to the wizard; it closes when it says so.
func (m *Model) toEnable(msg tea.Msg) tea.Cmd {
	w := m.enable
	s, cmd := w.Update(msg)
	if s == nil {
		m.enable, m.screen = nil, scrBrowse
	}
	return tea.Batch(cmd, m.drain(w))
}

// pushEditFor records an edit for u through the session, which refuses one
// that could not be written.
func (m *Model) pushEditFor(u directory.User, c flags.Change, what string) {
	m.toSession(session.StageMsg{User: u, Change: c, What: what})
}

// openEdit opens the editor of the open user's line of kind.
func (m *Model) openEdit(kind browse.ItemKind) {
	if !m.canEdit() {
		return
	}
	s := m.state()
	if err := s.Base.Editable(browse.Attr(kind)); err != nil {
		m.setError("refused: " + err.Error())
		return
	}
	m.push(dialogs.NewEditor(m.com, m.sess, kind, m.browse.Detail.User, s))
	// Editing is doing something else than waiting to quit.
	m.quitting = false
}

// closeEditorOf closes an editor of another user than dn: it was for the
// user on screen until now.
func (m *Model) closeEditorOf(dn string) {
	for i, s := range m.stack {
		if e, ok := s.(*dialogs.Editor); ok && !directory.SameDN(e.DN(), dn) {
			m.stack = append(m.stack[:i:i], m.stack[i+1:]...)
			return
		}
	}
}
