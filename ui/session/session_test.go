package session

import (
	"context"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
)

// demoSession is a session with the demo's pools and its user aadams0004.
func demoSession(t *testing.T) (*Session, directory.User) {
	t.Helper()
	d, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	us, err := d.Resolve(context.Background(), "aadams0004")
	if err != nil || len(us) != 1 {
		t.Fatalf("resolve: %v", err)
	}
	s := New()
	pools, err := d.Pools(context.Background())
	s.Update(PoolsMsg{Pools: pools, Err: err})
	return s, us[0]
}

// An edit goes through the write rules: a rule's refusal stages nothing,
// an accepted edit is pending, and an edit back to the directory's value
// leaves nothing pending.
func TestStage(t *testing.T) {
	s, u := demoSession(t)

	var reserved flags.Value
	for _, f := range flags.Catalogue {
		if !f.Documented {
			reserved = f.Value
			break
		}
	}
	n, ok := s.Update(StageMsg{User: u, Change: flags.Change{Flags: flags.Delta{Set: reserved}}, What: "reserved"})
	if !ok || !n.Err || !strings.HasPrefix(n.Text, "refused: ") || s.Pending.Get(u.DN) != nil {
		t.Fatalf("a reserved bit was staged: %+v, pending %v", n, s.Pending.Get(u.DN))
	}
	flip := flags.Toggle(u.OCS.OptionFlags.V, flags.PublicIM)
	n, _ = s.Update(StageMsg{User: u, Change: flags.Change{Flags: flip}, What: "public IM"})
	if n.Err || !strings.Contains(n.Text, "pending: c reviews") || !s.Pending.Get(u.DN).HasEdits() {
		t.Fatalf("the edit is not pending: %+v", n)
	}
	after, _ := s.Pending.Get(u.DN).After()
	back := flags.Toggle(after.OptionFlags.V, flags.PublicIM)
	n, _ = s.Update(StageMsg{User: u, Change: flags.Change{Flags: back}, What: "public IM"})
	if !strings.Contains(n.Text, "nothing pending for") {
		t.Fatalf("toggling back says %+v", n)
	}
	if edits, _ := s.Pending.Counts(); edits != 0 {
		t.Fatalf("%d edits pending after toggling back", edits)
	}
}

// An undo is written alone: a write is journaled as the undo of a write
// only when the user's stack is exactly that undo, so other edits next to
// a staged undo are refused, and so is an undo next to other edits.
func TestUndoIsStagedAlone(t *testing.T) {
	s, u := demoSession(t)
	pic := flags.Change{Flags: flags.Toggle(u.OCS.OptionFlags.V, flags.PublicIM)}
	picBack := flags.Change{Flags: flags.Toggle(u.OCS.OptionFlags.V^flags.PublicIM, flags.PublicIM)}
	anon := flags.Change{Flags: flags.Toggle(u.OCS.OptionFlags.V, flags.AnonymousParticipants)}
	const first = "commit or undo the pending edits of this user first"

	// The stack is built by hand as it was before the refusals: an undo
	// that a later edit cancels is not the write's undo.
	e := &Edits{Base: u, Stack: []Edit{{Change: pic, Undoes: "X"}, {Change: picBack}}}
	if got := e.Undoes(); got != "" {
		t.Fatalf("an undo cancelled by a later edit: Undoes() = %q", got)
	}
	e.Stack = []Edit{{Change: anon}, {Change: pic, Undoes: "X"}}
	if got := e.Undoes(); got != "" {
		t.Fatalf("an undo with an earlier edit: Undoes() = %q", got)
	}

	if n, _ := s.Update(StageMsg{User: u, Change: pic, What: "undo of X", Undoes: "X"}); n.Err {
		t.Fatalf("staging the undo: %+v", n)
	}
	for _, c := range []flags.Change{picBack, anon} {
		n, _ := s.Update(StageMsg{User: u, Change: c, What: "edit"})
		if !n.Err || !strings.Contains(n.Text, first) || !strings.Contains(n.Text, "write X") {
			t.Errorf("an edit on top of the undo: %+v", n)
		}
	}
	if n, _ := s.Update(StageMsg{User: u, Change: pic, What: "undo of X", Undoes: "X"}); !n.Err {
		t.Errorf("the same undo twice: %+v", n)
	}
	if p := s.Pending.Get(u.DN); p.Undoes() != "X" || len(p.Stack) != 1 {
		t.Fatalf("after the refusals: undoes %q, %d edits", p.Undoes(), len(p.Stack))
	}

	// The reverse: an undo on a user with other pending edits.
	s.Update(UndoMsg{DN: u.DN, Label: "Ann"})
	s.Update(StageMsg{User: u, Change: anon, What: "anonymous"})
	n, _ := s.Update(StageMsg{User: u, Change: pic, What: "undo of X", Undoes: "X"})
	if !n.Err || !strings.Contains(n.Text, first) {
		t.Errorf("an undo on top of an edit: %+v", n)
	}
	if p := s.Pending.Get(u.DN); p.Undoes() != "" || len(p.Stack) != 1 {
		t.Fatalf("after the refusal: undoes %q, %d edits", p.Undoes(), len(p.Stack))
	}

	// Edits that cancelled out leave nothing to write: they make way.
	s.Update(StageMsg{User: u, Change: flags.Change{Flags: flags.Toggle(u.OCS.OptionFlags.V^flags.AnonymousParticipants, flags.AnonymousParticipants)}, What: "anonymous"})
	if n, _ := s.Update(StageMsg{User: u, Change: pic, What: "undo of X", Undoes: "X"}); n.Err {
		t.Fatalf("an undo after edits that cancelled out: %+v", n)
	}
	if p := s.Pending.Get(u.DN); p.Undoes() != "X" || len(p.Stack) != 1 {
		t.Fatalf("undoes %q, %d edits", p.Undoes(), len(p.Stack))
	}
}
