package review

import (
	"ocsflags/ui/common"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	r := m
	switch {
	case key.Matches(msg, k.Quit):
		m.Emit(common.QuitMsg{})
		return nil
	case key.Matches(msg, k.Up):
		r.Cursor, r.Scrolled = max(r.Cursor-1, 0), false
	case key.Matches(msg, k.Down):
		r.Cursor, r.Scrolled = min(r.Cursor+1, max(len(r.order)-1, 0)), false
	case key.Matches(msg, k.PageUp):
		r.Offset, r.Scrolled = max(r.Offset-max(m.com.Height-2, 1), 0), true
	case key.Matches(msg, k.PageDown):
		r.Offset, r.Scrolled = r.Offset+max(m.com.Height-2, 1), true
	case key.Matches(msg, k.Home):
		r.Offset, r.Scrolled = 0, true
	case key.Matches(msg, k.End):
		r.Offset, r.Scrolled = 1<<30, true // clamped to the last page when drawn
	case key.Matches(msg, k.LDIF):
		r.showLDIF = !r.showLDIF
	case key.Matches(msg, k.Commit):
		return m.commitAll()
	case key.Matches(msg, k.Rebase, k.Drop) && r.Scrolled:
		// a and d act on the selected user, who may be scrolled out of
		// view: show them first rather than act on someone unseen.
		r.Scrolled = false
		m.setStatus("a and d act on the selected user, shown now: press again")
	case key.Matches(msg, k.Rebase):
		return m.rebaseSelected()
	case key.Matches(msg, k.Drop):
		return m.dropSelected()
	}
	return nil
}
