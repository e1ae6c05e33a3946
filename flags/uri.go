package flags

// The syntax rules for the URIs an OCS user carries (sign-in name, Line URI,
// Server URI) and the sign-in names a fix may offer.

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"

	"ocsflags/termtext"
)

func hasSIPScheme(s string) bool { return len(s) >= 4 && strings.EqualFold(s[:4], "sip:") }

var (
	sipUser  = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+/=?^_{|}~.-]+$`)
	dnsLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	e164Line = regexp.MustCompile(`^(?i:tel):\+[1-9][0-9]{1,14}(;(?i:ext)=[0-9]+)?$`)
)

// CheckSIPAddress applies the SIP URI rules: sip: prefix, user@domain, and
// a domain that is an FQDN or an IP address other than 0.0.0.0 or multicast.
func CheckSIPAddress(s string) error {
	if !hasSIPScheme(s) {
		return fmt.Errorf("sign-in name %s has no sip: prefix", termtext.Quote(s))
	}
	user, domain, ok := strings.Cut(s[4:], "@")
	if !ok || user == "" || domain == "" {
		return fmt.Errorf("sign-in name %s is not sip:user@domain", termtext.Quote(s))
	}
	if r, ok := plainASCII(s); !ok {
		return badCharError("sign-in name", s, r)
	}
	if !sipUser.MatchString(user) {
		return fmt.Errorf("sign-in name %s has characters a SIP user part cannot hold", termtext.Quote(s))
	}
	if strings.HasPrefix(user, ".") || strings.HasSuffix(user, ".") || strings.Contains(user, "..") {
		return fmt.Errorf("sign-in name %s: the user part cannot start or end with a dot or hold two in a row", termtext.Quote(s))
	}
	if ip := net.ParseIP(domain); ip != nil {
		if ip.IsUnspecified() || ip.IsMulticast() {
			return fmt.Errorf("sign-in name %s names the address %s, which cannot be a SIP domain", termtext.Quote(s), domain)
		}
		return nil
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return fmt.Errorf("sign-in name %s: domain %s is not a fully qualified domain name", termtext.Quote(s), termtext.Quote(domain))
	}
	for _, l := range labels {
		if !dnsLabel.MatchString(l) {
			return fmt.Errorf("sign-in name %s: domain %s is not a valid DNS name", termtext.Quote(s), termtext.Quote(domain))
		}
	}
	return nil
}

// plainASCII reports whether s is printable ASCII without spaces: what a
// URI in these attributes may hold. Look-alikes (full-width digits, a
// zero-width space pasted from a web page) would be written and look right
// on screen while the phone system never matches them.
func plainASCII(s string) (bad rune, ok bool) {
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return r, false
		}
	}
	return 0, true
}

func badCharError(field, s string, r rune) error {
	if r == ' ' || r == '\t' {
		return fmt.Errorf("%s %s contains white space", field, termtext.Quote(s))
	}
	if r < ' ' || r == 0x7f {
		return fmt.Errorf("%s %s contains the control character %U, which no URI holds", field, termtext.Quote(s), r)
	}
	return fmt.Errorf("%s %s contains the character %U, which is not plain ASCII (pasted from a document?)", field, termtext.Quote(s), r)
}

var (
	// RFC 3966 (tel:+14255551297;ext=51297, tel:51297): a global number (+, digits, visual separators) or a local
	// one (which may hold * and #, as PBX extensions do), then parameters
	// whose values use its paramchar set (phone-context=Redmond_Profile).
	telURI = regexp.MustCompile(`^(?i:tel):(\+[0-9][0-9().-]*|[0-9*#][0-9*#().-]*)(;[A-Za-z0-9-]+(=[A-Za-z0-9\[\]/:&+$_.!~*'()%-]+)?)*$`)
	// The user part of a SIP URI as Line or Server URI: no @, no ;.
	uriUser = regexp.MustCompile(`^[A-Za-z0-9!$&'()*+,/;=?_~.%-]+$`)
	uriPort = regexp.MustCompile(`^[0-9]{1,5}$`)
)

// CheckLineURI accepts what the console's Line URI field takes: a tel: URI
// (tel:+14255551297;ext=51297, or a PBX extension such as tel:51297) or a
// SIP URI. E.164 form is the audit's concern, not a refusal: remote call
// control lines are often not in it.
func CheckLineURI(s string) error {
	if r, ok := plainASCII(s); !ok {
		return badCharError("Line URI", s, r)
	}
	switch low := strings.ToLower(s); {
	case strings.HasPrefix(low, "tel:"):
		if !telURI.MatchString(s) {
			return fmt.Errorf("Line URI %s is not a tel: number: write it as tel:+14255551297 or tel:+14255551297;ext=51297", termtext.Quote(s))
		}
		for _, p := range strings.Split(s, ";")[1:] {
			if k, v, _ := strings.Cut(p, "="); strings.EqualFold(k, "ext") && strings.Trim(v, "0123456789") != "" {
				return fmt.Errorf("Line URI %s: the extension %s is not digits", termtext.Quote(s), termtext.Quote(v))
			}
		}
		return nil
	case strings.HasPrefix(low, "sip:"):
		if err := checkSIPURI(s); err != nil {
			return fmt.Errorf("Line URI %s: %v", termtext.Quote(s), err)
		}
		return nil
	}
	return fmt.Errorf("Line URI %s must start with tel: (tel:+14255551297) or sip:", termtext.Quote(s))
}

// CheckServerURI accepts the SIP URI of a CSTA gateway (the Server URI of
// remote call control): sip:, then a user part and host or just a host, an
// optional port, and optional ;parameters such as ;transport=tls.
func CheckServerURI(s string) error {
	if r, ok := plainASCII(s); !ok {
		return badCharError("Server URI", s, r)
	}
	if !hasSIPScheme(s) {
		return fmt.Errorf("Server URI %s must be a SIP URI (sip:csta@gateway.corp.example)", termtext.Quote(s))
	}
	if err := checkSIPURI(s); err != nil {
		return fmt.Errorf("Server URI %s: %v", termtext.Quote(s), err)
	}
	return nil
}

// checkSIPURI checks sip:[user@]host[:port][;params] (ASCII already).
func checkSIPURI(s string) error {
	rest := s[4:]
	// The user part may carry its own ;parameters (a telephone-subscriber
	// such as +14255551297;ext=51297 with ;user=phone after the host), so
	// the host starts after the last @, and its parameters after that.
	user, hostport, hasUser := "", rest, false
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		user, hostport, hasUser = rest[:i], rest[i+1:], true
	}
	hostport, params, _ := strings.Cut(hostport, ";")
	for _, p := range strings.Split(params, ";") {
		if params != "" && p == "" {
			return errors.New("has an empty ;parameter")
		}
	}
	if hasUser && !uriUser.MatchString(user) {
		return errors.New("the part before @ is empty or holds characters a SIP URI cannot")
	}
	host, port := hostport, ""
	switch {
	case strings.HasPrefix(hostport, "["):
		// An IPv6 address is written in brackets, the port after them.
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return fmt.Errorf("%s has no closing ]", termtext.Quote(hostport))
		}
		host, port = hostport[1:end], strings.TrimPrefix(hostport[end+1:], ":")
		if ip := net.ParseIP(host); ip == nil || ip.To4() != nil {
			return fmt.Errorf("[%s] is not an IPv6 address", host)
		}
		if hostport[end+1:] != "" && !strings.HasPrefix(hostport[end+1:], ":") {
			return fmt.Errorf("%s: only :port may follow ]", termtext.Quote(hostport))
		}
	case strings.Count(hostport, ":") > 1:
		return fmt.Errorf("%s: write an IPv6 address in brackets, [2001:db8::1]", termtext.Quote(hostport))
	default:
		host, port, _ = strings.Cut(hostport, ":")
		if strings.Contains(hostport, ":") && port == "" {
			port = "-"
		}
	}
	if port != "" {
		n := 0
		if uriPort.MatchString(port) {
			fmt.Sscan(port, &n)
		}
		if n < 1 || n > 65535 {
			return fmt.Errorf("port %s is not 1 to 65535", termtext.Quote(port))
		}
	}
	ip := net.ParseIP(host)
	switch {
	case host == "":
		return errors.New("names no host")
	case ip != nil:
		if ip.IsUnspecified() || ip.IsMulticast() {
			return fmt.Errorf("%s cannot be a SIP host", host)
		}
		return nil
	case allDigitsAndDots(host):
		return fmt.Errorf("%s is not an IPv4 address", termtext.Quote(host))
	}
	for _, l := range strings.Split(host, ".") {
		if !dnsLabel.MatchString(l) {
			return fmt.Errorf("%s is not a host name", termtext.Quote(host))
		}
	}
	return nil
}

