package ui

import (
	"context"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/browse"
)

// A sign-in name another user claimed while this write was on its way:
// the check after the write finds two holders, undoes this write's claim
// and says so; the edits stay pending and the other holder keeps it.
func TestCommitUndoesARacingClaim(t *testing.T) {
	mem := demo(t)
	const addr = "sip:alice.adams@corp.example"
	hd := &hookDir{Directory: mem}
	var rival string
	hd.apply = func(ctx context.Context, call int, c directory.Change, next directory.Directory) (directory.User, error) {
		if call == 1 {
			// The rival's write lands between our check and our write.
			us, _ := next.Resolve(ctx, "jryan")
			rival = us[0].DN
			if _, err := next.Apply(ctx, directory.Change{DN: rival, Edits: []flags.AttrEdit{{Attr: flags.AttrPrimaryUserAddress, Old: us[0].OCS.SIPAddress, New: flags.Some(addr)}}}); err != nil {
				t.Fatal(err)
			}
		}
		return next.Apply(ctx, c)
	}
	x := newHarness(t, Options{Dir: hd, User: alice}, 120, 40)
	before := x.stored(alice).OCS.SIPAddress
	x.focusItem(browse.ItSIP, 0)
	x.key("enter", "ctrl+u")
	x.typeText(addr)
	x.key("enter", "c", "enter")
	mustContain(t, x.screen(), "claimed at the same time by", "was undone")
	if got := x.stored(alice).OCS.SIPAddress; got != before {
		t.Errorf("our claim stayed: %v, want %v back", got, before)
	}
	if holders, _ := mem.SIPAddressHolders(context.Background(), addr); len(holders) != 1 || !directory.SameDN(holders[0], rival) {
		t.Errorf("holders of %s: %v, want the rival alone", addr, holders)
	}
	if !x.m.sess.Pending.Get(x.m.browse.Detail.User.DN).HasEdits() {
		t.Error("the edits were lost")
	}
}
