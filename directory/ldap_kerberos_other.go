//go:build !windows

package directory

import (
	"crypto/tls"
	"errors"

	"github.com/go-ldap/ldap/v3"
)

// sspiAvailable: only Windows has the logon's tickets through SSPI;
// elsewhere the ticket comes from the cache kinit fills.
const sspiAvailable = false

func sspiPrincipal() string { return "" }

func newSSPIClient(*tls.ConnectionState) (ldap.GSSAPIClient, func(), error) {
	return nil, nil, errors.New("SSPI is only on Windows")
}
