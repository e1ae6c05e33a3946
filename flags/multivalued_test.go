package flags

import (
	"errors"
	"strings"
	"testing"
)

func decodeMap(t *testing.T, m map[string][]string) Settings {
	t.Helper()
	s, err := Decode(func(a string) []string { return m[strings.ToLower(a)] })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMultiValuedIsKeptAndNeverWritten(t *testing.T) {
	s := decodeMap(t, map[string][]string{
		"msrtcsip-optionflags":        {"256", "385"},
		"msrtcsip-line":               {"tel:+1", "tel:+2"},
		"msrtcsip-userenabled":        {"TRUE"},
		"msrtcsip-primaryuseraddress": {"sip:a@corp.example"},
	})
	if got := s.MultiValued[AttrOptionFlags]; len(got) != 2 || got[0] != "256" || got[1] != "385" {
		t.Fatalf("MultiValued = %v", s.MultiValued)
	}
	if _, ok := s.MultiValued[AttrUserEnabled]; ok || len(s.MultiValued) != 2 {
		t.Fatalf("MultiValued = %v", s.MultiValued)
	}
	for _, c := range []Change{
		{Flags: Delta{Set: PublicIM}},
		{Flags: SetTelephony(TelephonyEnterpriseVoice)},
		{Line: Some("tel:+3")},
		{Line: Some("")},
		{Enabled: Some(false), Line: Some("tel:+1")},
	} {
		_, err := s.Apply(c)
		var mv *MultiValuedError
		if !errors.As(err, &mv) || !strings.Contains(err.Error(), "holds 2 values") {
			t.Errorf("Apply(%+v) = %v, want a refusal naming the values", c, err)
		}
	}
	// Attributes that hold one value stay editable.
	after, err := s.Apply(Change{Federation: Some(true), SIPAddress: Some("sip:b@corp.example")})
	if err != nil || !after.Federation.V || len(after.MultiValued) != 2 {
		t.Errorf("an edit of single values: %+v, %v", after, err)
	}
	if es := Edits(s, after); len(es) != 2 {
		t.Errorf("edits = %+v", es)
	}
}

func TestMultiValuedFinding(t *testing.T) {
	s := decodeMap(t, map[string][]string{
		"msrtcsip-optionflags":        {"256", "384"},
		"msrtcsip-userenabled":        {"TRUE"},
		"msrtcsip-primaryuseraddress": {"sip:a@corp.example"},
		"msrtcsip-primaryhomeserver":  {"CN=LC Services,CN=Microsoft,CN=p"},
		"msrtcsip-lineserver":         {"sip:gw1@corp.example", "sip:gw2@corp.example"},
	})
	fs := Audit(AuditInput{Settings: s, IsPool: func(string) bool { return true }})
	var got []Finding
	for _, f := range fs {
		if f.ID == FindingMultiValued {
			got = append(got, f)
		}
	}
	if len(got) != 2 || got[0].Attribute != AttrOptionFlags || got[0].Severity != Error || got[1].Attribute != AttrLineServer || got[1].Severity != Warning {
		t.Fatalf("findings = %+v", got)
	}
	if !strings.Contains(got[0].Problem, `"256", "384"`) || got[0].Value != "256\n384" {
		t.Errorf("finding = %+v", got[0])
	}
	if Ready(fs) {
		t.Error("a user whose OptionFlags holds two values is ready")
	}
}

func TestControlCharactersFinding(t *testing.T) {
	base := map[string][]string{
		"msrtcsip-optionflags":        {"256"},
		"msrtcsip-userenabled":        {"TRUE"},
		"msrtcsip-primaryuseraddress": {"sip:a@corp.example"},
		"msrtcsip-primaryhomeserver":  {"CN=LC Services,CN=Microsoft,CN=p"},
	}
	pool := func(string) bool { return true }
	if fs := Audit(AuditInput{Settings: decodeMap(t, base), IsPool: pool, DisplayName: `Ann \x1b Lee`, CN: "Zoë"}); len(fs) != 0 {
		t.Fatalf("clean user: %+v", fs)
	}
	base["msrtcsip-line"] = []string{"tel:+1\u202e"}
	fs := Audit(AuditInput{Settings: decodeMap(t, base), IsPool: pool, DisplayName: "Ann\x1b[31m", CN: "Ann"})
	var cc []Finding
	for _, f := range fs {
		if f.ID == FindingControlCharacters {
			cc = append(cc, f)
		}
	}
	if len(cc) != 1 || cc[0].Attribute != "displayName" || cc[0].Value != "Ann\x1b[31m" || cc[0].Severity != Warning {
		t.Fatalf("findings = %+v", fs)
	}
	if !strings.Contains(cc[0].Problem, "displayName, msRTCSIP-Line hold") {
		t.Errorf("problem = %q", cc[0].Problem)
	}
}
