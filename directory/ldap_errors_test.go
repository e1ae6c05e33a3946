package directory

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

func ldapErr(code uint16, diag string) error {
	return &ldap.Error{ResultCode: code, Err: errors.New(diag)}
}

// AD's diagnostic for result 49 carries the Win32 reason as "data NNN".
func adBindDiag(sub string) string {
	return "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data " + sub + ", v4563\x00"
}

func TestLDAPErrorMapping(t *testing.T) {
	const (
		url  = "ldaps://dc1.corp.example:636"
		user = "CN=Ann Lee,OU=Sales,DC=corp,DC=example"
		who  = "admin@corp.example"
	)
	bind := ldapOp{kind: opBind, url: url, bind: who}
	write := ldapOp{kind: opWrite, url: url, bind: who, dn: user, attrs: []string{"msRTCSIP-OptionFlags"}, values: []string{`msRTCSIP-OptionFlags="385"`}}
	read := ldapOp{kind: opRead, url: url, bind: who, dn: user}
	tests := []struct {
		name string
		err  error
		op   ldapOp
		kind error
		want []string // substrings of Error()
	}{
		{"52e bad password", ldapErr(49, adBindDiag("52e")), bind, ErrAuthentication, []string{"wrong user name or password for admin@corp.example"}},
		{"525 no such user", ldapErr(49, adBindDiag("525")), bind, ErrAuthentication, []string{"no account admin@corp.example"}},
		{"530 logon hours", ldapErr(49, adBindDiag("530")), bind, ErrAuthentication, []string{"logon hours"}},
		{"531 workstation", ldapErr(49, adBindDiag("531")), bind, ErrAuthentication, []string{"from this computer"}},
		{"532 password expired", ldapErr(49, adBindDiag("532")), bind, ErrAuthentication, []string{"password of admin@corp.example has expired"}},
		{"533 disabled", ldapErr(49, adBindDiag("533")), bind, ErrAuthentication, []string{"is disabled"}},
		{"701 account expired", ldapErr(49, adBindDiag("701")), bind, ErrAuthentication, []string{"account admin@corp.example has expired"}},
		{"773 must change", ldapErr(49, adBindDiag("773")), bind, ErrAuthentication, []string{"must change the password"}},
		{"775 locked out", ldapErr(49, adBindDiag("775")), bind, ErrAuthentication, []string{"locked out"}},
		{"49 upper-case sub-code", ldapErr(49, "... DATA 52E, v1db1"), bind, ErrAuthentication, []string{"wrong user name or password"}},
		{"49 without a sub-code (OpenLDAP)", ldapErr(49, ""), bind, ErrAuthentication, []string{"refused the credentials of admin@corp.example"}},
		// Only the result code decides: a 50 whose text looks like a bind
		// failure is still insufficient rights.
		{"50 on a write", ldapErr(50, adBindDiag("52e")), write, ErrInsufficientRights, []string{"admin@corp.example may not change msRTCSIP-OptionFlags", user}},
		{"50 on a read", ldapErr(50, ""), read, ErrInsufficientRights, []string{"may not read"}},
		{"8 stronger auth", ldapErr(8, "00002028: LdapErr: DSID-0C090259, comment: The server requires binds to turn on integrity checking"), bind, ErrAuthentication, []string{"this DC requires an encrypted connection: use ldaps:// or --start-tls"}},
		{"13 confidentiality", ldapErr(13, ""), bind, ErrAuthentication, []string{"use ldaps:// or --start-tls"}},
		{"32 no such object", &ldap.Error{ResultCode: 32, MatchedDN: "OU=Sales,DC=corp,DC=example", Err: errors.New("0000208D: NameErr")}, read, ErrNoSuchObject, []string{user, "only up to OU=Sales,DC=corp,DC=example"}},
		{"21 invalid syntax", ldapErr(21, "00000057: LdapErr: DSID-0C090D8A"), write, ErrInvalidValue, []string{`msRTCSIP-OptionFlags="385"`}},
		{"34 invalid DN", ldapErr(34, ""), read, ErrInvalidValue, []string{"not a valid distinguished name"}},
		{"53 unwilling on a write", ldapErr(53, ""), write, ErrInvalidValue, []string{"unwilling", user}},
		{"53 unwilling on a bind", ldapErr(53, ""), bind, ErrAuthentication, []string{"unwilling to bind admin@corp.example"}},
		{"17 schema", ldapErr(17, ""), write, ErrInvalidValue, []string{"OCS schema extension"}},
		{"1 anonymous read", ldapErr(1, "000004DC: LdapErr: DSID-0C090A5C, comment: In order to perform this operation a successful bind must be completed"), ldapOp{kind: opRead, url: url}, ErrAuthentication, []string{"--bind"}},
		{"4 size limit", ldapErr(4, ""), read, ErrUnavailable, []string{"size limit"}},
		{"51 busy", ldapErr(51, ""), read, ErrUnavailable, []string{url}},
		{"network error", ldap.NewError(ldap.ErrorNetwork, io.EOF), read, ErrUnavailable, []string{"cannot talk to the directory at " + url}},
		{"dial refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, ldapOp{kind: opDial, url: url}, ErrUnavailable, []string{url}},
		{"unknown CA", fmt.Errorf("handshake: %w", x509.UnknownAuthorityError{}), ldapOp{kind: opStartTLS, url: url}, ErrUnavailable, []string{"--ca-cert"}},
		{"empty password", ldap.NewError(ldap.ErrorEmptyPassword, errors.New("empty")), bind, ErrAuthentication, []string{"no password"}},
		{"unknown code on a read", ldapErr(71, ""), read, ErrUnavailable, []string{"result 71"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mapLDAPError(tt.err, tt.op)
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("got %T %v, want *Error", err, err)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("kind %v, want %v", de.Kind, tt.kind)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err.Error(), w)
				}
			}
			if !errors.Is(err, tt.err) && tt.err != nil {
				t.Errorf("the cause is not kept in Err")
			}
		})
	}
	if mapLDAPError(nil, read) != nil {
		t.Error("nil error mapped to non-nil")
	}
}

