package session

import (
	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

// State is one user as the console shows it: as read (Base) and as it will
// be written (After), which differ only by pending edits, with what the
// readiness rules need besides (pools, other holders of the sign-in name).
type State struct {
	Base, After  flags.Settings
	ApplyErr     error
	Pending      bool
	Pools        directory.PoolSet
	PoolsUnknown bool
	// Others gives the other objects holding a SIP address, as far as the
	// look-up started when the user was opened has answered (nil before).
	Others func(addr string) []string
	// User is the object the settings belong to: the account facts the
	// rules also judge (disabled, contact, OriginatorSid, proxyAddresses).
	User directory.User
	// Names are the display Names of policy and location profile objects,
	// by NormDN, as far as they could be read.
	Names map[string]string
	// SIPScope is how far the directory searches for other holders of a
	// sign-in name.
	SIPScope flags.SearchScope
}

func (s State) IsPool(dn string) bool { return s.Pools.IsPool(dn) }

// Findings are the readiness rules on set, with the duplicate check as far
// as the look-up knows.
func (s State) Findings(set flags.Settings) []flags.Finding {
	return flags.Audit(s.Input(set))
}

// Input is the rules' Input for set on the open user, built as every
// surface builds it (directory.RuleInput).
func (s State) Input(set flags.Settings) flags.AuditInput {
	in := directory.RuleInput(s.User, set, s.Pools)
	in.SIPScope = s.SIPScope
	if set.SIPAddress.Set && s.Others != nil {
		in.OtherHolders = s.Others(set.SIPAddress.V)
	}
	return in
}

func OptString(o flags.Opt[string]) string {
	if !o.Set {
		return "(not set)"
	}
	return o.V
}

// PoolText names a home server the way the console does: by the pool's host.
func PoolText(s State, o flags.Opt[string]) string {
	switch {
	case !o.Set:
		return "(not set)"
	case s.PoolsUnknown:
		return o.V + " (pools could not be read)"
	}
	if p, ok := s.Pools.ByHomeServer(o.V); ok {
		host := p.Host
		if host == "" {
			host = "(pool without dNSHostName) " + p.DN
		}
		return host
	}
	if flags.IsDeletedReference(o.V) {
		return "✗ a pool that was deleted"
	}
	if s.Pools.Unknown(o.V) != "" {
		return "? the pools cannot be read with this account: " + o.V
	}
	return "✗ not a pool: " + o.V
}

// ObjectName names a policy or location profile object: its display name
// when it could be read, else the first RDN's value (never the raw DN
// parsed for more than that).
func ObjectName(s State, dn string) string {
	if n, ok := s.Names[directory.NormDN(dn)]; ok && n != "" {
		return termtext.Safe(n)
	}
	name := dn
	if d, err := directory.ParseDN(dn); err == nil && len(d.RDNs) > 0 && len(d.RDNs[0].Attributes) > 0 {
		name = d.RDNs[0].Attributes[0].Value
	}
	return termtext.Safe(name) + " (name not readable: " + termtext.Safe(dn) + ")"
}