// allDigitsAndDots: a host like 10.0.0.999 is a mistyped IP address, not a
// DNS name.
func allDigitsAndDots(h string) bool {
	return strings.Trim(h, "0123456789.") == ""
}

// ClaimedSIP is the sign-in name that going from before to after puts to
// use, which must then be free in the forest: a new address, or the user's
// address when the change enables the user. "" when it claims none.
func ClaimedSIP(before, after Settings) string {
	a := after.SIPAddress
	if !a.Set || a.V == "" {
		return ""
	}
	newAddr := !before.SIPAddress.Set || !strings.EqualFold(before.SIPAddress.V, a.V)
	enabling := after.Enabled.Or(false) && !before.Enabled.Or(false)
	if newAddr || enabling {
		return a.V
	}
	return ""
}

// NormalizeScheme writes a sip: or tel: scheme in lower case, as the OCS
// tools do, leaving the rest as typed.
func NormalizeScheme(v string) string {
	for _, p := range []string{"sip:", "tel:"} {
		if len(v) >= 4 && strings.EqualFold(v[:4], p) {
			return p + v[4:]
		}
	}
	return v
}

// LineWarning is what a Line URI or Server URI value would break for a user
// with OptionFlags of: Enterprise Voice routes on an E.164 Line URI, remote
// call control needs both. "" when nothing. The console asks for a second
// enter; set prints it.
func LineWarning(attr, v string, of Value) string {
	ev, rcc := of.Has(EnterpriseVoice), of.Has(RemoteCallControl)
	switch {
	case attr == AttrLine && ev && !IsE164Line(v):
		return "Enterprise Voice is on: without a tel:+E.164 Line URI, calls to the user's number are not routed to them."
	case attr == AttrLine && rcc && v == "":
		return "Remote call control is on: without a Line URI it does not work."
	case attr == AttrLineServer && rcc && v == "":
		return "Remote call control is on: without a Server URI it does not work."
	}
	return ""
}

