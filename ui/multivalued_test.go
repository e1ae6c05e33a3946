package ui

import (
	"slices"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
)

const multiLDIF = `dn: DC=corp,DC=example
objectClass: domain

dn: OU=Sales,DC=corp,DC=example
objectClass: organizationalUnit

dn: CN=Multi,OU=Sales,DC=corp,DC=example
objectClass: user
cn: Multi
sAMAccountName: multi
msRTCSIP-UserEnabled: TRUE
msRTCSIP-PrimaryUserAddress: sip:multi@corp.example
msRTCSIP-OptionFlags: 1
msRTCSIP-OptionFlags: 385
msRTCSIP-Line: tel:+14255550100
msRTCSIP-Line: tel:+14255550199
`

// A multi-valued OptionFlags and Line are shown with every value and no
// check box, radio, editor or audit fix changes them.
func TestMultiValuedShownAndNotEditable(t *testing.T) {
	d, err := directory.LoadLDIF(strings.NewReader(multiLDIF), "multi.ldif")
	if err != nil {
		t.Fatal(err)
	}
	x := newHarness(t, Options{Dir: d}, 200, 50)
	x.openUser("multi")
	mustContain(t, x.screen(), "msRTCSIP-OptionFlags holds 2 values: 1 · 385", "msRTCSIP-Line holds 2 values: tel:+14255550100 · tel:+14255550199")
	const dn = "CN=Multi,OU=Sales,DC=corp,DC=example"
	for _, focus := range []func(){
		func() { x.focusItem(itBit, flags.PublicIM) },
		func() { x.focusItem(itBit, flags.AnonymousParticipants) },
		func() { x.focusTelephony(flags.TelephonyEnterpriseVoice) },
		func() { x.focusItem(itLine, 0) },
	} {
		focus()
		x.key("space")
		if !x.m.statusErr || !strings.Contains(x.m.status, "refused") || !strings.Contains(x.m.status, "holds 2 values") {
			t.Errorf("%v: status %q", x.focused(), x.m.status)
		}
		if x.m.pending.get(dn) != nil || x.m.edit != nil {
			t.Fatalf("%v: an edit was staged or the editor opened", x.focused())
		}
	}
	x.focusItem(itLine, 0)
	x.key("enter")
	if x.m.edit != nil {
		t.Fatal("the editor opened on a multi-valued Line URI")
	}
	// The audit flags it; its fix (enhanced presence is in one value only)
	// is refused as well.
	x.key("a")
	mustContain(t, x.screen(), "Single-valued attributes hold one value each", `msRTCSIP-OptionFlags holds 2 values ("1", "385")`)
	// The audit's fix for enhanced presence is refused before it asks.
	x.m.audit.cursor = slices.IndexFunc(flags.Rules, func(r flags.Rule) bool { return r.ID == flags.FindingNoEnhancedPresence })
	x.key("f")
	if x.m.confirm != nil || x.m.pending.get(dn) != nil || !strings.Contains(x.m.status, "refused") {
		t.Errorf("the enhanced presence fix: confirm %v, status %q", x.m.confirm != nil, x.m.status)
	}
	x.focusItem(itBit, flags.EnhancedPresence)
	x.m.screen = scrBrowse
	x.key("space")
	if x.m.confirm != nil || x.m.pending.get(dn) != nil {
		t.Error("the enhanced presence check box asked or staged")
	}
	x.key("a")
	// Other settings stay editable.
	x.key("esc")
	x.focusItem(itFederation, 0)
	x.key("space")
	if c := x.pendingChange(dn); !c.Federation.Set {
		t.Errorf("federation was not staged: %q", x.m.status)
	}
}
