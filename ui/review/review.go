package review

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
)

// resultKind is where one user's write stands.
type resultKind int

const (
	ResPending resultKind = iota
	ResApplying
	ResWritten
	ResConflict
	ResFailed
	ResDropped
	// ResUnknown: the write was sent and no answer came; checking is set
	// while the user is being read again to tell.
	ResUnknown
)

// Result is where one user's write stands, as the review shows it. What
// the directory is waited for (how many edits a write carries, since when,
// the sign-in name it claims, an unknown outcome) is the session's
// (session.Writes), which undo, quit and the status line ask too.
type Result struct {
	Kind     resultKind
	Msg      string
	Conflict *directory.ConflictError
	written  []flags.AttrEdit // what was written, for the success line
}

// Model is the commit screen: every pending change as attribute, old
// value and new value, the LDIF it sends, and each user's outcome.
type Model struct {
	com  *common.Common
	sess *session.Session
	keys KeyMap
	common.Outbox
	// now is when the latest wait began, for the elapsed time before the
	// spinner's next tick (Common.Now).
	now time.Time

	order    []string             // NormDN of each user shown, in edit order
	names    map[string][2]string // label and DN, kept after edits are gone
	Results  map[string]*Result
	Cursor   int // selected user, for conflict actions
	Offset   int // first document line shown
	showLDIF bool
	// Scrolled is set by the page keys: the view then stays where the
	// admin put it instead of snapping back to the selected user.
	Scrolled bool
}

// New returns the review of the session's pending edits; it lives as long
// as the session, so the results of writes in flight outlive the screen.
func New(c *common.Common, s *session.Session) *Model {
	return &Model{com: c, sess: s, keys: newKeyMap(c.Keys), names: map[string][2]string{}, Results: map[string]*Result{}, showLDIF: true}
}

// reset starts a fresh review of ps.
func (r *Model) reset(ps *session.Pending) {
	r.order = append([]string(nil), ps.Order...)
	r.names, r.Results = map[string][2]string{}, map[string]*Result{}
	r.Cursor, r.Offset, r.showLDIF, r.Scrolled = 0, 0, true, false
	for _, k := range r.order {
		u := ps.Users[k].Base
		r.names[k] = [2]string{u.Label(), u.DN}
	}
}

func (r *Model) Of(k string) *Result {
	if x, ok := r.Results[k]; ok {
		return x
	}
	x := &Result{}
	r.Results[k] = x
	return x
}

// merge brings the review up to date with ps while a write is in flight:
// the in-flight results stay (their answers are on the way), every other
// result is forgotten, since the edits behind it may have changed, and the
// users are ps's, plus those being written.
func (r *Model) merge(ps *session.Pending) {
	inFlight := map[string]bool{}
	for k := range r.Results {
		if r.sess.Writes.Of(k) != nil {
			inFlight[k] = true
		} else {
			delete(r.Results, k)
		}
	}
	order := append([]string(nil), ps.Order...)
	for _, k := range r.order {
		if inFlight[k] && ps.Users[k] == nil {
			order = append(order, k)
		}
	}
	r.order = order
	for _, k := range ps.Order {
		u := ps.Users[k].Base
		r.names[k] = [2]string{u.Label(), u.DN}
	}
	r.Cursor = common.Clamp(r.Cursor, 0, max(len(r.order)-1, 0))
}

// Busy reports whether a write is waited for.
func (r *Model) Busy() bool { return r.sess.Writes.Busy() }

// selectedConflict is the conflict under the cursor, if any.
func (r *Model) selectedConflict() (string, *Result) {
	if r.Cursor >= len(r.order) {
		return "", nil
	}
	k := r.order[r.Cursor]
	if x := r.Results[k]; x != nil && x.Kind == ResConflict {
		return k, x
	}
	return "", nil
}

