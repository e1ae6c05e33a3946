package dctest

import (
	"fmt"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// OU creates an OU of the test's own (name plus a unique part) at the top
// of the domain, deleted with everything in it when the test ends.
func OU(t testing.TB, c *ldap.Conn, dc DC, name string) string {
	t.Helper()
	ou := "OU=" + name + "-" + Unique() + "," + dc.Base
	req := ldap.NewAddRequest(ou, nil)
	req.Attribute("objectClass", []string{"organizationalUnit"})
	if err := c.Add(req); err != nil {
		t.Fatalf("add %s: %v", ou, err)
	}
	t.Cleanup(func() { DeleteTree(c, ou) })
	return ou
}

// OUUser adds an OCS-enabled user CN=<sam> to ou with the sign-in name
// sip:<sam>@corp.example, OptionFlags of and home server home ("" for
// none); OU's cleanup deletes it.
func OUUser(t testing.TB, c *ldap.Conn, ou, sam, home, of string) string {
	t.Helper()
	dn := fmt.Sprintf("CN=%s,%s", sam, ou)
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"user"})
	req.Attribute("sAMAccountName", []string{sam})
	req.Attribute("userPrincipalName", []string{sam + "@corp.example"})
	req.Attribute("userAccountControl", []string{"544"})
	req.Attribute("msRTCSIP-PrimaryUserAddress", []string{"sip:" + sam + "@corp.example"})
	req.Attribute("msRTCSIP-UserEnabled", []string{"TRUE"})
	req.Attribute("msRTCSIP-OptionFlags", []string{of})
	if home != "" {
		req.Attribute("msRTCSIP-PrimaryHomeServer", []string{home})
	}
	if err := c.Add(req); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	return dn
}
