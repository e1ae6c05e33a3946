package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"ocsflags/flags"
	"ocsflags/ui/browse"
	"ocsflags/ui/common"
	"ocsflags/ui/dialogs"
	"ocsflags/ui/session"
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
	if _, ok := m.top().(common.Overlay); ok {
		return m.updateTop(msg) // a dialog takes every key
	}
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if m.top() != nil {
		return m.updateTop(msg)
	}
	switch m.screen {
	case scrReview:
		return m.toReview(msg)
	case scrEnable:
		return m.toEnable(msg)
	}
	return m.toBrowse(msg)
}

// quit asks first when edits would be lost.
func (m *Model) quit() tea.Cmd {
	if m.writing() {
		// Killing the program mid-write could leave a change applied but
		// missing from the journal, and the admin without its result.
		if m.quitting {
			m.browse.List.Stop()
			return tea.Quit // asked twice: the admin insists
		}
		m.quitting = true
		if m.enable != nil {
			m.enable.Stop()
		}
		m.setStatus("quitting once the write in progress has ended and its outcome is known (the other users are not written); press ctrl+c again to quit at once")
		return nil
	}
	edits, users := m.sess.Pending.Counts()
	if edits == 0 {
		m.browse.List.Stop()
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
	return m.push(dialogs.NewConfirm(m.com, "quit", "Quit with changes that are not written?",
		[]string{fmt.Sprintf("%d pending change%s for %d user%s %s not been written to the directory. Quitting now loses %s.",
			edits, common.Plural(edits), users, common.Plural(users), map[bool]string{true: "has", false: "have"}[edits == 1], them)},
		dialogs.Answer("review and commit them", browse.OpenReviewMsg{}, "c"),
		// Not y: y writes in the review, and a hand used to it must not
		// throw the edits away here.
		dialogs.Answer(discard, dialogs.QuitNowMsg{}, "d"),
		dialogs.Answer("stay", nil, "n", "esc"),
	))
}

// writing reports whether a write to the directory is in flight.
func (m *Model) writing() bool {
	return m.review.Busy() || (m.enable != nil && m.enable.Busy()) || m.stackBusy()
}

// confirmEP asks before setting enhanced presence, with the warning the
// console gives: it is one-way and ends Communicator 2005 for the user.
func (m *Model) confirmEP(f flags.Feature) {
	if err := m.state().Base.Editable(flags.AttrOptionFlags); err != nil {
		m.setError("refused: " + err.Error())
		return
	}
	name := m.browse.Detail.User.Label()
	set := session.StageMsg{User: m.browse.Detail.User, Change: flags.Change{Flags: flags.Delta{Set: flags.EnhancedPresence}}, What: f.Label + " (256): on"}
	m.push(dialogs.NewConfirm(m.com, "ep", "Enable enhanced presence (256) for "+name+"?",
		[]string{
			"This is one-way. Once it is written, the OCS console greys it out and it can never be cleared.",
			"After " + name + " first signs in with Communicator 2007 or 2007 R2, Communicator 2005 no longer works for them: time this with the client rollout.",
			"It is also what Communicator 2007 R2 needs to sign in at all.",
		},
		dialogs.Answer("set enhanced presence (pending until you commit)", set, "y"),
		dialogs.Answer("cancel", nil, "n", "esc"),
	))
}
