package directory

import (
	"context"

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

// Audit applies the readiness rules to u, looking up the other holders of
// its SIP address in d (the only rule that needs the directory).
func Audit(ctx context.Context, d Directory, u User, pools PoolSet) ([]flags.Finding, error) {
	in := flags.AuditInput{Settings: u.OCS, Mail: u.Mail, UPN: u.UPN, IsPool: pools.IsPool}
	if u.OCS.SIPAddress.Set {
		holders, err := d.SIPAddressHolders(ctx, u.OCS.SIPAddress.V)
		if err != nil {
			return nil, err
		}
		for _, h := range holders {
			if !SameDN(h, u.DN) {
				in.OtherHolders = append(in.OtherHolders, h)
			}
		}
	}
	return flags.Audit(in), nil
}
