package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/flags"
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
	from, status := m.stack.depth(), m.frame.Status
	m.byInterrupt = key.Matches(msg, m.com.Keys.Interrupt)
	cmd := m.routeKey(msg)
	if to := m.stack.depth(); to != from && to != 0 && m.frame.Status == status && !m.frame.StatusErr {
		m.setStatus("")
	}
	return cmd
}

// routeKey sends a key to a dialog first, then the top screen, then the
// browser.
func (m *Model) routeKey(msg tea.KeyPressMsg) tea.Cmd {
	if _, ok := m.stack.top().(common.Overlay); ok {
		return m.updateTop(msg) // a dialog takes every key
	}
	if key.Matches(msg, m.com.Keys.Interrupt) {
		return m.quit()
	}
	if m.stack.top() != nil {
		return m.updateTop(msg)
	}
	return m.toBrowse(msg)
}

// push opens s on top of the stack, sized to the body now.
func (m *Model) push(s common.Screen) tea.Cmd {
	m.stack = append(m.stack, s)
	m.layout()
	return nil
}

// updateTop gives a key or a paste to the top screen and handles at once
// what it asked of the root.
func (m *Model) updateTop(msg tea.Msg) tea.Cmd {
	old, cmd := m.stack.updateTop(msg)
	return tea.Batch(cmd, m.drain(old))
}

// forward gives a message that is not input to every open screen, bottom
// first, and then handles what they asked of the root.
func (m *Model) forward(msg tea.Msg) tea.Cmd {
	asked, cmd := m.stack.forward(msg)
	cmds := []tea.Cmd{cmd}
	for _, s := range asked {
		cmds = append(cmds, m.drain(s))
	}
	return tea.Batch(cmds...)
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
		m.stack.stop()
		m.setStatus("quitting once the write in progress has ended and its outcome is known (the other users are not written); press ctrl+c again to quit at once")
		return nil
	}
	edits, users := m.sess.Pending.Counts()
	if edits == 0 {
		m.browse.List.Stop()
		return tea.Quit
	}
	them, discard := "them", "discard them and quit"
	if edits == 1 {
		them, discard = "it", "discard it and quit"
	}
	if m.byInterrupt {
		discard += " (ctrl+c again also quits)"
	}
	return m.push(dialogs.NewConfirm(m.com, "quit", "Quit with changes that are not written?",
		[]string{fmt.Sprintf("%d pending change%s for %d user%s %s not been written to the directory. Quitting now loses %s.",
			edits, common.Plural(edits), users, common.Plural(users), map[bool]string{true: "has", false: "have"}[edits == 1], them)},
		dialogs.Answer("review and commit them", common.OpenReviewMsg{}, "c"),
		// Not y: y writes in the review, and a hand used to it must not
		// throw the edits away here.
		dialogs.Answer(discard, dialogs.QuitNowMsg{}, "d"),
		dialogs.Answer("stay", nil, "n", "esc"),
	))
}

// writing reports whether a write to the directory is in flight.
func (m *Model) writing() bool {
	return m.sess.Writes.Busy() || m.stack.busy()
}

// confirmEP asks before setting enhanced presence, with the warning the
// console gives: it is one-way and ends Communicator 2005 for the user.
func (m *Model) confirmEP() {
	if err := m.state().Base.Editable(flags.AttrOptionFlags); err != nil {
		m.setError("refused: " + err.Error())
		return
	}
	f, _ := flags.Lookup(flags.EnhancedPresence)
	name := m.browse.Detail.User.Label()
	set := session.StageMsg{User: m.browse.Detail.User, Change: flags.Change{Flags: flags.Delta{Set: flags.EnhancedPresence}}, What: f.Label + " (256): on"}
	m.push(dialogs.NewConfirm(m.com, "ep", f.Label+" (256) for "+name+"?",
		[]string{
			"This is one-way. Once it is written, the OCS console greys it out and it can never be cleared.",
			"After " + name + " first signs in with Communicator 2007 or 2007 R2, Communicator 2005 no longer works for them: time this with the client rollout.",
			"It is also what Communicator 2007 R2 needs to sign in at all.",
		},
		dialogs.Answer("set enhanced presence (pending until you commit)", set, "y"),
		dialogs.Answer("cancel", nil, "n", "esc"),
	))
}
