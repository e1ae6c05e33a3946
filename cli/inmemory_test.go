package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/directory"
)

// set on an LDIF export with nothing to keep the change refuses, before it
// prints a delta that looks saved; --dry-run and --changes-out still work.
func TestSetLDIFWithoutChangesOutRefuses(t *testing.T) {
	in := ldifCopy(t)
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	code, out, errs := run(t, "set", "--ldif", in, "--journal", journal, "jryan", "+pic")
	if code != 2 || out != "" || !strings.Contains(errs, "nothing would keep this change") || !strings.Contains(errs, "--changes-out FILE") || !strings.Contains(errs, "--dry-run") {
		t.Errorf("set --ldif without --changes-out: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if _, err := os.Stat(journal); !os.IsNotExist(err) {
		t.Errorf("journal written for a refused change: %v", err)
	}
	if code, out, errs := run(t, "set", "--ldif", in, "--journal", journal, "--dry-run", "jryan", "+pic"); code != 0 || !strings.Contains(out, "dry run") {
		t.Errorf("--dry-run: exit %d\n%s%s", code, out, errs)
	}
}

// The journal names an LDIF export by its absolute path: a relative name
// says nothing to whoever reads the journal from elsewhere.
func TestJournalNamesLDIFByAbsolutePath(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "w.ldif"), directory.DemoLDIF(), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	journal := filepath.Join(dir, "journal.jsonl")
	code, _, errs := run(t, "set", "--ldif", "w.ldif", "--changes-out", "c.ldif", "--journal", journal, "jryan", "+pic")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	es, err := directory.ReadJournal(journal)
	if err != nil || len(es) == 0 {
		t.Fatalf("journal: %v %v", es, err)
	}
	for _, e := range es {
		if e.Directory != filepath.Join(dir, "w.ldif") {
			t.Errorf("journal directory %q, want %q", e.Directory, filepath.Join(dir, "w.ldif"))
		}
	}
}

// An LDIF export opened without --changes-out is like the demo: its
// writes are not journaled as written to a directory (the console keeps
// them in a session journal only); with --changes-out they are kept, and
// journaled.
func TestLDIFInMemoryNotJournaled(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	for _, tt := range []struct {
		changesOut string
		inMemory   bool
	}{{"", true}, {filepath.Join(t.TempDir(), "c.ldif"), false}} {
		c := conn{console: true, ldif: ldifCopy(t), changesOut: tt.changesOut, journal: journal}
		d, err := c.open(t.Context(), Env{Getenv: func(string) string { return "" }, Stderr: &strings.Builder{}})
		if err != nil {
			t.Fatal(err)
		}
		// The console keeps a session journal of an in-memory export (for
		// its history screen), never lines in the journal file.
		j, ok := d.(*directory.Journaled)
		journaled := ok && j.Path() != ""
		if d.Info().InMemory != tt.inMemory || journaled == tt.inMemory || c.mem == nil {
			t.Errorf("--changes-out %q: InMemory %v, journaled %v, mem %v", tt.changesOut, d.Info().InMemory, journaled, c.mem != nil)
		}
		d.Close()
	}
}

// The console's last word after writing to an in-memory directory says
// that the changes are gone.
func TestVanishedSaysWhatIsLost(t *testing.T) {
	got := vanished(1, directory.Info{Kind: "ldif", Name: "w.ldif", InMemory: true})
	for _, want := range []string{"the change written to the LDIF export w.ldif lived in memory only and is gone now", "--changes-out FILE"} {
		if !strings.Contains(got, want) {
			t.Errorf("ldif: %q lacks %q", got, want)
		}
	}
	if got := vanished(3, directory.Info{Kind: "demo", InMemory: true}); !strings.Contains(got, "the 3 changes written to the demo directory lived in memory only and are gone now") {
		t.Errorf("demo: %q", got)
	}
}
