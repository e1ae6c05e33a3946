package directory

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
	"ocsflags/termtext"
)

// userSlots numbers the attributes of UserAttributes so that decoding an
// entry is one pass over its attributes instead of a case-insensitive scan
// per field (it runs 100,000 times for a big OU).
var userSlots = func() map[string]int {
	m := make(map[string]int, 2*len(UserAttributes))
	for i, a := range UserAttributes {
		m[a] = i
		m[strings.ToLower(a)] = i
	}
	return m
}()

// maxSlots sizes the per-entry scratch array that entryToUser keeps on the
// stack.
const maxSlots = 64

func init() {
	if len(UserAttributes) > maxSlots {
		panic("directory: UserAttributes outgrew maxSlots")
	}
}

func slotOf(name string) (int, bool) {
	if i, ok := userSlots[name]; ok {
		return i, true
	}
	i, ok := userSlots[strings.ToLower(name)]
	return i, ok
}

// DecodeProblem is an entry whose attributes hold text AD could never hold
// (only possible on a non-AD server or a hand-loaded directory).
type DecodeProblem struct {
	DN  string
	Err error
}

// interner shares the text of values that repeat across thousands of users
// (home-server DNs, the line server), which is most of what a listing would
// otherwise retain per user. It is per stream and bounded, so an attribute
// with unique values does not grow it without limit.
type interner map[string]string

const internMax = 4096

func (in interner) get(s string) string {
	if in == nil || s == "" {
		return s
	}
	if v, ok := in[s]; ok {
		return v
	}
	if len(in) < internMax {
		in[s] = s
	}
	return s
}

// entryToUser builds a User from a search entry. The strings are kept as
// go-ldap returns them: go-asn1-ber copies every value out of the packet
// (DecodeString is string(data)), so a User pins neither the entry nor the
// packet. A value that does not decode leaves that attribute absent and is
// reported as a problem; the rest of the user is kept.
func entryToUser(e *ldap.Entry, in interner) (User, *DecodeProblem) {
	var vals [maxSlots][]string
	slots := vals[:len(UserAttributes)]
	for _, a := range e.Attributes {
		if i, ok := slotOf(a.Name); ok {
			slots[i] = a.Values
		}
	}
	get := func(attr string) []string {
		if i, ok := slotOf(attr); ok {
			return slots[i]
		}
		return nil
	}
	one := func(attr string) string {
		if v := get(attr); len(v) > 0 {
			return v[0]
		}
		return ""
	}
	u := User{
		DN:             e.DN,
		Name:           one("cn"),
		DisplayName:    one("displayName"),
		SAMAccountName: one("sAMAccountName"),
		UPN:            one("userPrincipalName"),
		Mail:           one("mail"),
		GivenName:      one("givenName"),
		Surname:        one("sn"),
	}
	for _, oc := range get("objectClass") {
		if strings.EqualFold(oc, "contact") {
			u.Kind = KindContact
		}
	}
	var prob *DecodeProblem
	if uac := one("userAccountControl"); uac != "" {
		n, err := strconv.ParseInt(uac, 10, 64)
		if err != nil {
			prob = &DecodeProblem{DN: e.DN, Err: fmt.Errorf("userAccountControl %s is not an integer", termtext.Quote(uac))}
		}
		u.Disabled = n&2 != 0
	}
	if p := get(flags.AttrProxyAddresses); len(p) > 0 {
		u.ProxyAddresses = p
	}
	u.ChangeMarker = one("uSNChanged")
	if u.ChangeMarker == "" {
		u.ChangeMarker = one("whenChanged")
	}
	s, err := flags.Decode(get)
	if err != nil {
		prob = &DecodeProblem{DN: e.DN, Err: err}
	}
	s.HomeServer.V = in.get(s.HomeServer.V)
	s.TargetHomeServer.V = in.get(s.TargetHomeServer.V)
	s.LineServer.V = in.get(s.LineServer.V)
	if len(s.Policies) == 0 {
		s.Policies = nil
	} else {
		for i, p := range s.Policies {
			s.Policies[i] = in.get(p)
		}
	}
	u.OCS = s
	return u, prob
}

// decodeError reports the entries whose values could not be decoded. It is
// returned after every user has been delivered, so a listing still shows
// them all (with the bad attribute left absent) and the caller still learns
// that something is off.
func decodeError(probs []DecodeProblem) error {
	if len(probs) == 0 {
		return nil
	}
	first := probs[0]
	msg := fmt.Sprintf("%s holds a value AD could never hold, shown as absent: %v", first.DN, first.Err)
	if len(probs) > 1 {
		msg = fmt.Sprintf("%d users hold values AD could never hold, shown as absent; the first is %s: %v", len(probs), first.DN, first.Err)
	}
	return &Error{Kind: ErrInvalidValue, DN: first.DN, Msg: msg, Err: &DecodeError{Problems: probs}}
}

// DecodeError lists the entries of a read whose msRTCSIP values did not
// decode. It sits under the *Error that Users and User return (errors.As).
type DecodeError struct {
	Problems []DecodeProblem
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %v", p.DN, p.Err)
	}
	return b.String()
}

// DNs lists the entries concerned.
func (e *DecodeError) DNs() []string {
	out := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p.DN
	}
	return out
}

// extendedDNControl asks AD to write every DN it returns in its extended
// string form, <GUID=…>;<SID=…>;dn (MS-ADTS 3.1.1.3.4.1.5, control value 1).
// The GUID names the object itself, which matters for a reference to a
// deleted object: AD shows it as CN=…\0ADEL:<guid>,CN=Deleted Objects,…, a
// DN that a modify deleting that text does not match, while <GUID=…> does.
var extendedDNControl = ldap.NewControlString(ldap.ControlTypeMicrosoftExtendedDN, false, "\x30\x03\x02\x01\x01")

// splitExtendedDN takes a DN in extended form apart: the GUID (without the
// <GUID= and >) and the DN after the components. Text that is not in
// extended form is all DN. A malformed component ends the parse: what is
// left is the DN, and no GUID is claimed from a half-read prefix.
func splitExtendedDN(v string) (guid, dn string) {
	rest := v
	var g string
	for strings.HasPrefix(rest, "<") {
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return "", v
		}
		k, val, ok := strings.Cut(rest[1:end], "=")
		if !ok {
			return "", v
		}
		if strings.EqualFold(k, "GUID") {
			g = val
		}
		rest = rest[end+1:]
		if !strings.HasPrefix(rest, ";") {
			// The last component of a value without DN text (<GUID=…>).
			if rest == "" {
				return g, ""
			}
			return "", v
		}
		rest = rest[1:]
	}
	if rest == v {
		return "", v
	}
	return g, rest
}
