package ui

import (
	"slices"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/browse"
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
		func() { x.focusItem(browse.ItBit, flags.PublicIM) },
		func() { x.focusItem(browse.ItBit, flags.AnonymousParticipants) },
		func() { x.focusTelephony(flags.TelephonyEnterpriseVoice) },
		func() { x.focusItem(browse.ItLine, 0) },
	} {
		focus()
		x.key("space")
		if !x.m.frame.StatusErr || !strings.Contains(x.m.frame.Status, "refused") || !strings.Contains(x.m.frame.Status, "holds 2 values") {
			t.Errorf("%v: status %q", x.focused(), x.m.frame.Status)
		}
		if x.m.sess.Pending.Get(dn) != nil || x.edit() != nil {
			t.Fatalf("%v: an edit was staged or the editor opened", x.focused())
		}
	}
	x.focusItem(browse.ItLine, 0)
	x.key("enter")
	if x.edit() != nil {
		t.Fatal("the editor opened on a multi-valued Line URI")
	}
	// The audit flags it; its fix (enhanced presence is in one value only)
	// is refused as well.
	x.key("a")
	mustContain(t, x.screen(), "Single-valued attributes hold one value each", `msRTCSIP-OptionFlags holds 2 values ("1", "385")`)
	// The audit's fix for enhanced presence is refused before it asks.
	x.audit().Cursor = slices.IndexFunc(flags.Rules, func(r flags.Rule) bool { return r.ID == flags.FindingNoEnhancedPresence })
	x.key("f")
	if x.confirm() != nil || x.m.sess.Pending.Get(dn) != nil || !strings.Contains(x.m.frame.Status, "refused") {
		t.Errorf("the enhanced presence fix: confirm %v, status %q", x.confirm() != nil, x.m.frame.Status)
	}
	x.focusItem(browse.ItBit, flags.EnhancedPresence)
	x.toBrowser()
	x.key("space")
	if x.confirm() != nil || x.m.sess.Pending.Get(dn) != nil {
		t.Error("the enhanced presence check box asked or staged")
	}
	x.key("a")
	// Other settings stay editable.
	x.key("esc")
	x.focusItem(browse.ItFederation, 0)
	x.key("space")
	if c := x.pendingChange(dn); !c.Federation.Set {
		t.Errorf("federation was not staged: %q", x.m.frame.Status)
	}
}

// A status line about one user goes when another user is opened: after a
// refused toggle on the multi-valued user, the next user's detail and audit
// screen do not say the refusal (from the list, and through --user's path).
func TestStatusOfOneUserGoesWithIt(t *testing.T) {
	ldif := multiLDIF + `
dn: CN=Plain,OU=Sales,DC=corp,DC=example
objectClass: user
cn: Plain
sAMAccountName: plain
msRTCSIP-UserEnabled: TRUE
msRTCSIP-PrimaryUserAddress: sip:plain@corp.example
msRTCSIP-OptionFlags: 256
`
	for _, sz := range [][2]int{{200, 50}, {80, 24}} {
		d, err := directory.LoadLDIF(strings.NewReader(ldif), "multi.ldif")
		if err != nil {
			t.Fatal(err)
		}
		x := newHarness(t, Options{Dir: d}, sz[0], sz[1])
		refuse := func() {
			x.t.Helper()
			x.openUser("multi")
			x.toBrowser()
			x.focusItem(browse.ItBit, flags.PublicIM)
			x.key("space")
			if !strings.Contains(x.m.frame.Status, "holds 2 values") {
				t.Fatalf("no refusal: status %q", x.m.frame.Status)
			}
		}
		refuse()
		// The same user again keeps it.
		x.openUser("multi")
		if !strings.Contains(x.m.frame.Status, "holds 2 values") {
			t.Errorf("%v: reopening the same user dropped its status", sz)
		}
		x.openUser("plain")
		x.key("a")
		if scr := x.screen(); strings.Contains(scr, "holds 2 values") || strings.Contains(scr, "refused") {
			t.Errorf("%v: the next user's audit screen shows the other user's refusal:\n%s", sz, scr)
		}

		// From the list: a on another row opens it and its audit.
		refuse()
		x.toBrowser()
		x.m.browse.Focus = browse.PaneList
		for i := 0; i < x.m.browse.List.VisibleLen(); i++ {
			if x.m.browse.List.At(i).U.SAMAccountName == "plain" {
				x.m.browse.List.Cursor = i
			}
		}
		x.key("a")
		if scr := x.screen(); !strings.Contains(scr, "Audit of Plain") || strings.Contains(scr, "holds 2 values") || strings.Contains(scr, "refused") {
			t.Errorf("%v: a from the list:\n%s", sz, scr)
		}
	}
}
