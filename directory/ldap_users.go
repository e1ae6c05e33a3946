package directory

// Reading users and containers over LDAP: the listing filters, one user, the
// look-ups by name, and a container's children.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
	"ocsflags/termtext"
)

// The filters name AD's schema. A server without AD's schema (OpenLDAP
// test directories) evaluates a filter on an unknown class or attribute as
// Undefined, and NOT Undefined is Undefined, so "(!(objectClass=computer))"
// would match nothing there: those servers get the filters without the
// negations, which cannot matter where computers and advanced-view
// containers do not exist.
const (
	usersFilterAD       = "(|(&(objectClass=user)(!(objectClass=computer)))(&(objectClass=contact)(msRTCSIP-PrimaryUserAddress=*)))"
	usersFilterOther    = "(|(objectClass=user)(&(objectClass=contact)(msRTCSIP-PrimaryUserAddress=*)))"
	childrenFilterAD    = "(&(|(objectClass=organizationalUnit)(objectClass=container)(objectClass=builtinDomain)(objectClass=domainDNS))(!(showInAdvancedViewOnly=TRUE)))"
	childrenFilterOther = "(|(objectClass=organizationalUnit)(objectClass=container)(objectClass=domain))"
)

// adCapabilityOID in supportedCapabilities marks Active Directory (Samba
// announces it too).
const adCapabilityOID = "1.2.840.113556.1.4.800"

func (l *LDAP) usersFilter() string {
	if l.ad {
		return usersFilterAD
	}
	return usersFilterOther
}

func (l *LDAP) childrenFilter() string {
	if l.ad {
		return childrenFilterAD
	}
	return childrenFilterOther
}

func ldapScope(s Scope) int {
	if s == Subtree {
		return ldap.ScopeWholeSubtree
	}
	return ldap.ScopeSingleLevel
}

func (l *LDAP) orBase(dn string) string {
	if dn == "" {
		return l.base
	}
	return dn
}

// Users implements Directory: one paged search, each page delivered as a
// batch as soon as it has arrived. An entry whose msRTCSIP values do not
// decode (impossible on AD, which checks syntaxes; possible on other servers)
// is delivered with that attribute absent, and once every batch is out Users
// returns an *Error of kind ErrInvalidValue whose Err is a *DecodeError
// naming the entries. User does the same for its one entry, returning the
// user along with the error.
func (l *LDAP) Users(ctx context.Context, base string, scope Scope, fn func(Batch) error) error {
	base = l.orBase(base)
	if _, err := ParseDN(base); err != nil {
		return err
	}
	var probs []DecodeProblem
	done := 0
	err := l.withStream(ctx, l.op(opRead, base), func(w *wire) (bool, error) {
		probs = probs[:0] // a retry starts over; it only happens before any batch
		in := interner{}
		spec := searchSpec{base: base, scope: ldapScope(scope), filter: l.usersFilter(), attrs: UserAttributes}
		_, err := stream(ctx, l, w, spec, func(e *ldap.Entry) (User, *DecodeProblem, bool) {
			u, p := entryToUser(e, in)
			return u, p, true
		}, func(us []User, ps []DecodeProblem) error {
			probs = append(probs, ps...)
			if len(us) == 0 {
				return nil
			}
			done += len(us)
			return fn(Batch{Users: us, Done: done, Total: -1})
		})
		return done > 0, err
	})
	if err != nil {
		return err
	}
	return decodeError(probs)
}

// User implements Directory.
func (l *LDAP) User(ctx context.Context, dn string) (User, error) {
	u, _, err := l.readUser(ctx, dn, nil)
	return u, err
}

