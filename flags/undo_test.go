package flags

import "testing"

func TestUndoOptionFlags(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		before, after, now    Value
		set, clear, ref, kept Value
		result                Value // now with the undo's delta applied
	}{
		// +anonymous, then someone else set the undocumented 1024: only 64
		// goes.
		{"other bit kept", 0, 64, 64 | 1024, 0, 64, 0, 0, 1024},
		// Someone else already cleared 64: refused, nothing to write.
		{"already cleared", 0, 64, 1024, 0, 0, 64, 0, 1024},
		// -pic is undone by setting 1 again.
		{"cleared bit set again", 257, 256, 256 | 64, 1, 0, 0, 0, 257 | 64},
		// ... unless someone set it meanwhile.
		{"cleared bit set by another", 257, 256, 257, 0, 0, 1, 0, 257},
		// Enhanced presence set by the change stays: one-way.
		{"enhanced presence kept", 0, 256 | 1, 256 | 1, 0, 1, 0, 256, 256},
		// telephony=ev from rcc (16 → 128), then someone set 512 on top:
		// 128 is still set and 16 still clear, as the change left them, so
		// the undo goes back to rcc and leaves 512 alone.
		{"telephony back together", 16 | 256, 128 | 256, 128 | 512 | 256, 16, 128, 0, 0, 16 | 512 | 256},
		// telephony=ev from rcc, then someone set rcc again: the group is
		// refused as a whole, 128 is not cleared alone.
		{"telephony refused together", 16 | 256, 128 | 256, 16 | 128 | 256, 0, 0, 16 | 128, 0, 16 | 128 | 256},
		// Several bits, one refused: the others are undone.
		{"part refused", 0, 1 | 64, 1, 0, 1, 64, 0, 0},
		// Nothing changed by the change: nothing to undo.
		{"no change", 64, 64, 64, 0, 0, 0, 0, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := UndoOptionFlags(tc.before, tc.after, tc.now)
			if u.Delta.Set != tc.set || u.Delta.Clear != tc.clear || u.Refused != tc.ref || u.Kept != tc.kept {
				t.Errorf("UndoOptionFlags(%d, %d, %d) = %+v, want set %d clear %d refused %d kept %d", tc.before, tc.after, tc.now, u, tc.set, tc.clear, tc.ref, tc.kept)
			}
			got, err := u.Delta.Apply(tc.now)
			if err != nil || got != tc.result {
				t.Errorf("undo applied to %d = %d, %v; want %d", tc.now, got, err, tc.result)
			}
			if u.Done() != (tc.ref == 0 && tc.kept == 0) {
				t.Errorf("Done = %v", u.Done())
			}
		})
	}
}

// Undoing never touches a bit the change did not touch, whatever the
// values: the property that makes an undo as safe as the change.
func TestUndoBitsTouchesOnlyTheChangesBits(t *testing.T) {
	vals := []Value{0, 1, 64, 256, 257, 1024 | 64, 16 | 256, 128 | 512, 0xFFFF, 1 << 20}
	for _, b := range vals {
		for _, a := range vals {
			for _, n := range vals {
				u := UndoOptionFlags(b, a, n)
				if u.Delta.Bits()&^(a^b) != 0 {
					t.Fatalf("undo of %d→%d on %d names bits %d the change did not touch", b, a, n, u.Delta.Bits()&^(a^b))
				}
				if u.Delta.Clear&EnhancedPresence != 0 {
					t.Fatalf("undo of %d→%d on %d clears enhanced presence", b, a, n)
				}
				got, _ := u.Delta.Apply(n)
				// Every bit the undo wrote is now as it was before the change.
				if (got^b)&u.Delta.Bits() != 0 {
					t.Fatalf("undo of %d→%d on %d gives %d", b, a, n, got)
				}
			}
		}
	}
}

func TestDeltaNames(t *testing.T) {
	if got := DeltaNames(Delta{Set: 64 | 1024, Clear: 1}); got != "+64 anonymous +1024 undocumented -1 pic" {
		t.Errorf("DeltaNames = %q", got)
	}
	if got := DeltaNames(Delta{Set: 2 | 1<<12}); got != "+2 reserved +4096 unknown" {
		t.Errorf("DeltaNames = %q", got)
	}
	if got := DeltaNames(Delta{}); got != "no change" {
		t.Errorf("DeltaNames = %q", got)
	}
}

// Remove takes an attribute away: a Boolean outright, a bit mask only when
// the deltas leave it 0 (another writer's bits never go with it); a later
// edit of a Boolean wins over an earlier removal, and the other way round.
func TestChangeRemove(t *testing.T) {
	s := Settings{OptionFlags: Some(PublicIM), Federation: Some(true), Archiving: Some[Value](1)}
	cases := []struct {
		name string
		c    Change
		want Settings
	}{
		{"flags that the delta leaves 0", Change{Flags: Delta{Clear: PublicIM}, Remove: RemoveOptionFlags},
			Settings{Federation: Some(true), Archiving: Some[Value](1)}},
		{"a Boolean", Change{Remove: RemoveFederation},
			Settings{OptionFlags: Some(PublicIM), Archiving: Some[Value](1)}},
		{"removed, then written", Change{Remove: RemoveFederation}.Then(Change{Federation: Some(false)}),
			Settings{OptionFlags: Some(PublicIM), Federation: Some(false), Archiving: Some[Value](1)}},
		{"written, then removed", Change{Federation: Some(false)}.Then(Change{Remove: RemoveFederation}),
			Settings{OptionFlags: Some(PublicIM), Archiving: Some[Value](1)}},
	}
	for _, c := range cases {
		got, err := s.Apply(c.c)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got.OptionFlags != c.want.OptionFlags || got.Federation != c.want.Federation || got.Archiving != c.want.Archiving {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	with := s
	with.OptionFlags = Some(PublicIM | 1024)
	if got, _ := with.Apply(Change{Flags: Delta{Clear: PublicIM}, Remove: RemoveOptionFlags}); got.OptionFlags != Some[Value](1024) {
		t.Errorf("another writer's bit went with the removal: %v", got.OptionFlags)
	}
	if a := (Change{Remove: RemoveFederation | RemoveOptionFlags}).Attributes(); len(a) != 2 {
		t.Errorf("attributes of a removal: %v", a)
	}
}
