package enable

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/ui/common"
)

// planEnable reads every user afresh (the list may be minutes old), leaves
// out those SkipBefore names, and lets directory.PlanEnable form and check
// the addresses.
func planEnable(ctx context.Context, d directory.Directory, w *enableModel, users []directory.User, pending map[string]bool, pendingSIP map[string][]string, pools directory.PoolSet, pool directory.Pool, pattern directory.SignInPattern, domain string) tea.Cmd {
	return func() tea.Msg {
		plans := make([]directory.EnablePlan, len(users))
		var fresh []directory.User
		var idx []int
		for i, u := range users {
			cur, err := d.User(ctx, u.DN)
			if err != nil {
				if ctx.Err() != nil {
					return enablePlanMsg{w: w, err: ctx.Err()}
				}
				plans[i] = directory.EnablePlan{User: u, Skip: "cannot read the user: " + err.Error()}
				continue
			}
			if why := SkipBefore(cur, pools, pool, pending[directory.NormDN(u.DN)]); why != "" {
				plans[i] = directory.EnablePlan{User: cur, Skip: why}
				continue
			}
			fresh = append(fresh, cur)
			idx = append(idx, i)
		}
		got, err := directory.PlanEnableOn(ctx, d, fresh, pools, pool, pattern, domain)
		if err != nil {
			return enablePlanMsg{w: w, err: err}
		}
		for j, p := range got {
			if others := directory.OtherThan(pendingSIP[strings.ToLower(p.Address)], p.User.DN); len(others) > 0 && p.Skip == "" {
				p.Skip = p.Address + " is the pending sign-in name of " + others[0] + ": commit or undo that first"
			}
			plans[idx[j]] = p
		}
		return enablePlanMsg{w: w, plans: plans}
	}
}

// applyEnable runs directory.ApplyEnable in a goroutine and streams one
// message per user, each with the user as stored afterwards. The channel
// holds every message, so the goroutine never waits on a reader.
func applyEnable(ctx, readCtx context.Context, d directory.Directory, w *enableModel, plans []directory.EnablePlan) tea.Cmd {
	ch := make(chan tea.Msg, len(plans)+1)
	go func() {
		defer close(ch)
		directory.ApplyEnable(ctx, d, plans, func(done int, r directory.EnableResult) {
			msg := enableProgressMsg{w: w, done: done, r: r, ch: ch}
			if r.Err == nil && !r.Skipped {
				// Read with the session's context: a cancel stops the
				// writes, not the refresh of a user already written.
				rctx, cancel := context.WithTimeout(readCtx, common.ReadTimeout)
				if u, err := d.User(rctx, r.DN); err == nil {
					msg.user = &u
				}
				cancel()
			}
			ch <- msg
		})
		ch <- enableDoneMsg{w: w}
	}()
	return waitEnable(ch)
}

func waitEnable(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

func (m *Model) enableBusy() bool {
	return m.enableModel != nil && (m.enableModel.Step == StepPlanning || m.enableModel.Step == StepApplying)
}

// onEnable handles the wizard's messages.
func (m *Model) onEnable(msg enableMsg) tea.Cmd {
	e := m.enableModel
	mine := e != nil && msg.wizard() == e
	switch msg := msg.(type) {
	case enablePlanMsg:
		if !mine || e.Step != StepPlanning {
			return nil
		}
		if e.cancel != nil {
			e.cancel()
			e.cancel = nil
		}
		if msg.err != nil {
			e.Step = StepPattern
			if errors.Is(msg.err, context.Canceled) {
				m.setStatus("stopped checking; nothing was written")
			} else {
				m.setError("cannot check the sign-in names in the directory, so nothing will be written: " + msg.err.Error())
			}
			return nil
		}
		e.Plans, e.Step, e.offset = msg.plans, StepPlan, 0
		n, skipped := e.counts()
		if n == 0 {
			m.setError(fmt.Sprintf("none of the %d user%s can be enabled: see the reasons, esc goes back", len(e.Plans), common.Plural(len(e.Plans))))
		} else {
			m.setStatus(fmt.Sprintf("%d will be enabled, %d skipped: enter or y writes them, esc goes back", n, skipped))
		}
	case enableProgressMsg:
		// Keep reading to the end whatever happens to the wizard.
		next := waitEnable(msg.ch)
		if msg.user != nil {
			m.Emit(RefreshMsg{User: *msg.user})
		}
		if mine {
			e.results = append(e.results, msg.r)
		}
		return next
	case enableDoneMsg:
		if !mine {
			return nil
		}
		if e.cancel != nil {
			e.cancel()
			e.cancel = nil
		}
		e.Step, e.offset = StepResults, 0
		ok, skipped, failed := e.outcome()
		// The enabled users are done with; the others stay selected to be
		// fixed and tried again.
		var done []string
		for i, r := range e.results {
			if r.Err == nil && !r.Skipped && i < len(e.Plans) {
				done = append(done, e.Plans[i].User.DN)
			}
		}
		m.Emit(UnmarkMsg{DNs: done})
		s := fmt.Sprintf("enabled %d user%s on %s; %d skipped, %d failed", ok, common.Plural(ok), poolName(e.Pool), skipped, failed)
		if failed > 0 || e.stopped {
			m.setError(s)
		} else {
			m.setStatus(s)
		}
	}
	return nil
}

// startPlan checks the addresses in the directory, in a command.
func (m *Model) startPlan() tea.Cmd {
	e := m.enableModel
	if m.com.ReadOnly {
		m.setError("read-only: nothing can be enabled in this session")
		return nil
	}
	if e.usesDomain() && strings.TrimSpace(e.Domain.Value) == "" {
		m.setError(e.signIn().String() + " needs a domain: press tab and type it (e.g. corp.example)")
		return nil
	}
	pending := map[string]bool{}
	for _, u := range e.users {
		if m.sess.Pending.Get(u.DN) != nil {
			pending[directory.NormDN(u.DN)] = true
		}
	}
	// Sign-in names other users are about to get from their pending edits
	// are as taken as those in the directory.
	pendingSIP := m.sess.Pending.SIPClaims()
	ctx, cancel := context.WithCancel(m.com.Ctx)
	e.cancel = cancel
	e.Step = StepPlanning
	m.setStatus("checking every sign-in name in the directory…")
	return planEnable(ctx, m.com.Dir, e, e.users, pending, pendingSIP, m.sess.Pools, e.Pool, e.signIn(), strings.TrimSpace(e.Domain.Value))
}

// startApply writes the plan, each user its own compare-and-swap.
func (m *Model) startApply() tea.Cmd {
	e := m.enableModel
	if m.com.ReadOnly {
		m.setError("read-only: nothing is written in this session")
		return nil
	}
	if n, _ := e.counts(); n == 0 {
		m.setError("nothing to enable: every user is skipped (esc goes back to change the pool or the sign-in name)")
		return nil
	}
	ctx, cancel := context.WithCancel(m.com.Ctx)
	e.cancel = cancel
	e.Step, e.offset, e.results = StepApplying, 0, nil
	m.setStatus("enabling… esc stops after the user being written")
	return applyEnable(ctx, m.com.Ctx, m.com.Dir, e, e.Plans)
}