// readUser reads one user or contact; extra names attributes whose raw
// values the caller needs too (a write's conflict check).
func (l *LDAP) readUser(ctx context.Context, dn string, extra []string) (User, map[string][]string, error) {
	if _, err := ParseDN(dn); err != nil {
		return User{}, nil, err
	}
	attrs := UserAttributes
	for _, a := range extra {
		if _, ok := slotOf(a); !ok {
			attrs = append(slices.Clip(attrs), a)
		}
	}
	var (
		found bool
		u     User
		prob  *DecodeProblem
		raw   map[string][]string
	)
	op := l.op(opRead, dn)
	err := l.withStream(ctx, op, func(w *wire) (bool, error) {
		found = false
		spec := searchSpec{base: dn, scope: ldap.ScopeBaseObject, filter: l.usersFilter(), attrs: attrs}
		_, err := stream(ctx, l, w, spec, func(e *ldap.Entry) (*ldap.Entry, *DecodeProblem, bool) { return e, nil, true },
			func(es []*ldap.Entry, _ []DecodeProblem) error {
				for _, e := range es {
					found = true
					u, prob = entryToUser(e, nil)
					raw = make(map[string][]string, len(extra))
					for _, a := range extra {
						raw[strings.ToLower(a)] = e.GetEqualFoldAttributeValues(a)
					}
				}
				return nil
			})
		return false, err
	})
	if err != nil {
		return User{}, nil, err
	}
	if !found {
		return User{}, nil, &Error{Kind: ErrNoSuchObject, DN: dn, Msg: "there is no user or contact with this DN: it may have been moved, renamed or deleted, or it is not a user; reload"}
	}
	if prob != nil {
		return u, raw, decodeError([]DecodeProblem{*prob})
	}
	return u, raw, nil
}

// searchUsers collects the users matching filter below base, up to limit
// (0: all).
func (l *LDAP) searchUsers(ctx context.Context, base string, scope int, filter string, limit int) ([]User, error) {
	var out []User
	var probs []DecodeProblem
	err := l.withStream(ctx, l.op(opRead, base), func(w *wire) (bool, error) {
		out, probs = out[:0], probs[:0]
		in := interner{}
		spec := searchSpec{base: base, scope: scope, filter: filter, attrs: UserAttributes, limit: limit}
		_, err := stream(ctx, l, w, spec, func(e *ldap.Entry) (User, *DecodeProblem, bool) {
			u, p := entryToUser(e, in)
			return u, p, true
		}, func(us []User, ps []DecodeProblem) error {
			out = append(out, us...)
			probs = append(probs, ps...)
			return nil
		})
		return false, err
	})
	if err != nil {
		return nil, err
	}
	return out, decodeError(probs)
}

// Resolve implements Directory: a DN that exists, else exact matches on
// sAMAccountName, userPrincipalName, mail, the SIP address (with sip:
// added when it is missing), displayName and cn, anywhere below the base.
func (l *LDAP) Resolve(ctx context.Context, id string) ([]User, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil, &Error{Kind: ErrInvalidValue, Msg: "nothing to look up: give a DN, sAMAccountName, userPrincipalName or SIP address"}
	}
	if strings.Contains(id, "=") {
		if _, err := ldap.ParseDN(id); err == nil {
			u, err := l.User(ctx, id)
			if err == nil {
				return []User{u}, nil
			}
			if !errors.Is(err, ErrNoSuchObject) {
				return nil, err
			}
		}
	}
	bare := id
	if len(id) > 4 && strings.EqualFold(id[:4], "sip:") {
		bare = id[4:]
	}
	q := ldap.EscapeFilter
	filter := "(&" + l.usersFilter() + "(|" +
		"(sAMAccountName=" + q(bare) + ")" +
		"(userPrincipalName=" + q(bare) + ")" +
		"(mail=" + q(bare) + ")" +
		"(msRTCSIP-PrimaryUserAddress=" + q("sip:"+bare) + ")" +
		"(msRTCSIP-PrimaryUserAddress=" + q(id) + ")" +
		"(displayName=" + q(id) + ")" +
		"(cn=" + q(id) + ")" +
		"))"
	us, err := l.searchUsers(ctx, l.base, ldap.ScopeWholeSubtree, filter, 0)
	if err != nil && len(us) == 0 {
		return nil, err
	}
	if len(us) == 0 {
		return nil, notFound(id, fmt.Sprintf("no user or contact is known as %s below %s (tried DN, sAMAccountName, userPrincipalName, mail, SIP address, display name and cn)", termtext.Quote(id), l.base))
	}
	return us, err
}

