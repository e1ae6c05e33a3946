package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ocsflags/flags"
)

// SignInPattern is how the Enable Users wizard forms a sign-in name.
type SignInPattern int

const (
	PatternMail SignInPattern = iota
	PatternUPN
	PatternFirstLast
	PatternSAM
)

// SignInPatterns in the wizard's order.
var SignInPatterns = []SignInPattern{PatternMail, PatternUPN, PatternFirstLast, PatternSAM}

func (p SignInPattern) String() string {
	switch p {
	case PatternMail:
		return "E-mail address"
	case PatternUPN:
		return "userPrincipalName"
	case PatternFirstLast:
		return "first.last@domain"
	}
	return "sAMAccountName@domain"
}

// Address forms the sign-in name of u, lower-cased as OCS writes it.
func (p SignInPattern) Address(u User, domain string) (string, error) {
	var a string
	switch p {
	case PatternMail:
		if u.Mail == "" {
			return "", errors.New("has no e-mail address")
		}
		a = u.Mail
	case PatternUPN:
		if u.UPN == "" {
			return "", errors.New("has no userPrincipalName")
		}
		a = u.UPN
	case PatternFirstLast:
		if u.GivenName == "" || u.Surname == "" {
			return "", errors.New("has no first or last name")
		}
		a = sipPart(u.GivenName) + "." + sipPart(u.Surname) + "@" + domain
	case PatternSAM:
		if u.SAMAccountName == "" {
			return "", errors.New("has no sAMAccountName")
		}
		a = sipPart(u.SAMAccountName) + "@" + domain
	}
	addr := "sip:" + strings.ToLower(a)
	if err := flags.CheckSIPAddress(addr); err != nil {
		return "", err
	}
	return addr, nil
}

// sipPart lower-cases a name and drops spaces. Letters a SIP user part
// cannot hold (ü, ß) are kept, not transliterated: guessing "jurgen" for
// "Jürgen" would invent an address nobody chose, so the SIP check rejects it
// and the wizard lists the user with the reason.
func sipPart(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), " ", "")
}

// EnablePlan is one user's row in the Enable Users wizard.
type EnablePlan struct {
	User    User
	Address string
	Change  flags.Change
	// Skip says why this user cannot be enabled; empty when it can.
	Skip string
}

// PlanEnable prepares enabling users on pool with sign-in names formed by
// pattern. Every address is checked for uniqueness in the directory and
// among the users being enabled before anything is written. A user who
// already has a valid sign-in name keeps it (re-enabling restores the user
// as it was). OptionFlags gets 256 added to whatever it holds; it is never
// written as a literal.
func PlanEnable(ctx context.Context, d Directory, users []User, pool Pool, pattern SignInPattern, domain string) ([]EnablePlan, error) {
	return PlanEnableOn(ctx, d, users, PoolSet{}, pool, pattern, domain)
}

