package directory

// The bulk engine, first half: select → plan. A bulk run reads once (the
// pools, the selected users in one paged read or one pass over a list of
// names, the sign-in names in scope into a SIPIndex) and then decides every
// user in memory with the write rules: the compare-and-swap delta, before
// and after, or why the user is left alone. No search is made per user.
// bulk_apply.go writes the plan.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ocsflags/flags"
)

// BulkSelection says which users a bulk run is about: one of OU, IDs or
// Users.
type BulkSelection struct {
	// OU and Scope: every user and OCS contact below an OU.
	OU    string
	Scope Scope
	// IDs: identifiers as --user takes them (DN, sAMAccountName, UPN,
	// mail, sign-in name, the name ADUC shows), resolved in one pass.
	IDs []string
	// Users: users already read (the console's selection), not read again.
	Users []User
}

// Where narrows a selection. Match sees each user with the plan's pools
// and sign-in names, so readiness and the audit's findings are judged from
// the one read, never by a search of their own.
type Where interface {
	Match(u User, a *Auditor) bool
}

// WhereFunc is a function as a Where.
type WhereFunc func(u User, a *Auditor) bool

// Match implements Where.
func (f WhereFunc) Match(u User, a *Auditor) bool { return f(u, a) }

// BulkRequest is what PlanBulk plans.
type BulkRequest struct {
	Select BulkSelection
	// Where, when set, keeps only the selected users it matches.
	Where Where
	// Settled, when set with Where, is Where less what Change decides
	// (flags.Where.Settled): a user Where leaves out but Settled keeps, and
	// that already holds its intent, is where a run of this request leaves
	// its users. They are counted (BulkPlan.Settled), not planned: run
	// twice, the repair says the users the first run repaired (no longer
	// matching --where finding=…) hold the change, not just "0 match".
	Settled Where
	// Change is the intent, the same for every user: deltas for bit masks,
	// target values elsewhere (flags.Change). Its HomeServer, when set, is
	// a pool's home-server DN already chosen from Pools.
	Change flags.Change
	// RepairHome, when set, is a pool's home-server DN given to the users
	// whose home server is missing or broken (not a pool, or a pool since
	// deleted) on top of Change; the others keep theirs and get the rest of
	// Change (the console's "pool for broken home servers").
	RepairHome string
	// Pools, when set, is the pools as the caller read them to choose
	// Change.HomeServer: not read again.
	Pools *PoolList
	// Pending, when set, tells the users with edits of their own waiting
	// (the console's pending store): they are skipped, never written over.
	Pending func(dn string) bool
}

// BulkOutcome is where one user of a bulk run stands: in a plan "write",
// "unchanged" or "skipped"; after the run "written", "unchanged",
// "skipped", "conflict" or "failed".
type BulkOutcome string

const (
	BulkWrite     BulkOutcome = "write"
	BulkWritten   BulkOutcome = "written"
	BulkUnchanged BulkOutcome = "unchanged"
	BulkSkipped   BulkOutcome = "skipped"
	BulkConflict  BulkOutcome = "conflict"
	BulkFailed    BulkOutcome = "failed"
)

// Rules of a bulk run's own, next to the write rules' (Refusal.Rule).
const (
	// RulePending: the user has edits of its own waiting in the console.
	RulePending Rule = "pending-edits"
	// RuleStopped: the run was stopped before this user was written.
	RuleStopped Rule = "stopped"
	// RuleNoLongerSelected: another writer changed the user after the
	// plan was read, and it no longer matches the request's Where.
	RuleNoLongerSelected Rule = "no-longer-selected"
)

// BulkItem is one user of a plan.
type BulkItem struct {
	// User as read for the plan: the compare-and-swap expects its values.
	User    User
	Outcome BulkOutcome
	// Intent is what this user gets: the request's Change, with
	// RepairHome's home server when the user's is broken.
	Intent flags.Change
	// Change is the compare-and-swap write (BulkWrite only) and After the
	// settings it leaves.
	Change Change
	After  flags.Settings
	// Refusal says why a skipped user is left alone.
	Refusal *Refusal
	// Claim is the sign-in name the write puts to use ("" for none).
	Claim string
	// Warnings are consequences of an allowed write (WriteWarnings).
	Warnings []Refusal
}

// BulkPlan is a bulk run decided in memory, for a preview and for
// ApplyBulk.
type BulkPlan struct {
	Change flags.Change
	Items  []BulkItem
	// Read is how many users the selection read, Selected how many of
	// them Where kept (both count each user once), Settled how many of the
	// others already hold the change (BulkRequest.Settled).
	Read, Selected, Settled int
	Pools                   PoolSet
	// SIPScope is how far the sign-in names were read.
	SIPScope flags.SearchScope
	// Where is the request's condition, and Auditor what it was matched
	// with: ApplyBulk matches again a user another writer changed after
	// the plan, before planning its write again.
	Where   Where
	Auditor *Auditor
}

