package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

const testPool = "CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,"

// On the DC: set refuses +ev on a remote call control user (exit 2, naming
// telephony=) and writes nothing; archiving=internal on the legacy 3 writes 4.
func TestDCSetTelephonyRuleAndArchiving(t *testing.T) {
	dc := dctest.RequireDC(t)
	u := dctest.NewUser(t, dc, "vtel", map[string]string{
		"userAccountControl": "544", "msRTCSIP-UserEnabled": "TRUE",
		"msRTCSIP-OptionFlags": "272", "msRTCSIP-ArchivingEnabled": "3",
		"msRTCSIP-Line": "tel:+14255550177", "msRTCSIP-LineServer": "sip:cstagw@corp.example",
	})
	code, out, errs := run(t, append(append([]string{"set"}, dcArgs(t)...), u.DN, "+ev")...)
	if code != 2 || !strings.Contains(errs, "telephony=") {
		t.Errorf("set +ev on RCC: exit %d\n%s%s", code, out, errs)
	}
	if got := dcUser(t, u.DN).OCS.OptionFlags; got.V != 272 {
		t.Errorf("OptionFlags after the refused +ev: %+v", got)
	}
	code, out, errs = run(t, append(append([]string{"set"}, dcArgs(t)...), u.DN, "archiving=internal")...)
	if code != 0 || !strings.Contains(out, "3 -> 4") {
		t.Fatalf("set archiving=internal: exit %d\n%s%s", code, out, errs)
	}
	if got := dcUser(t, u.DN).OCS.Archiving; got.V != flags.ArchiveInternal {
		t.Errorf("msRTCSIP-ArchivingEnabled after archiving=internal: %+v, want 4", got)
	}
}

// On the DC: a disabled account is the ad-account-disabled error, and the
// same account carrying msRTCSIP-OriginatorSid (a resource forest) is ready
// with a note saying why.
func TestDCResourceForestVerdict(t *testing.T) {
	dc := dctest.RequireDC(t)
	sid, err := flags.EncodeSID("S-1-5-21-1111111111-2222222222-3333333333-4242")
	if err != nil {
		t.Fatal(err)
	}
	ready := func(sam string) map[string]string {
		return map[string]string{
			"userAccountControl": "546", "msRTCSIP-UserEnabled": "TRUE", "msRTCSIP-OptionFlags": "256",
			"msRTCSIP-PrimaryUserAddress": "sip:" + sam + "@corp.example", "msRTCSIP-PrimaryHomeServer": testPool + dc.Base,
		}
	}
	disabled := dctest.NewUser(t, dc, "vdis", ready("vdis-"+dctest.Unique()))
	attrs := ready("vres-" + dctest.Unique())
	attrs["msRTCSIP-OriginatorSid"] = string(sid)
	resource := dctest.NewUser(t, dc, "vres", attrs)

	code, out, errs := run(t, append(append([]string{"audit", "--json"}, dcArgs(t)...), disabled.DN, resource.DN)...)
	var res []struct {
		DN       string `json:"dn"`
		Ready    bool   `json:"ready"`
		Verdict  string `json:"verdict"`
		Findings []struct {
			ID string `json:"id"`
		} `json:"findings"`
		Notes []struct {
			ID, Value string
		} `json:"notes"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 1 || len(res) != 2 {
		t.Fatalf("audit: exit %d, %v\n%s%s", code, err, out, errs)
	}
	if d := res[0]; d.Ready || d.Verdict != "ad-account-disabled" || len(d.Findings) != 1 || d.Findings[0].ID != flags.FindingADAccountDisabled {
		t.Errorf("disabled account: %+v", d)
	}
	if r := res[1]; !r.Ready || r.Verdict != "ready" || len(r.Findings) != 0 || len(r.Notes) != 1 || r.Notes[0].ID != flags.FindingADAccountDisabled ||
		r.Notes[0].Value != "S-1-5-21-1111111111-2222222222-3333333333-4242" {
		t.Errorf("resource-forest account: %+v", r)
	}
}