// PlanEnableOn is PlanEnable knowing the pools, so each user's write passes
// every write rule (PlanWrite), "never move a user off a working pool"
// included; a user it refuses is skipped with the reason.
func PlanEnableOn(ctx context.Context, d Directory, users []User, pools PoolSet, pool Pool, pattern SignInPattern, domain string) ([]EnablePlan, error) {
	plans := make([]EnablePlan, len(users))
	holders := Holders{}
	byAddr := map[string][]int{}
	for i, u := range users {
		p := EnablePlan{User: u}
		switch {
		case u.OCS.SIPAddress.Set && flags.CheckSIPAddress(u.OCS.SIPAddress.V) == nil:
			p.Address = u.OCS.SIPAddress.V
		default:
			a, err := pattern.Address(u, domain)
			if err != nil {
				p.Skip = fmt.Sprintf("cannot form a sign-in name from %s: %v", pattern, err)
			}
			p.Address = a
		}
		if p.Skip == "" {
			byAddr[strings.ToLower(p.Address)] = append(byAddr[strings.ToLower(p.Address)], i)
		}
		plans[i] = p
	}
	var unique []string
	for addr, idx := range byAddr {
		if len(idx) > 1 {
			for _, i := range idx {
				plans[i].Skip = fmt.Sprintf("%s would be given to %d of the users being enabled", addr, len(idx))
			}
			continue
		}
		unique = append(unique, addr)
	}
	// One read of the holders of every address to be given, not a search
	// per user (an empty list would read every name, so none is made).
	if len(unique) > 0 {
		x, err := ReadSIPIndex(ctx, d, unique)
		if err != nil {
			return nil, fmt.Errorf("check the sign-in names are unique: %w", err)
		}
		for _, addr := range unique {
			holders[addr] = x.TakenBy(addr, plans[byAddr[addr][0]].User.DN)
		}
	}
	for i := range plans {
		if plans[i].Skip != "" {
			continue
		}
		plans[i].Change = flags.Change{
			Enabled:    flags.Some(true),
			SIPAddress: flags.Some(plans[i].Address),
			HomeServer: flags.Some(pool.HomeServerDN),
			Flags:      flags.Delta{Set: flags.EnhancedPresence},
		}
		if u := plans[i].User; u.OCS.HomeServer.Set && SameDN(u.OCS.HomeServer.V, pool.HomeServerDN) {
			plans[i].Change.HomeServer = flags.Opt[string]{}
		}
		_, refusals := PlanWrite(WriteRequest{User: plans[i].User, Change: plans[i].Change, Pools: pools, Holders: holders})
		if len(refusals) > 0 {
			plans[i].Skip, plans[i].Change = refusals[0].Reason, flags.Change{}
		}
	}
	return plans, nil
}

// EnableResult is one user's outcome.
type EnableResult struct {
	DN      string
	Address string
	Err     error // nil when enabled
	Skipped bool
}

// stillFree claims, just before the write, the address the plan gives
// (ClaimSIP): between the plan and the write another admin (or another
// user of this run) may have taken it.
func stillFree(ctx context.Context, d Directory, p EnablePlan) error {
	err := ClaimSIP(ctx, d, p.User.DN, p.Address)
	var re *RefusedError
	if errors.As(err, &re) {
		r := re.First()
		return fmt.Errorf("%s was taken by %s after the plan was made; nothing was written (%s)", r.Addr, r.Others[0], r.Reason)
	}
	return err
}

// ApplyEnable writes each plan as its own compare-and-swap, so one user's
// failure or conflict does not stop the others. progress, if set, is called
// after each user.
func ApplyEnable(ctx context.Context, d Directory, plans []EnablePlan, progress func(done int, r EnableResult)) []EnableResult {
	out := make([]EnableResult, 0, len(plans))
	for i, p := range plans {
		r := EnableResult{DN: p.User.DN, Address: p.Address}
		switch {
		case p.Skip != "":
			r.Skipped, r.Err = true, errors.New(p.Skip)
		case ctx.Err() != nil:
			r.Err = ctx.Err()
		default:
			r.Err = stillFree(ctx, d, p)
			if r.Err == nil {
				// From the read the plan was made on: a sign-in name or pool
				// another admin set since is a conflict, never overwritten.
				var res UpdateResult
				res, r.Err = UpdateFromDetail(ctx, d, p.User, p.Change, 3)
				var ue *UnknownOutcomeError
				if errors.As(r.Err, &ue) {
					// Sent with no answer: read the user again before
					// saying anything, even when the run was stopped.
					sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
					var o WriteOutcome
					res.After, o, r.Err = Settle(sctx, d, ue)
					cancel()
					if o.Changed() {
						res.Sent = ue.Change
					}
				}
				if r.Err == nil && len(res.Sent.Edits) > 0 {
					// The search before the write cannot see a claim racing it.
					_, r.Err = ConfirmClaim(context.WithoutCancel(ctx), d, Claimed(res.Before, p.Change), res.Sent, res.After)
				}
			}
		}
		out = append(out, r)
		if progress != nil {
			progress(i+1, r)
		}
	}
	return out
}
