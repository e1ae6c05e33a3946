package dctest

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// Admin is an LDAPS connection to the DC bound as Administrator, for tests
// that set up objects the code under test must not create itself.
func Admin(t testing.TB, dc DC) *ldap.Conn {
	t.Helper()
	pem, err := os.ReadFile(dc.CACert)
	if err != nil {
		t.Fatalf("read the DC's CA: %v", err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	c, err := ldap.DialURL(dc.LDAPSURL, ldap.DialWithTLSConfig(&tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}))
	if err != nil {
		// The certificate may name the DC by host name only.
		c, err = ldap.DialURL(dc.LDAPSURL, ldap.DialWithTLSConfig(&tls.Config{RootCAs: roots}))
	}
	if err != nil {
		t.Fatalf("dial %s: %v", dc.LDAPSURL, err)
	}
	if err := c.Bind(dc.AdminDN, Password(t, dc.AdminPasswordFile)); err != nil {
		c.Close()
		t.Fatalf("bind as %s: %v", dc.AdminDN, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Unique is a short random name part, so tests running at the same time on
// the same DC never touch each other's objects.
func Unique() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Pool creates a pool object (with its CN=Microsoft,CN=LC Services
// children) in the Configuration container and returns its DN and its
// home-server DN. Cleanup removes what is left of it.
func Pool(t testing.TB, c *ldap.Conn, dc DC, name string) (poolDN, homeDN string) {
	t.Helper()
	poolDN = "CN=" + name + ",CN=Pools,CN=RTC Service,CN=Services,CN=Configuration," + dc.Base
	add := func(dn string, attrs map[string][]string) {
		req := ldap.NewAddRequest(dn, nil)
		for k, v := range attrs {
			req.Attribute(k, v)
		}
		if err := c.Add(req); err != nil {
			t.Fatalf("add %s: %v", dn, err)
		}
	}
	add(poolDN, map[string][]string{"objectClass": {"msRTCSIP-Pool"}, "dNSHostName": {name + ".corp.example"}})
	add("CN=Microsoft,"+poolDN, map[string][]string{"objectClass": {"container"}})
	homeDN = "CN=LC Services,CN=Microsoft," + poolDN
	add(homeDN, map[string][]string{"objectClass": {"container"}})
	t.Cleanup(func() { DeleteTree(c, poolDN) })
	return poolDN, homeDN
}

// DeleteTree deletes dn and everything below it (tree delete control).
func DeleteTree(c *ldap.Conn, dn string) error {
	req := ldap.NewDelRequest(dn, []ldap.Control{ldap.NewControlString("1.2.840.113556.1.4.805", false, "")})
	return c.Del(req)
}

// User creates an OCS-enabled user in CN=Users homed on homeDN, with the
// sign-in name sip:<sam>@corp.example and enhanced presence; cleanup
// deletes it.
func User(t testing.TB, c *ldap.Conn, dc DC, sam, homeDN string) string {
	t.Helper()
	dn := fmt.Sprintf("CN=%s,CN=Users,%s", sam, dc.Base)
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"user"})
	req.Attribute("sAMAccountName", []string{sam})
	req.Attribute("mail", []string{sam + "@corp.example"})
	// An enabled account (NORMAL_ACCOUNT | PASSWD_NOTREQD, as the demo's):
	// Samba creates users disabled otherwise, and a disabled account is
	// the ad-account-disabled finding, not a working user.
	req.Attribute("userAccountControl", []string{"544"})
	req.Attribute("msRTCSIP-PrimaryUserAddress", []string{"sip:" + sam + "@corp.example"})
	req.Attribute("msRTCSIP-UserEnabled", []string{"TRUE"})
	req.Attribute("msRTCSIP-OptionFlags", []string{"256"})
	if homeDN != "" {
		req.Attribute("msRTCSIP-PrimaryHomeServer", []string{homeDN})
	}
	if err := c.Add(req); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	t.Cleanup(func() { c.Del(ldap.NewDelRequest(dn, nil)) })
	return dn
}

// DeletedPoolUser creates a pool, a user homed on it, and deletes the pool,
// so the user's home server reads as CN=LC Services\0ADEL:<guid>,CN=Deleted
// Objects,…: the state OCS leaves when a pool is removed.
func DeletedPoolUser(t testing.TB, c *ldap.Conn, dc DC, sam string) string {
	t.Helper()
	poolDN, home := Pool(t, c, dc, "gone-"+sam)
	dn := User(t, c, dc, sam, home)
	if err := DeleteTree(c, poolDN); err != nil {
		t.Fatalf("delete pool %s: %v", poolDN, err)
	}
	return dn
}
