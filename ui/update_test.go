package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/browse"
	"ocsflags/ui/explorer"
)

// Alice Adams 0004 holds 256: enhanced presence, nothing else.
const alice = "aadams0004"

func TestToggleCreatesDelta(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space")
	dn := x.m.browse.Detail.User.DN
	c := x.pendingChange(dn)
	if c.Flags != (flags.Delta{Set: flags.PublicIM}) {
		t.Fatalf("change = %+v, want a delta setting 1 only", c)
	}
	e, err := x.m.sess.Pending.Get(dn).AttrEdits()
	if err != nil || len(e) != 1 || e[0].Attr != flags.AttrOptionFlags || e[0].Old.V != "256" || e[0].New.V != "257" {
		t.Fatalf("edits = %+v, %v", e, err)
	}
	mustContain(t, x.screen(), "1 pending change (1 user)", "[x]          1  Enable public IM connectivity  * was off")
	// Toggling back cancels out: nothing to write, and the count says so.
	x.key("space")
	if n, _ := x.m.sess.Pending.Counts(); n != 0 {
		t.Fatalf("after toggling back: %d pending edits", n)
	}
}

func TestTelephonyRadioIsADelta(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
	x.focusTelephony(flags.TelephonyEnterpriseVoice)
	x.key("space")
	c := x.pendingChange(x.m.browse.Detail.User.DN)
	want := flags.Delta{Set: flags.EnterpriseVoice, Clear: flags.RemoteCallControl | flags.PBXIntegration}
	if c.Flags != want {
		t.Fatalf("telephony change = %+v, want %+v", c.Flags, want)
	}
	if a := x.m.state().After.OptionFlags.V; a != 384 {
		t.Fatalf("after = %d, want 384", a)
	}
}

func TestInconsistentTelephonyShownNotFixed(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "nfischer"}, 200, 50) // 400 = 256+128+16
	mustContain(t, x.screen(), "! Inconsistent: bits 16+128 match no console option")
	if n, _ := x.m.sess.Pending.Counts(); n != 0 {
		t.Fatal("an inconsistent value must not create edits by itself")
	}
}

func TestReservedAndUnknownBitsReadOnlyAndKept(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "lobrien"}, 200, 50) // 1050881
	s := x.screen()
	mustContain(t, s, "Reserved and undocumented bits", "unknown bit 20 (not in the catalogue)")
	x.focusItem(browse.ItUnknown, 0)
	x.key("space")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil || !x.m.frame.StatusErr {
		t.Fatal("an unknown bit must not be toggled")
	}
	// Toggling a documented bit keeps every other bit, unknown ones included.
	before := x.m.browse.Detail.User.OCS.OptionFlags.V
	x.focusItem(browse.ItBit, flags.AnonymousParticipants)
	x.key("space")
	after := x.m.state().After.OptionFlags.V
	if after^before != flags.AnonymousParticipants {
		t.Fatalf("%d -> %d changes more than bit 64", before, after)
	}
}

func TestEnhancedPresenceConfirmAndLock(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d, User: alice}, 80, 24)
	// Set on the server: locked, cannot be cleared.
	x.focusItem(browse.ItBit, flags.EnhancedPresence)
	mustContain(t, x.screen(), "Enable enhanced presence  locked: one-way")
	x.key("space")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Fatal("EP set on the server was cleared")
	}
	mustContain(t, x.m.frame.Status, "locked")

	// Not set (Anna Adams 0007 holds 0): setting asks first.
	x.openUser("aadams0007")
	x.focusItem(browse.ItBit, flags.EnhancedPresence)
	x.key("space")
	if x.confirm() == nil || x.confirm().Kind != "ep" {
		t.Fatal("setting EP did not ask for confirmation")
	}
	mustContain(t, x.screen(), "Communicator 2005", "one-way")
	x.key("n")
	if x.confirm() != nil || x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Fatal("declining still created an edit")
	}
	x.key("space", "y")
	if c := x.pendingChange(x.m.browse.Detail.User.DN); c.Flags != (flags.Delta{Set: flags.EnhancedPresence}) {
		t.Fatalf("change = %+v", c)
	}
	// Pending but not written yet: unchecking only withdraws the edit.
	x.key("space")
	if n, _ := x.m.sess.Pending.Counts(); n != 0 {
		t.Fatal("withdrawing a pending EP edit should leave nothing to write")
	}
}

