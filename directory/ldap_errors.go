package directory

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/termtext"
)

// ldapOp says what was being done when an LDAP error came back, so the
// mapped error can name the thing an admin has to look at.
type ldapOp struct {
	kind  opKind
	url   string
	bind  string // identity, for bind failures; never the password
	dn    string
	attrs []string
	// values are "attr=value" pairs of a write, named by result 21.
	values []string
	// timeout is the deadline each request had, and host the DC's name,
	// for the words of a timeout.
	timeout time.Duration
	host    string
	// caFile is the --ca-cert file a TLS handshake checked against, "" for
	// the system's CAs.
	caFile string
}

type opKind int

const (
	opRead opKind = iota
	opBind
	opWrite
	opDial
	opStartTLS
)

// adBindData finds AD's sub-code in a result-49 diagnostic such as
// "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error,
// data 52e, v4563". The hex token is the Win32 error behind the refusal; it is
// the only part of the message text that is read, because result 49 alone
// cannot tell a wrong password from a locked-out account.
var adBindData = regexp.MustCompile(`(?i)\bdata ([0-9a-f]{1,8})\b`)

// bindSubCode returns the "data" token of an AD bind refusal, lower-cased,
// or "" when the server sent none (OpenLDAP, older Samba).
func bindSubCode(diagnostic string) string {
	m := adBindData.FindStringSubmatch(diagnostic)
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}

// bindMessages are AD's result-49 sub-codes in words. %s is the bind
// identity.
var bindMessages = map[string]string{
	"52e": "wrong user name or password for %s: check --bind and the password",
	"525": "there is no account %s in this domain: check --bind (admin@corp.example, CORP\\admin or a DN)",
	"530": "%s may not log on at this time (logon hours restriction): try within the permitted hours or ask a domain admin",
	"531": "%s may not log on from this computer (logon workstations restriction): ask a domain admin to allow it",
	"532": "the password of %s has expired: change it (for example with Ctrl+Alt+Del on a domain computer), then try again",
	"533": "the account %s is disabled: ask a domain admin to enable it",
	"701": "the account %s has expired: ask a domain admin to extend it",
	"773": "%s must change the password before using it: change it, then try again",
	"775": "the account %s is locked out: wait for the lockout to end or ask a domain admin to unlock it; do not retry meanwhile",
}

