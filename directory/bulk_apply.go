package directory

// The bulk engine, second half: apply → report. Every user of a plan is
// its own compare-and-swap, made by one of a few workers at once (the LDAP
// adapter pools their connections), journaled ahead by the Journaled
// decorator under one run id, and re-applied on top when another writer
// changed the user after the plan was read. A stop (the context ends)
// lets the writes in flight finish and sends no more.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"ocsflags/flags"
)

// DefaultParallel is how many users a bulk run writes at once.
const DefaultParallel = 4

// MaxParallel is the most a bulk run may write at once: the LDAP
// adapter's connection limit.
const MaxParallel = maxConns

// BulkOptions tune ApplyBulk.
type BulkOptions struct {
	// Parallel is how many users are written at once (DefaultParallel
	// when 0).
	Parallel int
	// Tries is how many writes one user gets when others keep changing it
	// (10 when 0).
	Tries int
	// Progress, when set, gets each user's result as it completes, with
	// how many are done of how many, always from the goroutine that called
	// ApplyBulk, so it may write to a terminal without locking.
	Progress func(r BulkResult, done, total int)
}

// BulkResult is one user's outcome.
type BulkResult struct {
	DN   string
	Name string
	// SAM is the sAMAccountName ("" for a contact): two users may share a
	// display name, never an account name.
	SAM string
	// Outcome is written, unchanged, skipped, conflict or failed.
	Outcome BulkOutcome
	// Refusal is the rule that left the user alone (skipped, or a
	// conflict that made a rule refuse it); nil otherwise.
	Refusal *Refusal
	// Err is why a conflict or failure happened.
	Err error
	// Sent is this run's delta as written (written only), and After the
	// user as read back after the write (zero when it could not be).
	Sent  Change
	After User
	// Others are what other writers changed between the plan's read and
	// the write, kept as they left it.
	Others []flags.AttrEdit
	// Attempts is how many writes were sent.
	Attempts int
	// Warnings are the plan's warnings for an allowed write.
	Warnings []Refusal
}

// Reason is why the user did not end in the target state ("" when it did).
func (r BulkResult) Reason() string {
	switch {
	case r.Refusal != nil:
		return r.Refusal.Reason
	case r.Err != nil:
		return r.Err.Error()
	}
	return ""
}

// BulkReport is a whole run.
type BulkReport struct {
	// Run is the journal's id of the run (directory.WithRun).
	Run string
	// Results are in the plan's order.
	Results []BulkResult
	// Stopped is set when the context ended before every user was written.
	Stopped bool
}

// Count is the number of results with outcome o.
func (r *BulkReport) Count(o BulkOutcome) int {
	n := 0
	for _, x := range r.Results {
		if x.Outcome == o {
			n++
		}
	}
	return n
}

// Done reports whether every user ended in the target state.
func (r *BulkReport) Done() bool {
	return r.Count(BulkWritten)+r.Count(BulkUnchanged) == len(r.Results)
}

