package flags

import (
	"strings"
	"testing"
)

func TestVerdicts(t *testing.T) {
	ready := Settings{Enabled: Some(true), SIPAddress: Some("sip:a@corp.example"), HomeServer: Some(pool), OptionFlags: Some(EnhancedPresence)}
	sid := Some("S-1-5-21-1-2-3-1105")
	withSID := ready
	withSID.OriginatorSid = sid
	lcs := ready
	lcs.OptionFlags = Some(Value(0))
	off := ready
	off.Enabled = Some(false)
	// A home server among pools this account cannot read.
	hidden := ready
	hidden.HomeServer = Some("CN=LC Services,CN=Microsoft,CN=hidden,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example")
	hiddenLCS := hidden
	hiddenLCS.OptionFlags = Some(Value(0))
	unreadable := func(string) string { return "this account (helpdesk@corp.example) cannot read the pool it names" }
	for _, tt := range []struct {
		name    string
		in      AuditInput
		verdict Verdict
		ids     []string
		notes   []string
	}{
		{"ready", AuditInput{Settings: ready}, VerdictReady, nil, nil},
		{"AD disabled", AuditInput{Settings: ready, ADDisabled: true}, VerdictADDisabled, []string{FindingADAccountDisabled}, nil},
		{"resource forest", AuditInput{Settings: withSID, ADDisabled: true}, VerdictReady, nil, []string{FindingADAccountDisabled}},
		{"LCS 2005 (0)", AuditInput{Settings: lcs}, VerdictCommunicator2005Only, []string{FindingNoEnhancedPresence}, nil},
		{"pool cannot be read", AuditInput{Settings: hidden, PoolUnknown: unreadable}, VerdictUnverified, []string{FindingHomeServerUnchecked}, nil},
		{"pool cannot be read, and 0", AuditInput{Settings: hiddenLCS, PoolUnknown: unreadable}, VerdictCommunicator2005Only, []string{FindingHomeServerUnchecked, FindingNoEnhancedPresence}, nil},
		{"pool cannot be read, OCS disabled", AuditInput{Settings: func() Settings { s := hidden; s.Enabled = Some(false); return s }(), PoolUnknown: unreadable}, VerdictNotEnabled, []string{FindingNotEnabled, FindingHomeServerUnchecked}, nil},
		{"AD disabled and 0", AuditInput{Settings: lcs, ADDisabled: true}, VerdictCannotSignIn, []string{FindingNoEnhancedPresence, FindingADAccountDisabled}, nil},
		{"OCS and AD disabled", AuditInput{Settings: off, ADDisabled: true}, VerdictNotEnabled, []string{FindingNotEnabled, FindingADAccountDisabled}, nil},
		{"contact without SID", AuditInput{Settings: ready, Contact: true, ProxyAddresses: []string{"SIP:a@corp.example"}}, VerdictCannotSignIn, []string{FindingContactNoOriginatorSid}, nil},
		{"contact with SID, no proxy", AuditInput{Settings: withSID, Contact: true, ProxyAddresses: []string{"smtp:a@corp.example"}}, VerdictReady, []string{FindingProxyAddressNoSIP}, []string{FindingContactNoOriginatorSid}},
		{"contact with SID and proxy", AuditInput{Settings: withSID, Contact: true, ProxyAddresses: []string{"sip:A@corp.example"}}, VerdictReady, nil, []string{FindingContactNoOriginatorSid}},
		{"application contact", AuditInput{Settings: ready, Contact: true, AppContact: true}, VerdictReady, nil, []string{FindingContactNoOriginatorSid}},
		// Contacts have no userAccountControl that means anything to OCS.
		{"disabled flag on a contact", AuditInput{Settings: withSID, Contact: true, ADDisabled: true, ProxyAddresses: []string{"sip:a@corp.example"}}, VerdictReady, nil, []string{FindingContactNoOriginatorSid}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.IsPool = isPool
			fs := Audit(tt.in)
			if got := ids(fs); strings.Join(got, ",") != strings.Join(tt.ids, ",") {
				t.Errorf("findings %v, want %v", got, tt.ids)
			}
			if v := Judge(fs); v != tt.verdict {
				t.Errorf("verdict %v, want %v", v, tt.verdict)
			}
			if Ready(fs) != (tt.verdict == VerdictReady) {
				t.Errorf("Ready %v with verdict %v", Ready(fs), tt.verdict)
			}
			var notes []string
			for _, n := range Notes(tt.in) {
				notes = append(notes, n.ID)
			}
			if strings.Join(notes, ",") != strings.Join(tt.notes, ",") {
				t.Errorf("notes %v, want %v", notes, tt.notes)
			}
		})
	}
	if w := VerdictCommunicator2005Only.Headline(); w != "cannot sign in with Communicator 2007/R2 (Communicator 2005 still works)" {
		t.Errorf("2005 headline %q", w)
	}
	if v := VerdictUnverified; v.String() != "unverified" || v.Mark() != "?" || !strings.Contains(v.Headline(), "cannot read the pools") {
		t.Errorf("unverified: %q %q %q", v, v.Mark(), v.Headline())
	}
	for v := VerdictReady; v <= VerdictUnverified; v++ {
		if n := len([]rune(v.Word())); n > 13 {
			t.Errorf("%v: list word %q is %d columns, the list has 13", v, v.Word(), n)
		}
	}
}

