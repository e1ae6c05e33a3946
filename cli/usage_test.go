package cli

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Each command has a usage of its own for CMD -h and help CMD: its
// synopsis, its options by their exact names and an example, in 80
// columns; the global usage fits 80 columns too.
func TestCommandUsage(t *testing.T) {
	options := map[string][]string{
		"explain": {"--json"},
		"audit":   {"--ou", "--subtree", "--json"},
		"find":    {"--ou", "--subtree", "--where", "--json", "--csv", "--count"},
		"set":     {"--dry-run", "--tries", "--ou", "--subtree", "--users-from", "--where", "--parallel", "--json"},
		"history": {"--journal", "--user", "--since", "--json"},
		"undo":    {"--journal", "--dry-run"},
		"version": {"--version"},
	}
	for cmd, opts := range options {
		for _, args := range [][]string{{cmd, "-h"}, {cmd, "--help"}, {"help", cmd}} {
			code, out, errs := run(t, args...)
			if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage: ocsflags "+cmd) || strings.Contains(out, "Connection options (ocsflags help connect describes each)") {
				t.Errorf("%v: exit %d, stderr %q, stdout:\n%s", args, code, errs, out)
				continue
			}
			for _, o := range opts {
				if !strings.Contains(out, o+" ") && !strings.Contains(out, o+")") && !strings.Contains(out, o+"\n") {
					t.Errorf("%v does not list %s:\n%s", args, o, out)
				}
			}
			if cmd != "version" && !strings.Contains(out, "Examples:\n  ocsflags "+cmd) {
				t.Errorf("%v has no example:\n%s", args, out)
			}
		}
	}
	for _, topic := range []string{"", "connect", "explain", "audit", "find", "set", "history", "undo", "version"} {
		code, out, _ := run(t, "help", topic)
		if code != 0 {
			t.Errorf("help %s: exit %d", topic, code)
		}
		for _, l := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(l); n > 80 {
				t.Errorf("help %s: a line of %d columns: %q", topic, n, l)
			}
		}
	}
	if code, _, errs := run(t, "find", "--bogus"); code != 2 || !strings.Contains(errs, "unknown option --bogus (ocsflags find -h lists them)") {
		t.Errorf("find --bogus: exit %d %q", code, errs)
	}
	if code, _, errs := run(t, "help", "nosuch"); code != 2 || !strings.Contains(errs, "history") {
		t.Errorf("help nosuch: exit %d %q", code, errs)
	}
	// A -h that is an option's value's neighbour is still help; one after
	// -- is an argument.
	if code, out, _ := run(t, "history", "--user", "alee", "-h"); code != 0 || !strings.HasPrefix(out, "Usage: ocsflags history") {
		t.Errorf("history --user alee -h: exit %d\n%s", code, out)
	}
}