func TestUndo(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
	dn := x.m.browse.Detail.User.DN
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space")
	x.focusItem(browse.ItBit, flags.AnonymousParticipants)
	x.key("space")
	x.focusItem(browse.ItFederation, 0)
	x.key("space")
	if c := x.pendingChange(dn); c.Flags != (flags.Delta{Set: 65}) || !c.Federation.V {
		t.Fatalf("change = %+v", c)
	}
	x.key("u")
	if c := x.pendingChange(dn); c.Flags != (flags.Delta{Set: 65}) || c.Federation.Set {
		t.Fatalf("after one undo: %+v", c)
	}
	x.key("u")
	if c := x.pendingChange(dn); c.Flags != (flags.Delta{Set: 1}) {
		t.Fatalf("after two undos: %+v", c)
	}
	x.key("u")
	if x.m.sess.Pending.Get(dn) != nil {
		t.Fatal("after three undos the user still has edits")
	}
	x.key("u")
	mustContain(t, x.m.frame.Status, "nothing to undo")
}

func TestPendingSurvivesNavigation(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
	aliceDN := x.m.browse.Detail.User.DN
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space")
	// Back to the list, down one user, open it, back, up, open Alice again.
	x.key("esc", "j", "enter")
	if directory.SameDN(x.m.browse.Detail.User.DN, aliceDN) {
		t.Fatal("did not move to another user")
	}
	if x.m.state().Pending {
		t.Fatal("the other user shows Alice's edits")
	}
	x.key("esc", "k", "enter")
	if !directory.SameDN(x.m.browse.Detail.User.DN, aliceDN) {
		t.Fatalf("back on %s, want Alice", x.m.browse.Detail.User.DN)
	}
	if !x.m.state().After.OptionFlags.V.Has(flags.PublicIM) {
		t.Fatal("Alice's pending edit was lost")
	}
	mustContain(t, x.screen(), "* was off")
}

func TestCommitSuccess(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d, User: alice}, 80, 24)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c")
	mustContain(t, x.screen(), "msRTCSIP-OptionFlags", "256", "257", "delete: msRTCSIP-OptionFlags")
	x.key("enter")
	if got := x.stored(alice).OCS.OptionFlags.V; got != 257 {
		t.Fatalf("directory holds %d, want 257", got)
	}
	if n, _ := x.m.sess.Pending.Counts(); n != 0 || x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Fatal("pending edits not cleared after success")
	}
	mustContain(t, x.screen(), "✓ written", "256 → 257")
	x.key("esc")
	if v := x.m.browse.Detail.User.OCS.OptionFlags.V; v != 257 {
		t.Fatalf("detail shows %d", v)
	}
	if r := x.m.browse.List.Selected(); r == nil || r.Flags != "257" {
		t.Fatalf("list row not updated: %+v", r)
	}
}

// changeBehindBack writes bit 64 on the user between the UI's read and its
// write, as another admin would.
func changeBehindBack(t *testing.T, d directory.Directory, id string) {
	t.Helper()
	us, err := d.Resolve(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	before := us[0].OCS
	after, _ := before.Apply(flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}})
	if _, err := d.Apply(context.Background(), directory.Change{DN: us[0].DN, Edits: flags.Edits(before, after)}); err != nil {
		t.Fatal(err)
	}
}

