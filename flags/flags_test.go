package flags

import (
	"errors"
	"math"
	"testing"
)

// The worked values of shared/ocs-reference.md section 1.
func TestWorkedValues(t *testing.T) {
	tests := []struct {
		v         Value
		set       []Value
		telephony Telephony
	}{
		{0, nil, TelephonyPCOnly},
		{1, []Value{PublicIM}, TelephonyPCOnly},
		{256, []Value{EnhancedPresence}, TelephonyPCOnly},
		{257, []Value{PublicIM, EnhancedPresence}, TelephonyPCOnly},
		{384, []Value{EnterpriseVoice, EnhancedPresence}, TelephonyEnterpriseVoice},
		{385, []Value{PublicIM, EnterpriseVoice, EnhancedPresence}, TelephonyEnterpriseVoice},
		{896, []Value{EnterpriseVoice, EnhancedPresence, PBXIntegration}, TelephonyPBX},
		{961, []Value{PublicIM, AnonymousParticipants, EnterpriseVoice, EnhancedPresence, PBXIntegration}, TelephonyPBX},
	}
	for _, tt := range tests {
		e := Explain(tt.v)
		var got []Value
		for _, f := range e.Features {
			if f.Set {
				got = append(got, Value(f.Value))
			}
		}
		if len(got) != len(tt.set) {
			t.Errorf("%d: set features %v, want %v", tt.v, got, tt.set)
			continue
		}
		for i := range got {
			if got[i] != tt.set[i] {
				t.Errorf("%d: set features %v, want %v", tt.v, got, tt.set)
			}
		}
		if TelephonyOf(tt.v) != tt.telephony {
			t.Errorf("%d: telephony %v, want %v", tt.v, TelephonyOf(tt.v), tt.telephony)
		}
		if len(e.Unknown) != 0 {
			t.Errorf("%d: unknown bits %v", tt.v, e.Unknown)
		}
	}
}

func TestCatalogueIsComplete(t *testing.T) {
	if len(Catalogue) != 11 {
		t.Fatalf("catalogue has %d entries, want bits 0..10", len(Catalogue))
	}
	for i, f := range Catalogue {
		if f.Bit != i || f.Value != 1<<i {
			t.Errorf("entry %d: bit %d value %d", i, f.Bit, f.Value)
		}
		if f.Explain == "" || f.Name == "" || f.Versions == "" {
			t.Errorf("bit %d lacks a name, explanation or versions", i)
		}
		if f.Documented != (f.Label != "") {
			t.Errorf("bit %d: documented=%v but label %q", i, f.Documented, f.Label)
		}
	}
	labels := map[Value]string{
		1: "Enable public IM connectivity", 16: "Enable remote call control", 64: "Allow anonymous participants",
		128: "Enable Enterprise Voice", 256: "Enable enhanced presence", 512: "Enable PBX integration for Enterprise Voice",
	}
	for v, l := range labels {
		if f, _ := Lookup(v); f.Label != l {
			t.Errorf("label of %d = %q, want %q", v, f.Label, l)
		}
	}
	if f, ok := Lookup(2048); ok {
		t.Errorf("2048 should be unknown, got %+v", f)
	}
	if got := Value(2048 | 1<<31 | 1).Unknown(); got != 2048|1<<31 {
		t.Errorf("unknown bits = %d", got)
	}
}

func TestTelephony(t *testing.T) {
	for _, m := range TelephonyModes {
		for _, start := range []Value{0, 0xFFFFFFFF, 961, 16 | 128, 1 << 20} {
			d := SetTelephony(m)
			got, err := d.Apply(start)
			if err != nil {
				t.Fatal(err)
			}
			if TelephonyOf(got) != m {
				t.Errorf("SetTelephony(%v) on %d gives %d (%v)", m, start, got, TelephonyOf(got))
			}
			if got&^TelephonyMask != start&^TelephonyMask {
				t.Errorf("SetTelephony(%v) on %d touched other bits: %d", m, start, got)
			}
		}
	}
	for _, v := range []Value{16 | 128, 512, 16 | 512} {
		if TelephonyOf(v) != TelephonyInconsistent {
			t.Errorf("%d should be inconsistent", v)
		}
	}
	if _, err := ParseTelephony("voip"); err == nil {
		t.Error("ParseTelephony accepted voip")
	}
}

func TestDelta(t *testing.T) {
	tests := []struct {
		name    string
		d       Delta
		in, out Value
		err     error
	}{
		{"set PIC keeps reserved bits", Delta{Set: PublicIM}, 256 | 2 | 1024 | 1<<30, 257 | 2 | 1024 | 1<<30, nil},
		{"clear EV keeps unknown", Delta{Clear: EnterpriseVoice}, 385 | 1<<31, 257 | 1<<31, nil},
		{"clearing EP refused", Delta{Clear: EnhancedPresence}, 257, 257, ErrEnhancedPresenceOneWay},
		{"clearing EP that is not set is harmless", Delta{Clear: EnhancedPresence}, 1, 1, nil},
		{"setting EP", Delta{Set: EnhancedPresence}, 0, 256, nil},
	}
	for _, tt := range tests {
		got, err := tt.d.Apply(tt.in)
		if !errors.Is(err, tt.err) || got != tt.out {
			t.Errorf("%s: Apply(%d) = %d, %v; want %d, %v", tt.name, tt.in, got, err, tt.out, tt.err)
		}
	}
	if _, err := (Delta{Set: 1, Clear: 1}).Apply(0); err == nil {
		t.Error("a delta that sets and clears one bit was accepted")
	}
	// Rebase: the user's delta re-applied to a value someone changed meanwhile.
	mine := Diff(256, 257)
	got, _ := mine.Apply(256 | 64)
	if got != 256|64|1 {
		t.Errorf("rebase = %d, want 321", got)
	}
	if d := (Delta{Set: 1}).Then(Delta{Clear: 1}); d != (Delta{Clear: 1}) {
		t.Errorf("Then: later edit should win, got %+v", d)
	}
	if s := (Delta{Set: 1, Clear: 16}).String(); s != "+1 -16" {
		t.Errorf("String = %q", s)
	}
}

