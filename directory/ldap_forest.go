package directory

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
)

// A forest is more than the domain the DC serves. OCS 2007 keeps its pools
// in the System container of the forest ROOT domain, which only the root
// domain's DCs and the Global Catalogs hold, and a sign-in name must be
// unique in the whole forest, which only a Global Catalog sees. So an LDAP
// directory also talks to a Global Catalog: the one given (LDAPConfig.GC),
// or port 3268 (3269 for ldaps://) of the same host when the rootDSE says
// the DC is one (isGlobalCatalogReady).

// gcAutoTimeout bounds dialling a Global Catalog nobody asked for by name:
// one that does not answer must not hold up the start.
const gcAutoTimeout = 10 * time.Second

// gcURL is the Global Catalog to use and whether the admin named it.
func (l *LDAP) gcURL() (string, bool) {
	if l.cfg.GC != "" {
		return l.cfg.GC, true
	}
	if !l.isGC {
		return "", false
	}
	port := "3268"
	if l.url.scheme == "ldaps" {
		port = "3269"
	}
	return l.url.scheme + "://" + net.JoinHostPort(l.url.host, port), false
}

// connectGC dials and binds the Global Catalog with the DC's credentials
// and TLS settings. A Global Catalog named with --gc that cannot be reached
// is an error; one only inferred from the rootDSE leaves the directory with
// a search of this domain, and Info says so.
func (l *LDAP) connectGC(ctx context.Context) error {
	u, explicit := l.gcURL()
	if u == "" {
		l.gcProblem = "the domain controller is not a Global Catalog and none was given with --gc"
		return nil
	}
	cfg := l.cfg
	cfg.URL, cfg.GC, cfg.Base, cfg.ReadOnly, cfg.isGC = u, "", "", true, true
	if gu, err := parseLDAPURL(u); err == nil && !strings.EqualFold(gu.host, l.url.host) {
		cfg.SPN = "" // a Kerberos bind to another host: ldap/<that host>
	}
	if !explicit && (cfg.Timeout == 0 || cfg.Timeout > gcAutoTimeout) {
		cfg.Timeout = gcAutoTimeout
	}
	gc, err := DialLDAP(ctx, cfg)
	if err != nil {
		if explicit {
			return fmt.Errorf("the Global Catalog %s (--gc): %w", u, err)
		}
		l.gcProblem = fmt.Sprintf("the Global Catalog %s could not be used: %v", u, err)
		return nil
	}
	l.gc = gc
	return nil
}

// holds reports whether this server holds the naming context dn.
func (l *LDAP) holds(dn string) bool {
	if SameDN(dn, l.nc.Default) {
		return true
	}
	return slices.ContainsFunc(l.held, func(h string) bool { return SameDN(h, dn) })
}

// sourceFor is the server to read dn from: this DC when it holds the naming
// context dn is in, else the Global Catalog (the root domain's System
// container, where OCS 2007 keeps its policies and pools, is not on a DC
// of a child domain), else this DC, which then says it does not know dn.
func (l *LDAP) sourceFor(dn string) *LDAP {
	if l.gc == nil || isUnder(dn, l.nc.Default) || slices.ContainsFunc(l.held, func(h string) bool { return isUnder(dn, h) }) {
		return l
	}
	return l.gc
}

