package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/browse"
	"ocsflags/ui/review"
	"ocsflags/ui/session"
)

// A write that landed but could not be read back is written: the review
// says so, never "nothing was written", and the edits are no longer
// pending.
func TestWrittenButNotReadBack(t *testing.T) {
	mem := demo(t)
	hd := &hookDir{Directory: mem}
	hd.apply = func(ctx context.Context, call int, c directory.Change, next directory.Directory) (directory.User, error) {
		if _, err := next.Apply(ctx, c); err != nil {
			return directory.User{}, err
		}
		return directory.User{}, &directory.Error{Kind: directory.ErrWrittenUnread, DN: c.DN, Msg: "the change was written, but reading the user back failed: reload it", Err: errors.New("timeout")}
	}
	x := newHarness(t, Options{Dir: hd, User: alice}, 120, 40)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c", "enter")
	scr := x.screen()
	mustContain(t, scr, "✓ written", "reading it back failed")
	if strings.Contains(strings.ToLower(scr), "nothing was written") {
		t.Errorf("a landed write is called not written:\n%s", scr)
	}
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN).HasEdits() {
		t.Error("the written edits are still pending")
	}
	if got := x.stored(alice).OCS.OptionFlags.V; !got.Has(flags.PublicIM) {
		t.Errorf("the directory holds %d", got)
	}
}

// A review reopened while a write's outcome is unknown keeps saying so,
// instead of offering to write it again as if nothing had been sent.
func TestReopenedReviewKeepsUnknown(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 40)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c")
	k := directory.NormDN(x.m.browse.Detail.User.DN)
	*x.m.review.Of(k) = review.Result{Kind: review.ResUnknown, Msg: "sent, but no answer came"}
	// The session keeps the write whose outcome is unknown.
	x.m.sess.Update(session.WriteMsg{DN: k, W: &session.Write{Depth: 1, Unknown: &directory.UnknownOutcomeError{}}})
	x.key("esc", "c")
	mustContain(t, x.screen(), "? outcome unknown: enter reads the user again", "sent, but no answer came")
}
