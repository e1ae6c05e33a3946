package cli

import (
	"strings"
	"testing"
)

// Two writes of one user (telephony ev, then rcc), undone with the ids in
// either order: the newer is taken back first both times, so both are
// undone, exit 0, and OptionFlags is back to 1.
func TestUndoIDsNewestFirstWhateverTheOrder(t *testing.T) {
	for _, newerFirst := range []bool{false, true} {
		d := newJournaledDemo(t)
		for _, tel := range []string{"telephony=ev", "telephony=rcc"} {
			if code, _, errs := d.run(t, "set", "--demo", "lmarsh", tel); code != 0 {
				t.Fatalf("set %s: %d %s", tel, code, errs)
			}
		}
		hs := historyJSON(t, d, "--user", "lmarsh")
		if len(hs) != 2 {
			t.Fatalf("history: %+v", hs)
		}
		ids := []string{hs[0].ID, hs[1].ID}
		if newerFirst {
			ids[0], ids[1] = ids[1], ids[0]
		}
		code, out, errs := d.run(t, append([]string{"undo", "--demo"}, ids...)...)
		if code != 0 || strings.Contains(out, "refused") {
			t.Errorf("undo %v (newer first %v): exit %d\n%s%s", ids, newerFirst, code, out, errs)
		}
		if v := d.flagsOf(t, leoDN); v != 1 {
			t.Errorf("undo %v: OptionFlags %d, want 1", ids, v)
		}
		// The newer write is printed (and undone) first.
		if i, j := strings.Index(out, "undo of "+hs[1].ID), strings.Index(out, "undo of "+hs[0].ID); i < 0 || j < 0 || i > j {
			t.Errorf("undo %v: the newer write %s is not taken back first:\n%s", ids, hs[1].ID, out)
		}
	}
}

// undo --dry-run of two writes of one user says what the undo then does:
// the same exit code, the same values, and it writes nothing.
func TestUndoDryRunAgreesWithUndo(t *testing.T) {
	d := newJournaledDemo(t)
	for _, tel := range []string{"telephony=ev", "telephony=rcc"} {
		if code, _, errs := d.run(t, "set", "--demo", "lmarsh", tel); code != 0 {
			t.Fatalf("set %s: %d %s", tel, code, errs)
		}
	}
	hs := historyJSON(t, d, "--user", "lmarsh")
	if len(hs) != 2 {
		t.Fatalf("history: %+v", hs)
	}
	before := d.flagsOf(t, leoDN)
	dcode, dout, derrs := d.run(t, "undo", "--demo", "--dry-run", hs[0].ID, hs[1].ID)
	if v := d.flagsOf(t, leoDN); v != before {
		t.Fatalf("the dry run wrote: OptionFlags %d, was %d", v, before)
	}
	if n := len(historyJSON(t, d)); n != 2 {
		t.Fatalf("the dry run journaled: %d writes", n)
	}
	code, out, errs := d.run(t, "undo", "--demo", hs[0].ID, hs[1].ID)
	if dcode != code || code != 0 {
		t.Errorf("dry run exit %d, undo exit %d (want both 0)\ndry run:\n%s%s\nundo:\n%s%s", dcode, code, dout, derrs, out, errs)
	}
	// Each value line the undo wrote is in the dry run's preview.
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, " -> ") && !strings.Contains(dout, strings.TrimSpace(l)) {
			t.Errorf("the undo wrote %q, the dry run did not say so:\n%s", strings.TrimSpace(l), dout)
		}
	}
	if strings.Contains(dout, "refused") {
		t.Errorf("dry run refuses a part the undo takes back:\n%s", dout)
	}
}

// Undoing the older of two journaled writes of one user alone: the part
// the newer one changed is refused naming that write and how to undo it,
// not "someone".
func TestUndoRefusalNamesTheLaterWrite(t *testing.T) {
	d := newJournaledDemo(t)
	for _, tel := range []string{"telephony=ev", "telephony=rcc"} {
		if code, _, errs := d.run(t, "set", "--demo", "lmarsh", tel); code != 0 {
			t.Fatalf("set %s: %d %s", tel, code, errs)
		}
	}
	hs := historyJSON(t, d, "--user", "lmarsh")
	if len(hs) != 2 {
		t.Fatalf("history: %+v", hs)
	}
	for _, dry := range []bool{true, false} {
		args := []string{"undo", "--demo", hs[0].ID}
		if dry {
			args = append(args, "--dry-run")
		}
		code, out, errs := d.run(t, args...)
		if code != 1 || strings.Contains(out, "someone") || !strings.Contains(out, "changed since by write "+hs[1].ID) ||
			!strings.Contains(out, "ocsflags undo "+hs[1].ID) {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
}
