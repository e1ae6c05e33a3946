package dctest

import (
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// TestUser is a user created for one test, deleted when it ends.
type TestUser struct {
	DN, SAM, UPN string
}

// NewUser creates a user of its own under CN=Users (other tests write to
// the DC at the same time, so none may depend on shared users), with attrs
// added (msRTCSIP-OptionFlags, say), and deletes it when the test ends.
func NewUser(t testing.TB, dc DC, prefix string, attrs map[string]string) TestUser {
	t.Helper()
	sam := prefix + Unique()
	if len(sam) > 20 {
		sam = sam[len(sam)-20:]
	}
	u := TestUser{DN: "CN=" + sam + ",CN=Users," + dc.Base, SAM: sam, UPN: sam + "@" + domainOf(dc)}
	c := Admin(t, dc)
	req := ldap.NewAddRequest(u.DN, nil)
	req.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	req.Attribute("sAMAccountName", []string{sam})
	req.Attribute("userPrincipalName", []string{u.UPN})
	req.Attribute("displayName", []string{"Test " + sam})
	for k, v := range attrs {
		req.Attribute(k, []string{v})
	}
	if err := c.Add(req); err != nil {
		t.Fatalf("create test user %s: %v", u.DN, err)
	}
	t.Cleanup(func() { c.Del(ldap.NewDelRequest(u.DN, nil)) })
	return u
}

// domainOf is the DNS domain of the DC's base (DC=corp,DC=example:
// corp.example).
func domainOf(dc DC) string {
	d, err := ldap.ParseDN(dc.Base)
	if err != nil {
		return "corp.example"
	}
	s := ""
	for _, r := range d.RDNs {
		for _, a := range r.Attributes {
			if s != "" {
				s += "."
			}
			s += a.Value
		}
	}
	return s
}