// Every rule Audit can produce is listed in Rules, so the audit screen
// shows it.
func TestNewRulesListed(t *testing.T) {
	want := []string{FindingADAccountDisabled, FindingContactNoOriginatorSid, FindingProxyAddressNoSIP}
	for _, id := range want {
		found := false
		for _, r := range Rules {
			found = found || r.ID == id
		}
		if !found {
			t.Errorf("%s not in Rules", id)
		}
	}
}

// The malformed sign-in name's fix is never an address someone else holds,
// and none is offered when nobody knows which are free.
func TestSIPFixIsFree(t *testing.T) {
	s := Settings{Enabled: Some(true), SIPAddress: Some("ann@corp.example"), HomeServer: Some(pool), OptionFlags: Some(EnhancedPresence)}
	held := map[string]bool{"sip:ann@corp.example": true}
	free := func(a string) bool { return !held[strings.ToLower(a)] }
	fs := Audit(AuditInput{Settings: s, Mail: "ann.lee@corp.example", UPN: "ann@corp.example", IsPool: isPool, SIPFree: free})
	if fs[0].ID != FindingSIPAddressMalformed || fs[0].Fix == nil || fs[0].Fix.SIPAddress.V != "sip:ann.lee@corp.example" {
		t.Errorf("malformed fix = %+v, want the free sip:ann.lee@corp.example", fs[0].Fix)
	}
	held["sip:ann.lee@corp.example"] = true
	fs = Audit(AuditInput{Settings: s, Mail: "ann.lee@corp.example", UPN: "ann@corp.example", IsPool: isPool, SIPFree: free})
	if fs[0].Fix != nil {
		t.Errorf("every candidate is held, yet the fix offers %+v", fs[0].Fix)
	}
	fs = Audit(AuditInput{Settings: s, Mail: "ann.lee@corp.example", IsPool: isPool})
	if fs[0].Fix != nil {
		t.Errorf("without SIPFree the fix offers %+v", fs[0].Fix)
	}
}

func TestCheckTelephonyChange(t *testing.T) {
	for _, tt := range []struct {
		cur Value
		d   Delta
		ok  bool
	}{
		{256 | 16, Delta{Set: EnterpriseVoice}, false},                 // +ev on RCC: 144
		{256, Delta{Set: EnhancedPresence | PBXIntegration}, false},    // +ep +pbx: 768
		{256, Delta{Set: EnterpriseVoice}, true},                       // +ev on PC-only
		{256 | 128, Delta{Set: PBXIntegration}, true},                  // +pbx on EV
		{256 | 128 | 512, Delta{Clear: EnterpriseVoice}, false},        // -ev on PBX: 512
		{256 | 128 | 512, Delta{Clear: PBXIntegration}, true},          // -pbx on PBX: EV
		{256 | 16 | 128, Delta{Set: PublicIM}, true},                   // no telephony bit: inconsistent kept
		{256 | 16 | 128, SetTelephony(TelephonyEnterpriseVoice), true}, // telephony= always fits
		{256 | 16, Delta{Set: RemoteCallControl}, true},
	} {
		err := CheckTelephonyChange(tt.cur, tt.d)
		if (err == nil) != tt.ok {
			t.Errorf("CheckTelephonyChange(%d, %v) = %v, want ok=%v", tt.cur, tt.d, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "telephony=") {
			t.Errorf("error does not name telephony=: %v", err)
		}
	}
}

func TestArchiving(t *testing.T) {
	for _, tt := range []struct {
		name      string
		cur, want Value
	}{{"internal", 3, 4}, {"none", 3, 0}, {"both", 1, 12}, {"federated", 4, 8}, {"internal", 16 | 2, 16 | 4}} {
		bits, err := ParseArchiving(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := applyBits(Some(tt.cur), SetArchiving(bits), false)
		if got.V != tt.want {
			t.Errorf("archiving=%s on %d = %d, want %d", tt.name, tt.cur, got.V, tt.want)
		}
	}
	if _, err := ParseArchiving("all"); err == nil {
		t.Error("archiving=all accepted")
	}
	// A check box clicked on the legacy 3 gives a value the audit accepts.
	for _, box := range []Value{ArchiveInternal, ArchiveFederated} {
		got, _ := applyBits(Some(Value(3)), ToggleArchiving(3, box), false)
		if got.V != box {
			t.Errorf("box %d on 3 = %d", box, got.V)
		}
	}
}