// IsE164Line reports whether a Line URI is tel:+E.164 with an optional ;ext=.
func IsE164Line(s string) bool { return e164Line.MatchString(s) }

// SuggestSIPAddress forms a sign-in name from mail, or from the UPN when
// there is no mail, the console's default; "" when neither is usable.
func SuggestSIPAddress(mail, upn string) string {
	for _, c := range []string{mail, upn} {
		if c == "" {
			continue
		}
		if s := "sip:" + strings.ToLower(c); CheckSIPAddress(s) == nil {
			return s
		}
	}
	return ""
}

// freeSIP is the first candidate the caller knows to be free ("" when none
// is, or when the caller cannot tell).
func (in AuditInput) freeSIP(candidates []string) string {
	if in.SIPFree == nil {
		return ""
	}
	for _, c := range candidates {
		if in.SIPFree(c) {
			return c
		}
	}
	return ""
}

// SIPCandidates are the sign-in names a fix may offer, best first: the
// stored value with the missing sip: added, then the console's default from
// mail, then from the UPN. Each is well formed; none is known to be free.
func SIPCandidates(stored, mail, upn string) []string {
	var out []string
	seen := map[string]bool{}
	try := func(c string) {
		if c != "" && !seen[strings.ToLower(c)] && CheckSIPAddress(c) == nil && !strings.EqualFold(c, stored) {
			seen[strings.ToLower(c)] = true
			out = append(out, c)
		}
	}
	if stored != "" && !hasSIPScheme(stored) {
		try("sip:" + stored)
	}
	for _, c := range []string{mail, upn} {
		if c != "" {
			try("sip:" + strings.ToLower(c))
		}
	}
	return out
}