// ApplyBulk writes plan. It returns when every user is decided or, once
// ctx ends, when the writes in flight have finished: the users not sent
// by then are skipped with RuleStopped, untouched. The run is journaled
// under RunOf(ctx), or a new run id put on ctx.
func ApplyBulk(ctx context.Context, d Directory, plan *BulkPlan, o BulkOptions) *BulkReport {
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel
	}
	if o.Tries <= 0 {
		o.Tries = 10
	}
	run := RunOf(ctx)
	if run == "" {
		run = NewRunID()
		ctx = WithRun(ctx, run)
	}
	rep := &BulkReport{Run: run, Results: make([]BulkResult, len(plan.Items))}
	total, done := len(plan.Items), 0
	emit := func(i int) {
		done++
		if o.Progress != nil {
			o.Progress(rep.Results[i], done, total)
		}
	}
	var writes []int
	for i, it := range plan.Items {
		r := BulkResult{DN: it.User.DN, Name: it.User.Label(), SAM: it.User.SAMAccountName, Outcome: it.Outcome, Refusal: it.Refusal, Warnings: it.Warnings}
		rep.Results[i] = r
		if it.Outcome == BulkWrite {
			writes = append(writes, i)
			continue
		}
		emit(i)
	}

	// selected matches a user another writer changed against the plan's
	// Where again; the Auditor caches its answers, so one at a time.
	var whereMu sync.Mutex
	selected := func(u User) bool {
		if plan.Where == nil || plan.Auditor == nil {
			return true
		}
		whereMu.Lock()
		defer whereMu.Unlock()
		return plan.Where.Match(u, plan.Auditor)
	}

	// A write once sent is finished whatever happens to ctx: its outcome
	// must be known and journaled. Only sending the next one stops.
	wctx := context.WithoutCancel(ctx)
	jobs := make(chan int)
	finished := make(chan int)
	var wg sync.WaitGroup
	for range min(o.Parallel, max(len(writes), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				rep.Results[i] = applyItem(wctx, d, plan, plan.Items[i], o.Tries, selected)
				finished <- i
			}
		}()
	}
	sent := make([]bool, len(plan.Items))
	go func() {
		defer close(jobs)
		for _, i := range writes {
			if ctx.Err() != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case jobs <- i:
				// sent is read only after wg.Wait, which orders it.
				sent[i] = true
			}
		}
	}()
	go func() { wg.Wait(); close(finished) }()

	// A user whose write put a sign-in name to use is reported once the
	// claims are confirmed, all of them in one read after the writes.
	var claimed []int
	for i := range finished {
		r := rep.Results[i]
		if r.Outcome == BulkWritten && plan.Items[i].Claim != "" && len(r.Sent.Edits) > 0 {
			claimed = append(claimed, i)
			continue
		}
		emit(i)
	}
	if len(claimed) > 0 {
		confirmClaims(wctx, d, plan, rep, claimed)
		for _, i := range claimed {
			emit(i)
		}
	}
	for _, i := range writes {
		if !sent[i] {
			rep.Stopped = true
			rep.Results[i].Outcome = BulkSkipped
			rep.Results[i].Refusal = &Refusal{Rule: RuleStopped, DN: plan.Items[i].User.DN,
				Reason: "the run was stopped before this user was written; it is untouched (run the same command again to finish)"}
			emit(i)
		}
	}
	return rep
}

