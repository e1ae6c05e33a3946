package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
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

	poolCur int // index into poolsByHost(m.sess.Pools)
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

// ---- selection in the list ----

// ---- opening the wizard, and E ----

func (m *Model) openEnable(users []directory.User) tea.Cmd {
	e := &enableModel{users: users}
	e.domain.Value = dnsDomainOf(users[0].DN)
	if e.domain.Value == "" {
		e.domain.Value = dnsDomainOf(m.browse.RootDN())
	}
	// Start on the pool the users already point at, if they agree on one.
	for i, p := range poolsByHost(m.sess.Pools) {
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
			m.refreshUser(*msg.user)
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

// ---- keys ----

func (m *Model) enableKey(msg tea.KeyPressMsg) tea.Cmd {
	e := m.enable
	if e == nil {
		m.screen = scrBrowse
		return nil
	}
	k := m.com.Keys
	page := max(m.bodyHeight()-6, 1)
	switch e.step {
	case stepPool:
		pools := poolsByHost(m.sess.Pools)
		switch {
		case key.Matches(msg, k.Back):
			return m.closeEnable("closed the Enable Users wizard; nothing was written")
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Up):
			e.poolCur = max(e.poolCur-1, 0)
		case key.Matches(msg, k.Down):
			e.poolCur = common.Clamp(e.poolCur+1, 0, max(len(pools)-1, 0))
		case key.Matches(msg, k.Open), key.Matches(msg, k.Right):
			switch {
			case m.sess.PoolsErr != nil:
				m.setError("the OCS pools could not be read, so none can be chosen: " + m.sess.PoolsErr.Error())
			case !m.sess.PoolsLoaded:
				m.setStatus("still reading the pools…")
			case len(pools) == 0:
				m.setError(m.sess.Pools.NoneWhy() + "; esc closes")
			default:
				e.pool = pools[common.Clamp(e.poolCur, 0, len(pools)-1)]
				e.step = stepPattern
				m.updatePreview()
				m.setStatus("pool " + poolName(e.pool) + ": now choose how the sign-in name is formed")
			}
		}
	case stepPattern:
		if e.editing {
			switch msg.String() {
			case "enter", "tab", "esc":
				e.editing = false
			default:
				if changed, _ := e.domain.Update(msg); changed {
					m.updatePreview()
				}
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Back), key.Matches(msg, k.Left):
			e.step = stepPool
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Up):
			e.pattern = max(e.pattern-1, 0)
			m.updatePreview()
		case key.Matches(msg, k.Down):
			e.pattern = min(e.pattern+1, len(directory.SignInPatterns)-1)
			m.updatePreview()
		case key.Matches(msg, k.NextPane):
			e.editing = true
		case key.Matches(msg, k.Open), key.Matches(msg, k.Right):
			return m.startPlan()
		}
	case stepPlanning:
		switch {
		case key.Matches(msg, k.Back) && e.cancel != nil:
			e.cancel()
		case key.Matches(msg, k.Quit):
			return m.quit()
		}
	case stepPlan:
		switch {
		case key.Matches(msg, k.Back), key.Matches(msg, k.Left):
			e.step, e.plans = stepPattern, nil
			m.setStatus("") // the plan's verdict belongs to the plan
			m.updatePreview()
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Commit):
			return m.startApply()
		default:
			m.scrollEnable(msg, page)
		}
	case stepApplying:
		switch {
		case key.Matches(msg, k.Back) && e.cancel != nil:
			e.cancel()
			e.stopped = true
			m.setStatus("stopping: the user being written finishes, the rest are not written")
		case key.Matches(msg, k.Quit):
			return m.quit()
		}
	case stepResults:
		switch {
		case key.Matches(msg, k.Back), key.Matches(msg, k.Open):
			return m.closeEnable("")
		case key.Matches(msg, k.Quit):
			return m.quit()
		default:
			m.scrollEnable(msg, page)
		}
	}
	return nil
}

func (m *Model) scrollEnable(msg tea.KeyPressMsg, page int) {
	k, e := m.com.Keys, m.enable
	switch {
	case key.Matches(msg, k.Up):
		e.offset = max(e.offset-1, 0)
	case key.Matches(msg, k.Down):
		e.offset++
	case key.Matches(msg, k.PageUp):
		e.offset = max(e.offset-page, 0)
	case key.Matches(msg, k.PageDown):
		e.offset += page
	case key.Matches(msg, k.Home):
		e.offset = 0
	case key.Matches(msg, k.End):
		e.offset = 1 << 30
	}
}

