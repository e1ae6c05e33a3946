package directory

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/flags"
)

// journalByID groups a journal's lines by write id, in order.
func journalByID(t *testing.T, path string) (map[string][]JournalEntry, []string) {
	t.Helper()
	es, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string][]JournalEntry{}
	var ids []string
	for _, e := range es {
		if e.V != JournalVersion || e.ID == "" {
			t.Fatalf("journal line without version or id: %+v", e)
		}
		if by[e.ID] == nil {
			ids = append(ids, e.ID)
		}
		by[e.ID] = append(by[e.ID], e)
	}
	return by, ids
}

// finalOutcome is where a write stands by its last journal line.
func finalOutcome(lines []JournalEntry) string {
	last := lines[len(lines)-1]
	if last.Phase == PhaseIntent {
		return JournalUnknown
	}
	return last.Outcome
}

func TestJournalIntentThenOutcome(t *testing.T) {
	m, _ := OpenDemo()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := NewJournaled(m, path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const dn = "CN=Leo Marsh,OU=Migrated-LCS2005,DC=corp,DC=example"
	ok := Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("1"), New: flags.Some("257")}}}
	if _, err := j.Apply(ctx, ok); err != nil {
		t.Fatal(err)
	}
	// The same change again expects 1, which is gone: a conflict.
	if _, err := j.Apply(ctx, ok); !errors.Is(err, ErrConflict) {
		t.Fatalf("second apply: %v", err)
	}
	by, ids := journalByID(t, path)
	if len(ids) != 2 {
		t.Fatalf("%d writes journaled, want 2", len(ids))
	}
	for i, want := range []string{JournalWritten, JournalNotWritten} {
		lines := by[ids[i]]
		if len(lines) != 2 || lines[0].Phase != PhaseIntent || lines[1].Phase != PhaseOutcome || lines[1].Outcome != want {
			t.Errorf("write %d: %+v, want intent then %s", i, lines, want)
		}
		if lines[0].DN != dn || lines[0].Attribute != flags.AttrOptionFlags || *lines[0].Before != "1" || *lines[0].After != "257" {
			t.Errorf("write %d intent fields: %+v", i, lines[0])
		}
	}
	if e := by[ids[1]][1].Error; !strings.Contains(e, "conflict") {
		t.Errorf("not-written line's error: %q", e)
	}
}

// An unknown outcome settles by reading the user: the values written mean
// written, the values expected mean not written, anything else stays
// unknown. Each answer is journaled as the write's resolution.
func TestSettleUnknownOutcome(t *testing.T) {
	ctx := context.Background()
	const dn = "CN=Leo Marsh,OU=Migrated-LCS2005,DC=corp,DC=example"
	for _, tc := range []struct {
		name     string
		holds    string // what the directory holds when the write is settled
		want     WriteOutcome
		journal  string
		checked  bool
		errWords string
	}{
		{"landed", "257", OutcomeFoundWritten, JournalWritten, false, ""},
		{"never arrived", "1", OutcomeNotWritten, JournalNotWritten, false, "not written"},
		{"someone else changed it", "65", OutcomeUnknown, JournalUnknown, true, "someone else"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := OpenDemo()
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			j, _ := NewJournaled(m, path)
			if tc.holds != "1" {
				if _, err := m.Apply(ctx, Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("1"), New: flags.Some(tc.holds)}}}); err != nil {
					t.Fatal(err)
				}
			}
			c := Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("1"), New: flags.Some("257")}}}
			ue := &UnknownOutcomeError{Change: c, WriteID: "w1", Err: errors.New("timeout")}
			u, o, err := Settle(ctx, j, ue)
			if o != tc.want {
				t.Fatalf("outcome %v, want %v (%v)", o, tc.want, err)
			}
			if tc.errWords == "" && err != nil || tc.errWords != "" && (err == nil || !strings.Contains(err.Error(), tc.errWords)) {
				t.Errorf("error %v, want words %q", err, tc.errWords)
			}
			var still *UnknownOutcomeError
			if errors.As(err, &still) != (tc.want == OutcomeUnknown) || (still != nil && still.Checked != tc.checked) {
				t.Errorf("error %#v", err)
			}
			if o == OutcomeFoundWritten && u.OCS.OptionFlags.V != 257 {
				t.Errorf("returned user %v", u.OCS.OptionFlags)
			}
			by, _ := journalByID(t, path)
			lines := by["w1"]
			if len(lines) != 1 || lines[0].Phase != PhaseResolved || lines[0].Outcome != tc.journal {
				t.Errorf("journal: %+v", lines)
			}
		})
	}
}

