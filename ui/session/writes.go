package session

import (
	"time"

	"ocsflags/directory"
)

// Write is a user's write the directory has been sent: on its way, or sent
// with no answer, its outcome unknown until the user is read again. Undo,
// quit, the status line and the review all ask the session about them.
type Write struct {
	// Depth is how many of the user's stacked edits the write carries:
	// those can no longer be undone.
	Depth int
	// Claim is the sign-in name the write puts to use.
	Claim string
	// Started is when the write, or the check of its outcome, began.
	Started time.Time
	// Unknown is set when no answer came; Checking while the user is
	// being read again to tell.
	Unknown  *directory.UnknownOutcomeError
	Checking bool
}

// Waiting reports whether the directory is being waited for.
func (w *Write) Waiting() bool { return w.Unknown == nil || w.Checking }

// WriteMsg tells the session where the write of DN stands now: W, or no
// write in flight any more (nil: it was answered).
type WriteMsg struct {
	DN string
	W  *Write
}

// Writes is the writes in flight, by NormDN.
type Writes map[string]*Write

// Of is the write of dn, nil when none is in flight.
func (ws Writes) Of(dn string) *Write { return ws[directory.NormDN(dn)] }

func (ws Writes) set(dn string, w *Write) {
	if w == nil {
		delete(ws, directory.NormDN(dn))
		return
	}
	ws[directory.NormDN(dn)] = w
}

// Busy reports whether the directory is being waited for: quitting waits.
func (ws Writes) Busy() bool {
	for _, w := range ws {
		if w.Waiting() {
			return true
		}
	}
	return false
}

// Unsettled reports whether a write's outcome is unknown and not being
// checked: the review keeps it (a fresh one would write again as if
// nothing had been sent).
func (ws Writes) Unsettled() bool {
	for _, w := range ws {
		if w.Unknown != nil {
			return true
		}
	}
	return false
}

// InFlight reports whether a write of dn carrying its first depth stacked
// edits is on its way (or its outcome unknown): those edits cannot be
// undone.
func (ws Writes) InFlight(dn string) (depth int, ok bool) {
	w := ws.Of(dn)
	if w == nil {
		return 0, false
	}
	return w.Depth, true
}

// WaitingSince is the start of the oldest wait on the directory, how many
// users are waited for, and whether one is the check of an unknown
// outcome.
func (ws Writes) WaitingSince() (since time.Time, n int, checking bool) {
	for _, w := range ws {
		if !w.Waiting() {
			continue
		}
		n++
		checking = checking || w.Unknown != nil
		if since.IsZero() || w.Started.Before(since) {
			since = w.Started
		}
	}
	return since, n, checking
}