func TestConflictRebase(t *testing.T) {
	mem := demo(t)
	hd := &hookDir{Directory: mem}
	hd.apply = func(ctx context.Context, call int, c directory.Change, next directory.Directory) (directory.User, error) {
		if call == 1 {
			changeBehindBack(t, next, alice)
		}
		return next.Apply(ctx, c)
	}
	x := newHarness(t, Options{Dir: hd, User: alice}, 80, 24)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c", "enter")
	if got := x.stored(alice).OCS.OptionFlags.V; got != 320 {
		t.Fatalf("conflicting write landed: directory holds %d", got)
	}
	s := x.screen()
	mustContain(t, s, "conflict", "Server now", "You intended", "320", "re-apply my changes on top", "drop my changes")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) == nil {
		t.Fatal("a conflict lost the pending edits")
	}
	x.key("a")
	if got := x.stored(alice).OCS.OptionFlags.V; got != 321 {
		t.Fatalf("after re-apply the directory holds %d, want 321 (both changes)", got)
	}
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Fatal("edits still pending after a successful re-apply")
	}
	mustContain(t, x.screen(), "✓ written", "320 → 321")
}

func TestConflictDrop(t *testing.T) {
	mem := demo(t)
	hd := &hookDir{Directory: mem}
	hd.apply = func(ctx context.Context, call int, c directory.Change, next directory.Directory) (directory.User, error) {
		if call == 1 {
			changeBehindBack(t, next, alice)
		}
		return next.Apply(ctx, c)
	}
	x := newHarness(t, Options{Dir: hd, User: alice}, 80, 24)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c", "enter", "d")
	if got := x.stored(alice).OCS.OptionFlags.V; got != 320 {
		t.Fatalf("directory holds %d, want the other admin's 320", got)
	}
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Fatal("drop kept the edits")
	}
	if v := x.m.browse.Detail.User.OCS.OptionFlags.V; v != 320 {
		t.Fatalf("detail shows %d, want the server's 320", v)
	}
	if hd.calls != 1 {
		t.Fatalf("drop wrote again (%d writes)", hd.calls)
	}
}

func TestPermissionErrorKeepsEdits(t *testing.T) {
	hd := &hookDir{Directory: demo(t)}
	hd.apply = func(ctx context.Context, call int, c directory.Change, next directory.Directory) (directory.User, error) {
		return directory.User{}, &directory.Error{Kind: directory.ErrInsufficientRights, DN: c.DN, Attr: flags.AttrOptionFlags, Msg: "the bound account may not write this attribute"}
	}
	x := newHarness(t, Options{Dir: hd, User: alice}, 80, 24)
	dn := x.m.browse.Detail.User.DN
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c", "enter")
	if x.m.sess.Pending.Get(dn) == nil {
		t.Fatal("a refused write lost the pending edits")
	}
	if got := x.stored(alice).OCS.OptionFlags.V; got != 256 {
		t.Fatalf("directory changed to %d", got)
	}
	mustContain(t, x.m.frame.Status, "insufficient rights", "kept")
	mustContain(t, x.screen(), "✗ not written")
	// The edits are still there to retry.
	x.key("esc")
	if !x.m.state().After.OptionFlags.V.Has(flags.PublicIM) {
		t.Fatal("detail no longer shows the pending edit")
	}
}

func TestOtherErrorKeepsEdits(t *testing.T) {
	hd := &hookDir{Directory: demo(t)}
	hd.apply = func(ctx context.Context, call int, c directory.Change, next directory.Directory) (directory.User, error) {
		return directory.User{}, errors.New("connection reset by peer")
	}
	x := newHarness(t, Options{Dir: hd, User: alice}, 80, 24)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c", "enter")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) == nil {
		t.Fatal("edits lost")
	}
	mustContain(t, x.m.frame.Status, "connection reset by peer", "kept")
}

func TestQuitWithPendingAsks(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "q")
	if x.quit || x.confirm() == nil || x.confirm().Kind != "quit" {
		t.Fatal("q with pending edits did not ask")
	}
	mustContain(t, x.screen(), "1 pending change for 1 user has not been written", "Quitting now loses it.", "[d] discard it and quit")
	if strings.Contains(x.screen(), "ctrl+c again") {
		t.Error("q's dialog speaks of pressing ctrl+c again")
	}
	x.key("y") // writes in the review; here it must not discard
	if x.quit || x.confirm() == nil {
		t.Fatal("y in the quit dialog quit or closed it")
	}
	x.key("n")
	if x.quit || x.confirm() != nil {
		t.Fatal("n did not stay")
	}
	x.key("ctrl+c")
	if x.quit || x.confirm() == nil {
		t.Fatal("ctrl+c with pending edits did not ask")
	}
	mustContain(t, x.screen(), "(ctrl+c again also quits)")
	x.key("ctrl+c")
	if !x.quit {
		t.Fatal("a second ctrl+c should quit")
	}
	x = newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "q", "d")
	if !x.quit {
		t.Fatal("d in the quit dialog did not quit")
	}
}