// describeError says what happened in words an admin can act on, and that
// nothing was lost.
func describeError(err error, info directory.Info) string {
	who := info.BoundAs
	if who == "" {
		who = "the bound account"
	}
	kept := " Your pending edits are kept."
	var cc *directory.ClaimConflictError
	switch {
	case errors.Is(err, directory.ErrOutcomeUnknown):
		// Sent with no answer: it may have landed. Never "nothing was
		// written" until the user has been read again.
		return "outcome unknown: " + err.Error() + "." + kept
	case errors.As(err, &cc):
		return err.Error() + "." + kept
	case errors.Is(err, directory.ErrWrittenUnread):
		return err.Error() + "."
	case errors.Is(err, directory.ErrInsufficientRights):
		return fmt.Sprintf("insufficient rights: %s may not write these attributes (%v). Ask for OCS user-admin rights (RTCUniversalUserAdmins) or connect as another account.%s", who, err, kept)
	case errors.Is(err, directory.ErrReadOnly):
		return "the directory is read-only: " + err.Error() + "." + kept
	case errors.Is(err, directory.ErrNoSuchObject):
		return "the user is no longer there (moved, renamed or deleted?): " + err.Error() + "." + kept
	case errors.Is(err, directory.ErrUnavailable):
		return "the directory is unavailable: " + err.Error() + ". Nothing was written; try again with enter." + kept
	case errors.Is(err, directory.ErrInvalidValue):
		return "the directory refused a value: " + err.Error() + "." + kept
	}
	return err.Error() + "." + kept
}

// reviewDoc renders the review screen as lines; userLine[i] is the first
// line of the i-th user, for scrolling to the selection.
func reviewDoc(m *Model, w int) (lines []string, userLine []int) {
	st := m.com.Styles
	r := m
	add := func(s string) { lines = append(lines, s) }
	attrW := 30
	colW := common.Clamp((w-attrW-6)/2, 10, 40)
	var changes []directory.Change
	for i, k := range r.order {
		userLine = append(userLine, len(lines))
		p := m.sess.Pending.Users[k]
		res := r.Results[k]
		mark := "  "
		if i == r.Cursor {
			mark = "› "
		}
		label, dn := termtext.Safe(r.names[k][0]), termtext.Safe(r.names[k][1])
		status := ""
		if res != nil {
			switch res.Kind {
			case ResApplying:
				status = m.com.Spin + " writing… " + m.Elapsed(m.sess.Writes.Of(k).Started)
			case ResUnknown:
				if w := m.sess.Writes.Of(k); w != nil && w.Checking {
					status = st.Warn.Render("? outcome unknown") + " " + m.com.Spin + " reading the user again… " + m.Elapsed(w.Started)
				} else {
					status = st.Warn.Render("? outcome unknown: enter reads the user again")
				}
			case ResWritten:
				status = st.Ok.Render("✓ written")
			case ResConflict:
				status = st.Warn.Render("⚠ conflict: nothing written")
			case ResFailed:
				status = st.Bad.Render("✗ not written")
			case ResDropped:
				status = st.Dim.Render("– dropped")
			}
		}
		head := mark + st.Bold.Render(label) + "  " + status
		if i == r.Cursor {
			head = mark + st.Selected.Render(label) + "  " + status
		}
		add(head)
		add("    " + st.Dim.Render(dn))
		switch {
		case res != nil && res.Kind == ResConflict:
			lines = append(lines, conflictLines(m, p, res.Conflict, w)...)
		case res != nil && res.Kind == ResWritten && p.HasEdits():
			// Written, and edited again since: what enter writes now is the
			// new edits, so they are what is shown.
			add("    " + st.Ok.Render("✓ written before; edited again since, and these are pending:"))
			lines = append(lines, pendingLines(m, p, w, attrW, colW, &changes)...)
		case res != nil && res.Kind == ResWritten:
			for _, e := range res.written {
				add("    " + common.Fit(e.Attr, attrW) + " " + termtext.Safe(session.EditValue(e.Old)) + " → " + st.Ok.Render(termtext.Safe(session.EditValue(e.New))))
				if e.Attr == flags.AttrPrimaryHomeServer {
					for _, l := range common.Wrap(termtext.Safe(m.homeServerWords(e)), max(w-attrW-5, 20)) {
						add("    " + st.Dim.Render(common.Fit("", attrW)+" "+l))
					}
				}
			}
			if res.Msg != "" {
				add("    " + st.Dim.Render(termtext.Safe(res.Msg)))
			}
		case p != nil:
			lines = append(lines, pendingLines(m, p, w, attrW, colW, &changes)...)
		}
		if res != nil && res.Kind == ResFailed {
			for _, l := range common.Wrap(termtext.Safe(res.Msg), w-6) {
				add("    " + st.Bad.Render(l))
			}
		}
		if res != nil && res.Kind == ResUnknown && res.Msg != "" {
			for _, l := range common.Wrap(termtext.Safe(res.Msg), w-6) {
				add("    " + st.Warn.Render(l))
			}
		}
		add("")
	}
	if len(r.order) == 0 {
		add(st.Dim.Render("  nothing pending"))
	}
	if r.showLDIF && len(changes) > 0 {
		add(st.Group.Render("LDIF of the writes (each deletes the value it expects, so a replay never clobbers)"))
		if text, err := directory.ChangeLDIF(changes...); err == nil {
			for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
				add("  " + termtext.Safe(l))
			}
		} else {
			add(st.Bad.Render("  cannot render LDIF: " + termtext.Safe(err.Error())))
		}
	}
	return lines, userLine
}

