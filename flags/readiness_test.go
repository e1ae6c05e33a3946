package flags

import (
	"slices"
	"strings"
	"testing"
)

const pool = "CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"

func isPool(dn string) bool { return dn == pool }

func ready() Settings {
	return Settings{
		Enabled: Some(true), SIPAddress: Some("sip:ann@corp.example"), HomeServer: Some(pool), OptionFlags: Some(Value(257)),
	}
}

func ids(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func TestAudit(t *testing.T) {
	tests := []struct {
		name   string
		mod    func(*Settings)
		mail   string
		others []string
		want   []string
		ready  bool
	}{
		{"ready", func(*Settings) {}, "", nil, nil, true},
		{"disabled", func(s *Settings) { s.Enabled = Some(false) }, "", nil, []string{FindingNotEnabled}, false},
		{"never enabled", func(s *Settings) { *s = Settings{} }, "ann@corp.example", nil,
			[]string{FindingNotEnabled, FindingNoSIPAddress, FindingNoHomeServer, FindingNoEnhancedPresence}, false},
		{"enabled without SIP address", func(s *Settings) { s.SIPAddress = Opt[string]{} }, "ann@corp.example", nil, []string{FindingNoSIPAddress}, false},
		{"SIP address without sip:", func(s *Settings) { s.SIPAddress = Some("ann@corp.example") }, "", nil, []string{FindingSIPAddressMalformed}, false},
		{"SIP domain not an FQDN", func(s *Settings) { s.SIPAddress = Some("sip:ann@corp") }, "", nil, []string{FindingSIPAddressMalformed}, false},
		{"SIP address at 0.0.0.0", func(s *Settings) { s.SIPAddress = Some("sip:ann@0.0.0.0") }, "", nil, []string{FindingSIPAddressMalformed}, false},
		{"SIP address at an IP", func(s *Settings) { s.SIPAddress = Some("sip:ann@10.1.2.3") }, "", nil, nil, true},
		{"duplicate SIP address", func(*Settings) {}, "", []string{"CN=Bob,DC=corp,DC=example"}, []string{FindingSIPAddressDuplicate}, false},
		{"no home server", func(s *Settings) { s.HomeServer = Opt[string]{} }, "", nil, []string{FindingNoHomeServer}, false},
		{"home server not a pool", func(s *Settings) { s.HomeServer = Some("CN=Users,DC=corp,DC=example") }, "", nil, []string{FindingHomeServerNotAPool}, false},
		{"home server as FQDN", func(s *Settings) { s.HomeServer = Some("pool01.corp.example") }, "", nil, []string{FindingHomeServerNotAPool}, false},
		{"LCS 2005 user at 0", func(s *Settings) { s.OptionFlags = Some(Value(0)) }, "", nil, []string{FindingNoEnhancedPresence}, false},
		{"no OptionFlags at all", func(s *Settings) { s.OptionFlags = Opt[Value]{} }, "", nil, []string{FindingNoEnhancedPresence}, false},
		{"telephony inconsistent", func(s *Settings) {
			s.OptionFlags = Some(Value(256 | 16 | 128))
			s.Line, s.LineServer = Some("tel:+14255551297"), Some("sip:cstagw@corp.example")
		}, "", nil, []string{FindingTelephonyInconsistent}, true},
		{"RCC without line", func(s *Settings) { s.OptionFlags = Some(Value(256 | 16)) }, "", nil, []string{FindingRCCWithoutLine}, true},
		{"RCC with line and server", func(s *Settings) {
			s.OptionFlags = Some(Value(256 | 16))
			s.Line, s.LineServer = Some("tel:+14255551297;ext=51297"), Some("sip:cstagw@corp.example")
		}, "", nil, nil, true},
		{"EV without E.164 line", func(s *Settings) { s.OptionFlags = Some(Value(384)); s.Line = Some("tel:51297") }, "", nil, []string{FindingLineNotE164}, true},
		{"legacy archiving", func(s *Settings) { s.Archiving = Some(Value(3)) }, "", nil, []string{FindingArchivingLegacyValue}, true},
		{"archiving 12 is fine", func(s *Settings) { s.Archiving = Some(Value(12)) }, "", nil, nil, true},
		{"move in progress", func(s *Settings) { s.TargetHomeServer = Some(pool) }, "", nil, []string{FindingMoveInProgress}, true},
	}
	for _, tt := range tests {
		s := ready()
		tt.mod(&s)
		fs := Audit(AuditInput{Settings: s, Mail: tt.mail, IsPool: isPool, OtherHolders: tt.others})
		if got := ids(fs); !slices.Equal(got, tt.want) {
			t.Errorf("%s: findings %v, want %v", tt.name, got, tt.want)
		}
		if Ready(fs) != tt.ready {
			t.Errorf("%s: ready = %v, want %v", tt.name, Ready(fs), tt.ready)
		}
		for _, f := range fs {
			if f.Problem == "" || f.Experience == "" || f.Attribute == "" {
				t.Errorf("%s: finding %s lacks problem, experience or attribute", tt.name, f.ID)
			}
			// The audit view shows a finding on its rule's line: a finding
			// with no rule, or on another attribute, would vanish or mislead.
			i := slices.IndexFunc(Rules, func(r Rule) bool { return r.ID == f.ID })
			if i < 0 || Rules[i].Attribute != "" && Rules[i].Attribute != f.Attribute {
				t.Errorf("%s: finding %s (%s) has no rule on that attribute in Rules", tt.name, f.ID, f.Attribute)
			}
		}
	}
}

func TestRulesHaveUniqueIDs(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		// Only the rules that look at several attributes name none.
		several := r.ID == FindingMultiValued || r.ID == FindingControlCharacters
		if seen[r.ID] || r.Title == "" || (r.Attribute == "") != several {
			t.Errorf("rule %+v: duplicate or incomplete", r)
		}
		seen[r.ID] = true
	}
}

