package review

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
)

// KeyMap is the review's keys.
type KeyMap struct {
	Move, Up, Down, PageUp, PageDown, Home, End key.Binding
	Commit, Rebase, Drop, LDIF, Back, Quit      key.Binding
}

func newKeyMap(k keys.KeyMap) KeyMap {
	return KeyMap{
		Move: key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "user")),
		Up:   k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: keys.With(k.PageDown, "scroll"), Home: k.Home, End: k.End,
		Commit: k.Commit, Rebase: k.Rebase, Drop: k.Drop, LDIF: k.LDIF, Back: k.Back, Quit: k.Quit,
	}
}

// Messages the review sends the root.
type (
	// RefreshMsg: User is now stored so; the browser shows it.
	RefreshMsg struct{ User directory.User }
)

// Open brings the review up to date with the pending edits; false (and a
// status line) when there is nothing to review.
func (m *Model) Open() bool {
	if len(m.sess.Pending.Order) == 0 {
		m.setStatus("nothing to review: no pending changes")
		return false
	}
	if m.Busy() || m.sess.Writes.Unsettled() {
		// A write is on its way: keep its result slot (a fresh review would
		// forget it, send it again and call the answer a conflict), and
		// add the users edited since.
		m.merge(m.sess.Pending)
	} else {
		m.reset(m.sess.Pending)
	}
	return true
}

// Update handles the review's keys and the answers of its writes (which
// come whether the review is shown or not); esc closes it (a nil screen),
// for the screen it was opened over. The results stay with the Model.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Back) {
			// Results belong to this review; what is still pending stays.
			return nil, nil
		}
		return m, m.key(msg)
	case CommitMsg:
		return m, m.onCommit(msg)
	case SettleMsg:
		return m, m.onSettle(msg)
	}
	return m, nil
}

// View draws the review from a copy (drawing changes nothing); Settle
// keeps the scroll position the layout works out.
func (m *Model) View() string {
	c := *m
	return strings.Join(c.body(m.com.Width, m.com.Height), "\n")
}

// Settle lays the review out once after a message.
func (m *Model) Settle() { m.body(m.com.Width, m.com.Height) }

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	edits, _ := m.sess.Pending.Counts()
	_, conflict := m.selectedConflict()
	return []key.Binding{
		k.Move, keys.Enabled(k.Commit, !m.com.ReadOnly && edits > 0), keys.Enabled(k.Rebase, conflict != nil), keys.Enabled(k.Drop, conflict != nil),
		k.LDIF, k.PageDown, keys.With(k.Back, "back"), k.Quit,
	}
}

// FullHelp is the ? help: the same keys in two columns.
func (m *Model) FullHelp() [][]key.Binding {
	s := m.ShortHelp()
	return [][]key.Binding{s[:4], s[4:]}
}

// WaitingSince is the start of the oldest wait on the directory, how many
// users are waited for, and whether it is the check of an unknown outcome
// (the status line's, with Elapsed).
func (m *Model) WaitingSince() (time.Time, int, bool) { return m.sess.Writes.WaitingSince() }

func (m *Model) setStatus(s string) { m.Emit(common.StatusMsg{Text: s}) }
func (m *Model) setError(s string)  { m.Emit(common.StatusMsg{Text: s, Err: true}) }
