package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/browse"
)

// Configure Users from the browser at 80x24: O takes every user the
// filter shows; the written users show in the list as stored.
func TestConfigureUsersFromFilter(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d, StartOU: directory.StaffOU}, 80, 24)
	x.m.browse.Focus = browse.PaneList
	x.key("/")
	x.typeText("ur")
	x.key("enter")
	n := x.m.browse.List.VisibleLen()
	if n < 300 {
		t.Fatalf("the filter shows %d users", n)
	}
	x.key("O")
	mustContain(t, x.screen(), "Configure 365 users", "[-] Enable public IM connectivity")
	x.key("space", "enter")
	mustContain(t, x.screen(), "preview, nothing written yet", "to write ·")
	if d.Applied() != 0 {
		t.Fatal("written before the preview was confirmed")
	}
	x.key("y")
	// Users not enabled for OCS are skipped (a batch leaves them alone).
	mustContain(t, x.screen(), "365/365", "skipped")
	for i := 0; i < n; i++ {
		u := x.m.browse.List.At(i).U
		if u.OCS.Enabled.Or(false) && !u.OCS.OptionFlags.V.Has(flags.PublicIM) {
			t.Fatalf("the list shows %s with %d", u.DN, u.OCS.OptionFlags.V)
		}
	}
	x.key("esc")
	if x.m.stack.top() != nil {
		t.Fatal("esc did not close the wizard")
	}
}

// o on the marked users: the ones whose write failed stay selected, the
// rest are deselected.
func TestConfigureUsersFailedStaySelected(t *testing.T) {
	d := demo(t)
	h := &hookDir{Directory: d, apply: func(ctx context.Context, _ int, c directory.Change, next directory.Directory) (directory.User, error) {
		if strings.HasPrefix(c.DN, "CN=Noah Fischer,") {
			return directory.User{}, errors.New("insufficient access rights")
		}
		return next.Apply(ctx, c)
	}}
	x := newHarness(t, Options{Dir: h, StartOU: engineeringOU}, 80, 24)
	// Users enabled for OCS: a batch leaves the others alone.
	x.markUsers("Mia Wong", "Noah Fischer", "Rosa Alvarez")
	x.key("o")
	mustContain(t, x.screen(), "Configure 3 users")
	x.key("down", "space", "enter", "y") // allow anonymous participants: on
	mustContain(t, x.screen(), "failed", "insufficient access rights", "1 not in the target state stay selected")
	x.key("esc")
	var marked []string
	for _, u := range x.m.browse.List.MarkedUsers() {
		marked = append(marked, u.Label())
	}
	if len(marked) != 1 || marked[0] != "Noah Fischer" {
		t.Fatalf("still selected: %v", marked)
	}
}
