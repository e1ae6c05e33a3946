package directory

import (
	"context"
	"strings"

	"ocsflags/flags"
)

// PoolSet answers "is this DN a pool's home-server DN?" for the readiness
// rules, comparing DNs as AD does.
type PoolSet map[string]Pool

// NewPoolSet indexes pools by their home-server DN.
func NewPoolSet(pools []Pool) PoolSet {
	s := PoolSet{}
	for _, p := range pools {
		s[NormDN(p.HomeServerDN)] = p
	}
	return s
}

// ByHomeServer finds the pool a home-server DN points at.
func (s PoolSet) ByHomeServer(dn string) (Pool, bool) {
	p, ok := s[NormDN(dn)]
	return p, ok
}

// IsPool is flags.AuditInput.IsPool.
func (s PoolSet) IsPool(dn string) bool {
	_, ok := s.ByHomeServer(dn)
	return ok
}

// RuleInput is the readiness rules' input for u with settings s (as read,
// or with pending edits): everything but the directory look-ups
// (OtherHolders, SIPFree), which the caller adds. Every surface builds its
// input here, so they all judge the same facts.
func RuleInput(u User, s flags.Settings, isPool func(string) bool) flags.AuditInput {
	return flags.AuditInput{
		Settings: s, Mail: u.Mail, UPN: u.UPN, IsPool: isPool,
		Contact: u.Kind == KindContact, AppContact: u.Kind == KindContact && IsAppContact(u.DN),
		ADDisabled: u.Disabled, ProxyAddresses: u.ProxyAddresses,
		DisplayName: u.DisplayName, CN: u.Name,
	}
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

// AuditInputFor is RuleInput with the look-up of the sign-in name's other
// holders done.
func AuditInputFor(ctx context.Context, d Directory, u User, pools PoolSet) (flags.AuditInput, error) {
	in := RuleInput(u, u.OCS, pools.IsPool)
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