func (m *Model) closeEnable(status string) tea.Cmd {
	m.enable = nil
	m.screen = scrBrowse
	if status != "" {
		m.setStatus(status)
	}
	return nil
}

// startPlan checks the addresses in the directory, in a command.
func (m *Model) startPlan() tea.Cmd {
	e := m.enable
	if m.com.ReadOnly {
		m.setError("read-only: nothing can be enabled in this session")
		return nil
	}
	if e.usesDomain() && strings.TrimSpace(e.domain.Value) == "" {
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
	e.step = stepPlanning
	m.setStatus("checking every sign-in name in the directory…")
	return planEnable(ctx, m.com.Dir, e, e.users, pending, pendingSIP, m.sess.Pools, e.pool, e.signIn(), strings.TrimSpace(e.domain.Value))
}

// startApply writes the plan, each user its own compare-and-swap.
func (m *Model) startApply() tea.Cmd {
	e := m.enable
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
	e.step, e.offset, e.results = stepApplying, 0, nil
	m.setStatus("enabling… esc stops after the user being written")
	return applyEnable(ctx, m.com.Ctx, m.com.Dir, e, e.plans)
}

// enablePaste puts pasted text in the domain field while it has the keys.
func (m *Model) enablePaste(s string) {
	if e := m.enable; e != nil && e.step == stepPattern && e.editing {
		e.domain.Paste(s)
		m.updatePreview()
	}
}

// enableHelp is the footer of each step.
func (m *Model) enableHelp() keys.Help {
	k := m.com.Keys
	e := m.enable
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move"))
	var short []key.Binding
	switch {
	case e == nil:
	case e.step == stepPool:
		short = []key.Binding{keys.With(move, "choose pool"), keys.With(k.Open, "next"), keys.With(k.Back, "cancel"), k.Quit}
	case e.step == stepPattern && e.editing:
		short = []key.Binding{
			key.NewBinding(key.WithKeys("a"), key.WithHelp("type", "the domain")),
			key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "done")),
		}
	case e.step == stepPattern:
		short = []key.Binding{keys.With(move, "sign-in name"), keys.With(k.NextPane, "edit domain"), keys.With(k.Open, "check in the directory"), keys.With(k.Back, "back to pools"), k.Quit}
	case e.step == stepPlanning:
		short = []key.Binding{keys.With(k.Back, "stop checking")}
	case e.step == stepPlan:
		n, _ := e.counts()
		short = []key.Binding{keys.Enabled(keys.With(k.Commit, fmt.Sprintf("enable %d user%s", n, common.Plural(n))), n > 0 && !m.com.ReadOnly), keys.With(move, "scroll"), keys.With(k.PageDown, "page"), keys.With(k.Back, "back"), k.Quit}
	case e.step == stepApplying:
		short = []key.Binding{keys.With(k.Back, "stop after this user"), keys.With(k.Quit, "stop, then quit")}
	default:
		short = []key.Binding{keys.With(k.Open, "close"), keys.With(move, "scroll"), keys.With(k.Back, "close"), k.Quit}
	}
	return keys.Help{Short: short, Full: [][]key.Binding{short}}
}

// ---- view ----

func (m *Model) enableBody(w, h int) []string {
	st := m.com.Styles
	e := m.enable
	if e == nil {
		return common.Block(nil, w, h)
	}
	steps := map[enableStep]string{
		stepPool: "step 1 of 4: server or pool", stepPattern: "step 2 of 4: sign-in name",
		stepPlanning: "step 3 of 4: checking", stepPlan: "step 3 of 4: check and confirm",
		stepApplying: "step 4 of 4: enabling", stepResults: "step 4 of 4: results",
	}
	head := []string{
		common.Fit(st.Bold.Render("Enable users for Office Communications Server")+st.Dim.Render("  "+steps[e.step]), w),
		common.Fit(st.Dim.Render(m.enableWho()), w),
		"",
	}
	var body []string
	scroll := false
	switch e.step {
	case stepPool:
		body = m.enablePoolView(w)
	case stepPattern:
		body = m.enablePatternView(w, h-len(head))
	case stepPlanning:
		body = []string{m.spin.View() + " reading the users afresh and checking every sign-in name in the directory…", st.Dim.Render("esc stops; nothing is written in this step")}
	case stepPlan:
		body, scroll = m.enablePlanView(w), true
	default:
		body, scroll = m.enableResultView(w), true
	}
	if scroll {
		bodyH := h - len(head)
		e.offset = common.Clamp(e.offset, 0, max(len(body)-bodyH, 0))
		body = body[e.offset:]
	}
	return common.Block(append(head, body...), w, h)
}

