package audit

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
	"ocsflags/ui/session"
)

// KeyMap is the audit's keys, and the picker's while a fix asks for a
// choice.
type KeyMap struct {
	Move, Up, Down, Home, End key.Binding
	Fix, Undo, Review, Reload key.Binding
	Back, Help, Quit          key.Binding
	// The picker's.
	Choose, Cancel key.Binding
}

func newKeyMap(k keys.KeyMap) KeyMap {
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move"))
	return KeyMap{
		Move: move, Up: k.Up, Down: k.Down, Home: k.Home, End: k.End,
		Fix:    key.NewBinding(key.WithKeys(append(k.Fix.Keys(), k.Open.Keys()...)...), key.WithHelp(k.Fix.Help().Key, "fix this")),
		Undo:   k.Undo,
		Review: k.Review,
		Reload: keys.With(k.Reload, "check again"),
		Back:   key.NewBinding(key.WithKeys(append(k.Back.Keys(), k.Left.Keys()...)...), key.WithHelp(k.Back.Help().Key, "back")),
		Help:   k.Help,
		Quit:   k.Quit,
		Choose: key.NewBinding(key.WithKeys(append(k.Open.Keys(), k.Fix.Keys()...)...), key.WithHelp(k.Open.Help().Key, "set as pending edit")),
		Cancel: key.NewBinding(key.WithKeys(append(k.Back.Keys(), "q")...), key.WithHelp(k.Back.Help().Key, "cancel")),
	}
}

// Messages the audit sends the root (besides the browser's: undo, review,
// quit, help, the editor, the enhanced presence question).
type (
	// BackMsg: esc closed the audit; the user pane gets the focus.
	BackMsg struct{}
	// JumpMsg: the audit closed on the user pane's line of Kind, where the
	// fix is made by hand, with Hint on the status line.
	JumpMsg struct {
		Kind common.ItemKind
		Hint string
	}
	// ReloadMsg: read the open user again.
	ReloadMsg struct{}
)

// New opens the audit of u, with the sign-in-name look-ups asked afresh:
// another admin may have taken or freed an address since the last look.
func New(c *common.Common, s *session.Session, u directory.User, loading bool) *Model {
	m := &Model{com: c, sess: s, keys: newKeyMap(c.Keys), user: u, has: true, loading: loading}
	s.Update(session.ForgetMsg{})
	// Start on the first problem: that is what the admin came to read, and
	// f then fixes it without hunting for it.
	rows, _, _ := m.AuditRules()
	if i := firstProblem(rows); i >= 0 {
		m.Cursor = i
	}
	return m
}

// ShowUser is the open user as the browser holds it now (the root calls it
// after every message).
func (m *Model) ShowUser(u directory.User, loading bool) { m.user, m.loading = u, loading }

// Candidates are the addresses the sign-in fix could offer, which the root
// looks up with the user's own: the fix offers none that is taken.
func (m *Model) Candidates() []string {
	s := m.state()
	return flags.SIPCandidates(s.After.SIPAddress.V, m.user.Mail, m.user.UPN)
}

// Update handles the audit's keys and moves the cursor to a problem a late
// sign-in-name look-up finds.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		cmd := m.auditKey(msg)
		if m.closed {
			return nil, cmd
		}
		return m, cmd
	case session.HoldersMsg:
		// The session has cached the answer.
		if msg.Gen == m.sess.Gen() && msg.Err == nil && !m.moved {
			rows, _, _ := m.AuditRules()
			if i := firstProblem(rows); i >= 0 {
				m.Cursor = i
			}
		}
	}
	return m, nil
}

// View draws the audit from a copy (drawing changes nothing); Settle keeps
// the scroll position the layout works out.
func (m *Model) View() string {
	c := *m
	return strings.Join(c.body(m.com.Width, m.com.Height), "\n")
}

// Settle lays the audit out once after a message.
func (m *Model) Settle() { m.body(m.com.Width, m.com.Height) }

// ShortHelp is the footer: the picker's keys while it asks, else the
// audit's.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.Picker != nil {
		return []key.Binding{keys.With(k.Move, "choose"), k.Choose, k.Cancel}
	}
	p := m.sess.Pending.Get(m.user.DN)
	rows, _, _ := m.AuditRules()
	fixable := rows[common.Clamp(m.Cursor, 0, len(rows)-1)].Finding != nil
	edits, _ := m.sess.Pending.Counts()
	return []key.Binding{
		keys.With(k.Move, "rule"), keys.Enabled(k.Fix, !m.com.ReadOnly && fixable), keys.Enabled(k.Undo, p != nil && len(p.Stack) > 0),
		keys.Enabled(k.Review, edits > 0), k.Reload, k.Back, k.Quit,
	}
}

// FullHelp is the ? help: the same keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *Model) state() session.State { return m.sess.State(m.user, m.com.Dir.Info().SIPScope) }

func (m *Model) setStatus(s string) { m.Emit(common.StatusMsg{Text: s}) }
func (m *Model) setError(s string)  { m.Emit(common.StatusMsg{Text: s, Err: true}) }

// pushEdit records an edit for the user through the session.
func (m *Model) pushEdit(c flags.Change, what string) {
	if n, _ := m.sess.Update(session.StageMsg{User: m.user, Change: c, What: what}); n.Text != "" {
		m.Emit(common.StatusMsg{Text: n.Text, Err: n.Err})
	}
}

// canEdit reports whether the user may get a new edit, and says why not.
func (m *Model) canEdit() bool {
	if why := session.CannotEdit(m.com.ReadOnly, m.state().ApplyErr); why != "" {
		m.setError(why)
		return false
	}
	return true
}

func (m *Model) undo(dn, label string)      { m.Emit(session.UndoMsg{DN: dn, Label: label}) }
func (m *Model) quit() tea.Cmd              { m.Emit(common.QuitMsg{}); return nil }
func (m *Model) openReview() tea.Cmd        { m.Emit(common.OpenReviewMsg{}); return nil }
func (m *Model) openEdit(k common.ItemKind) { m.Emit(common.EditMsg{Kind: k}) }
func (m *Model) confirmEP(flags.Feature)    { m.Emit(common.ConfirmEPMsg{}) }
