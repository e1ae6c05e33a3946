package ui

// What Configure Users (ui/configure) changes in the browser, and its
// writes in flight.

import (
	"ocsflags/ui/common"
	"ocsflags/ui/configure"
)

// stackBusy reports whether a screen on the stack has writes in flight.
func (m *Model) stackBusy() bool {
	// The screens the review hides are still at work.
	for _, s := range append(append([]common.Screen(nil), m.stack...), m.reviewStack...) {
		if b, ok := s.(interface{ Busy() bool }); ok && b.Busy() {
			return true
		}
	}
	return false
}

// configureDone deselects the users a run left in the target state.
func (m *Model) configureDone(msg configure.DoneMsg) { m.browse.Unmark(msg.Done) }
