package flags

import (
	"strings"
	"testing"
)

func TestIsDeletedReference(t *testing.T) {
	for in, want := range map[string]bool{
		`CN=LC Services\0ADEL:ed0b0e86-071c-490a-af59-f3ba1e405b7a,CN=Deleted Objects,CN=Configuration,DC=corp,DC=example`: true,
		"CN=LC Services\nDEL:ed0b0e86,CN=Deleted Objects,DC=corp":                                                          true,
		`cn=lc services\0adel:x,cn=deleted objects,dc=corp`:                                                                true,
		"CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example":    false,
		"CN=DEL,DC=corp": false,
	} {
		if got := IsDeletedReference(in); got != want {
			t.Errorf("IsDeletedReference(%q) = %v", in, got)
		}
	}
}

func TestHomeServerVerdicts(t *testing.T) {
	base := Settings{Enabled: Some(true), SIPAddress: Some("sip:a@corp.example"), OptionFlags: Some(EnhancedPresence)}
	never := func(string) bool { return false }
	cannot := func(string) string {
		return "the pools in the System container cannot be read with this account (helpdesk@corp.example)"
	}
	for _, tc := range []struct {
		name, home string
		unknown    func(string) string
		id         string
		sev        Severity
		problem    string
	}{
		{"deleted pool", `CN=LC Services\0ADEL:1234,CN=Deleted Objects,DC=corp`, nil, FindingHomeServerNotAPool, Error, "a pool that was deleted"},
		{"host name", "pool01.corp.example", nil, FindingHomeServerNotAPool, Error, "host name"},
		{"pools unreadable", "CN=LC Services,CN=Microsoft,CN=p,CN=Pools,DC=corp", cannot, FindingHomeServerUnchecked, Warning, "cannot be read with this account (helpdesk@corp.example)"},
		{"certainly not a pool", "CN=LC Services,CN=Retired,DC=corp", func(string) string { return "" }, FindingHomeServerNotAPool, Error, "does not name an existing pool"},
	} {
		s := base
		s.HomeServer = Some(tc.home)
		fs := Audit(AuditInput{Settings: s, IsPool: never, PoolUnknown: tc.unknown})
		if len(fs) != 1 || fs[0].ID != tc.id || fs[0].Severity != tc.sev || !strings.Contains(fs[0].Problem, tc.problem) {
			t.Errorf("%s: %+v", tc.name, fs)
		}
	}
}

func TestUniquenessScope(t *testing.T) {
	var rule Rule
	for _, r := range Rules {
		if r.ID == FindingSIPAddressDuplicate {
			rule = r
		}
	}
	if got := RuleTitle(rule, ScopeForest); got != "Sign-in name is unique in the forest" {
		t.Errorf("forest title %q", got)
	}
	if got := RuleTitle(rule, ScopeDomain); strings.Contains(got, "forest") || !strings.Contains(got, "checked in this domain only") {
		t.Errorf("domain title %q", got)
	}
	s := Settings{Enabled: Some(true), SIPAddress: Some("sip:a@corp.example"), OptionFlags: Some(EnhancedPresence), HomeServer: Some("CN=x")}
	fs := Audit(AuditInput{Settings: s, IsPool: func(string) bool { return true }, OtherHolders: []string{"CN=b"}, SIPScope: ScopeDomain})
	if len(fs) != 1 || !strings.Contains(fs[0].Problem, "checked in this domain only") {
		t.Errorf("duplicate found in this domain only: %+v", fs)
	}
	in := AuditInput{Settings: s, IsPool: func(string) bool { return true }, SIPScope: ScopeDomain}
	if n := NoteFor(Notes(in), FindingSIPAddressDuplicate); n == nil || !strings.Contains(n.Message, "checked in this domain only") {
		t.Errorf("no note that a unique name was checked in this domain only: %+v", Notes(in))
	}
	in.SIPScope = ScopeForest
	if n := NoteFor(Notes(in), FindingSIPAddressDuplicate); n != nil {
		t.Errorf("a forest-wide check has a scope note: %+v", n)
	}
}
