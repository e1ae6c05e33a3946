package directory

import (
	"path/filepath"
	"testing"
)

func TestWindowsJournalPath(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LOCALAPPDATA": "C:/Users/ann/AppData/Local", "USERPROFILE": "C:/Users/ann"}, filepath.Join("C:/Users/ann/AppData/Local", "ocsflags", "journal.jsonl")},
		{map[string]string{"USERPROFILE": "C:/Users/ann"}, filepath.Join("C:/Users/ann", "AppData", "Local", "ocsflags", "journal.jsonl")},
		{map[string]string{}, ""},
	} {
		got, err := windowsJournalPath(func(k string) string { return tc.env[k] })
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("%v: %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
}