// mapLDAPError turns what go-ldap returned into a *Error an admin can act on.
// It decides on result codes only; the diagnostic text is used for AD's
// bind sub-code and is otherwise only carried along in Err.
func mapLDAPError(err error, op ldapOp) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	// A deadline that ends the dial or the TLS handshake (both run under
	// the dial's timeout) is the DC not answering; a later one is the
	// caller's and goes back as it is.
	if errors.Is(err, context.Canceled) || (errors.Is(err, context.DeadlineExceeded) && op.kind != opDial && op.kind != opStartTLS) {
		return err
	}
	mk := func(kind error, msg string) *Error {
		e := &Error{Kind: kind, DN: op.dn, Msg: msg, Err: err}
		if len(op.attrs) > 0 && op.kind == opWrite {
			e.Attr = strings.Join(op.attrs, ", ")
		}
		return e
	}
	var le *ldap.Error
	if !errors.As(err, &le) {
		if isNetworkError(err) || op.kind == opDial || op.kind == opStartTLS || isTLSError(err) {
			return unavailable(err, op)
		}
		return mk(ErrUnavailable, fmt.Sprintf("the directory at %s failed unexpectedly: %v", op.url, err))
	}
	diag := ""
	if le.Err != nil {
		diag = le.Err.Error()
	}
	who := op.bind
	if who == "" {
		who = "the anonymous user"
	}
	switch le.ResultCode {
	case ldap.LDAPResultInvalidCredentials:
		if f, ok := bindMessages[bindSubCode(diag)]; ok {
			return mk(ErrAuthentication, fmt.Sprintf(f, who))
		}
		return mk(ErrAuthentication, fmt.Sprintf("the directory refused the credentials of %s: check --bind and the password", who))
	case ldap.ErrorEmptyPassword:
		return mk(ErrAuthentication, fmt.Sprintf("no password for %s: give one with --password-file or at the prompt", who))
	case ldap.LDAPResultStrongAuthRequired, ldap.LDAPResultConfidentialityRequired:
		return mk(ErrAuthentication, "this DC requires an encrypted connection: use ldaps:// or --start-tls")
	case ldap.LDAPResultInappropriateAuthentication, ldap.LDAPResultAuthMethodNotSupported:
		return mk(ErrAuthentication, fmt.Sprintf("the directory does not accept this kind of bind for %s: bind with a UPN (admin@corp.example) or a DN", who))
	case ldap.LDAPResultOperationsError:
		// AD answers 1 to a search on a connection that has not bound.
		if op.bind == "" && op.kind != opBind {
			return mk(ErrAuthentication, "this directory does not allow anonymous reads: use --bind")
		}
		return mk(ErrUnavailable, fmt.Sprintf("the directory at %s could not carry out the operation (result 1): try again, or another DC", op.url))
	case ldap.LDAPResultInsufficientAccessRights:
		what := "this object"
		if len(op.attrs) > 0 {
			what = strings.Join(op.attrs, ", ")
		}
		if op.kind == opWrite {
			return mk(ErrInsufficientRights, fmt.Sprintf("%s may not change %s of this user: bind as an account with write access to the msRTCSIP attributes (in OCS, a member of RTCUniversalUserAdmins)", who, what))
		}
		return mk(ErrInsufficientRights, fmt.Sprintf("%s may not read this: bind as an account with read access", who))
	case ldap.LDAPResultNoSuchObject:
		msg := "there is no such object: it may have been moved, renamed or deleted; reload"
		if op.dn == "" {
			msg = "the object does not exist"
		}
		if le.MatchedDN != "" {
			msg += " (the directory knows the DN only up to " + le.MatchedDN + ")"
		}
		return mk(ErrNoSuchObject, msg)
	case ldap.LDAPResultReferral:
		return mk(ErrNoSuchObject, "this DN is held by another domain's DC: connect to a DC of that domain (or a Global Catalog for reads)")
	case ldap.LDAPResultInvalidAttributeSyntax:
		v := "the value"
		if len(op.values) > 0 {
			v = strings.Join(op.values, ", ")
		}
		return mk(ErrInvalidValue, fmt.Sprintf("the directory refused %s as not valid for the attribute's syntax (Booleans are TRUE/FALSE, integers signed 32-bit decimal, home servers DNs of existing objects)", v))
	case ldap.LDAPResultInvalidDNSyntax:
		return mk(ErrInvalidValue, "not a valid distinguished name (expected e.g. CN=Ann Lee,OU=Sales,DC=corp,DC=example)")
	case ldap.LDAPResultUndefinedAttributeType, ldap.LDAPResultObjectClassViolation:
		return mk(ErrInvalidValue, "the directory's schema does not allow this attribute on this object: has the OCS schema extension been applied to this forest?")
	case ldap.LDAPResultNoSuchAttribute, ldap.LDAPResultAttributeOrValueExists, ldap.LDAPResultConstraintViolation:
		return mk(ErrInvalidValue, fmt.Sprintf("the directory refused the value (result %d, %s)", le.ResultCode, ldap.LDAPResultCodeMap[le.ResultCode]))
	case ldap.LDAPResultUnwillingToPerform:
		if op.kind == opBind {
			return mk(ErrAuthentication, fmt.Sprintf("the directory is unwilling to bind %s (result 53): simple binds may need an encrypted connection (ldaps:// or --start-tls), or the account is restricted", who))
		}
		return mk(ErrInvalidValue, "the directory is unwilling to perform this (result 53): AD refuses it whatever your rights, for example a system-only attribute or a value outside its allowed range")
	case ldap.LDAPResultSizeLimitExceeded:
		return mk(ErrUnavailable, fmt.Sprintf("the directory at %s stopped at its size limit and does not offer paged results, so the list would be partial: narrow the OU", op.url))
	case ldap.LDAPResultTimeLimitExceeded, ldap.LDAPResultAdminLimitExceeded:
		return mk(ErrUnavailable, fmt.Sprintf("the directory at %s stopped at its time or administrative limit: narrow the OU or try again", op.url))
	case ldap.LDAPResultBusy, ldap.LDAPResultUnavailable, ldap.LDAPResultServerDown, ldap.LDAPResultConnectError,
		ldap.LDAPResultTimeout, ldap.ErrorNetwork, ldap.LDAPResultOther:
		if le.ResultCode == ldap.LDAPResultOther && op.kind == opBind {
			return mk(ErrAuthentication, fmt.Sprintf("the directory could not bind %s (result 80): check the account", who))
		}
		return unavailable(err, op)
	}
	name := ldap.LDAPResultCodeMap[le.ResultCode]
	if name == "" {
		name = "unknown result"
	}
	if op.kind == opBind {
		return mk(ErrAuthentication, fmt.Sprintf("the directory refused to bind %s (result %d, %s)", who, le.ResultCode, name))
	}
	return mk(ErrUnavailable, fmt.Sprintf("the directory at %s answered result %d (%s)", op.url, le.ResultCode, name))
}