// q in the review asks about the pending edits; c there goes back to the
// same review, and esc then leaves it for the screen it was opened over.
func TestQuitFromTheReviewBackToIt(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "a", "c")
	if x.scr() != scrReview {
		t.Fatalf("c did not open the review: %s", x.m.frame.Status)
	}
	x.key("q")
	if x.confirm() == nil || x.confirm().Kind != "quit" {
		t.Fatal("q in the review with pending edits did not ask")
	}
	x.key("c")
	if x.confirm() != nil || x.scr() != scrReview {
		t.Fatalf("c in the quit dialog left screen %d", x.scr())
	}
	mustContain(t, x.screen(), "Alice")
	x.key("esc")
	if x.scr() != scrBrowse || x.auditScreen() == nil {
		t.Fatalf("esc left the review for screen %d (audit open: %v), want the audit", x.scr(), x.auditScreen() != nil)
	}
	x.key("esc")
	if x.m.stack.top() != nil || x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) == nil {
		t.Fatal("esc from the audit did not leave the browser with the edit pending")
	}
}

// q while a write is in flight waits for it (so the journal and the
// admin get its result), then quits; a second ctrl+c quits at once.
func TestQuitWaitsForWriteInFlight(t *testing.T) {
	for _, insist := range []bool{false, true} {
		x := newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
		before := x.stored(alice).OCS.OptionFlags.V
		x.focusItem(browse.ItBit, flags.PublicIM)
		x.key("space", "c")
		// Enter starts the write; hold its command instead of running it.
		_, write := x.m.Update(keyMsg("enter"))
		if !x.m.writing() {
			t.Fatal("no write in flight after enter in the review")
		}
		x.key("q")
		if x.quit || x.confirm() != nil || !strings.Contains(x.m.frame.Status, "once the write in progress has ended") {
			t.Fatalf("q during a write: quit %v, confirm %v, status %q", x.quit, x.confirm(), x.m.frame.Status)
		}
		if insist {
			x.key("ctrl+c")
			if !x.quit {
				t.Fatal("a second ctrl+c during a write should quit at once")
			}
			continue
		}
		x.run(write)
		if !x.quit {
			t.Fatalf("did not quit after the write ended: %q", x.m.frame.Status)
		}
		if got := x.stored(alice).OCS.OptionFlags.V; got != before^flags.PublicIM {
			t.Errorf("after the write the directory holds %d, want %d", got, before^flags.PublicIM)
		}
	}
}

func TestQuitWithoutPending(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t)}, 80, 24)
	x.key("q")
	if !x.quit {
		t.Fatal("q did not quit")
	}
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice, ReadOnly: true}, 80, 24)
	mustContain(t, x.screen(), "READ-ONLY")
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Fatal("read-only session created an edit")
	}
	mustContain(t, x.m.frame.Status, "read-only")
}

func TestEnableNeedsProvisioning(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "aadams0006"}, 80, 24) // never enabled, no SIP
	x.focusItem(browse.ItEnabled, 0)
	x.key("space")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Fatal("half-enabled a user that has no sign-in name")
	}
	mustContain(t, x.m.frame.Status, "Enable Users wizard")
}

