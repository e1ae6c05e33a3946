package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
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

func (m *Model) where() place { return place{scr: m.screen, depth: len(m.stack)} }

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
	s, cmd := m.stack[i].Update(msg)
	if s == nil {
		m.stack = m.stack[:i]
	} else {
		m.stack[i] = s
	}
	return cmd
}

// forward gives a message that is not input to every open screen, bottom
// first.
func (m *Model) forward(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for i := 0; i < len(m.stack); i++ {
		s, cmd := m.stack[i].Update(msg)
		cmds = append(cmds, cmd)
		if s == nil {
			m.stack = append(m.stack[:i], m.stack[i+1:]...)
			i--
			continue
		}
		m.stack[i] = s
	}
	return tea.Batch(cmds...)
}

// layout sizes every screen to the body and hands them the spinner's frame
// and the time: done in Update, so View only reads.
func (m *Model) layout() {
	m.help.SetWidth(max(m.w, 20))
	m.com.Width, m.com.Height = max(m.w, 20), m.bodyHeight()
	m.com.Spin, m.com.Now = m.spin.View(), m.now
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

// selection is what a screen opened from the browser works on: the users
// marked in the list (space), else the open user, else none. A screen gets
// it when it opens (New(…, m.selection())) and reads any later state of
// those users from the session.
func (m *Model) selection() []directory.User {
	if us := m.list.MarkedUsers(); len(us) > 0 {
		return us
	}
	if m.detail.Has {
		return []directory.User{m.detail.User}
	}
	return nil
}
