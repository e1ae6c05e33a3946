package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
)

// meddling is the demo where another writer changes each user once, just
// before ocsflags' first write of it: that try conflicts, the next one is
// written.
type meddling struct {
	*directory.Memory
	done map[string]bool
}

func (m *meddling) Apply(ctx context.Context, c directory.Change) (directory.User, error) {
	if k := directory.NormDN(c.DN); !m.done[k] {
		m.done[k] = true
		u, _ := m.Memory.User(ctx, c.DN)
		v := u.OCS.OptionFlags.V
		m.Memory.Apply(ctx, directory.Change{DN: c.DN, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags,
			Old: flags.Some(flags.FormatAD(v)), New: flags.Some(flags.FormatAD(v | 1024))}}})
	}
	return m.Memory.Apply(ctx, c)
}

// history shows a change written on its second compare-and-swap try as one
// write, with a note naming the try that conflicted, in a run and alone;
// the run header counts users written, not tries. --json keeps every try.
func TestHistoryFoldsConflictRetries(t *testing.T) {
	ctx := context.Background()
	m, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := directory.NewJournaled(&meddling{Memory: m, done: map[string]bool{}}, path)
	if err != nil {
		t.Fatal(err)
	}
	d := &journaledDemo{m: m, j: j, journal: path}
	var dns []string
	m.Users(ctx, directory.StaffOU, directory.OneLevel, func(b directory.Batch) error {
		for _, u := range b.Users {
			if len(dns) < 3 && !u.OCS.OptionFlags.V.Has(flags.AnonymousParticipants) {
				dns = append(dns, u.DN)
			}
		}
		return nil
	})
	run := directory.NewRunID()
	for _, dn := range dns[:2] {
		if _, _, err := directory.Update(directory.WithRun(ctx, run), j, dn, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 3); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := directory.Update(ctx, j, dns[2], flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 3); err != nil {
		t.Fatal(err)
	}
	hs := historyJSON(t, d)
	if len(hs) != 6 || hs[0].Outcome != directory.JournalNotWritten || hs[1].Outcome != directory.JournalWritten {
		t.Fatalf("--json keeps every try: %+v", hs)
	}
	code, out, errs := d.run(t, "history")
	if code != 0 {
		t.Fatalf("history: %d %s", code, errs)
	}
	if !strings.Contains(out, "run "+run+": 2 writes (2 written)") || strings.Contains(out, "not written\n") {
		t.Errorf("the run shows its tries as writes:\n%s", out)
	}
	for _, pair := range [][2]int{{0, 1}, {2, 3}, {4, 5}} {
		note := "written on try 2; not written before: " + hs[pair[0]].ID
		if !strings.Contains(out, note) || strings.Contains(out, "  "+hs[pair[0]].ID+"  ") {
			t.Errorf("%s: no %q, or the try listed as a write:\n%s", hs[pair[1]].DN, note, out)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 80 {
			t.Errorf("line over 80 columns: %q", l)
		}
	}
}
