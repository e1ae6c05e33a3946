package dctest

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"os"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// Admin opens a go-ldap connection to the DC over LDAPS, bound as the
// administrator, for setting up test objects.
func Admin(t testing.TB, dc DC) *ldap.Conn {
	t.Helper()
	pem, err := os.ReadFile(dc.CACert)
	if err != nil {
		t.Fatalf("read the DC's CA: %v", err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	c, err := ldap.DialURL(dc.LDAPSURL, ldap.DialWithTLSConfig(&tls.Config{RootCAs: roots}))
	if err != nil {
		t.Fatalf("dial %s: %v", dc.LDAPSURL, err)
	}
	if err := c.Bind(dc.AdminUPN, Password(t, dc.AdminPasswordFile)); err != nil {
		c.Close()
		t.Fatalf("bind as %s: %v", dc.AdminUPN, err)
	}
	return c
}

// TestUser is a user created for one test, deleted when it ends.
type TestUser struct {
	DN, SAM, UPN string
}

// NewUser creates a user of its own under CN=Users (other tests write to
// the DC at the same time, so none may depend on shared users), with attrs
// added (msRTCSIP-OptionFlags, say), and deletes it when the test ends.
func NewUser(t testing.TB, dc DC, prefix string, attrs map[string]string) TestUser {
	t.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	sam := prefix + hex.EncodeToString(b)
	if len(sam) > 20 {
		sam = sam[len(sam)-20:]
	}
	u := TestUser{DN: "CN=" + sam + ",CN=Users," + dc.Base, SAM: sam, UPN: sam + "@" + domainOf(dc)}
	c := Admin(t, dc)
	defer c.Close()
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
	t.Cleanup(func() {
		c := Admin(t, dc)
		defer c.Close()
		c.Del(ldap.NewDelRequest(u.DN, nil))
	})
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
