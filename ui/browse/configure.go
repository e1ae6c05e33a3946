package browse

// Opening Configure Users (ui/configure) from the browser, and what its
// runs change in the list.

import (
	"ocsflags/directory"
	"ocsflags/ui/common"
	"ocsflags/ui/configure"
)

// Selection is what a screen opened from the browser works on: the users
// marked in the list (space), else the open user, else none.
func (m *Model) Selection() []directory.User {
	if us := m.List.MarkedUsers(); len(us) > 0 {
		return us
	}
	if m.Detail.Has {
		return []directory.User{m.Detail.User}
	}
	return nil
}

// openConfigure opens the wizard on the selection (the marked users, else
// the open user), or with all on every user the list's filter matches.
func (m *Model) openConfigure(all bool) {
	var users []directory.User
	if all {
		for i := 0; i < m.List.VisibleLen(); i++ {
			users = append(users, m.List.At(i).U)
		}
	} else {
		users = m.Selection()
	}
	switch {
	case m.com.ReadOnly:
		m.setError("read-only: Configure Users writes, and nothing can be written here")
	case len(users) == 0 && all:
		m.setError("no users listed: open a container first, then O configures every user the filter shows")
	case len(users) == 0:
		m.setError("no users to configure: select users in the list with space (or open one), then o; O takes every user the filter shows")
	default:
		m.emit(common.PushMsg{Screen: configure.New(m.com, m.sess, users)})
	}
}

// Unmark deselects the users a run left in the target state; those it did
// not stay selected for another try.
func (m *Model) Unmark(users []directory.User) {
	for _, u := range users {
		if m.List.Marked(u.DN) {
			m.List.toggleMark(u)
		}
	}
}

// UnmarkDNs deselects the users of dns (enabled by the wizard).
func (m *Model) UnmarkDNs(dns []string) {
	for _, dn := range dns {
		delete(m.List.Marks, directory.NormDN(dn))
	}
}
