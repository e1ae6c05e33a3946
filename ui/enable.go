package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
)

// The Enable Users wizard of the OCS console: choose a pool, choose how the
// sign-in name is formed, check every address in the directory, confirm,
// then write each user as its own compare-and-swap and report per user.
// Planning and writing are directory.PlanEnable and directory.ApplyEnable;
// this file only asks, shows and routes.

type enableStep int

const (
	stepPool enableStep = iota
	stepPattern
	stepPlanning
	stepPlan
	stepApplying
	stepResults
)

// enableModel is one run of the wizard. Messages carry the pointer of the
// run they belong to, so the answers of a closed run are ignored.
type enableModel struct {
	users []directory.User
	step  enableStep

	poolCur int // index into session.PoolsByHost(m.sess.Pools)
	pool    directory.Pool

	pattern int // index into directory.SignInPatterns
	domain  common.Input
	editing bool // the domain field has the keys
	preview []previewRow

	plans   []directory.EnablePlan
	results []directory.EnableResult
	cancel  context.CancelFunc
	stopped bool // esc while writing: the rest were not attempted

	offset int // first line of the plan or result list shown
}

// previewRow is one user under the pattern picker: the address the pattern
// gives, or why the user will be skipped.
type previewRow struct {
	label, addr, note, skip string
}

// enableMsg is every message of the wizard; root.go routes them here.
type enableMsg interface{ wizard() *enableModel }

type enablePlanMsg struct {
	w     *enableModel
	plans []directory.EnablePlan
	err   error
}

type enableProgressMsg struct {
	w    *enableModel
	done int
	r    directory.EnableResult
	user *directory.User // the user as stored after a successful write
	ch   <-chan tea.Msg
}

type enableDoneMsg struct{ w *enableModel }

func (m enablePlanMsg) wizard() *enableModel     { return m.w }
func (m enableProgressMsg) wizard() *enableModel { return m.w }
func (m enableDoneMsg) wizard() *enableModel     { return m.w }

// ---- opening the wizard, and E ----

func (m *Model) openEnable(users []directory.User) tea.Cmd {
	e := &enableModel{users: users}
	e.domain.Value = dnsDomainOf(users[0].DN)
	if e.domain.Value == "" {
		e.domain.Value = dnsDomainOf(m.browse.RootDN())
	}
	// Start on the pool the users already point at, if they agree on one.
	for i, p := range session.PoolsByHost(m.sess.Pools) {
		if hs := users[0].OCS.HomeServer; hs.Set && directory.SameDN(hs.V, p.HomeServerDN) {
			e.poolCur = i
		}
	}
	m.enable = e
	m.screen = scrEnable
	switch {
	case m.sess.PoolsErr != nil:
		m.setError("the OCS pools could not be read, so none can be offered: " + m.sess.PoolsErr.Error())
	case m.sess.PoolsLoaded && m.sess.Pools.Len() == 0:
		m.setError(m.sess.Pools.NoneWhy())
	default:
		m.setStatus(fmt.Sprintf("Enable Users wizard for %d user%s: nothing is written before you confirm", len(users), common.Plural(len(users))))
	}
	return nil
}

// planEdit is the write rules on u's pending edits with c after them.
func (m *Model) planEdit(u directory.User, c flags.Change) []directory.Refusal {
	return m.sess.Plan(u, c)
}

// pushEditFor records an edit for u through the session, which refuses one
// that could not be written.
func (m *Model) pushEditFor(u directory.User, c flags.Change, what string) {
	m.toSession(session.StageMsg{User: u, Change: c, What: what})
}

// ---- rules the wizard adds to PlanEnable ----

// skipBefore says why u is left out before any address is formed: the
// wizard never writes over pending edits, never re-provisions a user who
// is already enabled and sound (a broken sign-in name or home server it
// does repair), and never moves a user to another pool (the OCS tools
// move the user's server data too; a DN rewrite does not). The pool rules
// are directory.PlanWrite's; the wizard adds that it re-enables a user
// without a sign-in name only on the pool it has (set may give such a user
// another: it names both).
func skipBefore(u directory.User, pools directory.PoolSet, pool directory.Pool, pending bool) string {
	s := u.OCS
	host := func(dn string) string {
		p, _ := pools.ByHomeServer(dn)
		if p.Host != "" {
			return p.Host
		}
		return p.DN
	}
	homed := s.HomeServer.Set && pools.IsPool(s.HomeServer.V)
	var poolRefusal *directory.Refusal
	if pool.HomeServerDN != "" {
		_, refusals := directory.PlanWrite(directory.WriteRequest{User: u, Change: flags.Change{HomeServer: flags.Some(pool.HomeServerDN)}, Pools: pools})
		for i, r := range refusals {
			if r.Rule == directory.RuleWorkingPool || r.Rule == directory.RulePoolUnknown {
				poolRefusal = &refusals[i]
				break
			}
		}
	}
	switch {
	case pending:
		return "has pending edits: commit or undo them first"
	case poolRefusal != nil && poolRefusal.Rule == directory.RulePoolUnknown:
		return "cannot tell whether its home server is a working pool: " + poolRefusal.Reason
	case s.HomeServer.Set && !homed && pools.Unknown(s.HomeServer.V) != "":
		// Without a sign-in name too: it may be on a working pool this
		// account cannot see, and rewriting its home server would strand
		// its server data.
		return "cannot tell whether its home server is a working pool: " + pools.Unknown(s.HomeServer.V)
	case s.Enabled.Or(false) && s.SIPAddress.Set && flags.CheckSIPAddress(s.SIPAddress.V) == nil && homed:
		return "already enabled for OCS on " + host(s.HomeServer.V) + ": change its settings in the user pane"
	case poolRefusal != nil && poolRefusal.Rule == directory.RuleWorkingPool:
		return "homed on " + poolRefusal.Pool + ": choose that pool to re-enable it, or " + poolRefusal.Reason
	case homed && pool.HomeServerDN != "" && !directory.SameDN(s.HomeServer.V, pool.HomeServerDN):
		return "homed on " + host(s.HomeServer.V) + ": choose that pool to re-enable it, or move it with the OCS tools (they move its server data too)"
	}
	return ""
}