// homeServerWords says a home-server edit by pool host, as the OCS console
// does: a DN cut to a column says nothing.
func (m *Model) homeServerWords(e flags.AttrEdit) string {
	ps := session.State{Pools: m.sess.Pools, PoolsUnknown: m.sess.PoolsErr != nil}
	return "from " + session.PoolText(ps, e.Old) + " to " + session.PoolText(ps, e.New)
}

// conflictLines show, per attribute, what was read, what the server holds
// now, what this session meant to write, and what re-applying the same
// edits on top of the server's value would write.
func conflictLines(m *Model, p *session.Edits, ce *directory.ConflictError, w int) []string {
	st := m.com.Styles
	var out []string
	if ce == nil {
		return []string{"    " + st.Warn.Render("Someone changed the user since it was read; nothing was written.")}
	}
	out = append(out, "    "+st.Warn.Render(fmt.Sprintf("Someone changed %s since it was read; nothing was written.", strings.Join(ce.Attrs, ", "))))
	if p == nil {
		return out
	}
	c := p.Change()
	mine, err1 := p.Base.OCS.Apply(c)
	if err1 != nil {
		mine = p.Base.OCS
	}
	rebased, err2 := ce.Current.OCS.Apply(c)
	readM, nowM, mineM := p.Base.OCS.Encode(), ce.Current.OCS.Encode(), mine.Encode()
	rebM := rebased.Encode()
	colW := common.Clamp((w-4-24)/4, 13, 40)
	val := func(m map[string]string, a string) string {
		if v, ok := m[a]; ok {
			return termtext.Safe(v)
		}
		return "(absent)"
	}
	col := func(v string) string { return common.Fit(v, colW-1) + " " }
	out = append(out, "    "+st.Dim.Render(common.Fit("Attribute", 24)+col("You read")+col("Server now")+col("You intended")+col("Re-applied")))
	attrs := map[string]bool{}
	for _, a := range ce.Attrs {
		attrs[a] = true
	}
	for _, e := range flags.Edits(p.Base.OCS, mine) {
		attrs[e.Attr] = true
	}
	for _, a := range flags.Writable {
		if !attrs[a] {
			continue
		}
		reb := val(rebM, a)
		if err2 != nil {
			reb = "—"
		}
		out = append(out, "    "+common.Fit(a, 24)+col(val(readM, a))+st.Warn.Render(col(val(nowM, a)))+col(val(mineM, a))+st.Changed.Render(col(reb)))
	}
	if r, n := p.Base.OCS.OptionFlags.V, ce.Current.OCS.OptionFlags.V; r != n {
		theirs := "theirs: " + DeltaWords(flags.Diff(r, n)) + " · yours: " + DeltaWords(c.Flags.Effective(r))
		for _, l := range common.Wrap(theirs, max(w-6, 20)) {
			out = append(out, "    "+st.Dim.Render(l))
		}
	}
	if err2 != nil {
		out = append(out, "    "+st.Bad.Render("✗ your edits cannot apply on the server's value: "+termtext.Safe(err2.Error())))
	}
	out = append(out, "    "+st.Bold.Render("[a]")+" re-apply my changes on top   "+st.Bold.Render("[d]")+" drop my changes")
	return out
}

