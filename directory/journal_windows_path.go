package directory

import (
	"errors"
	"path/filepath"
)

// windowsJournalPath is where Windows programs keep per-user state that
// does not roam: %LOCALAPPDATA%\ocsflags\journal.jsonl (usually
// C:\Users\<name>\AppData\Local), else under %USERPROFILE%\AppData\Local.
func windowsJournalPath(getenv func(string) string) (string, error) {
	base := getenv("LOCALAPPDATA")
	if base == "" {
		if p := getenv("USERPROFILE"); p != "" {
			base = filepath.Join(p, "AppData", "Local")
		}
	}
	if base == "" {
		return "", errors.New("find the journal directory: neither LOCALAPPDATA nor USERPROFILE is set (give --journal FILE)")
	}
	return filepath.Join(base, "ocsflags", "journal.jsonl"), nil
}