// applyItem writes one user as set does: a compare-and-swap from the read
// the plan was made on and, when another writer changed the user since,
// the same intent planned again on what they left (their values kept),
// unless they changed a value the intent sets outright, the user no
// longer matches the plan's Where, or the write rules now refuse it.
func applyItem(ctx context.Context, d Directory, plan *BulkPlan, it BulkItem, tries int, selected func(User) bool) BulkResult {
	r := BulkResult{DN: it.User.DN, Name: it.User.Label(), SAM: it.User.SAMAccountName, Warnings: it.Warnings}
	cur := it.User
	for attempt := 1; ; attempt++ {
		ch, refusals := PlanWrite(WriteRequest{User: cur, Change: it.Intent, Pools: plan.Pools, Bulk: true})
		if attempt > 1 {
			r.Others = Edits(it.User.OCS, cur.OCS)
		}
		switch {
		case len(ch.Edits) == 0 && !cannotApply(refusals):
			r.Outcome = BulkUnchanged
			return r
		case len(refusals) > 0:
			// Only after a conflict: the plan's read passed the rules.
			rf := refusals[0]
			r.Outcome, r.Refusal = BulkConflict, &rf
			r.Err = fmt.Errorf("changed by another writer since the plan, and now refused: %s", rf.Reason)
			return r
		}
		r.Attempts = attempt
		got, err := d.Apply(ctx, ch)
		var ce *ConflictError
		var ue *UnknownOutcomeError
		switch {
		case err == nil:
			r.Outcome, r.Sent, r.After = BulkWritten, ch, got
			return r
		case errors.Is(err, ErrWrittenUnread):
			r.Outcome, r.Sent = BulkWritten, ch
			return r
		case errors.As(err, &ue):
			sctx, cancel := context.WithTimeout(ctx, settleTimeout)
			got, o, serr := Settle(sctx, d, ue)
			cancel()
			if o.Changed() {
				r.Outcome, r.Sent, r.After = BulkWritten, ue.Change, got
				return r
			}
			r.Outcome, r.Err = BulkFailed, serr
			if serr == nil {
				r.Err = err
			}
			return r
		case errors.As(err, &ce):
			if attempt >= tries {
				r.Outcome = BulkConflict
				r.Err = fmt.Errorf("%w (gave up after %d attempts; others keep changing this user)", err, tries)
				return r
			}
			if ch, rf := PlanWrite(WriteRequest{User: ce.Current, Change: it.Intent, Pools: plan.Pools, Bulk: true}); len(ch.Edits) == 0 && !cannotApply(rf) {
				// Another writer already made this change: the user is
				// where the run would take them. Asked before the
				// selection, whose terms the change itself decides.
				r.Outcome, r.Others = BulkUnchanged, Edits(it.User.OCS, ce.Current.OCS)
				return r
			}
			if !selected(ce.Current) {
				// The selection was the admin's judgement on the user as
				// read: one another writer moved out of it is no longer
				// this run's to write.
				r.Outcome, r.Others = BulkSkipped, Edits(it.User.OCS, ce.Current.OCS)
				r.Refusal = &Refusal{Rule: RuleNoLongerSelected, DN: it.User.DN,
					Reason: fmt.Sprintf("another writer changed %s after the plan was read, and the user no longer matches the selection: left as they left it, not written", editedAttrs(r.Others))}
				return r
			}
			if absoluteChanged(it.Intent, cur.OCS, ce.Current.OCS) {
				r.Outcome, r.Others = BulkConflict, Edits(it.User.OCS, ce.Current.OCS)
				r.Err = fmt.Errorf("another writer changed %s since the plan; their value is kept, not overwritten", editedAttrs(r.Others))
				return r
			}
			cur = ce.Current
		default:
			r.Outcome, r.Err = BulkFailed, err
			return r
		}
	}
}

func editedAttrs(es []flags.AttrEdit) string {
	var names []string
	for _, e := range es {
		names = append(names, e.Attr)
	}
	if len(names) == 0 {
		return "the user"
	}
	return strings.Join(names, ", ")
}

// confirmClaims is ConfirmClaim for every user of the run whose write put
// a sign-in name to use, from one read of the holders of those names: a
// claim another object made at the same time is taken back, and the user
// reported failed with the *ClaimConflictError.
func confirmClaims(ctx context.Context, d Directory, plan *BulkPlan, rep *BulkReport, idx []int) {
	names := make([]string, 0, len(idx))
	for _, i := range idx {
		names = append(names, plan.Items[i].Claim)
	}
	x, err := ReadSIPIndex(ctx, d, names)
	for _, i := range idx {
		r := &rep.Results[i]
		addr := plan.Items[i].Claim
		if err != nil {
			// Written, but not known to be the only holder: not in the
			// target state (a sign-in name held twice signs in neither).
			r.Outcome = BulkFailed
			r.Err = fmt.Errorf("%s was written to %s, but checking afterwards that no other object claimed it at the same time failed: %w; search for it before relying on it", addr, r.DN, err)
			continue
		}
		if u, cerr := undoClaim(ctx, d, addr, x.TakenBy(addr, r.DN), r.Sent, r.After); cerr != nil {
			// Taken back or not, the user is not in the target state: a
			// claim taken back is a write undone; one that could not be
			// leaves two objects holding the name. Sent stays what is in
			// the directory (the journal and the report show it).
			var cc *ClaimConflictError
			if errors.As(cerr, &cc) && cc.Undone {
				r.Sent, r.After = Change{DN: r.DN}, u
			}
			r.Outcome, r.Err = BulkFailed, cerr
		}
	}
}