// Count is the number of items with outcome o.
func (p *BulkPlan) Count(o BulkOutcome) int {
	n := 0
	for _, it := range p.Items {
		if it.Outcome == o {
			n++
		}
	}
	return n
}

// IDProblem is one identifier of a list that names no user, or several.
type IDProblem struct {
	// Index is the identifier's position in BulkSelection.IDs.
	Index int
	ID    string
	// Matches are the DNs of the users it names when it names several.
	Matches []string
	Err     error
}

// UnresolvedError says which identifiers of a list name no user or more
// than one: a bulk run over a list writes nothing until every line names
// exactly one user.
type UnresolvedError struct {
	Problems []IDProblem
}

func (e *UnresolvedError) Error() string {
	p := e.Problems[0]
	msg := fmt.Sprintf("%d of the identifiers name no user or several", len(e.Problems))
	if len(e.Problems) == 1 {
		msg = "an identifier names no user or several"
	}
	return fmt.Sprintf("%s (first: %s: %v); nothing was written", msg, p.ID, p.Err)
}

// PlanBulk reads the selection once and plans r.Change for every user. A
// change the rules refuse for many users whoever they are
// (CheckBulkChange) is a *RefusedError before anything is read.
func PlanBulk(ctx context.Context, d Directory, r BulkRequest) (*BulkPlan, error) {
	if rs := CheckBulkChange(r.Change); len(rs) > 0 {
		return nil, &RefusedError{Refusals: rs}
	}
	var pl PoolList
	var err error
	if r.Pools != nil {
		pl = *r.Pools
	} else if pl, err = d.Pools(ctx); err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	p := &BulkPlan{Change: r.Change, Pools: NewPoolSetFrom(pl), SIPScope: d.Info().SIPScope, Where: r.Where}
	aud := &Auditor{Pools: p.Pools, Scope: p.SIPScope}
	p.Auditor = aud
	seen := map[string]bool{}
	var users []User
	keep := func(u User) {
		k := NormDN(u.DN)
		if seen[k] {
			return
		}
		seen[k] = true
		p.Read++
		switch {
		case r.Where == nil || r.Where.Match(u, aud):
			users = append(users, u)
		case r.Settled != nil && r.Settled.Match(u, aud) && holdsAlready(u, intentFor(u, r, aud)):
			p.Settled++
		}
	}
	sel := r.Select
	switch {
	case sel.OU != "":
		if _, err := ParseDN(sel.OU); err != nil {
			return nil, err
		}
		var err error
		if r.Where == nil && !mayClaim(r.Change) {
			// Nothing asks about sign-in names (no condition, no name put
			// to use): the users alone, without reading every name in
			// the forest.
			aud.SIP = NewSIPIndex()
			err = d.Users(ctx, sel.OU, sel.Scope, func(b Batch) error {
				for _, u := range b.Users {
					keep(u)
				}
				return nil
			})
		} else {
			err = ReadUsersAndSIPIndex(ctx, d, sel.OU, sel.Scope, nil, func(x *SIPIndex, us []User) error {
				aud.SIP = x
				for _, u := range us {
					keep(u)
				}
				return nil
			})
		}
		if err != nil {
			return nil, bulkReadError(fmt.Sprintf("list users of %s", sel.OU), err)
		}
		if aud.SIP == nil {
			aud.SIP = NewSIPIndex()
		}
	default:
		given := sel.Users
		if len(sel.IDs) > 0 {
			found, err := ResolveMany(ctx, d, sel.IDs)
			if err != nil {
				return nil, bulkReadError("look up the users of the list", err)
			}
			var probs []IDProblem
			for i, us := range found {
				switch len(us) {
				case 1:
					given = append(given, us[0])
				case 0:
					probs = append(probs, IDProblem{Index: i, ID: sel.IDs[i], Err: errors.New("no user or contact is known by this name (tried DN, sAMAccountName, userPrincipalName, mail, SIP address, display name and cn)")})
				default:
					var dns []string
					for _, u := range us {
						dns = append(dns, u.DN)
					}
					probs = append(probs, IDProblem{Index: i, ID: sel.IDs[i], Matches: dns,
						Err: fmt.Errorf("names %d objects (%s); give the DN of the one meant", len(us), strings.Join(dns, "; "))})
				}
			}
			if len(probs) > 0 {
				return nil, &UnresolvedError{Problems: probs}
			}
		}
		// One read of the sign-in names these users hold or would claim:
		// duplicates for --where and for the claims, not a search each.
		var names []string
		for _, u := range given {
			names = append(names, SIPNamesFor(u)...)
			if a := Claimed(u, r.Change); a != "" {
				names = append(names, a)
			}
		}
		aud.SIP = NewSIPIndex()
		if len(names) > 0 {
			if aud.SIP, err = ReadSIPIndex(ctx, d, names); err != nil {
				return nil, fmt.Errorf("read the sign-in names: %w", err)
			}
		}
		for _, u := range given {
			keep(u)
		}
	}
	p.Selected = len(users)
	p.Items = planItems(users, r, aud)
	return p, nil
}

