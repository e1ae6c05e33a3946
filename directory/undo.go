package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"ocsflags/flags"
)

// Undo: the inverse of a journaled write, as a compare-and-swap on what the
// directory holds now. A bit mask gets the inverse delta of the bits the
// write changed (flags.UndoBits), where they are still as it left them; any
// other attribute goes back to what it was only where it still holds the
// value the write wrote. Whatever someone changed since is refused, named
// with both values, and left as it is. The undo is then an ordinary write:
// PlanWrite's rules, the sign-in name claim, the journal.

// UndoAction is what an undo does with one part of a write.
type UndoAction int

const (
	// UndoRestored: goes back to what it was before the write.
	UndoRestored UndoAction = iota
	// UndoRefused: the directory no longer holds what the write wrote
	// (someone changed it since): left as it is now.
	UndoRefused
	// UndoKept: a one-way setting the write made (enhanced presence): it
	// stays.
	UndoKept
)

// UndoPart is one part of an undo: an attribute, or for a bit mask the bits
// restored, refused or kept.
type UndoPart struct {
	Attr   string
	Action UndoAction
	// Before and Wrote are the write's (what it expected, what it wrote);
	// Holds is what the directory holds now; Back what the undo writes
	// (for a bit mask, Holds with Bits.Delta applied).
	Before, Wrote, Holds, Back flags.Opt[string]
	// Bits is the bit-mask undo, for OptionFlags and ArchivingEnabled.
	Bits flags.BitUndo
	// Reason says why the part is refused or kept, or a note on a
	// restored one (an attribute the write created that stays, because
	// another writer's bits are in it now).
	Reason string
	// ChangedSince: refused because the directory's value changed after
	// the write (not because it is already back to before).
	ChangedSince bool
	// sinceHead and sinceTail are Reason either side of the words that
	// say who changed it, for NameChangedSince to name the writes: never
	// found by searching Reason, which holds directory values.
	sinceHead, sinceTail string
}

// changedSinceBy sets pt's Reason to head, who changed it, and tail.
func (pt *UndoPart) changedSinceBy(head, who, tail string) {
	pt.ChangedSince, pt.sinceHead, pt.sinceTail = true, head, tail
	pt.Reason = head + who + tail
}

// UndoPlan is the undo of one write on the user as read now.
type UndoPlan struct {
	Write JournalWrite
	// Change is the undo as intent: bit deltas and values, for PlanWrite
	// (the console stages it as pending edits).
	Change flags.Change
	Parts  []UndoPart
}

// Complete reports whether the undo takes the whole write back: nothing
// refused, nothing kept.
func (p UndoPlan) Complete() bool {
	for _, pt := range p.Parts {
		if pt.Action != UndoRestored {
			return false
		}
	}
	return true
}

// RuleUndoNotWritten: a write that was not written has nothing to undo;
// RuleUndoOtherDirectory: a write is undone only in the directory it was
// written to.
const (
	RuleUndoNotWritten     Rule = "undo-not-written"
	RuleUndoOtherDirectory Rule = "undo-other-directory"
)

// PlanUndo is the undo of w on u as read now.
func PlanUndo(w JournalWrite, u User) UndoPlan {
	p := UndoPlan{Write: w}
	now := u.OCS.Encode()
	holds := func(attr string) flags.Opt[string] {
		if v, ok := now[attr]; ok {
			return flags.Some(v)
		}
		return flags.Opt[string]{}
	}
	for _, e := range w.Edits {
		attr := canonicalAttr(e.Attr)
		pt := UndoPart{Attr: attr, Before: e.Old, Wrote: e.New, Holds: holds(attr)}
		if e.Old == e.New {
			continue
		}
		switch attr {
		case flags.AttrOptionFlags, flags.AttrArchivingEnabled:
			p.Parts = append(p.Parts, undoBits(&p.Change, pt)...)
			continue
		}
		if !sameOpt(attr, pt.Holds, pt.Wrote) {
			pt.Action = UndoRefused
			pt.changedSinceBy(fmt.Sprintf("%s holds %s now, not %s as this write left it (", attr, showOpt(pt.Holds), showOpt(pt.Wrote)),
				changedSince, "); left as it is")
			if sameOpt(attr, pt.Holds, pt.Before) {
				pt.ChangedSince = false
				pt.Reason = fmt.Sprintf("%s holds %s now, not %s as this write left it: it is already back to what it was before; left as it is", attr, showOpt(pt.Holds), showOpt(pt.Wrote))
			}
			p.Parts = append(p.Parts, pt)
			continue
		}
		pt.Back = e.Old
		if err := setBack(&p.Change, &pt); err != nil {
			pt.Action, pt.Reason = UndoRefused, err.Error()
		}
		p.Parts = append(p.Parts, pt)
	}
	return p
}

