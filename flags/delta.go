package flags

import (
	"errors"
	"fmt"
	"strings"
)

// Delta is an edit of a bitmask: the bits to set and the bits to clear. Every
// other bit, reserved and unknown ones included, is left exactly as found.
// Edits are always deltas, never literal values: writing a literal is how LCS
// 2005 provisioning scripts wiped settings made in the console.
type Delta struct {
	Set, Clear Value
}

// ErrEnhancedPresenceOneWay is returned for a delta that would clear enhanced
// presence on a value that has it.
var ErrEnhancedPresenceOneWay = errors.New("enhanced presence (256) cannot be cleared: it is one-way, the OCS console greys it out once set, and users who signed in with Communicator 2007 can no longer use Communicator 2005")

// Toggle returns the delta that flips bit b relative to current.
func Toggle(current, b Value) Delta {
	if current&b != 0 {
		return Delta{Clear: b}
	}
	return Delta{Set: b}
}

// Diff is the delta that turns from into to.
func Diff(from, to Value) Delta { return Delta{Set: to &^ from, Clear: from &^ to} }

// IsZero reports whether the delta changes nothing on any value.
func (d Delta) IsZero() bool { return d.Set == 0 && d.Clear == 0 }

// Bits is every bit the delta names.
func (d Delta) Bits() Value { return d.Set | d.Clear }

// Then composes d followed by e: a later edit of the same bit wins.
func (d Delta) Then(e Delta) Delta {
	return Delta{Set: d.Set&^e.Clear | e.Set, Clear: d.Clear&^e.Set | e.Clear}
}

// Apply applies the delta to current. It refuses to clear enhanced presence
// on a value that has it, and never changes a bit the delta does not name.
// Applying the same delta to a value that changed on the server meanwhile is
// how a conflict is rebased.
func (d Delta) Apply(current Value) (Value, error) {
	if d.Set&d.Clear != 0 {
		return current, fmt.Errorf("delta sets and clears the same bits (%d)", uint32(d.Set&d.Clear))
	}
	if current&EnhancedPresence != 0 && d.Clear&EnhancedPresence != 0 {
		return current, ErrEnhancedPresenceOneWay
	}
	return current&^d.Clear | d.Set, nil
}

// Effective drops the parts of d that current already satisfies, so a review
// screen shows only real changes.
func (d Delta) Effective(current Value) Delta {
	return Delta{Set: d.Set &^ current, Clear: d.Clear & current}
}

// String is "+256 -16" style, for logs and the review screen.
func (d Delta) String() string {
	var parts []string
	for _, b := range d.Set.Bits() {
		parts = append(parts, fmt.Sprintf("+%d", uint32(b)))
	}
	for _, b := range d.Clear.Bits() {
		parts = append(parts, fmt.Sprintf("-%d", uint32(b)))
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, " ")
}