// intentFor is what r gives u: its Change, with RepairHome's home server
// when u's is missing or broken.
func intentFor(u User, r BulkRequest, aud *Auditor) flags.Change {
	c := r.Change
	if h := u.OCS.HomeServer; r.RepairHome != "" && (!h.Set || !aud.IsPool(h.V) && aud.Unknown(h.V) == "") {
		c.HomeServer = flags.Some(r.RepairHome)
	}
	return c
}

// holdsAlready reports whether u already holds c: writing it would change
// nothing.
func holdsAlready(u User, c flags.Change) bool {
	after, err := u.OCS.Apply(c)
	return err == nil && len(Edits(u.OCS, after)) == 0
}

// bulkReadError is a failed read of the selection. A user whose msRTCSIP
// values did not decode (impossible on AD; possible on other servers and
// hand-made data) stops the plan whichever way it was selected: its write
// would be planned on a value the directory does not hold.
func bulkReadError(what string, err error) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return fmt.Errorf("%s: %w; a change to many users is planned on the values as stored, so nothing was planned or written: "+
			"correct the value (ADSI Edit, ldapmodify) or leave the user out of the selection, and run again", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// planItems applies the write rules to every user: two passes, because a
// sign-in name the run would give to two of its users is refused for both
// (RuleSIPPending), whichever comes first.
func planItems(users []User, r BulkRequest, aud *Auditor) []BulkItem {
	claims := make([]string, len(users))
	intents := make([]flags.Change, len(users))
	pending := Holders{}
	for i, u := range users {
		intents[i] = intentFor(u, r, aud)
		if r.Pending != nil && r.Pending(u.DN) {
			continue
		}
		if a := Claimed(u, intents[i]); a != "" {
			claims[i] = a
			k := strings.ToLower(a)
			pending[k] = append(pending[k], u.DN)
		}
	}
	items := make([]BulkItem, len(users))
	for i, u := range users {
		it := BulkItem{User: u, Intent: intents[i], Claim: claims[i]}
		if r.Pending != nil && r.Pending(u.DN) {
			it.Outcome = BulkSkipped
			it.Refusal = &Refusal{Rule: RulePending, DN: u.DN, Reason: "has edits of its own waiting in the console; commit or drop them first"}
			items[i] = it
			continue
		}
		req := WriteRequest{User: u, Change: it.Intent, Pools: aud.Pools, Bulk: true}
		if a := claims[i]; a != "" {
			k := strings.ToLower(a)
			req.Holders = Holders{k: aud.SIP.Holders(a)}
			req.Pending = Holders{k: pending[k]}
		}
		ch, refusals := PlanWrite(req)
		switch {
		case len(ch.Edits) == 0 && !cannotApply(refusals):
			// The directory holds the intent already: a rule that would
			// refuse writing it has nothing to refuse.
			it.Outcome = BulkUnchanged
			it.After = u.OCS
		case len(refusals) > 0:
			it.Outcome = BulkSkipped
			rf := refusals[0]
			it.Refusal = &rf
		default:
			it.Outcome, it.Change = BulkWrite, ch
			it.After, _ = u.OCS.Apply(it.Intent)
			it.Warnings = WriteWarnings(u, it.Intent)
		}
		items[i] = it
	}
	return items
}

// cannotApply reports whether the change could not even be applied to the
// values read (its empty edits then mean nothing, not "already so").
func cannotApply(rs []Refusal) bool {
	for _, r := range rs {
		if r.Rule == RuleCannotApply || r.Rule == RuleEnhancedPresence {
			return true
		}
	}
	return false
}

// mayClaim reports whether c can put a sign-in name to use on some user
// (flags.ClaimedSIP): by enabling, or by giving a name.
func mayClaim(c flags.Change) bool {
	return c.Enabled.Set && c.Enabled.V || c.SIPAddress.Set && c.SIPAddress.V != ""
}