func unavailable(err error, op ldapOp) *Error {
	msg := fmt.Sprintf("cannot talk to the directory at %s: check the URL, the network and that the DC is running", op.url)
	var dns *net.DNSError
	if errors.As(err, &dns) {
		// Said apart: no DC was tried, so neither the network nor the DC is
		// the first thing to check.
		if dns.IsNotFound {
			msg = fmt.Sprintf("cannot talk to the directory at %s: the host name %s does not resolve (DNS knows no such host): check the name in the URL, or use the DC's full name (dc1.corp.example)", op.url, dns.Name)
		} else {
			msg = fmt.Sprintf("cannot talk to the directory at %s: the host name %s does not resolve (%s): check the DNS servers this machine uses", op.url, dns.Name, dns.Err)
		}
	} else if isTimeout(err) {
		msg = timeoutWords(op)
	} else if op.kind == opStartTLS || isTLSError(err) {
		msg = tlsCause(err, op)
	}
	e := &Error{Kind: ErrUnavailable, DN: op.dn, Msg: msg, Err: err}
	if op.kind == opWrite {
		e.Attr = strings.Join(op.attrs, ", ")
	}
	return e
}

// isNetworkError reports whether err means the connection is gone (or never
// came up), as opposed to an answer from the server. go-ldap also reports a
// connection that died under a pending request with untyped errors; callers
// catch those by asking the connection whether it is closing.
func isNetworkError(err error) bool {
	if err == nil {
		return false
	}
	if ldap.IsErrorAnyOf(err, ldap.ErrorNetwork, ldap.LDAPResultServerDown, ldap.LDAPResultConnectError, ldap.LDAPResultTimeout) {
		return true
	}
	var le *ldap.Error
	if errors.As(err, &le) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

func isTLSError(err error) bool {
	var (
		rh tls.RecordHeaderError
		cv *tls.CertificateVerificationError
		al tls.AlertError
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
	)
	return errors.As(err, &rh) || errors.As(err, &cv) || errors.As(err, &al) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

// tlsCause says why a TLS handshake failed, in terms of what to change: the
// CA to give, the name to connect with, the dates to look at.
func tlsCause(err error, op ldapOp) string {
	url := op.url
	var (
		he x509.HostnameError
		ci x509.CertificateInvalidError
		ua x509.UnknownAuthorityError
		rh tls.RecordHeaderError
		al tls.AlertError
	)
	switch {
	case errors.As(err, &ci):
		// Checked first, as Go's verifier does: an expired certificate is
		// the problem whatever else is wrong with it.
		what := "the certificate of " + url
		if ci.Cert != nil && ci.Cert.IsCA {
			what = fmt.Sprintf("the CA certificate %s in the chain of %s", termtext.Quote(ci.Cert.Subject.String()), url)
		}
		switch {
		case ci.Reason == x509.Expired && ci.Cert != nil:
			c, now := ci.Cert, time.Now()
			if now.Before(c.NotBefore) {
				return fmt.Sprintf("%s is not valid yet: it is valid from %s to %s, and this machine's clock says %s: check the clock here and on the DC",
					what, tlsTime(c.NotBefore), tlsTime(c.NotAfter), tlsTime(now))
			}
			return fmt.Sprintf("%s expired on %s (it was valid from %s; this machine's clock says %s): renew the DC's certificate, or check the clock here",
				what, tlsTime(c.NotAfter), tlsTime(c.NotBefore), tlsTime(now))
		case ci.Reason == x509.IncompatibleUsage:
			return what + " is not for server authentication (its Extended Key Usage lacks Server Authentication): enrol the DC for a certificate from the Domain Controller or Kerberos Authentication template"
		case ci.Reason == x509.NotAuthorizedToSign:
			return what + " was signed by a certificate that is not a CA: the DC's chain is wrong; give the real CA with --ca-cert"
		}
		return fmt.Sprintf("%s is not valid (%v): check the DC's certificate", what, ci)
	case errors.As(err, &he):
		names := certNames(he.Certificate)
		if len(names) == 0 {
			subject := ""
			if he.Certificate != nil {
				subject = " (subject " + termtext.Safe(he.Certificate.Subject.String()) + ")"
			}
			return fmt.Sprintf("the certificate of %s names no host in its Subject Alternative Name%s, and a name in the subject alone is not accepted: "+
				"reissue the DC's certificate with its DNS name as a Subject Alternative Name", url, subject)
		}
		return fmt.Sprintf("the certificate of %s is for %s, not %s: connect with a name it holds (--url ldaps://%s)",
			url, strings.Join(names, ", "), termtext.Safe(he.Host), names[0])
	case errors.As(err, &ua):
		issuer := "a CA"
		if ua.Cert != nil {
			issuer = termtext.Quote(ua.Cert.Issuer.String())
		}
		if op.caFile != "" {
			return fmt.Sprintf("the certificate of %s is signed by %s, which is not among the CAs of %s (from --ca-cert or TLS_CACERT in ldap.conf): give that CA's certificate (PEM) with --ca-cert FILE", url, issuer, termtext.Safe(op.caFile))
		}
		return fmt.Sprintf("the certificate of %s is signed by %s, which this machine does not trust: give that CA's certificate (PEM) with --ca-cert FILE (or TLS_CACERT in ldap.conf)", url, issuer)
	case errors.As(err, &rh):
		return fmt.Sprintf("%s did not answer with TLS: is it plain LDAP on this port? Use ldaps:// on port 636, or ldap:// on port 389 with --start-tls", url)
	case errors.As(err, &al):
		return fmt.Sprintf("%s refused the TLS handshake (%v): the DC may need another TLS version or a client certificate", url, al)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		// What Samba and AD do when a ClientHello reaches the plain port.
		return fmt.Sprintf("%s hung up during the TLS handshake: if this port serves plain LDAP (389), use ldap:// with --start-tls; "+
			"otherwise the DC has no usable certificate", url)
	}
	return fmt.Sprintf("the TLS handshake with %s failed: check --ca-cert (the CA that signed the DC's certificate) and that the URL's host name is in the certificate", url)
}

// certNames lists the host names and addresses a certificate is valid for,
// shown safely: whoever answers on the port chose them.
func certNames(c *x509.Certificate) []string {
	if c == nil {
		return nil
	}
	var names []string
	for _, n := range c.DNSNames {
		names = append(names, termtext.Safe(n))
	}
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}

func tlsTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// timeoutWords names the DC and what it was doing when it stopped
// answering: "dc1.corp.example did not answer within 30s while writing
// CN=…".
func timeoutWords(op ldapOp) string {
	host := op.host
	if u, err := url.Parse(op.url); host == "" && err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	if host == "" {
		host = op.url
	}
	within := ""
	if op.timeout > 0 {
		within = " within " + op.timeout.String()
	}
	doing := "connecting"
	switch op.kind {
	case opRead:
		doing = "reading"
		if op.dn != "" {
			doing += " " + op.dn
		}
	case opWrite:
		doing = "writing " + op.dn
	case opBind:
		doing = "binding"
		if op.bind != "" {
			doing += " as " + op.bind
		}
	case opStartTLS:
		doing = "setting up TLS"
	}
	msg := fmt.Sprintf("%s did not answer%s while %s", host, within, doing)
	if op.kind != opWrite {
		// A write's caller says what its outcome is.
		msg += ": check that the DC is running and reachable, or give more time with --timeout"
	}
	return msg
}
