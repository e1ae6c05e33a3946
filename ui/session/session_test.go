package session

import (
	"context"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
)

// An edit goes through the write rules: a rule's refusal stages nothing,
// an accepted edit is pending, and an edit back to the directory's value
// leaves nothing pending.
func TestStage(t *testing.T) {
	d, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	us, err := d.Resolve(context.Background(), "aadams0004")
	if err != nil || len(us) != 1 {
		t.Fatalf("resolve: %v", err)
	}
	u := us[0]
	s := New()
	pools, err := d.Pools(context.Background())
	s.Update(PoolsMsg{Pools: pools, Err: err})

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
