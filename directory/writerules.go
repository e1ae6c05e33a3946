package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ocsflags/flags"
)

// The write rules: what every writing path (set, the console's review, the
// Enable Users wizard, later bulk paths) checks before it writes a user.
// They live here once; a surface only words a refusal for its own input
// (set names the argument, the console the key to press), always showing
// the Refusal's Reason as given.

// Rule names one write rule; a Refusal says which one refused.
type Rule string

const (
	// RuleReservedBit: reserved and undocumented OptionFlags bits are kept
	// exactly as found, never set or cleared.
	RuleReservedBit Rule = "reserved-bit"
	// RuleUnknownBit: bits outside the catalogue are kept exactly as found.
	RuleUnknownBit Rule = "unknown-bit"
	// RuleEnhancedPresence: enhanced presence (256) is one-way, never
	// cleared.
	RuleEnhancedPresence Rule = "enhanced-presence-one-way"
	// RuleCannotApply: the change cannot apply to the values read (an
	// attribute holding several values, clearing enhanced presence).
	RuleCannotApply Rule = "cannot-apply"
	// RuleTelephony: telephony bits only as one of the console's radio
	// options.
	RuleTelephony Rule = "telephony"
	// RuleWorkingPool: a user on a working pool is never moved by a DN
	// rewrite; only a missing or broken home server is repaired.
	RuleWorkingPool Rule = "working-pool"
	// RulePoolUnknown: a home server that may be a pool this account
	// cannot read is not broken, so it is left alone.
	RulePoolUnknown Rule = "pool-unknown"
	// RuleEnableBadSIP: enabling a user whose sign-in name is malformed.
	RuleEnableBadSIP Rule = "enable-bad-sip"
	// RuleSIPRemovalEnabled: an enabled user keeps a sign-in name.
	RuleSIPRemovalEnabled Rule = "sip-removal-enabled"
	// RuleEnableIncomplete: an enabled user needs a sign-in name and a
	// pool. A later edit of the same write can satisfy it (Incomplete).
	RuleEnableIncomplete Rule = "enable-incomplete"
	// RuleSIPTaken: the sign-in name the write puts to use is held by
	// another object.
	RuleSIPTaken Rule = "sip-taken"
	// RuleSIPPending: another pending write puts the same sign-in name to
	// use.
	RuleSIPPending Rule = "sip-pending"
	// RuleNotEnabled: a change over many users (set --ou, Configure
	// Users) works on users enabled for OCS only, as OCS's Configure Users
	// does: a never-enabled account (a service account, a mailbox-only
	// user) is not stamped with OCS attributes by a batch.
	RuleNotEnabled Rule = "not-enabled"
	// RuleOneUserValue: a change over many users never gives them all
	// the same sign-in name or Line URI: each belongs to one user (a
	// duplicate signs in neither, a shared line rings the wrong phone).
	// Nor does it take sign-in names away: that is done one user at a
	// time, and disabling keeps them. Taking Line URIs away, and values
	// users share (a Server URI, a pool), are not refused by it.
	RuleOneUserValue Rule = "one-user-value"
)

// Refusal is one rule a change breaks. Reason is the sentence every
// surface shows; the other fields let a surface word the rest for its own
// input.
type Refusal struct {
	Rule   Rule
	DN     string
	Reason string
	// Bit is the OptionFlags bit of a bit rule.
	Bit flags.Value
	// Addr and Others: the sign-in name and the objects that hold it.
	Addr   string
	Others []string
	// Pool is the host name (or DN) of the pool the user is on.
	Pool string
	// Attr is the attribute a rule on a change alone is about
	// (RuleOneUserValue).
	Attr string
	// Missing lists what enabling lacks: "sign-in name", "pool".
	Missing []string
	// Err is the underlying error, when there is one.
	Err error
	// Incomplete is set for a refusal a later edit in the same write can
	// lift (enabling before the sign-in name is given): the console stages
	// such an edit and refuses only the write.
	Incomplete bool
}

func (r Refusal) Error() string { return r.Reason }

// Unwrap exposes the underlying error (errors.Is(err, flags.ErrEnhancedPresenceOneWay)).
func (r Refusal) Unwrap() error { return r.Err }

// RefusedError is a write refused by the rules: nothing was written.
type RefusedError struct {
	Refusals []Refusal
}

func (e *RefusedError) Error() string {
	if len(e.Refusals) == 0 {
		return "refused"
	}
	return e.Refusals[0].Reason
}

// Unwrap lets errors.Is and errors.As see each refusal and its cause.
func (e *RefusedError) Unwrap() []error {
	out := make([]error, len(e.Refusals))
	for i, r := range e.Refusals {
		out[i] = r
	}
	return out
}

