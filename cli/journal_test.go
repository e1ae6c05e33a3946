package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A journal others can read is made private before anything is written,
// and standard error says so.
func TestJournalMadePrivate(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	if err := os.WriteFile(journal, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(journal, 0o644)
	code, _, errs := run(t, "set", "--ldif", ldifCopy(t), "--changes-out", filepath.Join(t.TempDir(), "c.ldif"), "--journal", journal, "knguyen", "+pic")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	st, err := os.Stat(journal)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, %v", st.Mode().Perm(), err)
	}
	if !strings.Contains(errs, "readable by others (mode 0644)") || !strings.Contains(errs, "0600") {
		t.Errorf("no notice on standard error:\n%s", errs)
	}
}
