package session

import "ocsflags/directory"

// The messages that change the pending edits after they were staged: what
// the directory answered a write, the admin's choice on a conflict, undo.
type (
	// WrittenMsg: a write that carried the first Depth stacked edits of
	// User is in the directory, which holds User now. Those edits are no
	// longer pending; edits made while it was on its way stay, on top of
	// User (Depth 0: every edit goes).
	WrittenMsg struct {
		User  directory.User
		Depth int
	}
	// RebaseMsg: the pending edits of User apply on top of User as read
	// now (re-applied after a conflict, or a write the directory took back).
	RebaseMsg struct{ User directory.User }
	// DropMsg: forget the pending edits of DN (dropped on a conflict, or
	// cancelling out).
	DropMsg struct{ DN string }
	// UndoMsg: take back the last pending edit of DN (Label names the user
	// on the status line), unless a write on its way carries it.
	UndoMsg struct{ DN, Label string }
)

// onWritten takes the edits a write carried off the user's pending edits.
func (s *Session) onWritten(u directory.User, depth int) {
	p := s.Pending.Get(u.DN)
	switch {
	case p == nil:
	case depth > 0 && depth < len(p.Stack):
		p.Stack = p.Stack[depth:]
		p.Base = u
	default:
		s.Pending.Drop(u.DN)
	}
}

// undo takes back the last edit of dn, unless that edit is in a write on
// its way to the directory: it would be written all the same.
func (s *Session) undo(dn, label string) Note {
	p := s.Pending.Get(dn)
	if depth, ok := s.Writes.InFlight(dn); p != nil && ok && len(p.Stack) <= depth {
		return Note{Text: "the last edit of " + label + " is being written now and cannot be undone; once written, change it back with another edit", Err: true}
	}
	if s.Pending.Undo(dn) {
		return Note{Text: "undid the last edit of " + label}
	}
	return Note{Text: "nothing to undo for " + label}
}

// The messages that change what the session knows of the directory.
type (
	// ForgetMsg drops the cached sign-in-name look-ups (after a write, or
	// when another user is opened: another admin may have taken or freed
	// an address since), so they are asked again, in a new generation.
	ForgetMsg struct{}
	// NamesMsg records display names read with a user, by NormDN.
	NamesMsg struct{ Names map[string]string }
	// PoolsHiddenMsg: a verdict said "? unchecked", so some pools cannot
	// be read with this account; the header says so from then on.
	PoolsHiddenMsg struct{}
)