func (m *Model) enableWho() string {
	us := m.enable.users
	if len(us) == 1 {
		return termtext.Safe("for " + us[0].Label() + " · " + us[0].DN)
	}
	var names []string
	for i, u := range us {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(us)-3))
			break
		}
		names = append(names, u.Label())
	}
	return termtext.Safe(fmt.Sprintf("for %d users: %s", len(us), strings.Join(names, ", ")))
}

func (m *Model) enablePoolView(w int) []string {
	st := m.com.Styles
	e := m.enable
	switch {
	case m.sess.PoolsErr != nil:
		return append([]string{st.Bad.Render("✗ The OCS pools could not be read, so none can be offered:")}, indent(common.Wrap(termtext.Safe(m.sess.PoolsErr.Error()), w-4), "    ")...)
	case !m.sess.PoolsLoaded:
		return []string{m.spin.View() + " reading the pools…"}
	case m.sess.Pools.Len() == 0:
		out := []string{st.Bad.Render("✗ No OCS pools were found in this directory.")}
		out = append(out, common.Wrap("Pools live under CN=Pools,CN=RTC Service in the System container (OCS 2007) or the Configuration container (R2). Create the pool with the OCS tools first; nothing can be enabled without one. esc closes.", w)...)
		return out
	}
	pools := poolsByHost(m.sess.Pools)
	e.poolCur = common.Clamp(e.poolCur, 0, len(pools)-1)
	out := []string{"Which server or pool will register these users?", st.Dim.Render("Pools found in the directory, by host name:"), ""}
	hostW := 0
	for _, p := range pools {
		hostW = max(hostW, ansi.StringWidth(termtext.Safe(poolName(p))))
	}
	hostW = min(hostW, max(w/2, 10))
	for i, p := range pools {
		note := p.Container + " container"
		if p.Container == "" {
			note = p.DN
		}
		name, note := termtext.Safe(poolName(p)), termtext.Safe(note)
		if i == e.poolCur {
			out = append(out, st.Selected.Render(common.Fit("› "+common.Fit(name, hostW)+"  "+note, w)))
		} else {
			out = append(out, "  "+common.Fit(name, hostW)+"  "+st.Dim.Render(note))
		}
	}
	out = append(out, "")
	p := pools[e.poolCur]
	for _, l := range common.Wrap("Pool object: "+termtext.Safe(p.DN), w-2) {
		out = append(out, "  "+st.Dim.Render(l))
	}
	return out
}

func indent(lines []string, pre string) []string {
	for i := range lines {
		lines[i] = pre + lines[i]
	}
	return lines
}

