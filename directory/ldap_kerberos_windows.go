//go:build windows

package directory

import (
	"crypto/tls"
	"os"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/go-ldap/ldap/v3/gssapi"
)

// sspiAvailable: on Windows, --kerberos without KRB5CCNAME uses the
// logged-on user's own tickets through SSPI, with no kinit.
const sspiAvailable = true

// sspiPrincipal names the logged-on user as Windows does for Kerberos:
// USERNAME@USERDNSDOMAIN (the realm is the DNS domain in capitals).
func sspiPrincipal() string {
	user, dom := os.Getenv("USERNAME"), os.Getenv("USERDNSDOMAIN")
	if dom != "" {
		return user + "@" + strings.ToUpper(dom)
	}
	if d := os.Getenv("USERDOMAIN"); d != "" {
		return d + `\` + user
	}
	return user
}

// newSSPIClient is a security context of the logon's credentials. Over TLS
// it carries the channel binding of the DC's certificate (RFC 5929
// tls-server-end-point), which DCs that enforce LDAP channel binding ask
// for.
func newSSPIClient(cs *tls.ConnectionState) (ldap.GSSAPIClient, func(), error) {
	var c *gssapi.SSPIClient
	var err error
	if cs != nil && len(cs.PeerCertificates) > 0 {
		c, err = gssapi.NewSSPIClientWithChannelBinding(cs.PeerCertificates[0])
	} else {
		c, err = gssapi.NewSSPIClient()
	}
	if err != nil {
		return nil, nil, err
	}
	return c, func() { c.Close() }, nil
}