// changedSince is how a refused part says the value changed after the
// write, until NameChangedSince names who changed it.
const changedSince = "someone changed it since"

// NameChangedSince names, in each refused part, the later journaled writes
// of the same user that changed what the part is about (for a bit mask,
// the refused bits), instead of "someone": writes ocsflags made itself are
// known, and undoing them first lets this one through. later is the
// journal's written writes after p.Write, oldest first; writes to other
// users, or of other attributes, are passed over.
func (p *UndoPlan) NameChangedSince(later []JournalWrite) {
	for i := range p.Parts {
		pt := &p.Parts[i]
		if pt.Action != UndoRefused || !pt.ChangedSince {
			continue
		}
		var by []JournalWrite
		for _, w := range later {
			if !SameDN(w.DN, p.Write.DN) || !w.Written() || w.ID == p.Write.ID {
				continue
			}
			for _, e := range w.Edits {
				if canonicalAttr(e.Attr) == pt.Attr && touches(pt, e) {
					by = append(by, w)
					break
				}
			}
		}
		if len(by) == 0 {
			continue
		}
		var names, ids []string
		for _, w := range by {
			names = append(names, fmt.Sprintf("write %s at %s", w.ID, w.Time.UTC().Format("2006-01-02 15:04:05Z")))
		}
		for j := len(by) - 1; j >= 0; j-- {
			ids = append(ids, by[j].ID)
		}
		if len(names) > 3 {
			names = append(names[:3], fmt.Sprintf("%d more", len(by)-3))
		}
		them := "it"
		if len(by) > 1 {
			them = "them"
		}
		pt.Reason = pt.sinceHead + fmt.Sprintf("changed since by %s; undo %s first: ocsflags undo %s", strings.Join(names, ", "), them, strings.Join(ids, " ")) + pt.sinceTail
	}
}

// touches reports whether the edit e of a later write changed what the
// refused part pt is about: for a bit mask, one of the refused bits.
func touches(pt *UndoPart, e flags.AttrEdit) bool {
	if pt.Attr != flags.AttrOptionFlags && pt.Attr != flags.AttrArchivingEnabled {
		return e.Old != e.New
	}
	o, _ := flags.ParseAD(e.Old.Or("0"))
	n, _ := flags.ParseAD(e.New.Or("0"))
	return (o^n)&pt.Bits.Refused != 0
}

// undoBits plans a bit mask's undo: a part for the bits restored, one for
// those refused and one for those kept.
func undoBits(c *flags.Change, pt UndoPart) []UndoPart {
	val := func(o flags.Opt[string]) flags.Value {
		v, _ := flags.ParseAD(o.Or("0"))
		return v
	}
	before, after, cur := val(pt.Before), val(pt.Wrote), val(pt.Holds)
	var u flags.BitUndo
	if pt.Attr == flags.AttrOptionFlags {
		u = flags.UndoOptionFlags(before, after, cur)
		c.Flags = u.Delta
	} else {
		u = flags.UndoBits(before, after, cur, 0)
		c.Archiving = u.Delta
	}
	pt.Bits = u
	var out []UndoPart
	// A write that created the attribute is taken back to absent: a
	// compare-and-swap delete of the value it wrote, only while the
	// directory holds exactly that. When other bits changed since, the
	// bits are inverted and the attribute stays.
	created := !pt.Before.Set && pt.Wrote.Set
	exact := sameOpt(pt.Attr, pt.Holds, pt.Wrote)
	if created && exact {
		if pt.Attr == flags.AttrOptionFlags {
			c.Remove |= flags.RemoveOptionFlags
		} else {
			c.Remove |= flags.RemoveArchiving
		}
	}
	if !u.Delta.IsZero() {
		r := pt
		r.Action = UndoRestored
		back, _ := u.Delta.Apply(cur)
		r.Back = flags.Some(flags.FormatAD(back))
		switch {
		case created && exact && back == 0:
			r.Back = flags.Opt[string]{}
		case created && !exact:
			r.Reason = fmt.Sprintf("%s was absent before this write; it holds %s now, not %s as this write left it, so only the bits are taken back and the attribute stays, as %s",
				pt.Attr, showOpt(pt.Holds), showOpt(pt.Wrote), flags.FormatAD(back))
		}
		out = append(out, r)
	}
	if u.Refused != 0 {
		r := pt
		r.Action = UndoRefused
		var what []string
		if s := u.Refused & (after &^ before); s != 0 {
			what = append(what, "it set "+names(pt.Attr, s)+", which "+pt.Attr+" no longer has")
		}
		if cl := u.Refused & (before &^ after); cl != 0 {
			what = append(what, "it cleared "+names(pt.Attr, cl)+", which "+pt.Attr+" has again")
		}
		r.changedSinceBy(fmt.Sprintf("%s: this write left %s %s, it holds %s now (",
			strings.Join(what, "; "), pt.Attr, showOpt(pt.Wrote), showOpt(pt.Holds)), changedSince, "); those bits are left as they are")
		out = append(out, r)
	}
	if u.Kept != 0 {
		r := pt
		r.Action = UndoKept
		r.Reason = fmt.Sprintf("enhanced presence (%s) set by this write stays set: it is one-way and never cleared", names(pt.Attr, u.Kept))
		out = append(out, r)
	}
	return out
}