func allFree(string) bool { return true }

// Each proposed fix, applied, makes its finding go away.
func TestAuditFixesRepair(t *testing.T) {
	broken := []Settings{
		{},
		{Enabled: Some(false), SIPAddress: Some("ann@corp.example"), HomeServer: Some(pool), OptionFlags: Some(Value(0))},
		{Enabled: Some(true), HomeServer: Some(pool), OptionFlags: Some(Value(1))},
	}
	for _, s := range broken {
		fs := Audit(AuditInput{Settings: s, Mail: "Ann@corp.example", IsPool: isPool, SIPFree: allFree})
		for _, f := range fs {
			if f.Fix == nil {
				continue
			}
			fixed, err := s.Apply(*f.Fix)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(ids(Audit(AuditInput{Settings: fixed, IsPool: isPool})), f.ID) {
				t.Errorf("fix for %s on %+v did not repair it: %+v", f.ID, s, fixed)
			}
		}
	}
	fs := Audit(AuditInput{Settings: Settings{Enabled: Some(true)}, Mail: "Ann@corp.example", IsPool: isPool, SIPFree: allFree})
	if fs[0].ID != FindingNoSIPAddress || fs[0].Fix == nil || fs[0].Fix.SIPAddress.V != "sip:ann@corp.example" {
		t.Errorf("no-sip-address fix = %+v", fs[0].Fix)
	}
	if f := Audit(AuditInput{Settings: Settings{OptionFlags: Some(Value(0))}})[3]; f.Experience != ClientMsgNoEnhancedPresence {
		t.Errorf("no-enhanced-presence experience = %q", f.Experience)
	}
}

