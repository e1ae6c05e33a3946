package review

import (
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
)

// claimedSIP is the sign-in name p's write puts to use (flags.ClaimedSIP),
// which must be free in the directory at that moment.
func claimedSIP(p *session.Edits) string {
	return directory.Claimed(p.Base, p.Change())
}

// commitAll writes every pending user that is not already being written,
// each as its own compare-and-swap in its own command.
func (m *Model) commitAll() tea.Cmd {
	if m.com.ReadOnly {
		m.setError("read-only: nothing is written in this session")
		return nil
	}
	var cmds []tea.Cmd
	for _, k := range m.order {
		p := m.sess.Pending.Users[k]
		res := m.Of(k)
		w := m.sess.Writes.Of(k)
		if w != nil && w.Unknown != nil && !w.Checking {
			// Whether the last write landed is unknown: writing again
			// could only conflict with it; read the user again instead.
			res.Msg = ""
			m.setWrite(k, &session.Write{Depth: w.Depth, Claim: w.Claim, Started: m.clock(), Unknown: w.Unknown, Checking: true})
			cmds = append(cmds, settleChange(m.com.Ctx, m.com.Dir, w.Unknown, w.Claim))
			continue
		}
		if p == nil || w != nil || res.Kind == ResConflict || res.Kind == ResUnknown {
			continue
		}
		if cmd := m.write(k, p, res); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	if len(cmds) == 0 {
		m.setStatus("nothing left to write here")
		return nil
	}
	m.setStatus(fmt.Sprintf("writing %d user%s…", len(cmds), common.Plural(len(cmds))))
	return tea.Batch(cmds...)
}

func (m *Model) write(k string, p *session.Edits, res *Result) tea.Cmd {
	// The write rules (directory.PlanWrite), with the sign-in names the
	// other pending users' edits claim: written, two users would hold one
	// and neither could sign in reliably.
	c, refusals := directory.PlanWrite(directory.WriteRequest{User: p.Base, Change: p.Change(), Pools: m.sess.Pools, Pending: m.sess.Pending.SIPClaims()})
	var re *directory.RefusedError
	switch {
	case errors.As(directory.Refused(refusals, false), &re) && re.First().Rule == directory.RuleCannotApply:
		*res = Result{Kind: ResFailed, Msg: "your edits cannot apply to the value read: " + re.First().Reason + ". Undo or drop them."}
		return nil
	case len(c.Edits) == 0:
		m.sess.Update(session.DropMsg{DN: k})
		*res = Result{Kind: ResWritten, Msg: "the edits cancelled out: nothing was written"}
		return nil
	case re != nil:
		*res = Result{Kind: ResFailed, Msg: refusalText(re.First())}
		return nil
	}
	*res = Result{Kind: ResApplying}
	claim := claimedSIP(p)
	m.setWrite(k, &session.Write{Depth: len(p.Stack), Claim: claim, Started: m.clock()})
	ctx := m.com.Ctx
	if id := p.Undoes(); id != "" {
		// An undo staged from the history, alone on the user's stack (the
		// session refuses other edits next to it): journaled with
		// "undoes", as ocsflags undo writes it.
		ctx = directory.WithUndo(ctx, id)
	}
	return applyChange(ctx, m.com.Dir, c, claim)
}

// setWrite tells the session where the write of k stands (nil: answered).
func (m *Model) setWrite(k string, w *session.Write) {
	m.sess.Update(session.WriteMsg{DN: k, W: w})
}

// answered takes the write of k off the session's writes in flight, and
// says how many stacked edits it carried and the sign-in name it claimed.
func (m *Model) answered(k string) (depth int, claim string, unknown *directory.UnknownOutcomeError) {
	if w := m.sess.Writes.Of(k); w != nil {
		depth, claim, unknown = w.Depth, w.Claim, w.Unknown
	}
	m.setWrite(k, nil)
	return depth, claim, unknown
}

// clock is the time now, for the start of a wait.
func (m *Model) clock() time.Time {
	m.now = time.Now()
	return m.now
}

// current is the latest time known: the spinner's tick or the start of
// the latest wait.
func (m *Model) current() time.Time {
	if m.com.Now.After(m.now) {
		return m.com.Now
	}
	return m.now
}

// elapsed is how long a wait has lasted, in whole seconds: "4 s".
func (m *Model) Elapsed(since time.Time) string {
	now := m.current()
	if since.IsZero() || now.Before(since) {
		return "0 s"
	}
	return fmt.Sprintf("%d s", int(now.Sub(since)/time.Second))
}

// onCommit handles one user's write: success clears the edits it carried,
// a conflict waits for the admin's choice, an unknown outcome is checked by
// reading the user again, any other error keeps the edits.
func (m *Model) onCommit(msg CommitMsg) tea.Cmd {
	k := directory.NormDN(msg.dn)
	res := m.Of(k)
	p := m.sess.Pending.Users[k]
	depth, claim, _ := m.answered(k)
	var ce *directory.ConflictError
	var ue *directory.UnknownOutcomeError
	var cc *directory.ClaimConflictError
	switch {
	case msg.err == nil:
		m.onWritten(k, res, p, depth, msg.user, msg.sent.Edits, "")
	case errors.As(msg.err, &ue):
		// Sent, and no answer: it may have landed. Say so, and read the
		// user again to tell.
		*res = Result{Kind: ResUnknown,
			Msg: "sent, but no answer came: " + directory.Cause(ue.Err) + ". Reading the user again to tell whether it was written."}
		m.setWrite(k, &session.Write{Depth: depth, Claim: claim, Started: m.clock(), Unknown: ue, Checking: true})
		m.setError("outcome unknown for " + m.names[k][0] + ": reading the user again…")
		return settleChange(m.com.Ctx, m.com.Dir, ue, claim)
	case errors.Is(msg.err, directory.ErrWrittenUnread):
		// In the directory, only not read back: the edits it carried are
		// no longer pending; the user is read again to show it.
		u := directory.User{DN: msg.dn}
		if p != nil {
			u = p.Base
			if a, err := p.After(); err == nil {
				u.OCS = a
			}
		}
		m.onWritten(k, res, p, depth, u, msg.sent.Edits, "written (reading it back failed; reading it again): ")
		m.Emit(common.LoadUserMsg{DN: msg.dn})
		return nil
	case errors.As(msg.err, &cc):
		// Written, then taken back: another object claimed the same
		// sign-in name at the same time.
		*res = Result{Kind: ResFailed, Msg: describeError(msg.err, m.com.Info)}
		if cc.Undone && p != nil && msg.user.DN != "" {
			m.sess.Update(session.RebaseMsg{User: msg.user})
			m.refreshUser(msg.user)
		}
		m.sess.Update(session.ForgetMsg{})
		m.setError(msg.err.Error())
	case errors.As(msg.err, &ce):
		*res = Result{Kind: ResConflict, Conflict: ce}
		m.setError(fmt.Sprintf("%s changed in the directory since it was read; nothing was written. In the review: a re-applies your changes on top, d drops them.", ce.Current.Label()))
	default:
		*res = Result{Kind: ResFailed, Msg: describeError(msg.err, m.com.Info)}
		m.setError("not written: " + describeError(msg.err, m.com.Info))
	}
	return nil
}

// onWritten records a write that is in the directory: the edits it carried
// are no longer pending (those made during the write stay), and the user
// is shown as stored. depth is how many stacked edits the write carried:
// edits made during the write stay.
func (m *Model) onWritten(k string, res *Result, p *session.Edits, depth int, u directory.User, written []flags.AttrEdit, how string) {
	*res = Result{Kind: ResWritten, written: written, Msg: how + "the directory now holds " + settingsSummary(u.OCS, written)}
	if p != nil {
		// Edits made while the write was in flight stay pending, on
		// top of what was written.
		m.sess.Update(session.WrittenMsg{User: u, Depth: depth})
	}
	m.refreshUser(u)
	// Who holds which sign-in name may have changed with this write:
	// the verdicts and the audit ask the directory again.
	m.sess.Update(session.ForgetMsg{})
	m.setStatus(fmt.Sprintf("wrote %s: %s", u.Label(), session.EditsSummary(written)))
}

// onSettle handles what reading the user again told of a write whose
// outcome was unknown.
func (m *Model) onSettle(msg SettleMsg) tea.Cmd {
	k := directory.NormDN(msg.dn)
	res := m.Of(k)
	p := m.sess.Pending.Users[k]
	w := m.sess.Writes.Of(k)
	depth, claim, unknown := m.answered(k)
	var cc *directory.ClaimConflictError
	switch {
	case msg.outcome.Changed() && msg.err == nil:
		m.onWritten(k, res, p, depth, msg.user, msg.sent.Edits, "written (found so on reading the user again): ")
	case errors.As(msg.err, &cc):
		*res = Result{Kind: ResFailed, Msg: "written (found so on reading the user again), then " + describeError(msg.err, m.com.Info)}
		if cc.Undone && p != nil && msg.user.DN != "" {
			m.sess.Update(session.RebaseMsg{User: msg.user})
			m.refreshUser(msg.user)
		}
		m.setError(msg.err.Error())
	case msg.outcome == directory.OutcomeNotWritten:
		cause := "no answer came"
		if unknown != nil {
			cause = directory.Cause(unknown.Err)
		}
		*res = Result{Kind: ResFailed, Msg: "not written: " + cause + "; reading the user again found the values it held before, so nothing was written. Enter tries again; your pending edits are kept."}
		m.setError("not written (checked by reading the user again): enter tries again")
	default:
		// Still unknown: the write stays in flight, unchecked until enter.
		if w != nil {
			m.setWrite(k, &session.Write{Depth: depth, Claim: claim, Started: w.Started, Unknown: unknown})
		}
		res.Msg = describeError(msg.err, m.com.Info) + " Enter reads the user again."
		m.setError("outcome still unknown for " + m.names[k][0] + ": enter in the review reads the user again")
	}
	return nil
}

// refreshUser shows a user as the directory now holds it.
func (m *Model) refreshUser(u directory.User) { m.Emit(RefreshMsg{User: u}) }

// rebaseSelected re-applies the same intent on what the server holds now
// and writes again: the other writer's change and ours both land.
func (m *Model) rebaseSelected() tea.Cmd {
	k, res := m.selectedConflict()
	if res == nil {
		m.setStatus("the selected user has no conflict")
		return nil
	}
	cur := res.Conflict.Current
	p := m.sess.Pending.Users[k]
	if p == nil {
		return nil
	}
	if _, err := cur.OCS.Apply(p.Change()); err != nil {
		m.setError("your edits cannot apply on the server's value: " + err.Error() + "; drop them with d")
		return nil
	}
	m.sess.Update(session.RebaseMsg{User: cur})
	m.refreshUser(cur)
	return m.write(k, p, res)
}

// dropSelected forgets the conflicted user's edits and shows the server's
// value.
func (m *Model) dropSelected() tea.Cmd {
	k, res := m.selectedConflict()
	if res == nil {
		m.setStatus("the selected user has no conflict")
		return nil
	}
	cur := res.Conflict.Current
	m.sess.Update(session.DropMsg{DN: k})
	m.refreshUser(cur)
	*res = Result{Kind: ResDropped, Msg: "your changes were dropped; the server's value stands"}
	m.setStatus("dropped your changes to " + cur.Label() + "; showing the server's value")
	return nil
}

func settingsSummary(s flags.Settings, written []flags.AttrEdit) string {
	// The attributes written, as the directory returned them after the
	// write: that is what the admin checks.
	stored := s.Encode()
	var parts []string
	for _, e := range written {
		v, ok := stored[e.Attr]
		switch {
		case !ok:
			v = "(absent)"
		case e.Attr == flags.AttrOptionFlags:
			v += " (" + s.OptionFlags.V.Hex() + ")"
		}
		parts = append(parts, e.Attr+" "+v)
	}
	return strings.Join(parts, ", ")
}

// refusalText words a write rule's refusal in the review: what was not
// written and why (the rule's Reason), and what to do in the console.
func refusalText(r directory.Refusal) string {
	switch r.Rule {
	case directory.RuleEnableIncomplete:
		// However the edits got here (an audit fix on the Enabled rule
		// and undone fixes after it, say).
		return "not written: enabled for OCS without a " + strings.Join(r.Missing, " or a ") + " (" + r.Reason + "). Add them (a, then f on each rule) or undo the enable; your edits are kept."
	case directory.RuleSIPPending:
		return "not written: " + r.Reason + "; undo one of them"
	}
	return "not written: " + r.Reason + "; your edits are kept."
}