func (m *Model) enablePatternView(w, h int) []string {
	st := m.com.Styles
	e := m.enable
	out := []string{st.Dim.Render("Pool: " + termtext.Safe(poolName(e.pool))), "How is the sign-in name (msRTCSIP-PrimaryUserAddress) formed?"}
	forms := map[directory.SignInPattern]string{
		directory.PatternMail:      "sip:<mail>",
		directory.PatternUPN:       "sip:<userPrincipalName>",
		directory.PatternFirstLast: "sip:<givenName>.<sn>@<domain>",
		directory.PatternSAM:       "sip:<sAMAccountName>@<domain>",
	}
	for i, p := range directory.SignInPatterns {
		row := fmt.Sprintf("%-24s %s", p.String(), forms[p])
		if i == e.pattern {
			out = append(out, st.Selected.Render(common.Fit("› (•) "+row, w)))
		} else {
			out = append(out, "  ( ) "+row)
		}
	}
	dom := "Domain: " + termtext.Safe(e.domain.Value)
	if e.editing {
		dom = e.domain.View("Domain: ") + st.Dim.Render("   enter or tab when done")
	} else if e.usesDomain() {
		dom += st.Dim.Render("   tab edits it")
	} else {
		dom = st.Dim.Render(dom + "   (only for first.last@ and sAMAccountName@; tab edits it)")
	}
	out = append(out, dom, "")
	// Users who will be enabled come first, so the addresses about to be
	// written are on screen even when most of the selection is skipped.
	var rows, skipped []previewRow
	for _, r := range e.preview {
		if r.skip == "" {
			rows = append(rows, r)
		} else {
			skipped = append(skipped, r)
		}
	}
	ok := len(rows)
	rows = append(rows, skipped...)
	out = append(out, st.Bold.Render(fmt.Sprintf("Preview: %d can be enabled, %d skipped", ok, len(e.preview)-ok))+st.Dim.Render(" · enter checks them in the directory"))
	nameW := 0
	for i, r := range rows {
		r.label, r.addr, r.note, r.skip = termtext.Safe(r.label), termtext.Safe(r.addr), termtext.Safe(r.note), termtext.Safe(r.skip)
		rows[i] = r
		nameW = max(nameW, ansi.StringWidth(r.label))
	}
	nameW = min(nameW, max(w/3, 8))
	// A skip reason wraps under the address column rather than being cut:
	// it is what the admin has to act on.
	for i, r := range rows {
		var lines []string
		switch {
		case r.skip != "":
			for j, l := range common.Wrap("✗ "+r.skip, max(w-nameW-4, 20)) {
				head := common.Fit(r.label, nameW)
				if j > 0 {
					head, l = common.Fit("", nameW), "  "+l
				}
				lines = append(lines, "  "+head+"  "+st.Bad.Render(l))
			}
		case r.note != "":
			lines = []string{"  " + common.Fit(r.label, nameW) + "  " + r.addr + st.Dim.Render("  ("+r.note+")")}
		default:
			lines = []string{"  " + common.Fit(r.label, nameW) + "  " + r.addr}
		}
		if left := h - len(out); len(lines) > left-1 && i < len(rows)-1 || len(lines) > left {
			out = append(out, st.Dim.Render(fmt.Sprintf("  … and %d more: all are listed in the next step", len(rows)-i)))
			break
		}
		out = append(out, lines...)
	}
	return out
}

// enablePlanView is the plan as a scrollable document: what is skipped and
// why, then each user's attribute edits.
func (m *Model) enablePlanView(w int) []string {
	st := m.com.Styles
	e := m.enable
	n, skipped := e.counts()
	var out []string
	add := func(s string) { out = append(out, s) }
	add("Pool: " + termtext.Safe(poolName(e.pool)) + " · sign-in name: " + termtext.Safe(e.signIn().String()))
	sum := st.Ok.Render(fmt.Sprintf("✓ %d will be enabled", n))
	if skipped > 0 {
		sum += " · " + st.Bad.Render(fmt.Sprintf("✗ %d skipped", skipped))
	} else {
		sum += st.Dim.Render(" · none skipped")
	}
	add(sum)
	for _, l := range common.Wrap("Addresses checked in the directory and among these users. Nothing is written before enter or y; each user is then its own compare-and-swap. Enhanced presence (256) is added, every other bit kept: it is one-way, and Communicator 2005 stops working after the first 2007 sign-in.", w) {
		add(st.Dim.Render(l))
	}
	if skipped > 0 {
		add("")
		add(st.Group.Render(fmt.Sprintf("Skipped (%d): nothing is written for them", skipped)))
		for _, p := range e.plans {
			if p.Skip == "" {
				continue
			}
			add("  " + st.Bad.Render("✗") + " " + termtext.Safe(p.User.Label()))
			for _, l := range common.Wrap(termtext.Safe(p.Skip), w-6) {
				add("      " + l)
			}
		}
	}
	if n > 0 {
		add("")
		add(st.Group.Render(fmt.Sprintf("Will be enabled (%d)", n)))
	}
	attrW := 28
	for _, p := range e.plans {
		if p.Skip != "" {
			continue
		}
		add("  " + st.Bold.Render(termtext.Safe(p.User.Label())) + "  " + termtext.Safe(p.Address))
		after, err := p.User.OCS.Apply(p.Change)
		if err != nil {
			add("      " + st.Bad.Render("✗ cannot apply: "+termtext.Safe(err.Error())))
			continue
		}
		for _, ed := range flags.Edits(p.User.OCS, after) {
			add("      " + common.Fit(ed.Attr, attrW) + " " + m.enableValue(ed.Attr, ed.Old) + " → " + st.Changed.Render(m.enableValue(ed.Attr, ed.New)))
			if ed.Attr == flags.AttrOptionFlags && p.User.OCS.OptionFlags.Set {
				for _, l := range common.Wrap(deltaWords(p.Change.Flags.Effective(p.User.OCS.OptionFlags.V))+"; every other bit kept as found", max(w-attrW-7, 20)) {
					add("      " + st.Dim.Render(common.Fit("", attrW)+" "+l))
				}
			}
		}
		if !p.Change.HomeServer.Set {
			add("      " + st.Dim.Render(common.Fit(flags.AttrPrimaryHomeServer, attrW)+" already "+termtext.Safe(poolName(e.pool))))
		}
	}
	return out
}