// A journal others can read is made private, and the admin told.
func TestJournalTightened(t *testing.T) {
	m, _ := OpenDemo()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	j, err := NewJournaled(m, path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 || !strings.Contains(j.Notice(), "0644") || !strings.Contains(j.Notice(), "0600") {
		t.Errorf("mode %v, notice %q", st.Mode().Perm(), j.Notice())
	}
	j2, _ := NewJournaled(m, path)
	if j2.Notice() != "" {
		t.Errorf("a private journal got a notice: %q", j2.Notice())
	}
}

// A journal that cannot record the intent stops the write before it is sent.
func TestJournalIntentFailureWritesNothing(t *testing.T) {
	m, _ := OpenDemo()
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.jsonl")
	j, err := NewJournaled(m, path)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	os.Mkdir(path, 0o700) // a directory where the journal was: appends fail
	ctx := context.Background()
	const dn = "CN=Leo Marsh,OU=Migrated-LCS2005,DC=corp,DC=example"
	_, err = j.Apply(ctx, Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("1"), New: flags.Some("257")}}})
	if err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("apply with a broken journal: %v", err)
	}
	if u, _ := m.User(ctx, dn); u.OCS.OptionFlags.V != 1 {
		t.Errorf("written although the intent was not journaled: %v", u.OCS.OptionFlags)
	}
}

// A bulk run's id (WithRun) is on every line of its writes, and only on
// those.
func TestJournalRunID(t *testing.T) {
	m, _ := OpenDemo()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := NewJournaled(m, path)
	if err != nil {
		t.Fatal(err)
	}
	const dn = "CN=Leo Marsh,OU=Migrated-LCS2005,DC=corp,DC=example"
	run := NewRunID()
	first := Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("1"), New: flags.Some("257")}}}
	if _, err := j.Apply(WithRun(context.Background(), run), first); err != nil {
		t.Fatal(err)
	}
	second := Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("257"), New: flags.Some("1")}}}
	if _, err := j.Apply(context.Background(), second); err != nil {
		t.Fatal(err)
	}
	es, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 4 {
		t.Fatalf("%d lines, want 4", len(es))
	}
	for i, e := range es {
		want := ""
		if i < 2 {
			want = run
		}
		if e.Run != want {
			t.Errorf("line %d run %q, want %q", i, e.Run, want)
		}
	}
}

// Opening a journal creates nothing (a dry run leaves no empty journal
// behind); the first write creates it, private, with its directories. A
// journal that could not be created is refused when it is opened, before
// any write is sent.
func TestJournalCreatedByTheFirstWrite(t *testing.T) {
	m, _ := OpenDemo()
	path := filepath.Join(t.TempDir(), "state", "ocsflags", "journal.jsonl")
	j, err := NewJournaled(m, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("opening the journal made %s: %v", filepath.Dir(path), err)
	}
	if lines, damage, err := j.ReadLines(); len(lines) != 0 || len(damage) != 0 || err != nil {
		t.Fatalf("a journal not made yet reads %d lines, %v", len(lines), err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(filepath.Dir(filepath.Dir(path)))); len(ents) != 0 {
		t.Fatalf("the check left %v behind", ents)
	}
	const dn = "CN=Leo Marsh,OU=Migrated-LCS2005,DC=corp,DC=example"
	if _, err := j.Apply(context.Background(), Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("1"), New: flags.Some("257")}}}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("after a write: %v, %v", st, err)
	}
	if es, err := ReadJournal(path); err != nil || len(es) != 2 {
		t.Fatalf("%d lines, %v", len(es), err)
	}

	// Under a file, no journal can be made: said at once.
	file := filepath.Join(t.TempDir(), "plain")
	os.WriteFile(file, nil, 0o600)
	if _, err := NewJournaled(m, filepath.Join(file, "journal.jsonl")); err == nil {
		t.Fatal("a journal under a file was accepted")
	}
}
