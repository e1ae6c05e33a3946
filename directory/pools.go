package directory

import (
	"fmt"
	"slices"
	"strings"

	"ocsflags/flags"
)

// PoolList is what Pools read: the pools, and for each place OCS keeps pool
// objects whether it could be read. A home server is only called "not a
// pool" where the pools it would be among could be read.
type PoolList struct {
	Pools  []Pool
	Places []PoolPlace
	// Reader is the identity the pools were read as ("" when anonymous):
	// the account an admin is told cannot read them.
	Reader string
}

// PoolPlace is one of the two pool containers as Pools found it.
type PoolPlace struct {
	// DN of the CN=Pools container.
	DN string
	// Container is "Configuration" or "System".
	Container string
	// Read is set when the container was searched. Complete is set when
	// that search saw everything there is (an in-memory directory); an LDAP
	// server leaves out, without a word, objects the account may not read,
	// so a pool-shaped home server missing from what it returned cannot be
	// called "not a pool".
	Read, Complete bool
	// Via names the server it was read from when that is not the DC (the
	// Global Catalog).
	Via string
	// Why says why it could not be read.
	Why string
}

// PoolContainers are the two places OCS keeps pool objects: the
// Configuration container (R2) and the System container of the forest ROOT
// domain (OCS 2007), which a DC of a child domain does not hold.
func PoolContainers(nc NamingContexts) []struct{ DN, Label string } {
	root := nc.RootDomain
	if root == "" {
		root = nc.Default
	}
	return []struct{ DN, Label string }{
		{"CN=Pools,CN=RTC Service,CN=Services," + nc.Configuration, "Configuration"},
		{"CN=Pools,CN=RTC Service,CN=Microsoft,CN=System," + root, "System"},
	}
}

// PoolSet answers "is this DN a pool's home-server DN?" for the readiness
// rules, comparing DNs as AD does, and "can that be told?" for DNs it does
// not know. The zero value knows no pools and tells nothing about places.
type PoolSet struct {
	byHome map[string]Pool
	places []PoolPlace
	reader string
}

// NewPoolSet indexes pools by their home-server DN, as a complete list: a
// DN it does not hold is not a pool.
func NewPoolSet(pools []Pool) PoolSet {
	s := PoolSet{byHome: make(map[string]Pool, len(pools))}
	for _, p := range pools {
		s.byHome[NormDN(p.HomeServerDN)] = p
	}
	return s
}

// NewPoolSetFrom indexes what Pools read, keeping which places could be
// read and as whom.
func NewPoolSetFrom(l PoolList) PoolSet {
	s := NewPoolSet(l.Pools)
	s.places, s.reader = l.Places, l.Reader
	return s
}

// ByHomeServer finds the pool a home-server DN points at.
func (s PoolSet) ByHomeServer(dn string) (Pool, bool) {
	p, ok := s.byHome[NormDN(dn)]
	return p, ok
}

// IsPool is flags.AuditInput.IsPool.
func (s PoolSet) IsPool(dn string) bool {
	_, ok := s.ByHomeServer(dn)
	return ok
}

// Len is the number of pools.
func (s PoolSet) Len() int { return len(s.byHome) }

// All lists the pools by host name.
func (s PoolSet) All() []Pool {
	out := make([]Pool, 0, len(s.byHome))
	for _, p := range s.byHome {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Pool) int {
		if c := strings.Compare(strings.ToLower(a.Host), strings.ToLower(b.Host)); c != 0 {
			return c
		}
		return strings.Compare(a.DN, b.DN)
	})
	return out
}

// Unknown is flags.AuditInput.PoolUnknown: for a home-server DN that is not
// among the pools, why that does not make it "not a pool" ("" when it
// does). A DN under a pool container that could not be read, or that the
// server may have hidden from this account, cannot be judged; a DN
// anywhere else, or a reference to a deleted object, can.
func (s PoolSet) Unknown(dn string) string {
	if s.IsPool(dn) || flags.IsDeletedReference(dn) {
		return ""
	}
	for _, p := range s.places {
		if !isUnder(dn, p.DN) || p.Complete {
			continue
		}
		who := s.reader
		if who == "" {
			who = "anonymous"
		}
		if !p.Read {
			return fmt.Sprintf("the pools in the %s container cannot be read with this account (%s): %s", p.Container, who, p.Why)
		}
		return fmt.Sprintf("this account (%s) cannot read the pool it names: it is not among the %d pools the account can read in the %s container, and the server hides objects an account may not read", who, s.countIn(p.DN), p.Container)
	}
	return ""
}

func (s PoolSet) countIn(place string) int {
	n := 0
	for _, p := range s.byHome {
		if isUnder(p.DN, place) {
			n++
		}
	}
	return n
}

// Places is what Pools said about each pool container.
func (s PoolSet) Places() []PoolPlace { return s.places }

// NoneWhy says why no pool is known: that the pools cannot be read with
// this account, or that none exist (the only case where creating one is the
// answer).
func (s PoolSet) NoneWhy() string {
	who := s.reader
	if who == "" {
		who = "anonymous"
	}
	for _, p := range s.places {
		if !p.Read {
			return fmt.Sprintf("no OCS pool can be offered: the pools in the %s container cannot be read with this account (%s): %s", p.Container, who, p.Why)
		}
	}
	for _, p := range s.places {
		if !p.Complete {
			return fmt.Sprintf("no OCS pool is visible to this account (%s) in the System or Configuration container: create the pool with the OCS tools, or use an account that may read the pools", who)
		}
	}
	return "no OCS pools were found in this directory (System or Configuration container): create the pool with the OCS tools first"
}
