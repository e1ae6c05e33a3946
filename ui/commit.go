package ui

import (
	tea "charm.land/bubbletea/v2"
)

func (m *Model) openReview() tea.Cmd {
	ok := m.review.Open()
	cmd := m.drain(m.review)
	if !ok {
		return cmd
	}
	m.reviewFrom = m.screen
	m.reviewStack, m.stack = m.stack, nil
	m.screen = scrReview
	return cmd
}

// undo takes back the last pending edit of dn, unless that edit is in a
// write on its way to the directory: it would be written all the same.
func (m *Model) undo(dn string, label string) {
	p := m.sess.Pending.Get(dn)
	if depth, ok := m.review.InFlight(dn); p != nil && ok && len(p.Stack) <= depth {
		m.setError("the last edit of " + label + " is being written now and cannot be undone; once written, change it back with another edit")
		return
	}
	if m.sess.Pending.Undo(dn) {
		m.setStatus("undid the last edit of " + label)
	} else {
		m.setStatus("nothing to undo for " + label)
	}
}