// Pools implements Directory: the msRTCSIP-Pool objects in the
// Configuration container (on every DC) and in the root domain's System
// container, read from this DC when it holds the root domain, else from
// the Global Catalog. A container that does not exist, or that this
// account cannot read, is reported in the place, not as an error: only a
// failure to talk to the server is one.
func (l *LDAP) Pools(ctx context.Context) (PoolList, error) {
	out := PoolList{Reader: l.cfg.Bind}
	for _, where := range PoolContainers(l.nc) {
		place := PoolPlace{DN: where.DN, Container: where.Label}
		src := l
		if where.Label == "System" && !l.holds(l.nc.RootDomain) {
			if l.gc == nil {
				place.Why = fmt.Sprintf("the forest root domain %s is not on this domain controller, and no Global Catalog could be searched (%s): give one with --gc URL", l.nc.RootDomain, l.gcProblem)
				out.Places = append(out.Places, place)
				continue
			}
			src, place.Via = l.gc, l.gc.url.text
		}
		got, err := src.poolsIn(ctx, where.DN, where.Label)
		switch {
		case err == nil:
			place.Read = true
			out.Pools = append(out.Pools, got...)
		case errors.Is(err, ErrNoSuchObject):
			place.Why = where.DN + " does not exist, or this account may not see it"
		case errors.Is(err, ErrInsufficientRights):
			place.Why = err.Error()
		default:
			return out, err
		}
		out.Places = append(out.Places, place)
	}
	slices.SortStableFunc(out.Pools, func(a, b Pool) int { return strings.Compare(strings.ToLower(a.Host), strings.ToLower(b.Host)) })
	return out, nil
}

func (l *LDAP) poolsIn(ctx context.Context, dn, label string) ([]Pool, error) {
	var got []Pool
	err := l.withStream(ctx, l.op(opRead, dn), func(w *wire) (bool, error) {
		got = got[:0]
		spec := searchSpec{base: dn, scope: ldap.ScopeSingleLevel, filter: "(objectClass=msRTCSIP-Pool)", attrs: []string{"dNSHostName"}}
		_, err := stream(ctx, l, w, spec, func(e *ldap.Entry) (Pool, *DecodeProblem, bool) {
			return Pool{DN: e.DN, HomeServerDN: HomeServerPrefix + e.DN, Host: e.GetEqualFoldAttributeValue("dNSHostName"), Container: label}, nil, true
		}, func(ps []Pool, _ []DecodeProblem) error { got = append(got, ps...); return nil })
		return false, err
	})
	return got, err
}

// SIPAddressHolders implements Directory. It searches the Global Catalog,
// which holds every domain's users, when there is one (Info().SIPScope is
// then the forest), and always this DC's domain and configuration naming
// contexts too: a name this DC has just written may not have reached the
// Global Catalog yet.
func (l *LDAP) SIPAddressHolders(ctx context.Context, addr string) ([]string, error) {
	if addr == "" {
		return nil, nil
	}
	forms := sipForms(addr)
	filter := "(|(" + flags.AttrPrimaryUserAddress + "=" + ldap.EscapeFilter(forms[0]) + ")(" + flags.AttrPrimaryUserAddress + "=" + ldap.EscapeFilter(forms[1]) + "))"
	var out []string
	seen := map[string]bool{}
	collect := func(src *LDAP, bases []string) error {
		for _, b := range bases {
			got, err := src.dnsMatching(ctx, b, filter)
			if errors.Is(err, ErrNoSuchObject) {
				continue
			}
			if err != nil {
				return err
			}
			for _, dn := range got {
				if k := NormDN(dn); !seen[k] {
					seen[k] = true
					out = append(out, dn)
				}
			}
		}
		return nil
	}
	if l.gc != nil {
		if err := collect(l.gc, l.gcSIPBases()); err != nil {
			return nil, fmt.Errorf("search the Global Catalog %s: %w", l.gc.url.text, err)
		}
	}
	if err := collect(l, l.dcSIPBases()); err != nil {
		return nil, err
	}
	return out, nil
}

// gcSIPBases are where the Global Catalog is searched for sign-in names:
// AD's searches every naming context it holds from the empty base; other
// servers are searched context by context.
func (l *LDAP) gcSIPBases() []string {
	if l.gc.ad {
		return []string{""}
	}
	return l.gc.held
}

// dcSIPBases are where this DC is searched for sign-in names: its domain,
// and the configuration partition (application contacts) when it is not
// below the domain.
func (l *LDAP) dcSIPBases() []string {
	bases := []string{l.nc.Default}
	if l.nc.Configuration != "" && !isUnder(l.nc.Configuration, l.nc.Default) {
		bases = append(bases, l.nc.Configuration)
	}
	return bases
}

