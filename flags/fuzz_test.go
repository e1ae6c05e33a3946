package flags

import (
	"errors"
	"testing"
)

// Applying any delta leaves every bit outside it exactly as it was.
func FuzzDeltaPreservesOtherBits(f *testing.F) {
	f.Add(uint32(961), uint32(1), uint32(0))
	f.Add(uint32(0xFFFFFFFF), uint32(0), uint32(16))
	f.Add(uint32(256), uint32(0), uint32(256))
	f.Fuzz(func(t *testing.T, cur, set, clear uint32) {
		d := Delta{Set: Value(set), Clear: Value(clear) &^ Value(set)}
		got, err := d.Apply(Value(cur))
		if Value(cur)&EnhancedPresence != 0 && d.Clear&EnhancedPresence != 0 {
			if !errors.Is(err, ErrEnhancedPresenceOneWay) || got != Value(cur) {
				t.Fatalf("clearing EP on %d: %d, %v", cur, got, err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		outside := ^d.Bits()
		if got&outside != Value(cur)&outside {
			t.Fatalf("delta %v on %d changed bits outside it: %d", d, cur, got)
		}
		if got&d.Set != d.Set || got&d.Clear != 0 {
			t.Fatalf("delta %v on %d not applied: %d", d, cur, got)
		}
		// Diff gives back a delta that reproduces the result.
		if again, _ := Diff(Value(cur), got).Apply(Value(cur)); again != got {
			t.Fatalf("Diff(%d, %d) does not reproduce it", cur, got)
		}
	})
}

// Parse and format round-trip every int32, and format always gives AD's form.
func FuzzParseFormatRoundTrip(f *testing.F) {
	f.Add(int32(0))
	f.Add(int32(-1))
	f.Add(int32(961))
	f.Add(int32(-2147483648))
	f.Fuzz(func(t *testing.T, n int32) {
		s := FormatAD(Value(uint32(n)))
		v, err := ParseAD(s)
		if err != nil || v != Value(uint32(n)) {
			t.Fatalf("%d -> %q -> %d, %v", n, s, v, err)
		}
		if s != FormatADInt32(n) {
			t.Fatalf("FormatAD(%d) = %q is not signed decimal", n, s)
		}
		// The unsigned spelling means the same bits.
		if u, err := ParseAD(formatUnsigned(uint32(n))); err != nil || u != v {
			t.Fatalf("unsigned %d: %d, %v", uint32(n), u, err)
		}
	})
}

// Parsing arbitrary text never panics, and anything accepted formats back
// to a canonical form that parses to the same value.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{"0", "-1", "0385", "abc", "4294967295", "+1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseAD(s)
		if err != nil {
			return
		}
		if w, err := ParseAD(FormatAD(v)); err != nil || w != v {
			t.Fatalf("%q parsed to %d but does not round-trip", s, v)
		}
	})
}

func formatUnsigned(u uint32) string {
	if u == 0 {
		return "0"
	}
	var b []byte
	for u > 0 {
		b = append([]byte{byte('0' + u%10)}, b...)
		u /= 10
	}
	return string(b)
}