// First is the refusal a surface reports.
func (e *RefusedError) First() Refusal { return e.Refusals[0] }

// Holders maps a lower-cased sign-in name to the DNs of objects that hold
// it (or would, through a pending write). A nil Holders checks nothing.
type Holders map[string][]string

// WriteRequest is what PlanWrite decides on.
type WriteRequest struct {
	// User as read: the compare-and-swap expects its values.
	User   User
	Change flags.Change
	// Pools is what Pools read; its zero value knows no pool, so no home
	// server is called working or unknown.
	Pools PoolSet
	// Holders are the objects in the directory holding a sign-in name;
	// Pending the other pending writes that would put one to use.
	Holders, Pending Holders
	// Bulk is set for a change made to many users at once (PlanBulk): it
	// adds the rules of a batch (RuleNotEnabled; a user on a working pool
	// is never moved, whether or not it has a sign-in name).
	Bulk bool
}

// CheckBits is the bit rules on a delta alone, so set can refuse a typo
// before it connects: only documented catalogue bits are set or cleared,
// and enhanced presence is never cleared (a delta that only clears it has
// no other meaning). PlanWrite applies the first rule the same way, and
// the second on the value read, where composed edits that set and then
// withdraw 256 clear nothing.
func CheckBits(d flags.Delta) []Refusal {
	out := catalogueBits(d)
	if d.Clear.Has(flags.EnhancedPresence) {
		out = append([]Refusal{epRefusal()}, out...)
	}
	return out
}

func epRefusal() Refusal {
	return Refusal{Rule: RuleEnhancedPresence, Bit: flags.EnhancedPresence, Err: flags.ErrEnhancedPresenceOneWay, Reason: flags.ErrEnhancedPresenceOneWay.Error()}
}

func catalogueBits(d flags.Delta) []Refusal {
	var out []Refusal
	for _, b := range d.Bits().Bits() {
		f, ok := flags.Lookup(b)
		switch {
		case !ok:
			out = append(out, Refusal{Rule: RuleUnknownBit, Bit: b,
				Reason: fmt.Sprintf("bit %d (value %d) is not in the catalogue; ocsflags keeps unknown bits exactly as found and never sets or clears them", flags.BitIndex(b), uint32(b))})
		case !f.Documented:
			out = append(out, Refusal{Rule: RuleReservedBit, Bit: b,
				Reason: fmt.Sprintf("bit %d (value %d) is reserved or undocumented; ocsflags keeps such bits exactly as found and never sets or clears them", f.Bit, uint32(b))})
		}
	}
	return out
}

// CheckBulkChange is the rules on a change over many users alone (set
// --ou/--users-from, Configure Users), before anything is read: PlanBulk
// refuses what it returns with a *RefusedError. Refusal.Attr names the
// attribute (flags.AttrPrimaryUserAddress, flags.AttrLine) for a surface to word
// its own argument.
func CheckBulkChange(c flags.Change) []Refusal {
	var out []Refusal
	switch {
	case c.SIPAddress.Set && c.SIPAddress.V != "":
		out = append(out, Refusal{Rule: RuleOneUserValue, Addr: c.SIPAddress.V, Attr: flags.AttrPrimaryUserAddress,
			Reason: "a sign-in name belongs to one user, and this change would give the same one to every user of the selection: set it one user at a time"})
	case c.SIPAddress.Set:
		out = append(out, Refusal{Rule: RuleOneUserValue, Attr: flags.AttrPrimaryUserAddress,
			Reason: "a change to many users does not take their sign-in names away (disabling them keeps their names, so enabling them again brings back their contacts and meetings): take one away one user at a time"})
	}
	if c.Line.Set && c.Line.V != "" {
		out = append(out, Refusal{Rule: RuleOneUserValue, Attr: flags.AttrLine,
			Reason: "a Line URI belongs to one user, and this change would give the same one to every user of the selection: set it one user at a time"})
	}
	return out
}

