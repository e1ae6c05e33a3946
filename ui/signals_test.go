package ui

import (
	"syscall"
	"testing"

	"ocsflags/flags"
	"ocsflags/ui/browse"
)

// A stop signal with nothing in flight quits at once.
func TestSignalQuitsWhenIdle(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
	x.send(signalMsg{sig: syscall.SIGHUP})
	if !x.quit {
		t.Fatal("SIGHUP with no write in flight did not quit")
	}
}

// A stop signal during a write waits for its answer, then quits without
// asking about edits left pending: after SIGHUP nobody is there to answer.
func TestSignalWaitsForTheWrite(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c")
	_, write := x.m.Update(keyMsg("enter")) // the write is in flight
	x.key("esc")
	x.openUser("jryan") // and another user is edited meanwhile
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space")
	if edits, _ := x.m.sess.Pending.Counts(); edits == 0 {
		t.Fatal("no edit pending besides the write")
	}
	x.send(signalMsg{sig: syscall.SIGTERM})
	if x.quit {
		t.Fatal("SIGTERM quit with a write in flight")
	}
	mustContain(t, x.screen(), "SIGTERM: quitting once the write in flight has ended")
	x.run(write)
	if !x.quit {
		t.Fatalf("the console did not quit once the write had ended: %s", x.m.frame.Status)
	}
	if x.confirm() != nil {
		t.Errorf("a dialog was opened after a signal: %s", x.confirm().Title)
	}
	if got := x.stored(alice).OCS.OptionFlags.V; !got.Has(flags.PublicIM) {
		t.Errorf("the write's result was not taken in: the directory holds %d", got)
	}
}
