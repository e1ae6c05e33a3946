package session

import (
	"strings"
	"testing"
	"time"

	"ocsflags/directory"
	"ocsflags/flags"
)

// The writes in flight change only by WriteMsg: sent, unknown and being
// checked, unknown and left, answered.
func TestWrites(t *testing.T) {
	s := New()
	const dn = "CN=Ann,DC=corp"
	t0 := time.Unix(100, 0)
	steps := []struct {
		name                    string
		w                       *Write
		busy, unsettled, flight bool
		depth                   int
		n                       int
		checking                bool
	}{
		{"sent", &Write{Depth: 2, Claim: "sip:ann@corp", Started: t0}, true, false, true, 2, 1, false},
		{"unknown, checking", &Write{Depth: 2, Started: t0.Add(time.Second), Unknown: &directory.UnknownOutcomeError{}, Checking: true}, true, true, true, 2, 1, true},
		{"unknown, left", &Write{Depth: 2, Started: t0, Unknown: &directory.UnknownOutcomeError{}}, false, true, true, 2, 0, false},
		{"answered", nil, false, false, false, 0, 0, false},
	}
	for _, st := range steps {
		if _, ok := s.Update(WriteMsg{DN: dn, W: st.w}); !ok {
			t.Fatalf("%s: WriteMsg is not the session's", st.name)
		}
		// Another spelling of the DN is the same user.
		depth, ok := s.Writes.InFlight("cn=ann,dc=corp")
		since, n, checking := s.Writes.WaitingSince()
		if s.Writes.Busy() != st.busy || s.Writes.Unsettled() != st.unsettled || ok != st.flight || depth != st.depth || n != st.n || checking != st.checking {
			t.Errorf("%s: busy %v unsettled %v in flight %v depth %d waiting %d checking %v", st.name, s.Writes.Busy(), s.Writes.Unsettled(), ok, depth, n, checking)
		}
		if n > 0 && !since.Equal(st.w.Started) {
			t.Errorf("%s: waiting since %v, want %v", st.name, since, st.w.Started)
		}
	}
}

// An edit a write on its way carries cannot be undone, one made since can;
// once written, the edits it carried go and the later ones stay, on top of
// the user as stored; a conflict's rebase and drop change the edits too.
func TestAnswersChangeThePendingEdits(t *testing.T) {
	s, u := demoSession(t)
	stage := func(f flags.Value) {
		t.Helper()
		cur, _ := s.Pending.Get(u.DN).AfterOr(u.OCS)
		if n, _ := s.Update(StageMsg{User: u, Change: flags.Change{Flags: flags.Toggle(cur.OptionFlags.V, f)}, What: "bit"}); n.Err {
			t.Fatalf("staging: %s", n.Text)
		}
	}
	stage(flags.PublicIM)
	s.Update(WriteMsg{DN: u.DN, W: &Write{Depth: 1}})
	stage(flags.AnonymousParticipants)
	if n, _ := s.Update(UndoMsg{DN: u.DN, Label: "Ann"}); n.Err || n.Text != "undid the last edit of Ann" {
		t.Fatalf("undo of the edit made during the write: %+v", n)
	}
	if n, _ := s.Update(UndoMsg{DN: u.DN, Label: "Ann"}); !n.Err || !strings.Contains(n.Text, "is being written now") || len(s.Pending.Get(u.DN).Stack) != 1 {
		t.Fatalf("undo of the edit being written: %+v", n)
	}
	stage(flags.AnonymousParticipants)
	stored := u
	stored.OCS.OptionFlags.V ^= flags.PublicIM
	s.Update(WriteMsg{DN: u.DN})
	s.Update(WrittenMsg{User: stored, Depth: 1})
	p := s.Pending.Get(u.DN)
	if p == nil || len(p.Stack) != 1 || p.Base.OCS.OptionFlags.V != stored.OCS.OptionFlags.V {
		t.Fatalf("after the write: %+v", p)
	}
	other := stored
	other.OCS.OptionFlags.V |= flags.EnhancedPresence
	s.Update(RebaseMsg{User: other})
	if p := s.Pending.Get(u.DN); p.Base.OCS.OptionFlags.V != other.OCS.OptionFlags.V {
		t.Fatal("the rebase did not move the edits onto the value read")
	}
	s.Update(DropMsg{DN: u.DN})
	if s.Pending.Get(u.DN) != nil {
		t.Fatal("drop left edits")
	}
	s.Update(UndoMsg{DN: u.DN, Label: "Ann"})
	if n, _ := s.Update(UndoMsg{DN: u.DN, Label: "Ann"}); n.Text != "nothing to undo for Ann" {
		t.Fatalf("undo with nothing pending: %+v", n)
	}
}