func TestCheckLineAndServerURI(t *testing.T) {
	lines := []struct {
		in string
		ok bool
	}{
		{"tel:+14255551297", true},
		{"tel:+14255551297;ext=51297", true},
		{"tel:51297", true},
		{"TEL:+4930123456", true},
		{"sip:+14255551297@corp.example;user=phone", true},
		{"", false},
		{"+14255551297", false},
		{"tel:", false},
		{"tel:abc", false},
		{"tel:+1 425 555 1297", false},
		{"sip:", false},
		{"tel:+1-425-555-1297", true},
		{"tel:+１４２５", false},              // full-width digits
		{"tel:+14255551297\u200b", false}, // a zero-width space pasted with it
		{"tel:+14255551297\u00a0", false}, // a no-break space
		{"tel:+１４２５tel:+14255551297", false},
		{"tel:+", false},
		{"tel:+x", false},
		{"tel:+14255551297;ext=", false},
		{"tel:+14255551297;;ext=1", false},
		{"sip:@@", false},
		{"sip:line@pbx.corp.example", true},
		{"tel:+1-(425)-555-1297", true},
		{"tel:51297;phone-context=Redmond_Profile", true},
		{"tel:*51297#", true},
		{"sip:+14255551297;ext=51297@corp.example;user=phone", true},
		{"tel:-", false},
		{"tel:+14255551297;ext=x", false},
		{"sip:bob@0.0.0.0", false},
		{"sip:bob@224.0.0.1", false},
		{"sip:bob@[::]", false},
	}
	for _, tt := range lines {
		if err := CheckLineURI(tt.in); (err == nil) != tt.ok {
			t.Errorf("CheckLineURI(%q) = %v, want ok %v", tt.in, err, tt.ok)
		} else if err != nil && !strings.Contains(err.Error(), "Line URI") {
			t.Errorf("CheckLineURI(%q): %v does not name the field", tt.in, err)
		}
	}
	servers := []struct {
		in string
		ok bool
	}{
		{"sip:csta@gateway.corp.example", true},
		{"sip:gateway.corp.example;transport=tls", true},
		{"sip:csta@10.1.2.3:5061", true},
		{"SIP:csta@gw.corp.example", true},
		{"", false},
		{"gateway.corp.example", false},
		{"sip:@gw.corp.example", false},
		{"sip:csta@gw corp", false},
		{"sip:csta@", false},
		{"sip:csta@-bad-.example", false},
		{"sip:csta@gw.corp.example:99999", false},
		{"sip:csta@gw.corp.example:0", false},
		{"sip:csta@gw.corp.example:5061;transport=tls", true},
		{"sip:cstagw.corp.example@corp.example;gruu;opaque=srvr:cstagw", true},
		{"sip:csta@gw.corp.example\u200b", false},
		{"sip:csta@[2001:db8::1]:5061", true},
		{"sip:csta@[2001:db8::1]", true},
		{"sip:csta@2001:db8::1", false},
		{"sip:csta@[10.0.0.1]", false},
		{"sip:csta@[2001:db8::1", false},
		{"sip:csta@10.0.0.999", false},
		{"sip:csta@10.0.0.1:", false},
		{"sip:csta@10.0.0.1:5061;transport=tls", true},
	}
	for _, tt := range servers {
		if err := CheckServerURI(tt.in); (err == nil) != tt.ok {
			t.Errorf("CheckServerURI(%q) = %v, want ok %v", tt.in, err, tt.ok)
		}
	}
}

func TestCheckSIPAddress(t *testing.T) {
	for in, ok := range map[string]bool{
		"sip:ann@corp.example":            true,
		"SIP:ann@corp.example":            true,
		"sip:ann.lee@corp.example":        true,
		"sip:.@corp.example":              false,
		"sip:ann.@corp.example":           false,
		"sip:ann..lee@corp.example":       false,
		"sip:ann@corp.example\u200b":      false,
		"sip:änn@corp.example":            false,
		"ann@corp.example":                false,
		"sip:ann@corp":                    false,
		"sip:ann@0.0.0.0":                 false,
		"sip:ann@corp.example;transport=": false,
	} {
		if err := CheckSIPAddress(in); (err == nil) != ok {
			t.Errorf("CheckSIPAddress(%q) = %v, want ok %v", in, err, ok)
		}
	}
}

func TestE164AndWarnings(t *testing.T) {
	for in, want := range map[string]bool{"tel:+14255551297": true, "TEL:+14255551297;EXT=51297": true, "tel:51297": false, "": false} {
		if IsE164Line(in) != want {
			t.Errorf("IsE164Line(%q) = %v", in, !want)
		}
	}
	if NormalizeScheme("SIP:Ann@corp.example") != "sip:Ann@corp.example" || NormalizeScheme("Tel:+1") != "tel:+1" || NormalizeScheme("x") != "x" {
		t.Error("NormalizeScheme")
	}
	tests := []struct {
		attr, v string
		of      Value
		warn    bool
	}{
		{AttrLine, "tel:51297", 384, true},
		{AttrLine, "", 384, true},
		{AttrLine, "tel:+14255551297", 384, false},
		{AttrLine, "", 272, true},
		{AttrLine, "tel:51297", 272, false},
		{AttrLineServer, "", 272, true},
		{AttrLineServer, "", 384, false},
		{AttrLine, "", 257, false},
	}
	for _, tt := range tests {
		if got := LineWarning(tt.attr, tt.v, tt.of); (got != "") != tt.warn {
			t.Errorf("LineWarning(%s, %q, %d) = %q", tt.attr, tt.v, tt.of, got)
		}
	}
}

// A control character is named as one, not as a character pasted from a
// document; a non-ASCII one still is.
func TestBadCharacterWords(t *testing.T) {
	if err := CheckLineURI("tel:+1\x07"); err == nil || !strings.Contains(err.Error(), `"tel:+1\x07" contains the control character U+0007`) {
		t.Errorf("BEL: %v", err)
	}
	if err := CheckLineURI("tel:+1\u00a0"); err == nil || !strings.Contains(err.Error(), "U+00A0, which is not plain ASCII") {
		t.Errorf("NBSP: %v", err)
	}
}
