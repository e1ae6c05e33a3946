package ui

import (
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/review"
)

// ConsoleVerdicts opens id in the console on d at w×h, the way --user does,
// and returns the verdict each console surface shows for it, as plain text:
// the list's word (checked to be on the user's row on screen), the detail
// pane's Readiness line and the audit screen's verdict line. For tests in
// package ui_test, which may also import cli.
func ConsoleVerdicts(t testing.TB, d directory.Directory, id string, w, h int) (list, detail, audit string) {
	t.Helper()
	x := newHarness(t, Options{Dir: d}, w, h)
	x.openUser(id)
	u := x.m.browse.Detail.User
	for i := 0; i < x.m.browse.List.VisibleLen(); i++ {
		if r := x.m.browse.List.At(i); directory.SameDN(r.U.DN, u.DN) {
			list = x.m.browse.List.State(r).Word()
		}
	}
	if list == "" {
		t.Fatalf("%s is not in the list of its container", u.DN)
	}
	scr := x.screen()
	onRow := false
	// Below 160 columns the list is behind the detail: look at it there.
	if w < 160 {
		x.key("esc")
		scr = x.screen()
		x.key("enter")
	}
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, u.Label()) && strings.Contains(l, list) {
			onRow = true
		}
	}
	if !onRow {
		t.Errorf("%s: the screen has no list row with %q:\n%s", id, list, scr)
	}
	detail = wrapped(x.screen(), "Readiness        ")
	x.key("a")
	audit = wrapped(x.screen(), "In the directory:")
	if detail == "" || audit == "" {
		t.Fatalf("%s: no detail (%q) or audit (%q) verdict:\n%s\n%s", id, detail, audit, scr, x.screen())
	}
	return list, detail, audit
}

// ConsoleHeader is the console's header line after opening the demo's
// user id.
func ConsoleHeader(t testing.TB, d directory.Directory, id string, w, h int) string {
	t.Helper()
	x := newHarness(t, Options{Dir: d}, w, h)
	x.openUser(id)
	return strings.SplitN(x.screen(), "\n", 2)[0]
}

// wrapped is the text after label on screen, with the lines it wraps onto
// (indented under it, in the same pane) joined by spaces.
func wrapped(scr, label string) string {
	lines := strings.Split(scr, "\n")
	for i, l := range lines {
		at := strings.Index(l, label)
		if at < 0 {
			continue
		}
		col := len([]rune(l[:at]))
		pane := func(l string) string { return strings.Split(l, "│")[0] }
		parts := []string{strings.TrimSpace(pane(l[at+len(label):]))}
		for _, next := range lines[i+1:] {
			r := []rune(next)
			if len(r) <= col+len(label) || strings.TrimSpace(string(r[col:col+len(label)])) != "" {
				break
			}
			rest := strings.TrimSpace(pane(string(r[col+len(label):])))
			if rest == "" {
				break
			}
			parts = append(parts, rest)
		}
		return strings.Join(parts, " ")
	}
	return ""
}

// ConsoleWrite opens id in the console on d at 200x50 (as --user does),
// stages c the way every console edit is staged (check boxes, the editor,
// the audit's fixes and E all go through pushEditFor) and commits it in the
// review. It returns what the console said when it refused: the status
// line's error at staging, or the review's result for the user; "" when c
// was written. For tests in package ui_test, which may also import cli.
func ConsoleWrite(t testing.TB, d directory.Directory, id string, c flags.Change) string {
	t.Helper()
	x := newHarness(t, Options{Dir: d, User: id}, 200, 50)
	u := x.m.browse.Detail.User
	if !x.m.browse.Detail.Has {
		t.Fatalf("%s did not open: %s", id, x.m.frame.Status)
	}
	x.m.pushEdit(c, "table row")
	if x.m.frame.StatusErr {
		return x.m.frame.Status
	}
	x.key("c", "enter")
	if res := x.m.review.Of(directory.NormDN(u.DN)); res.Kind != review.ResWritten {
		return res.Msg
	}
	return ""
}