func TestFilterAsYouType(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t)}, 80, 24)
	x.run(x.m.browse.ListContainer(directory.StaffOU, "Staff"))
	if len(x.m.browse.List.Rows) != directory.StaffCount || x.m.browse.List.Loading {
		t.Fatalf("listed %d users, loading=%v", len(x.m.browse.List.Rows), x.m.browse.List.Loading)
	}
	x.m.browse.Focus = browse.PaneList
	x.key("/")
	x.typeText("ALICE ADAMS 0")
	if n := x.m.browse.List.VisibleLen(); n != 1 {
		t.Fatalf("%d matches, want 1", n)
	}
	x.key("backspace")
	if n := x.m.browse.List.VisibleLen(); n < 2 {
		t.Fatalf("backspace did not widen the filter: %d", n)
	}
	// SIP address and sAMAccountName match too.
	x.key("esc", "/")
	x.typeText("sip:badams000")
	mustContain(t, x.screen(), "enter keep filter")
	x.typeText("8@")
	if n := x.m.browse.List.VisibleLen(); n != 1 || x.m.browse.List.At(0).U.SAMAccountName != "badams0008" {
		t.Fatalf("SIP filter: %d matches", n)
	}
	// The footer says what enter does with a single match.
	mustContain(t, x.screen(), "enter open the match")
	x.key("enter")
	if x.m.browse.Focus != browse.PaneDetail || x.m.browse.Detail.User.SAMAccountName != "badams0008" {
		t.Fatal("enter on a single match should open it")
	}
}

func TestStreamingCancel(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t)}, 80, 24)
	x.m.browse.Focus = browse.PaneList
	cmd := x.m.browse.ListContainer(directory.StaffOU, "Staff")
	// Take one delivery only, as if the admin pressed esc mid-stream.
	msg := cmd()
	b, ok := msg.(browse.UsersBatchMsg)
	if !ok {
		t.Fatalf("first message %T", msg)
	}
	b.End = nil
	_, next := x.m.Update(b)
	if !x.m.browse.List.Loading || next == nil {
		t.Fatal("stream should still be running")
	}
	mustContain(t, x.screen(), "esc stops")
	x.key("esc")
	if x.m.browse.List.Loading || !x.m.browse.List.Stopped {
		t.Fatal("esc did not stop the listing")
	}
	got := len(x.m.browse.List.Rows)
	// Whatever the goroutine still had in flight is ignored.
	x.run(next)
	if len(x.m.browse.List.Rows) != got {
		t.Fatal("rows arrived after esc")
	}
	mustContain(t, x.screen(), "stopped after")
}

func TestUserFlagOpensUser(t *testing.T) {
	for _, id := range []string{"aadams0004", "sip:aadams0004@corp.example", "aadams0004@corp.example", "CN=Alice Adams 0004,OU=Staff,OU=Corp,DC=corp,DC=example"} {
		x := newHarness(t, Options{Dir: demo(t), User: id}, 80, 24)
		if x.m.browse.Detail.User.SAMAccountName != alice || x.m.browse.Focus != browse.PaneDetail {
			t.Fatalf("--user %s opened %q", id, x.m.browse.Detail.User.DN)
		}
		if r := x.m.browse.List.Selected(); r == nil || r.U.SAMAccountName != alice {
			t.Fatalf("--user %s: list not on the user", id)
		}
		// The tree is opened down to the user's OU, with the cursor on it.
		if n := x.m.browse.Tree.Selected(); n == nil || directory.NormDN(n.DN()) != directory.NormDN(directory.StaffOU) {
			t.Fatalf("--user %s: tree cursor on %+v, want the Staff OU", id, n)
		}
	}
	// A container whose users are all in sub-OUs shows no "(0)", which
	// would read as empty; a really empty one does.
	x0 := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 40)
	x0.m.browse.Focus = browse.PaneTree
	var corp, empty string
	for _, l := range strings.Split(x0.screen(), "\n") {
		tree, _, _ := strings.Cut(l, "│")
		switch f := strings.Fields(tree); {
		case slices.Contains(f, "Corp"):
			corp = tree
		case slices.Contains(f, "Empty"):
			empty = tree
		}
	}
	if corp == "" || strings.Contains(corp, "(0)") || !strings.Contains(empty, "Empty (0)") {
		t.Errorf("tree lines: Corp %q, Empty %q", corp, empty)
	}
	x := newHarness(t, Options{Dir: demo(t), User: "nobody-here"}, 80, 24)
	if !x.m.frame.StatusErr || !strings.Contains(x.m.frame.Status, "nobody-here") {
		t.Fatalf("unknown --user: status %q", x.m.frame.Status)
	}
}