func TestParseAD(t *testing.T) {
	good := map[string]Value{"0": 0, "385": 385, "-1": 0xFFFFFFFF, "4294967295": 0xFFFFFFFF, "-2147483648": 1 << 31, "2147483647": math.MaxInt32}
	for s, want := range good {
		if got, err := ParseAD(s); err != nil || got != want {
			t.Errorf("ParseAD(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "abc", "0385", "+5", "-0", "1.5", " 5", "4294967296", "-2147483649", "0x10", "-"} {
		if _, err := ParseAD(s); err == nil {
			t.Errorf("ParseAD(%q) accepted", s)
		}
	}
	if FormatAD(0xFFFFFFFF) != "-1" || FormatAD(385) != "385" || FormatAD(1<<31) != "-2147483648" {
		t.Error("FormatAD does not write AD's signed form")
	}
	inputs := map[string]Value{"961": 961, "0x3C1": 961, "0X3c1": 961, "-1": 0xFFFFFFFF, " 256 ": 256}
	for s, want := range inputs {
		if got, err := ParseInput(s); err != nil || got != want {
			t.Errorf("ParseInput(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"abc", "0x", "0x1FFFFFFFF", "99999999999", ""} {
		if _, err := ParseInput(s); err == nil {
			t.Errorf("ParseInput(%q) accepted", s)
		}
	}
	if _, err := ParseADBool("true"); err == nil {
		t.Error("lower-case true accepted; AD rejects it")
	}
}

func TestSettingsApplyAndEdits(t *testing.T) {
	before := Settings{Enabled: Some(true), OptionFlags: Some(Value(256 | 2 | 1024)), Federation: Some(false)}
	after, err := before.Apply(Change{Flags: Delta{Set: PublicIM}, Federation: Some(true), Line: Some("tel:+14255551297")})
	if err != nil {
		t.Fatal(err)
	}
	edits := Edits(before, after)
	want := []AttrEdit{
		{AttrOptionFlags, Some("1282"), Some("1283")},
		{AttrFederationEnabled, Some("FALSE"), Some("TRUE")},
		{AttrLine, Opt[string]{}, Some("tel:+14255551297")},
	}
	if len(edits) != len(want) {
		t.Fatalf("edits = %+v", edits)
	}
	for i := range want {
		if edits[i] != want[i] {
			t.Errorf("edit %d = %+v, want %+v", i, edits[i], want[i])
		}
	}
	// Clearing a bit on an absent bitmask does not create the attribute.
	s, _ := Settings{}.Apply(Change{Flags: Delta{Clear: PublicIM}})
	if s.OptionFlags.Set {
		t.Error("clearing a bit created msRTCSIP-OptionFlags")
	}
	// Removing a string attribute.
	s, _ = Settings{Line: Some("tel:+1")}.Apply(Change{Line: Some("")})
	if s.Line.Set {
		t.Error("Line not removed")
	}
	// EP is one-way through Settings too.
	if _, err := (Settings{OptionFlags: Some(EnhancedPresence)}).Apply(Change{Flags: Delta{Clear: EnhancedPresence}}); !errors.Is(err, ErrEnhancedPresenceOneWay) {
		t.Errorf("clearing EP through Apply: %v", err)
	}
	// Archiving has no one-way bit.
	s, err = Settings{Archiving: Some(Value(256 | 4))}.Apply(Change{Archiving: Delta{Clear: 256}})
	if err != nil || s.Archiving.V != 4 {
		t.Errorf("archiving delta: %v %v", s.Archiving, err)
	}
	c := Change{Enabled: Some(true), Flags: Delta{Set: 1}}.Then(Change{Enabled: Some(false), Flags: Delta{Clear: 1}})
	if c.Enabled != Some(false) || c.Flags != (Delta{Clear: 1}) {
		t.Errorf("Then = %+v", c)
	}
}

func TestDecode(t *testing.T) {
	attrs := map[string][]string{
		AttrUserEnabled: {"TRUE"}, AttrOptionFlags: {"-1"}, AttrPrimaryUserAddress: {"sip:a@corp.example"},
	}
	s, err := Decode(func(a string) []string { return attrs[a] })
	if err != nil || !s.Enabled.V || s.OptionFlags.V != 0xFFFFFFFF || s.SIPAddress.V != "sip:a@corp.example" || s.HomeServer.Set {
		t.Errorf("Decode = %+v, %v", s, err)
	}
	attrs[AttrOptionFlags] = []string{"0385"}
	if _, err := Decode(func(a string) []string { return attrs[a] }); err == nil {
		t.Error("Decode accepted 0385")
	}
}