func names(attr string, v flags.Value) string {
	if attr == flags.AttrOptionFlags {
		return flags.BitsNames(v)
	}
	var parts []string
	for _, b := range v.Bits() {
		parts = append(parts, fmt.Sprint(uint32(b)))
	}
	return strings.Join(parts, ", ")
}

// setBack puts the part's old value into the change.
func setBack(c *flags.Change, pt *UndoPart) error {
	str := func(dst *flags.Opt[string]) {
		// "" removes the attribute.
		*dst = flags.Some(pt.Back.V)
	}
	boolean := func(dst *flags.Opt[bool], r flags.Removal) error {
		if !pt.Back.Set {
			// Absent again, as before the write: the caller checked it
			// still holds what the write wrote.
			c.Remove |= r
			return nil
		}
		b, err := flags.ParseADBool(pt.Back.V)
		if err != nil {
			return fmt.Errorf("%s was %q before this write, which is no Boolean: left as it is", pt.Attr, pt.Back.V)
		}
		*dst = flags.Some(b)
		return nil
	}
	switch pt.Attr {
	case flags.AttrUserEnabled:
		return boolean(&c.Enabled, flags.RemoveEnabled)
	case flags.AttrFederationEnabled:
		return boolean(&c.Federation, flags.RemoveFederation)
	case flags.AttrInternetAccess:
		return boolean(&c.RemoteAccess, flags.RemoveRemoteAccess)
	case flags.AttrPrimaryUserAddress:
		str(&c.SIPAddress)
	case flags.AttrPrimaryHomeServer:
		str(&c.HomeServer)
	case flags.AttrLine:
		str(&c.Line)
	case flags.AttrLineServer:
		str(&c.LineServer)
	default:
		return fmt.Errorf("ocsflags does not write %s, so it does not take it back either: use the OCS tools", pt.Attr)
	}
	return nil
}

// canonicalAttr is attr spelled as flags spells it, when it is one of the
// attributes ocsflags writes.
func canonicalAttr(attr string) string {
	for _, a := range flags.Writable {
		if strings.EqualFold(a, attr) {
			return a
		}
	}
	return attr
}

// sameOpt compares two values of attr, either of them absent, as AD
// matches them (sameValue).
func sameOpt(attr string, a, b flags.Opt[string]) bool {
	if a.Set != b.Set {
		return false
	}
	if flags.AttributeSyntax(attr) == flags.SyntaxBoolean {
		return strings.EqualFold(a.V, b.V)
	}
	return !a.Set || sameValue(attr, a.V, b.V)
}

func showOpt(o flags.Opt[string]) string {
	if !o.Set {
		return "(absent)"
	}
	return o.V
}

// UndoOptions are how UndoWrite writes.
type UndoOptions struct {
	// DryRun plans and checks the rules, and writes nothing.
	DryRun bool
	// Tries is how many writes a conflict may take (each one plans the
	// undo again on what the directory then holds); 0 means 1.
	Tries int
	// Pools are the pools read, for the pool rules of an undo that
	// changes the home server.
	Pools PoolSet
	// SettleTimeout bounds reading the user again after an unknown
	// outcome (DefaultTimeout when 0).
	SettleTimeout time.Duration
	// Claims, when set, answers the sign-in-name check before the write
	// from one read for many undos (ReadUndoClaims) and defers the check
	// after it to Claims.Confirm; nil searches per write (ClaimSIP,
	// ConfirmClaim), as one undo alone may.
	Claims *UndoClaims
}