// PlanWrite is the write rules: the compare-and-swap change that writes
// r.Change over the user as read, or the refusals, most telling first. A
// change with no edits means nothing to write.
func PlanWrite(r WriteRequest) (Change, []Refusal) {
	u, c := r.User, r.Change
	refuse := catalogueBits(c.Flags)
	for i := range refuse {
		refuse[i].DN = u.DN
	}
	if r.Bulk && !u.OCS.Enabled.Or(false) && !enablingOrDisablingOnly(c) {
		refuse = append([]Refusal{{Rule: RuleNotEnabled, DN: u.DN,
			Reason: "not enabled for OCS (msRTCSIP-UserEnabled is not TRUE): a change to many users works on enabled users only; enable it first with the console's Enable Users wizard or ocsflags set USER +enabled sip=… pool=…"}}, refuse...)
	}
	planned, err := u.OCS.Apply(c)
	switch {
	case errors.Is(err, flags.ErrEnhancedPresenceOneWay):
		r := epRefusal()
		r.DN = u.DN
		return Change{DN: u.DN}, append(refuse, r)
	case err != nil:
		return Change{DN: u.DN}, append(refuse, Refusal{Rule: RuleCannotApply, DN: u.DN, Err: err, Reason: err.Error()})
	}
	if err := flags.CheckTelephonyChange(u.OCS.OptionFlags.V, c.Flags); err != nil {
		refuse = append(refuse, Refusal{Rule: RuleTelephony, DN: u.DN, Err: err, Reason: err.Error()})
	}
	refuse = append(refuse, poolRule(r.Pools, u, c, r.Bulk)...)
	s := u.OCS
	enabling := c.Enabled.Set && c.Enabled.V
	if enabling && !s.Enabled.Or(false) && planned.SIPAddress.Set {
		if err := flags.CheckSIPAddress(planned.SIPAddress.V); err != nil {
			refuse = append(refuse, Refusal{Rule: RuleEnableBadSIP, DN: u.DN, Err: err, Reason: err.Error(), Addr: planned.SIPAddress.V})
		}
	}
	removing := c.SIPAddress.Set && c.SIPAddress.V == "" && planned.Enabled.Or(false)
	if removing {
		refuse = append(refuse, Refusal{Rule: RuleSIPRemovalEnabled, DN: u.DN, Reason: "a user enabled for OCS needs a sign-in name", Missing: []string{"sign-in name"}})
	}
	if m := missingToEnable(planned); len(m) > 0 && !removing && planned.Enabled.Or(false) &&
		(enabling || len(m) > len(missingToEnable(s))) {
		// However the edits got here: never write an enabled user who
		// cannot sign in and whom ADUC shows with an error. A user already
		// so in the directory is not refused a write that takes nothing
		// more away (a sign-in name corrected, a setting changed).
		refuse = append(refuse, Refusal{Rule: RuleEnableIncomplete, DN: u.DN, Missing: m, Incomplete: true,
			Reason: "a user needs a sign-in name and a pool to be enabled"})
	}
	if addr := flags.ClaimedSIP(s, planned); addr != "" {
		k := strings.ToLower(addr)
		if others := OtherThan(r.Holders[k], u.DN); len(others) > 0 {
			refuse = append(refuse, sipTaken(u.DN, addr, others))
		}
		if others := OtherThan(r.Pending[k], u.DN); len(others) > 0 {
			refuse = append(refuse, Refusal{Rule: RuleSIPPending, DN: u.DN, Addr: addr, Others: others,
				Reason: "another pending user (" + others[0] + ") would get the same sign-in name"})
		}
	}
	return Change{DN: u.DN, Edits: Edits(s, planned), SAM: u.SAMAccountName}, refuse
}

// enablingOrDisablingOnly reports whether c enables the user (the
// enabling rules judge it) or does nothing but disable: changes a batch
// may make to a user not enabled for OCS.
func enablingOrDisablingOnly(c flags.Change) bool {
	if c.Enabled.Set && c.Enabled.V {
		return true
	}
	return c == flags.Change{Enabled: flags.Some(false)}
}

// missingToEnable lists what an enabled user lacks to sign in.
func missingToEnable(s flags.Settings) []string {
	var m []string
	if !s.SIPAddress.Set || s.SIPAddress.V == "" {
		m = append(m, "sign-in name")
	}
	if !s.HomeServer.Set || s.HomeServer.V == "" {
		m = append(m, "pool")
	}
	return m
}

// poolRule is "never move a user off a working pool": a user with a
// sign-in name on a working pool has data there (contact lists, meetings)
// that a DN rewrite would strand, so a new home server is written only
// where the one the user has is missing or broken (not a pool, or a pool
// since deleted). One the account may only be unable to read is not
// broken, and is left alone too. A single write may repoint a user without
// a sign-in name (it has no data on the pool); a batch never moves anyone
// off a working pool: the admin approving a plan of thousands cannot weigh
// each such exception.
func poolRule(pools PoolSet, u User, c flags.Change, bulk bool) []Refusal {
	h, cur := c.HomeServer, u.OCS.HomeServer
	if !h.Set || !cur.Set || !bulk && !u.OCS.SIPAddress.Set || SameDN(h.V, cur.V) {
		return nil
	}
	if pools.IsPool(cur.V) {
		host := cur.V
		if p, _ := pools.ByHomeServer(cur.V); p.Host != "" {
			host = p.Host
		}
		return []Refusal{{Rule: RuleWorkingPool, DN: u.DN, Pool: host,
			Reason: "move users between pools with the OCS tools, which move their contact lists and meetings too"}}
	}
	if why := pools.Unknown(cur.V); why != "" {
		return []Refusal{{Rule: RulePoolUnknown, DN: u.DN, Reason: why}}
	}
	return nil
}

