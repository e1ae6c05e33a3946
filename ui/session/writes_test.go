package session

import (
	"testing"
	"time"

	"ocsflags/directory"
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