// UndoResult is what undoing one write did.
type UndoResult struct {
	// Plan is the undo as planned on the last read.
	Plan UndoPlan
	// Before is the user the undo was written on, After as it left it
	// (with DryRun, its settings as the undo would leave them).
	Before, After User
	// Sent is the undo as written (as it would be, with DryRun); no edits
	// when there was nothing to write.
	Sent Change
	// ID is the undo's own write id in the journal, "" when it was not
	// journaled (the demo, a dry run, nothing written).
	ID string
	// Err is a rule's refusal (*RefusedError: nothing written), or the
	// write's error.
	Err error
	// Unread is set when the undo was written but reading the user back
	// failed (ErrWrittenUnread): it counts as written, with its ID, and
	// After is the settings it would have left.
	Unread error
}

// UndoWrite undoes the journaled write w on cur, the user as read now,
// through d (a *Journaled records the undo, with w's id as "undoes").
func UndoWrite(ctx context.Context, d Directory, w JournalWrite, cur User, o UndoOptions) UndoResult {
	r := UndoResult{Before: cur, After: cur}
	if w.Outcome == JournalNotWritten {
		why := ""
		if w.Error != "" {
			why = " (" + w.Error + ")"
		}
		r.Err = &RefusedError{Refusals: []Refusal{{Rule: RuleUndoNotWritten, DN: w.DN,
			Reason: fmt.Sprintf("write %s was not written%s: there is nothing to undo", w.ID, why)}}}
		return r
	}
	tries := max(o.Tries, 1)
	uctx := WithUndo(ctx, w.ID)
	var ids []string
	uctx = OnJournaled(uctx, func(id string) { ids = append(ids, id) })
	for attempt := 1; ; attempt++ {
		r.Plan = PlanUndo(w, cur)
		r.Before, r.After = cur, cur
		ch, refusals := PlanWrite(WriteRequest{User: cur, Change: r.Plan.Change, Pools: o.Pools})
		if len(refusals) > 0 {
			r.Err = &RefusedError{Refusals: refusals}
			return r
		}
		r.Sent = ch
		if len(ch.Edits) == 0 {
			return r
		}
		addr := Claimed(cur, r.Plan.Change)
		if o.Claims != nil && o.Claims.covers(addr) {
			if err := o.Claims.check(cur.DN, addr); err != nil {
				r.Err = err
				return r
			}
		} else if o.DryRun {
			// A dry run searches nothing per user: the real undo checks.
		} else if err := ClaimSIP(ctx, d, cur.DN, addr); err != nil {
			r.Err = err
			return r
		}
		if o.DryRun {
			// After is what the undo would leave, so a caller that plans
			// the next write of this user on it (an undo of several
			// writes) previews what the real undo then does.
			r.After.OCS = wouldLeave(cur, r.Plan.Change)
			o.Claims.claim(cur.DN, addr)
			return r
		}
		got, err := d.Apply(uctx, ch)
		if errors.Is(err, ErrWrittenUnread) {
			// Written: counted so, with its id, as the bulk engine does.
			r.Unread, err = err, nil
			got = cur
			got.OCS = wouldLeave(cur, r.Plan.Change)
		}
		var ue *UnknownOutcomeError
		if errors.As(err, &ue) {
			timeout := o.SettleTimeout
			if timeout <= 0 {
				timeout = DefaultTimeout
			}
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
			var wo WriteOutcome
			got, wo, err = Settle(sctx, d, ue)
			cancel()
			if wo.Changed() {
				err = nil
			}
		}
		var ce *ConflictError
		if errors.As(err, &ce) && attempt < tries {
			cur = ce.Current
			continue
		}
		if err != nil {
			r.Err = err
			return r
		}
		if len(ids) > 0 {
			r.ID = ids[len(ids)-1]
		}
		r.After = got
		if o.Claims != nil {
			o.Claims.written(w.ID, addr, ch, got)
			return r
		}
		// Under uctx, so a take-back of the claim is journaled as part
		// of this undo (undoes, run).
		if _, err := ConfirmClaim(context.WithoutCancel(uctx), d, addr, ch, got); err != nil {
			r.Err = err
		}
		return r
	}
}

// wouldLeave is cur's settings once c is applied (cur's when it cannot
// apply: PlanWrite refused it already).
func wouldLeave(cur User, c flags.Change) flags.Settings {
	s, err := cur.OCS.Apply(c)
	if err != nil {
		return cur.OCS
	}
	return s
}
