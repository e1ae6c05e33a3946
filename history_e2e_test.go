//go:build unix

package main

import (
	"fmt"
	"testing"
)

// TestConsoleHistoryUndoE2E is issue 17's bar for the console, as a new
// user would try it on the demo: make two changes, open the history, undo
// the first through the review, and see it written; at 80×24 and 200×50.
func TestConsoleHistoryUndoE2E(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			s := startTmux(t, size[0], size[1], "--user", "lmarsh")
			s.waitFor("Leo Marsh", "Enable federation")
			for range 4 { // Enable, Sign-in name, Server or pool, Readiness
				s.keys("Down")
			}
			s.waitFor("› [ ]             Enable federation")
			s.keys("Space", "c")
			s.waitFor("Review pending changes", "msRTCSIP-FederationEnabled")
			s.keys("Enter")
			s.waitFor("wrote Leo Marsh: msRTCSIP-FederationEnabled (absent) → TRUE")
			s.keys("Escape", "Down")
			s.waitFor("› [ ]             Enable remote user access")
			s.keys("Space", "c")
			s.waitFor("Review pending changes", "msRTCSIP-InternetAccessEnabled")
			s.keys("Enter")
			s.waitFor("wrote Leo Marsh: msRTCSIP-InternetAccessEnabled (absent) → TRUE")

			s.keys("Escape", "H")
			s.waitFor("History", "InternetAccessEnabled (absent) → TRUE", "FederationEnabled (absent) → TRUE")
			s.keys("Down", "Enter")
			s.waitFor("msRTCSIP-FederationEnabled", "(absent) → TRUE", "outcome    written")
			s.keys("u")
			s.waitFor("staged undo of", "1 pending change")
			s.keys("Escape", "Escape", "c")
			s.waitFor("Review pending changes", "msRTCSIP-FederationEnabled")
			s.keys("Enter")
			s.waitFor("wrote Leo Marsh: msRTCSIP-FederationEnabled TRUE → (absent)")
			// The undo is in the history too, journaled as the undo of the
			// first change (undoes), and remote access, the second change,
			// stayed.
			s.keys("Escape", "H")
			s.waitFor("FederationEnabled TRUE → (absent)  (undo)", "InternetAccessEnabled (absent) → TRUE")
			s.keys("Escape")
			s.waitFor("[ ]             Enable federation", "[x]             Enable remote user access")
		})
	}
}
