package directory

// Reading the sign-in names around a scope: everything in the domain that
// a users read of the scope does not return, so that find and a bulk plan
// of a big OU do not read its 100,000 names twice.
//
// Two facts make "around" exact without reading the scope again:
//   - msRTCSIP-PrimaryUserAddress sits on the user and contact classes only
//     (the reference); the users read returns every contact that holds it
//     and every user-class object except, on AD, computers, which one
//     indexed search (objectClass=computer and the name present) adds.
//   - What can hold a user or a contact somewhere below it is known. On
//     AD it is an object of one of adSuperiorClasses: the possible
//     superiors of the user and contact classes and of their subclasses,
//     and theirs in turn, as AD's schema (2008 R2, as Samba ships it) has
//     them, with lostAndFound, where orphans go. Elsewhere (OpenLDAP
//     standing in for AD) nothing limits the tree, so a level is listed
//     whole and an object is searched below unless its hasSubordinates
//     says it has nothing below it.
// So what lies beside the path from the domain to the scope, or below the
// scope's children (one level), is read by a subtree search of each object
// that can hold users below it, and nothing below a user or a group is.
// The names a write puts to use are checked again over the whole scope
// afterwards (ConfirmClaim), whatever the plan read.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
)

// maxAroundSearches bounds the subtree searches one read around a scope
// makes: past it, one read of every name is the simpler and no slower
// answer.
const maxAroundSearches = 64

// adSuperiorClasses are the classes whose objects can hold a user or a
// contact somewhere below them in AD (see above).
var adSuperiorClasses = []string{
	"builtinDomain", "configuration", "container", "country", "dMD", "domain", "domainDNS", "locality",
	"lostAndFound", "msDS-AzAdminManager", "msDS-AzApplication", "msDS-AzScope", "nTDSService",
	"organization", "organizationalUnit", "server", "serversContainer", "site", "sitesContainer",
	"subnet", "subnetContainer",
}

// levelFilter matches, one level down, what a read around a scope needs
// to see: an object matching one of terms, or one that can hold users
// below it. Without AD's schema that is every object not in exclude
// ("" for none).
func (l *LDAP) levelFilter(exclude string, terms ...string) string {
	if !l.ad {
		if exclude == "" {
			return "(objectClass=*)"
		}
		return "(!" + exclude + ")"
	}
	var b strings.Builder
	b.WriteString("(|")
	for _, t := range terms {
		b.WriteString(t)
	}
	for _, c := range adSuperiorClasses {
		b.WriteString("(objectClass=" + c + ")")
	}
	b.WriteString(")")
	return b.String()
}

// holdsBelow reports whether a listed object may hold users or contacts
// below it.
func (l *LDAP) holdsBelow(e *ldap.Entry) bool {
	if l.ad {
		for _, c := range e.GetEqualFoldAttributeValues("objectClass") {
			if slices.ContainsFunc(adSuperiorClasses, func(k string) bool { return strings.EqualFold(k, c) }) {
				return true
			}
		}
		return false
	}
	return !strings.EqualFold(e.GetEqualFoldAttributeValue("hasSubordinates"), "FALSE")
}

// errAroundGone is a listed object that is gone when searched below: the
// tree changed under the read, which then reads every name instead.
var errAroundGone = errors.New("an object listed around the scope is gone")

