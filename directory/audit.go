package directory

import (
	"context"
	"strings"

	"ocsflags/flags"
)

// RuleInput is the readiness rules' input for u with settings s (as read,
// or with pending edits): everything but the directory look-ups
// (OtherHolders, SIPFree, SIPScope), which the caller adds. Every surface
// builds its input here, so they all judge the same facts.
func RuleInput(u User, s flags.Settings, pools PoolCheck) flags.AuditInput {
	return flags.AuditInput{
		Settings: s, Mail: u.Mail, UPN: u.UPN, IsPool: pools.IsPool, PoolUnknown: pools.Unknown,
		Contact: u.Kind == KindContact, AppContact: u.Kind == KindContact && IsAppContact(u.DN),
		ADDisabled: u.Disabled, ProxyAddresses: u.ProxyAddresses,
		DisplayName: u.DisplayName, CN: u.Name,
	}
}

// PoolCheck is what the rules ask about a home server: is it a pool, and
// if not, why that cannot be told (PoolSet.Unknown).
type PoolCheck interface {
	IsPool(dn string) bool
	Unknown(dn string) string
}

// IsAppContact reports whether dn lies below a CN=RTC Service container,
// where OCS keeps the contacts of its own services (not people).
func IsAppContact(dn string) bool {
	d, err := ParseDN(dn)
	if err != nil {
		return false
	}
	for _, r := range d.RDNs[1:] {
		for _, a := range r.Attributes {
			if strings.EqualFold(a.Type, "CN") && strings.EqualFold(a.Value, "RTC Service") {
				return true
			}
		}
	}
	return false
}

// Audit applies the readiness rules to u, looking up the other holders of
// its SIP address in d (the only rule that needs the directory), and, for
// a missing or malformed sign-in name, which of the addresses a fix could
// offer are free.
func Audit(ctx context.Context, d Directory, u User, pools PoolSet) ([]flags.Finding, error) {
	in, err := AuditInputFor(ctx, d, u, pools)
	if err == nil {
		err = AddSIPOffers(ctx, d, u, &in)
	}
	if err != nil {
		return nil, err
	}
	return flags.Audit(in), nil
}

// AddSIPOffers looks up which sign-in names a fix could offer u (only when
// its own is missing or malformed) and lets in offer the free ones. A
// listing that shows no fixes skips it: it costs a search per candidate.
func AddSIPOffers(ctx context.Context, d Directory, u User, in *flags.AuditInput) error {
	s := u.OCS.SIPAddress
	if s.Set && flags.CheckSIPAddress(s.V) == nil {
		return nil
	}
	free := map[string]bool{}
	for _, c := range flags.SIPCandidates(s.V, u.Mail, u.UPN) {
		others, err := SIPTakenBy(ctx, d, c, u.DN)
		if err != nil {
			return err
		}
		free[strings.ToLower(c)] = len(others) == 0
	}
	in.SIPFree = func(addr string) bool { return free[strings.ToLower(addr)] }
	return nil
}

// SIPNamesFor is the addresses an audit of u asks about: its sign-in name
// (duplicates) and, when that is missing or malformed, the names a fix
// could offer. ReadSIPIndex with these for every user of a named list
// answers that list's audit in one read.
func SIPNamesFor(u User) []string {
	var out []string
	s := u.OCS.SIPAddress
	if s.Set {
		out = append(out, s.V)
		if flags.CheckSIPAddress(s.V) == nil {
			return out
		}
	}
	return append(out, flags.SIPCandidates(s.V, u.Mail, u.UPN)...)
}

// Auditor judges many users from one read: the pools and an index of the
// sign-in names in scope, read once, then every user in memory. It is what
// a multi-user audit uses instead of AuditInputFor, which searches per
// user.
// An Auditor is used from one goroutine at a time.
type Auditor struct {
	Pools PoolSet
	SIP   *SIPIndex
	// Scope is how far the index reaches (Directory.Info().SIPScope).
	Scope flags.SearchScope
	// homes remembers the answers about each home server: an OU has a
	// handful of them, and each answer parses DNs.
	homes map[string]poolAnswer
}

type poolAnswer struct {
	isPool  bool
	unknown string
	host    string // the pool's dNSHostName when isPool
}

func (a *Auditor) answer(dn string) poolAnswer {
	if r, ok := a.homes[dn]; ok {
		return r
	}
	if a.homes == nil {
		a.homes = map[string]poolAnswer{}
	}
	r := poolAnswer{isPool: a.Pools.IsPool(dn), unknown: a.Pools.Unknown(dn)}
	if p, ok := a.Pools.ByHomeServer(dn); ok {
		r.host = p.Host
	}
	a.homes[dn] = r
	return r
}

// IsPool and Unknown make the Auditor the rules' PoolCheck.
func (a *Auditor) IsPool(dn string) bool    { return a.answer(dn).isPool }
func (a *Auditor) Unknown(dn string) string { return a.answer(dn).unknown }

// Input is AuditInputFor answered from the index.
func (a *Auditor) Input(u User) flags.AuditInput {
	in := RuleInput(u, u.OCS, a)
	in.SIPScope = a.Scope
	if u.OCS.SIPAddress.Set {
		in.OtherHolders = a.SIP.TakenBy(u.OCS.SIPAddress.V, u.DN)
	}
	return in
}

// AddSIPOffers is AddSIPOffers answered from the index (which must hold
// SIPNamesFor(u) when it was read for a list of names).
//
// The index answers at once, so the question is left to the rules: they
// ask only about SIPCandidates of a missing or malformed name, which is
// what the directory-searching AddSIPOffers asks in advance. That saves
// checking every valid sign-in name a second time (flags.Audit checks it).
func (a *Auditor) AddSIPOffers(u User, in *flags.AuditInput) {
	x, dn := a.SIP, u.DN
	in.SIPFree = func(addr string) bool { return len(x.TakenBy(addr, dn)) == 0 }
}

// AuditInputFor is RuleInput with the look-up of the sign-in name's other
// holders done.
func AuditInputFor(ctx context.Context, d Directory, u User, pools PoolSet) (flags.AuditInput, error) {
	in := RuleInput(u, u.OCS, pools)
	in.SIPScope = d.Info().SIPScope
	if u.OCS.SIPAddress.Set {
		holders, err := d.SIPAddressHolders(ctx, u.OCS.SIPAddress.V)
		if err != nil {
			return in, err
		}
		for _, h := range holders {
			if !SameDN(h, u.DN) {
				in.OtherHolders = append(in.OtherHolders, h)
			}
		}
	}
	return in, nil
}

// PoolHost is the dNSHostName of the pool home server dn names, "" when it
// names none (remembered per home server, like IsPool).
func (a *Auditor) PoolHost(dn string) string { return a.answer(dn).host }