// DeltaWords names each bit a delta sets or clears: "+1 Enable public IM
// connectivity".
func DeltaWords(d flags.Delta) string {
	p := flags.DeltaParts(d, func(b flags.Value) string {
		if f, ok := flags.Lookup(b); ok {
			if f.Label != "" {
				return f.Label
			}
			return f.Name
		}
		return "unknown bit"
	})
	if len(p) == 0 {
		return "no bit changes"
	}
	return strings.Join(p, ", ")
}

// pendingLines shows what enter will write for p: old, new and the words
// for pools and bits; the change is added to changes for the LDIF.
func pendingLines(m *Model, p *session.Edits, w, attrW, colW int, changes *[]directory.Change) (lines []string) {
	st := m.com.Styles
	add := func(s string) { lines = append(lines, s) }
	c, err := p.DirChange()
	if err != nil {
		add("    " + st.Bad.Render("✗ cannot apply: "+termtext.Safe(err.Error())+" (u undoes, d drops)"))
		return lines
	}
	if len(c.Edits) == 0 {
		add("    " + st.Dim.Render("the edits cancel out: nothing to write"))
		return lines
	}
	add("    " + st.Dim.Render(common.Fit("Attribute", attrW)+" "+common.Fit("Old (expected now)", colW)+" "+common.Fit("New", colW)))
	for _, e := range c.Edits {
		oldV, newV := termtext.Safe(session.EditValue(e.Old)), termtext.Safe(session.EditValue(e.New))
		add("    " + common.Fit(e.Attr, attrW) + " " + common.Fit(oldV, colW) + " " + st.Changed.Render(common.Fit(newV, colW)))
		if e.Attr != flags.AttrPrimaryHomeServer && (ansi.StringWidth(oldV) > colW || ansi.StringWidth(newV) > colW) {
			// Too long for the columns: the whole values under them,
			// broken anywhere (a URI has no spaces to break at).
			if e.Old.Set {
				for _, l := range strings.Split(ansi.Hardwrap("old: "+termtext.Safe(e.Old.V), max(w-8, 20), true), "\n") {
					add("      " + st.Dim.Render(l))
				}
			}
			for _, l := range strings.Split(ansi.Hardwrap("new: "+newV, max(w-8, 20), true), "\n") {
				add("      " + st.Changed.Render(l))
			}
		}
		if e.Attr == flags.AttrPrimaryHomeServer {
			for _, l := range common.Wrap(termtext.Safe(m.homeServerWords(e)), max(w-attrW-5, 20)) {
				add("    " + st.Dim.Render(common.Fit("", attrW)+" "+l))
			}
		}
		if e.Attr == flags.AttrOptionFlags {
			d := p.Change().Flags.Effective(p.Base.OCS.OptionFlags.V)
			for _, l := range common.Wrap(DeltaWords(d)+"; every other bit kept as found", max(w-attrW-5, 20)) {
				add("    " + st.Dim.Render(common.Fit("", attrW)+" "+l))
			}
		}
	}
	*changes = append(*changes, c)
	return lines
}