// sipAddressesAround implements aroundReader for a scope inside this DC's
// domain. The Global Catalog's names, when there is one, are read whole:
// AD's Global Catalog searches are not bounded by naming contexts, so no
// base on it leaves this domain's scope out.
func (l *LDAP) sipAddressesAround(ctx context.Context, base string, scope Scope, fn func(value, dn string) error) (bool, error) {
	base = l.orBase(base)
	domain := l.nc.Default
	dn, err := ldap.ParseDN(base)
	if err != nil || domain == "" || !isUnder(base, domain) {
		return false, nil
	}
	top, err := ldap.ParseDN(domain)
	if err != nil {
		return false, nil
	}
	// The path from the domain down to base's parent, and the element
	// below each of them on the way to base.
	var path []string
	for i := len(dn.RDNs) - len(top.RDNs); i > 0; i-- {
		path = append(path, FormatDN(dn.RDNs[i:]))
	}
	below := func(i int) string {
		if i+1 < len(path) {
			return path[i+1]
		}
		return base
	}

	if !l.ad && scope == OneLevel {
		// The listing of base's other objects negates the users filter:
		// a server that does not know one of its classes answers NOT as
		// Undefined and would list nothing. The domain's entry is no user.
		n := 0
		err := l.withStream(ctx, l.op(opRead, domain), func(w *wire) (bool, error) {
			spec := searchSpec{base: domain, scope: ldap.ScopeBaseObject, filter: "(!" + l.usersFilter() + ")", attrs: []string{"1.1"}}
			_, err := stream(ctx, l, w, spec, func(*ldap.Entry) (bool, *DecodeProblem, bool) { return true, nil, true },
				func(bs []bool, _ []DecodeProblem) error { n += len(bs); return nil })
			return false, err
		})
		if err != nil || n != 1 {
			return false, nil
		}
	}
	// The objects beside the path and below base are found first, so that
	// a scope with too many of them falls back before searching them.
	attr := flags.AttrPrimaryUserAddress
	holders := "(" + attr + "=*)"
	var containers []string
	for i, a := range path {
		next := below(i)
		err := l.aroundLevel(ctx, a, l.levelFilter("", holders), fn, func(c string) {
			if !SameDN(c, next) {
				containers = append(containers, c)
			}
		})
		if err != nil {
			return false, ignoreGone(err)
		}
	}
	type read struct {
		base   string
		scope  int
		filter string
	}
	var reads []read
	computers := "(&(objectClass=computer)" + holders + ")"
	if scope == Subtree {
		if l.ad {
			reads = append(reads, read{base, ldap.ScopeWholeSubtree, computers})
		}
	} else {
		// One level: what base holds below its own children is around it.
		err := l.aroundLevel(ctx, base, l.levelFilter(l.usersFilter(), computers), fn, func(c string) { containers = append(containers, c) })
		if err != nil {
			return false, ignoreGone(err)
		}
	}
	if len(containers) > maxAroundSearches {
		return false, nil
	}
	for _, c := range containers {
		reads = append(reads, read{c, ldap.ScopeWholeSubtree, holders})
	}
	if l.gc != nil {
		for _, b := range l.gcSIPBases() {
			if err := l.gc.sipValuesIn(ctx, b, ldap.ScopeWholeSubtree, holders, fn); err != nil && !errors.Is(err, ErrNoSuchObject) {
				return false, fmt.Errorf("read the sign-in names of the Global Catalog %s: %w", l.gc.url.text, err)
			}
		}
	}
	// The configuration partition (application contacts) is read whole,
	// also where its name is below the domain's: it is not a container
	// of the domain.
	if cfg := l.nc.Configuration; cfg != "" {
		if err := l.sipValuesIn(ctx, cfg, ldap.ScopeWholeSubtree, holders, fn); err != nil && !errors.Is(err, ErrNoSuchObject) {
			return false, err
		}
	}
	for _, r := range reads {
		if err := l.sipValuesIn(ctx, r.base, r.scope, r.filter, fn); errors.Is(err, ErrNoSuchObject) {
			// Listed a moment ago: moved or deleted since, its objects
			// may be anywhere now.
			return false, nil
		} else if err != nil {
			return false, err
		}
	}
	return true, nil
}

// ignoreGone is err, or nil for errAroundGone (the caller then reads
// every name, which says what is missing if anything is).
func ignoreGone(err error) error {
	if errors.Is(err, errAroundGone) {
		return nil
	}
	return err
}

// aroundLevel reads the objects one level below a that match filter: each
// sign-in name they hold goes to fn, and each that can hold users below it
// to container. A level that is gone (a moved path) is left to the read of
// every name.
func (l *LDAP) aroundLevel(ctx context.Context, a, filter string, fn func(value, dn string) error, container func(dn string)) error {
	attr := flags.AttrPrimaryUserAddress
	type found struct {
		dn        string
		values    []string
		container bool
	}
	err := l.withStream(ctx, l.op(opRead, a), func(w *wire) (bool, error) {
		delivered := false
		spec := searchSpec{base: a, scope: ldap.ScopeSingleLevel, filter: filter, attrs: []string{attr, "objectClass", "hasSubordinates"}}
		_, err := stream(ctx, l, w, spec, func(e *ldap.Entry) (found, *DecodeProblem, bool) {
			return found{dn: e.DN, values: e.GetEqualFoldAttributeValues(attr), container: l.holdsBelow(e)}, nil, true
		}, func(fs []found, _ []DecodeProblem) error {
			for _, f := range fs {
				delivered = true
				for _, v := range f.values {
					if err := fn(v, f.dn); err != nil {
						return err
					}
				}
				if f.container {
					container(f.dn)
				}
			}
			return nil
		})
		return delivered, err
	})
	if errors.Is(err, ErrNoSuchObject) {
		return errAroundGone
	}
	return err
}
