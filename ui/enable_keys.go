package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
	"ocsflags/ui/session"
)

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
		pools := session.PoolsByHost(m.sess.Pools)
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