func TestLDAPBindSubCode(t *testing.T) {
	for diag, want := range map[string]string{
		adBindDiag("52e"):         "52e",
		"data 775":                "775",
		"no sub-code here":        "",
		"metadata 52e is not one": "",
	} {
		if got := bindSubCode(diag); got != want {
			t.Errorf("bindSubCode(%q) = %q, want %q", diag, got, want)
		}
	}
}

func TestLDAPNetworkErrors(t *testing.T) {
	for _, err := range []error{ldap.NewError(ldap.ErrorNetwork, io.EOF), io.ErrUnexpectedEOF, net.ErrClosed, &net.OpError{Op: "read", Err: errors.New("reset")}} {
		if !isNetworkError(err) {
			t.Errorf("%v is not a network error", err)
		}
	}
	for _, err := range []error{ldapErr(16, ""), ldapErr(49, ""), errors.New("other")} {
		if isNetworkError(err) {
			t.Errorf("%v taken for a network error", err)
		}
	}
}

// A host name that does not resolve is named as such, not as a DC that is
// down or a network that fails.
func TestLDAPHostDoesNotResolve(t *testing.T) {
	dial := func(dns *net.DNSError) error {
		return ldap.NewError(ldap.ErrorNetwork, &net.OpError{Op: "dial", Net: "tcp", Err: dns})
	}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{dial(&net.DNSError{Err: "no such host", Name: "dc9.corp.example", IsNotFound: true}), "the host name dc9.corp.example does not resolve (DNS knows no such host)"},
		{dial(&net.DNSError{Err: "server misbehaving", Name: "dc9.corp.example", IsTemporary: true}), "the host name dc9.corp.example does not resolve (server misbehaving): check the DNS servers"},
	} {
		got := mapLDAPError(tt.err, ldapOp{kind: opRead, url: "ldaps://dc9.corp.example"})
		if !errors.Is(got, ErrUnavailable) || !strings.Contains(got.Error(), tt.want) || strings.Contains(got.Error(), "that the DC is running") {
			t.Errorf("%v: %v, want %q", tt.err, got, tt.want)
		}
	}
	// And for real: .invalid never resolves (RFC 2606).
	_, err := DialLDAP(t.Context(), LDAPConfig{URL: "ldaps://ocsflags-no-such-host.invalid"})
	if err == nil || !strings.Contains(err.Error(), "the host name ocsflags-no-such-host.invalid does not resolve") {
		t.Errorf("dial: %v", err)
	}
}