func sipTaken(dn, addr string, others []string) Refusal {
	return Refusal{Rule: RuleSIPTaken, DN: dn, Addr: addr, Others: others,
		Reason: fmt.Sprintf("%s is already the sign-in name of %s; a sign-in name must be unique in the forest", addr, strings.Join(others, " and "))}
}

// Refused wraps refusals as the error of a write that was not made; nil
// when there are none, or only Incomplete ones and staging is true.
func Refused(refusals []Refusal, staging bool) error {
	var keep []Refusal
	for _, r := range refusals {
		if staging && r.Incomplete {
			continue
		}
		keep = append(keep, r)
	}
	if len(keep) == 0 {
		return nil
	}
	return &RefusedError{Refusals: keep}
}

// ClaimSIP is the check just before a write that puts the sign-in name
// addr to use (flags.ClaimedSIP; "" claims nothing): it searches the
// directory for addr, and returns a *RefusedError (RuleSIPTaken) when an
// object other than dn holds it, and an error saying nothing was written
// when the search fails. The search cannot see a claim racing this one: ConfirmClaim
// looks again after the write.
func ClaimSIP(ctx context.Context, d Directory, dn, addr string) error {
	if addr == "" {
		return nil
	}
	others, err := SIPTakenBy(ctx, d, addr, dn)
	if err != nil {
		return fmt.Errorf("cannot check that %s is unique, so nothing was written: %w", addr, err)
	}
	if len(others) > 0 {
		return &RefusedError{Refusals: []Refusal{sipTaken(dn, addr, others)}}
	}
	return nil
}

// Claimed is the sign-in name writing c over u puts to use ("" for none
// or when c cannot apply): the name ClaimSIP checks and ConfirmClaim
// confirms.
func Claimed(u User, c flags.Change) string {
	after, err := u.OCS.Apply(c)
	if err != nil {
		return ""
	}
	return flags.ClaimedSIP(u.OCS, after)
}

// Warnings of a write that is allowed: consequences the admin should know
// before it is made (the console shows them in the editor and the audit;
// set says them on standard error).
const (
	// WarnNoEnhancedPresence: the write leaves an enabled user without
	// enhanced presence, so Communicator 2007 R2 cannot sign in.
	WarnNoEnhancedPresence Rule = "no-enhanced-presence"
	// WarnLine: a line or telephony change leaves a Line URI or Server URI
	// the telephony option needs missing or malformed (flags.LineWarning).
	WarnLine Rule = "line"
	// WarnEnhancedPresenceOneWay: the write turns enhanced presence on,
	// which cannot be taken back (reference §5).
	WarnEnhancedPresenceOneWay Rule = "enhanced-presence-on"
)

// EnhancedPresenceWarning is the warning of a write that turns enhanced
// presence on, worded once for every surface.
const EnhancedPresenceWarning = "enhanced presence (256) is one-way: ocsflags and undo never clear it, and once the user signs in with Communicator 2007/R2, Communicator 2005 stops working for them"

// WriteWarnings lists the warnings of writing c over u; none when c cannot
// apply (PlanWrite refuses it).
func WriteWarnings(u User, c flags.Change) []Refusal {
	planned, err := u.OCS.Apply(c)
	if err != nil {
		return nil
	}
	var out []Refusal
	if planned.OptionFlags.V.Has(flags.EnhancedPresence) && !u.OCS.OptionFlags.V.Has(flags.EnhancedPresence) {
		out = append(out, Refusal{Rule: WarnEnhancedPresenceOneWay, DN: u.DN, Bit: flags.EnhancedPresence, Reason: EnhancedPresenceWarning})
	}
	if planned.Enabled.Or(false) && !planned.OptionFlags.V.Has(flags.EnhancedPresence) && (c.Enabled.Set || c.SIPAddress.Set || c.HomeServer.Set) {
		out = append(out, Refusal{Rule: WarnNoEnhancedPresence, DN: u.DN, Reason: "enhanced presence (256) is not set: Communicator 2007 R2 cannot sign in"})
	}
	if c.Line.Set || c.LineServer.Set || c.Flags.Bits()&flags.TelephonyMask != 0 {
		for _, attr := range []string{flags.AttrLine, flags.AttrLineServer} {
			v := planned.Line.V
			if attr == flags.AttrLineServer {
				v = planned.LineServer.V
			}
			if w := flags.LineWarning(attr, v, planned.OptionFlags.V); w != "" {
				out = append(out, Refusal{Rule: WarnLine, DN: u.DN, Reason: w})
			}
		}
	}
	return out
}