// enableValue shows a home-server DN by the pool's host name.
func (m *Model) enableValue(attr string, o flags.Opt[string]) string {
	v := editValue(o)
	if o.Set && (attr == flags.AttrPrimaryHomeServer) {
		if p, ok := m.sess.Pools.ByHomeServer(o.V); ok && p.Host != "" {
			return termtext.Safe(p.Host) + " (pool)"
		}
	}
	return termtext.Safe(v)
}

func (m *Model) enableResultView(w int) []string {
	st := m.com.Styles
	e := m.enable
	ok, skipped, failed := e.outcome()
	var out []string
	add := func(s string) { out = append(out, s) }
	switch {
	case e.step == stepApplying:
		add(m.spin.View() + fmt.Sprintf(" enabling on %s… %d of %d done · esc stops after the user being written", termtext.Safe(poolName(e.pool)), len(e.results), len(e.plans)))
	case e.stopped:
		add(st.Warn.Render(fmt.Sprintf("Stopped: %d enabled, %d skipped, %d not written", ok, skipped, failed)))
	default:
		add(st.Bold.Render(fmt.Sprintf("Done: %d enabled, %d skipped, %d failed", ok, skipped, failed)) + st.Dim.Render(" on "+termtext.Safe(poolName(e.pool))))
	}
	if e.step == stepResults && len(m.browse.List.Marks) > 0 {
		for _, l := range common.Wrap("The enabled users are deselected in the list; the others stay selected to fix and try again.", w) {
			add(st.Dim.Render(l))
		}
	}
	add("")
	for i, r := range e.results {
		label := r.DN
		if i < len(e.plans) {
			label = e.plans[i].User.Label()
		}
		label = termtext.Safe(label)
		switch {
		case r.Skipped:
			add("  " + st.Dim.Render("–") + " " + label + st.Dim.Render("  skipped"))
			for _, l := range common.Wrap(termtext.Safe(r.Err.Error()), w-6) {
				add("      " + st.Dim.Render(l))
			}
		case r.Err != nil:
			add("  " + st.Bad.Render("✗") + " " + label + st.Bad.Render("  not enabled"))
			for _, l := range common.Wrap(termtext.Safe(m.enableErrText(r.Err)), w-6) {
				add("      " + l)
			}
		default:
			add("  " + st.Ok.Render("✓") + " " + label + st.Ok.Render("  enabled") + " as " + termtext.Safe(r.Address))
		}
	}
	return out
}

// enableErrText says why a user was not written, in the directory's words
// with what to do.
func (m *Model) enableErrText(err error) string {
	var ce *directory.ConflictError
	var cc *directory.ClaimConflictError
	switch {
	case errors.Is(err, directory.ErrOutcomeUnknown):
		// Sent, no answer, and reading the user again did not tell: never
		// "nothing was written".
		return err.Error()
	case errors.As(err, &cc):
		return err.Error()
	case errors.Is(err, context.Canceled):
		return "stopped before it was written: nothing was written for this user"
	case errors.As(err, &ce):
		return err.Error() + ". Someone kept changing the user while it was written; run the wizard again for it."
	case errors.Is(err, directory.ErrInsufficientRights):
		who := m.com.Info.BoundAs
		if who == "" {
			who = "the bound account"
		}
		return err.Error() + ". " + who + " needs OCS user-admin rights (RTCUniversalUserAdmins); nothing was written for this user."
	}
	return err.Error() + "; nothing was written for this user."
}