// dnsDomainOf is the DNS domain of a DN's DC= parts: DC=corp,DC=example
// gives corp.example.
func dnsDomainOf(dn string) string {
	d, err := directory.ParseDN(dn)
	if err != nil {
		return ""
	}
	var parts []string
	for _, r := range d.RDNs {
		if len(r.Attributes) == 1 && strings.EqualFold(r.Attributes[0].Type, "DC") {
			parts = append(parts, r.Attributes[0].Value)
		}
	}
	return strings.ToLower(strings.Join(parts, "."))
}

func (e *enableModel) signIn() directory.SignInPattern {
	return directory.SignInPatterns[common.Clamp(e.pattern, 0, len(directory.SignInPatterns)-1)]
}

// usesDomain reports whether the pattern takes the domain field.
func (e *enableModel) usesDomain() bool {
	p := e.signIn()
	return p == directory.PatternFirstLast || p == directory.PatternSAM
}

// updatePreview forms each user's address locally; the directory check is
// the next step's.
func (m *Model) updatePreview() {
	e := m.enable
	p := e.signIn()
	dom := strings.TrimSpace(e.domain.Value)
	rows := make([]previewRow, len(e.users))
	count := map[string]int{}
	for i, u := range e.users {
		r := previewRow{label: u.Label(), skip: skipBefore(u, m.sess.Pools, e.pool, m.sess.Pending.Get(u.DN) != nil)}
		switch {
		case r.skip != "":
		case u.OCS.SIPAddress.Set && flags.CheckSIPAddress(u.OCS.SIPAddress.V) == nil:
			r.addr, r.note = u.OCS.SIPAddress.V, "keeps its sign-in name"
		default:
			a, err := p.Address(u, dom)
			if err != nil {
				r.skip = "cannot form a sign-in name from " + p.String() + ": " + err.Error()
			}
			r.addr = a
		}
		if r.skip == "" {
			count[strings.ToLower(r.addr)]++
		}
		rows[i] = r
	}
	for i := range rows {
		if rows[i].skip == "" && count[strings.ToLower(rows[i].addr)] > 1 {
			rows[i].skip = rows[i].addr + " would be given to " + fmt.Sprint(count[strings.ToLower(rows[i].addr)]) + " of the users being enabled"
		}
	}
	e.preview = rows
}

// ---- commands ----

// planEnable reads every user afresh (the list may be minutes old), leaves
// out those skipBefore names, and lets directory.PlanEnable form and check
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
			if why := skipBefore(cur, pools, pool, pending[directory.NormDN(u.DN)]); why != "" {
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
				rctx, cancel := context.WithTimeout(readCtx, readTimeout)
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
	return m.enable != nil && (m.enable.step == stepPlanning || m.enable.step == stepApplying)
}

// onEnable handles the wizard's messages.
func (m *Model) onEnable(msg enableMsg) tea.Cmd {
	e := m.enable
	mine := e != nil && msg.wizard() == e
	switch msg := msg.(type) {
	case enablePlanMsg:
		if !mine || e.step != stepPlanning {
			return nil
		}
		if e.cancel != nil {
			e.cancel()
			e.cancel = nil
		}
		if msg.err != nil {
			e.step = stepPattern
			if errors.Is(msg.err, context.Canceled) {
				m.setStatus("stopped checking; nothing was written")
			} else {
				m.setError("cannot check the sign-in names in the directory, so nothing will be written: " + msg.err.Error())
			}
			return nil
		}
		e.plans, e.step, e.offset = msg.plans, stepPlan, 0
		n, skipped := e.counts()
		if n == 0 {
			m.setError(fmt.Sprintf("none of the %d user%s can be enabled: see the reasons, esc goes back", len(e.plans), common.Plural(len(e.plans))))
		} else {
			m.setStatus(fmt.Sprintf("%d will be enabled, %d skipped: enter or y writes them, esc goes back", n, skipped))
		}
	case enableProgressMsg:
		// Keep reading to the end whatever happens to the wizard.
		next := waitEnable(msg.ch)
		if msg.user != nil {
			m.browse.Refresh(*msg.user)
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
		e.step, e.offset = stepResults, 0
		ok, skipped, failed := e.outcome()
		// The enabled users are done with; the others stay selected to be
		// fixed and tried again.
		for i, r := range e.results {
			if r.Err == nil && !r.Skipped && i < len(e.plans) {
				delete(m.browse.List.Marks, directory.NormDN(e.plans[i].User.DN))
			}
		}
		s := fmt.Sprintf("enabled %d user%s on %s; %d skipped, %d failed", ok, common.Plural(ok), poolName(e.pool), skipped, failed)
		if failed > 0 || e.stopped {
			m.setError(s)
		} else {
			m.setStatus(s)
		}
	}
	return nil
}

func (e *enableModel) counts() (enable, skip int) {
	for _, p := range e.plans {
		if p.Skip == "" {
			enable++
		} else {
			skip++
		}
	}
	return enable, skip
}

func (e *enableModel) outcome() (ok, skipped, failed int) {
	for _, r := range e.results {
		switch {
		case r.Skipped:
			skipped++
		case r.Err != nil:
			failed++
		default:
			ok++
		}
	}
	return ok, skipped, failed
}

func poolName(p directory.Pool) string {
	if p.Host != "" {
		return p.Host
	}
	return p.DN
}
