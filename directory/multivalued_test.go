package directory

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
)

const multiLDIF = `dn: DC=corp,DC=example
objectClass: domain

dn: CN=Multi,DC=corp,DC=example
objectClass: user
cn: Multi
sAMAccountName: multi
msRTCSIP-UserEnabled: TRUE
msRTCSIP-PrimaryUserAddress: sip:multi@corp.example
msRTCSIP-OptionFlags: 256
msRTCSIP-OptionFlags: 385
msRTCSIP-Line: tel:+14255550100
`

// A multi-valued OptionFlags from an LDIF is read with both values, and no
// write path changes it: not Update, not a hand-made compare-and-swap.
func TestMultiValuedLDIF(t *testing.T) {
	m, err := LoadLDIF(strings.NewReader(multiLDIF), "multi.ldif")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const dn = "CN=Multi,DC=corp,DC=example"
	u, err := m.User(ctx, dn)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.OCS.MultiValued[flags.AttrOptionFlags]; len(got) != 2 || got[0] != "256" || got[1] != "385" {
		t.Fatalf("MultiValued = %v", u.OCS.MultiValued)
	}
	var mv *flags.MultiValuedError
	if _, _, err := Update(ctx, m, dn, flags.Change{Flags: flags.Delta{Set: flags.PublicIM}}, 3); !errors.As(err, &mv) {
		t.Errorf("Update: %v, want a MultiValuedError", err)
	}
	_, err = m.Apply(ctx, Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("256"), New: flags.Some("257")}}})
	if err == nil || !strings.Contains(err.Error(), "holds 2 values") {
		t.Errorf("Apply: %v", err)
	}
	if after, _ := m.User(ctx, dn); len(after.OCS.MultiValued[flags.AttrOptionFlags]) != 2 {
		t.Errorf("OptionFlags after refused writes: %v", after.OCS.MultiValued)
	}
	// What holds one value can still be written.
	if _, after, err := Update(ctx, m, dn, flags.Change{Line: flags.Some("tel:+14255550199")}, 3); err != nil || after.OCS.Line.V != "tel:+14255550199" || len(after.OCS.MultiValued[flags.AttrOptionFlags]) != 2 {
		t.Errorf("Line: %+v, %v", after.OCS, err)
	}
}

// The LDAP decoder keeps every value too (a non-AD server's schema may
// allow several).
func TestMultiValuedLDAPDecode(t *testing.T) {
	e := ldap.NewEntry("CN=Multi,DC=corp,DC=example", map[string][]string{
		"cn": {"Multi"}, "msRTCSIP-OptionFlags": {"256", "385"}, "msRTCSIP-PrimaryHomeServer": {"CN=a", "CN=b"},
	})
	u, prob := entryToUser(e, interner{})
	if prob != nil {
		t.Fatal(prob.Err)
	}
	if len(u.OCS.MultiValued[flags.AttrOptionFlags]) != 2 || len(u.OCS.MultiValued[flags.AttrPrimaryHomeServer]) != 2 {
		t.Fatalf("MultiValued = %v", u.OCS.MultiValued)
	}
}
