package directory

import (
	"fmt"
	"slices"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// On the Samba DC, in an OU of the test's own: a sign-in name held beside
// the scope, below it (one level) and by a computer in it makes a
// duplicate of the scope's user, read around the scope as with every name.
func TestLDAPReadAroundDC(t *testing.T) {
	env := requireDC(t)
	c := dctest.Admin(t, env.DC)
	top := dctest.OU(t, c, env.DC, "around")
	u := dctest.Unique()[:6]
	add := func(dn string, classes []string, attrs ...string) {
		t.Helper()
		req := ldap.NewAddRequest(dn, nil)
		req.Attribute("objectClass", classes)
		for i := 0; i+1 < len(attrs); i += 2 {
			req.Attribute(attrs[i], []string{attrs[i+1]})
		}
		if err := c.Add(req); err != nil {
			t.Fatalf("add %s: %v", dn, err)
		}
	}
	ou := func(dn string) string { add(dn, []string{"organizationalUnit"}); return dn }
	scope := ou("OU=Scope," + top)
	beside := ou("OU=Beside," + top)
	below := ou("OU=Below," + scope)
	sip := func(n int) string { return fmt.Sprintf("sip:around%d-%s@corp.example", n, u) }
	user := func(parent, name string, n int) string {
		dn := "CN=" + name + "," + parent
		add(dn, []string{"user"}, "sAMAccountName", "ar"+u+name, "userAccountControl", "544",
			flags.AttrPrimaryUserAddress, sip(n), flags.AttrUserEnabled, "TRUE", flags.AttrOptionFlags, "256")
		return dn
	}
	dupBeside := user(scope, "u1", 1)
	user(beside, "b1", 1)
	dupBelow := user(scope, "u2", 2)
	user(below, "d2", 2)
	dupComputer := user(scope, "u3", 3)
	add("CN=PC"+u+","+scope, []string{"computer"}, "sAMAccountName", "PC"+u+"$", "userAccountControl", "4096", flags.AttrPrimaryUserAddress, sip(3))
	unique := user(scope, "u4", 4)

	withGC := dialDC(t, env.adminConfig())
	if withGC.gc == nil {
		t.Fatal("the DC is a Global Catalog, but none was connected")
	}
	// The Global Catalog's names are read whole, so without it the read
	// of this DC alone must find the holders.
	alone := dialDC(t, env.adminConfig())
	alone.gc.Close()
	alone.gc = nil
	for name, l := range map[string]*LDAP{"with the Global Catalog": withGC, "this DC alone": alone} {
		for _, s := range []Scope{OneLevel, Subtree} {
			sameFacts(t, l, scope, s)
			facts := factsOf(t, l, scope, s, true)
			for dn, want := range map[string]bool{dupBeside: true, dupBelow: true, dupComputer: true, unique: false} {
				f, ok := facts[NormDN(dn)]
				got := slices.ContainsFunc(f.Findings, func(f flags.Finding) bool { return f.ID == flags.FindingSIPAddressDuplicate })
				if !ok || got != want {
					t.Errorf("%s, scope %v: %s read %v, a duplicate = %v, want %v (%+v)", name, s, dn, ok, got, want, f.Findings)
				}
			}
		}
	}
}
