package ui

// Opening Configure Users (ui/configure) from the browser, and what its
// runs change in the list.

import (
	"ocsflags/directory"
	"ocsflags/ui/configure"
)

// openConfigure opens the wizard on the selection (the marked users, else
// the open user), or with all on every user the list's filter matches.
func (m *Model) openConfigure(all bool) {
	var users []directory.User
	if all {
		for i := 0; i < m.list.visibleLen(); i++ {
			users = append(users, m.list.at(i).u)
		}
	} else {
		users = m.selection()
	}
	switch {
	case m.com.ReadOnly:
		m.setError("read-only: Configure Users writes, and nothing can be written here")
	case len(users) == 0 && all:
		m.setError("no users listed: open a container first, then O configures every user the filter shows")
	case len(users) == 0:
		m.setError("no users to configure: select users in the list with space (or open one), then o; O takes every user the filter shows")
	default:
		m.push(configure.New(m.com, m.sess, users))
	}
}

// configureDone deselects the users a run left in the target state; those
// it did not stay selected for another try.
func (m *Model) configureDone(msg configure.DoneMsg) {
	for _, u := range msg.Done {
		if m.list.marked(u.DN) {
			m.list.toggleMark(u)
		}
	}
}

// stackBusy reports whether a screen on the stack has writes in flight.
func (m *Model) stackBusy() bool {
	for _, s := range m.stack {
		if b, ok := s.(interface{ Busy() bool }); ok && b.Busy() {
			return true
		}
	}
	return false
}