// sipIndexChunk is how many addresses one search of SIPAddresses' only
// list asks for: a filter of a few hundred terms stays well inside what AD
// accepts (MaxQueryDuration, the request size).
const sipIndexChunk = 100

// SIPAddresses implements Directory over the same servers and naming
// contexts as SIPAddressHolders (the Global Catalog's, then this DC's
// domain and configuration contexts), so the index it feeds has the same
// scope and Info().SIPScope describes it. Each is one paged search.
func (l *LDAP) SIPAddresses(ctx context.Context, only []string, fn func(value, dn string) error) error {
	attr := flags.AttrPrimaryUserAddress
	var filters []string
	if len(only) == 0 {
		filters = []string{"(" + attr + "=*)"}
	}
	for i := 0; i < len(only); i += sipIndexChunk {
		var b strings.Builder
		b.WriteString("(|")
		for _, a := range only[i:min(i+sipIndexChunk, len(only))] {
			if a == "" {
				continue
			}
			for _, f := range sipForms(a) {
				b.WriteString("(" + attr + "=" + ldap.EscapeFilter(f) + ")")
			}
		}
		b.WriteString(")")
		if b.Len() > 3 {
			filters = append(filters, b.String())
		}
	}
	collect := func(src *LDAP, bases []string) error {
		for _, base := range bases {
			for _, filter := range filters {
				err := src.sipValues(ctx, base, filter, fn)
				if errors.Is(err, ErrNoSuchObject) {
					continue
				}
				if err != nil {
					return err
				}
			}
		}
		return nil
	}
	if l.gc != nil {
		if err := collect(l.gc, l.gcSIPBases()); err != nil {
			return fmt.Errorf("read the sign-in names of the Global Catalog %s: %w", l.gc.url.text, err)
		}
	}
	return collect(l, l.dcSIPBases())
}

// sipValues streams the sign-in names under base matching filter to fn.
// A retry of a read that failed before anything was delivered starts
// over; once fn has seen values the error is returned.
func (l *LDAP) sipValues(ctx context.Context, base, filter string, fn func(value, dn string) error) error {
	return l.sipValuesIn(ctx, base, ldap.ScopeWholeSubtree, filter, fn)
}

// sipValuesIn is sipValues with the search's scope.
func (l *LDAP) sipValuesIn(ctx context.Context, base string, scope int, filter string, fn func(value, dn string) error) error {
	type pair struct{ v, dn string }
	attr := flags.AttrPrimaryUserAddress
	return l.withStream(ctx, l.op(opRead, base), func(w *wire) (bool, error) {
		delivered := false
		spec := searchSpec{base: base, scope: scope, filter: filter, attrs: []string{attr}}
		_, err := stream(ctx, l, w, spec, func(e *ldap.Entry) ([]pair, *DecodeProblem, bool) {
			var ps []pair
			for _, v := range e.GetEqualFoldAttributeValues(attr) {
				ps = append(ps, pair{v, e.DN})
			}
			return ps, nil, len(ps) > 0
		}, func(pss [][]pair, _ []DecodeProblem) error {
			for _, ps := range pss {
				for _, p := range ps {
					delivered = true
					if err := fn(p.v, p.dn); err != nil {
						return err
					}
				}
			}
			return nil
		})
		return delivered, err
	})
}

func (l *LDAP) dnsMatching(ctx context.Context, base, filter string) ([]string, error) {
	var got []string
	err := l.withStream(ctx, l.op(opRead, base), func(w *wire) (bool, error) {
		got = got[:0]
		spec := searchSpec{base: base, scope: ldap.ScopeWholeSubtree, filter: filter, attrs: []string{"1.1"}}
		_, err := stream(ctx, l, w, spec, func(e *ldap.Entry) (string, *DecodeProblem, bool) { return e.DN, nil, true },
			func(dns []string, _ []DecodeProblem) error { got = append(got, dns...); return nil })
		return false, err
	})
	return got, err
}
