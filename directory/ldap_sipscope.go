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
//   - Users and contacts are created only below containers: AD's schema
//     lists organizationalUnit, container, builtinDomain and domainDNS
//     among their possible superiors, and lostAndFound takes orphans
//     (inferred from the schema, not from the reference). So what lies
//     below a scope's containers, or beside the path from the domain to
//     it, is read by a subtree search of each such container, and nothing
//     below a user or a group is.
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

// maxAroundSearches bounds the subtree searches of containers one read
// around a scope makes: past it, one read of every name is the simpler
// and no slower answer.
const maxAroundSearches = 64

// containerClasses are the classes users and contacts can be created
// below (see above).
var containerClasses = []string{"organizationalUnit", "container", "builtinDomain", "domainDNS", "domain", "lostAndFound"}

// anyOf is a filter matching objects that match one of terms or are of
// one of containerClasses.
func anyOf(terms ...string) string {
	var b strings.Builder
	b.WriteString("(|")
	for _, t := range terms {
		b.WriteString(t)
	}
	for _, c := range containerClasses {
		b.WriteString("(objectClass=" + c + ")")
	}
	b.WriteString(")")
	return b.String()
}

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

	// The containers beside the path and below base are found first, so
	// that a scope with too many of them falls back before searching them.
	type read struct {
		base   string
		scope  int
		filter string
	}
	var reads []read
	var containers []string
	attr := flags.AttrPrimaryUserAddress
	holders := "(" + attr + "=*)"
	for i, a := range path {
		next := below(i)
		err := l.aroundLevel(ctx, a, anyOf(holders), fn, func(c string) {
			if !SameDN(c, next) {
				containers = append(containers, c)
			}
		})
		if err != nil {
			return false, err
		}
	}
	computers := "(&(objectClass=computer)" + holders + ")"
	if scope == Subtree {
		if l.ad {
			reads = append(reads, read{base, ldap.ScopeWholeSubtree, computers})
		}
	} else {
		// One level: what base holds below its own children is around it.
		filter := anyOf()
		if l.ad {
			filter = anyOf(computers)
		}
		err := l.aroundLevel(ctx, base, filter, fn, func(c string) { containers = append(containers, c) })
		if err != nil {
			return false, err
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
		reads = append(reads, read{cfg, ldap.ScopeWholeSubtree, holders})
	}
	for _, r := range reads {
		if err := l.sipValuesIn(ctx, r.base, r.scope, r.filter, fn); err != nil && !errors.Is(err, ErrNoSuchObject) {
			return false, err
		}
	}
	return true, nil
}

// aroundLevel reads the objects one level below a that match filter: each
// sign-in name they hold goes to fn, and each container to container.
func (l *LDAP) aroundLevel(ctx context.Context, a, filter string, fn func(value, dn string) error, container func(dn string)) error {
	attr := flags.AttrPrimaryUserAddress
	type found struct {
		dn        string
		values    []string
		container bool
	}
	err := l.withStream(ctx, l.op(opRead, a), func(w *wire) (bool, error) {
		delivered := false
		spec := searchSpec{base: a, scope: ldap.ScopeSingleLevel, filter: filter, attrs: []string{attr, "objectClass"}}
		_, err := stream(ctx, l, w, spec, func(e *ldap.Entry) (found, *DecodeProblem, bool) {
			f := found{dn: e.DN, values: e.GetEqualFoldAttributeValues(attr)}
			for _, c := range e.GetEqualFoldAttributeValues("objectClass") {
				if slices.ContainsFunc(containerClasses, func(k string) bool { return strings.EqualFold(k, c) }) {
					f.container = true
				}
			}
			return f, nil, true
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
		return nil
	}
	return err
}