// Search implements Directory.
func (l *LDAP) Search(ctx context.Context, base, text string, limit int) ([]User, error) {
	base = l.orBase(base)
	if _, err := ParseDN(base); err != nil {
		return nil, err
	}
	filter := l.usersFilter()
	if text != "" {
		sub := "*" + ldap.EscapeFilter(text) + "*"
		var b strings.Builder
		b.WriteString("(&" + l.usersFilter() + "(|")
		for _, a := range []string{"cn", "displayName", "sAMAccountName", "userPrincipalName", "mail", flags.AttrPrimaryUserAddress} {
			b.WriteString("(" + a + "=" + sub + ")")
		}
		b.WriteString("))")
		filter = b.String()
	}
	if limit < 0 {
		limit = 0
	}
	return l.searchUsers(ctx, base, ldap.ScopeWholeSubtree, filter, limit)
}

// Children implements Directory.
func (l *LDAP) Children(ctx context.Context, dn string) ([]Container, error) {
	dn = l.orBase(dn)
	if _, err := ParseDN(dn); err != nil {
		return nil, err
	}
	var out []Container
	err := l.withStream(ctx, l.op(opRead, dn), func(w *wire) (bool, error) {
		out = out[:0]
		spec := searchSpec{base: dn, scope: ldap.ScopeSingleLevel, filter: l.childrenFilter(),
			attrs: []string{"objectClass", "name", "ou", "cn", "dc", "msDS-Approx-Immed-Subordinates", "hasSubordinates"}}
		_, err := stream(ctx, l, w, spec, func(e *ldap.Entry) (Container, *DecodeProblem, bool) { return entryToContainer(e), nil, true },
			func(cs []Container, _ []DecodeProblem) error { out = append(out, cs...); return nil })
		return false, err
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Container) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

func entryToContainer(e *ldap.Entry) Container {
	c := Container{DN: e.DN, Kind: KindContainer, Users: -1, HasChildren: true}
	for _, oc := range e.GetAttributeValues("objectClass") {
		switch strings.ToLower(oc) {
		case "organizationalunit":
			c.Kind = KindOU
		case "domaindns", "domain":
			c.Kind = KindDomain
		}
	}
	for _, a := range []string{"name", "ou", "cn", "dc"} {
		if v := e.GetEqualFoldAttributeValue(a); v != "" {
			c.Name = v
			break
		}
	}
	if c.Name == "" {
		if d, err := ldap.ParseDN(e.DN); err == nil && len(d.RDNs) > 0 && len(d.RDNs[0].Attributes) > 0 {
			c.Name = d.RDNs[0].Attributes[0].Value
		}
	}
	// Only a definite "no children" clears HasChildren; both attributes are
	// counts of every child object, so a container of users alone still
	// shows as expandable (it then lists nothing).
	if v := e.GetEqualFoldAttributeValue("msDS-Approx-Immed-Subordinates"); v == "0" {
		c.HasChildren = false
	}
	if strings.EqualFold(e.GetEqualFoldAttributeValue("hasSubordinates"), "FALSE") {
		c.HasChildren = false
	}
	return c
}

// isUnder reports whether dn is parent or below it.
func isUnder(dn, parent string) bool {
	d, err1 := ldap.ParseDN(dn)
	p, err2 := ldap.ParseDN(parent)
	if err1 != nil || err2 != nil {
		return false
	}
	return p.EqualFold(d) || p.AncestorOfFold(d)
}