func TestReloadAfterOutsideChangeDoesNotRebaseSilently(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d, User: alice}, 80, 24)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space")
	changeBehindBack(t, d, alice)
	x.key("r")
	mustContain(t, x.m.frame.Status, "changed in the directory after you edited it")
	x.key("c", "enter")
	if got := x.stored(alice).OCS.OptionFlags.V; got != 320 {
		t.Fatalf("wrote without asking: directory holds %d", got)
	}
	mustContain(t, x.screen(), "conflict")
}

func TestExplorerStartsOnTheUsersValue(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 40)
	before := x.m.browse.Detail.User.OCS.OptionFlags
	x.key("x")
	want := flags.FormatAD(before.V)
	mustContain(t, x.screen(), "Value: "+want, "the value of Alice Adams 0004: typing replaces it", "no user is changed")
	// The first key typed replaces the value; later ones append.
	x.typeText("9")
	if got := x.m.stack.top().(*explorer.Model).Value(); got != "9" {
		t.Fatalf("typing 9 on %s gave %q, want 9", want, got)
	}
	x.typeText("61")
	mustContain(t, x.screen(), "Value: 961", "= 961")
	// Backspace on a fresh value clears it, as on selected text.
	x.key("esc", "x", "backspace")
	if got := x.m.stack.top().(*explorer.Model).Value(); got != "" {
		t.Fatalf("backspace on the fresh value left %q", got)
	}
	// Flipping bits here is for learning: the user is untouched.
	x.key("esc", "x", "space", "down", "space")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil || x.m.browse.Detail.User.OCS.OptionFlags != before {
		t.Fatal("space in the explorer changed the user")
	}
	x.key("esc")
	if x.scr() != scrBrowse || x.m.stack.top() != nil {
		t.Fatal("esc did not close the explorer")
	}
}

// A detail pane too short for every setting says what is cut off, and an
// explanation too long for its panel says so and opens whole with i.
func TestDetailSaysWhatIsCutOff(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "ipetrov"}, 120, 36)
	mustContain(t, x.screen(), "more lines below", "… i shows the whole explanation")
	x.key("i")
	if x.confirm() == nil || x.confirm().Kind != "info" {
		t.Fatal("i did not open the explanation")
	}
	mustContain(t, x.screen(), "(the Enable Users wizard)", "esc close")
	x.key("esc")
	if x.confirm() != nil {
		t.Fatal("esc did not close the explanation")
	}
	x.key("G")
	mustContain(t, x.screen(), "more lines above")
	// On a tall screen nothing is cut and nothing says so.
	x = newHarness(t, Options{Dir: demo(t), User: "ipetrov"}, 200, 80)
	if s := x.screen(); strings.Contains(s, "more line") || strings.Contains(s, "i shows the whole") {
		t.Errorf("a tall screen says something is cut off:\n%s", s)
	}
}

// A status line about the browser is dropped on the screen it does not
// belong to, and kept when the admin comes back to the browser.
func TestStatusLeavesWithItsScreen(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 40)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space")
	mustContain(t, x.m.frame.Status, "pending: c reviews")
	x.key("c")
	if x.m.frame.Status != "" {
		t.Fatalf("the review shows the browser's status %q", x.m.frame.Status)
	}
	x.key("enter")
	mustContain(t, x.m.frame.Status, "wrote")
	x.key("esc")
	mustContain(t, x.m.frame.Status, "wrote") // the summary, read in the browser
	x.key("x")
	if x.m.frame.Status != "" {
		t.Fatalf("the explorer shows %q", x.m.frame.Status)
	}
	// Errors stay.
	x.key("esc")
	x.m.setError("cannot read the OCS pools")
	x.key("x")
	mustContain(t, x.m.frame.Status, "cannot read the OCS pools")
}
