package enable

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
	"ocsflags/ui/session"
)

// ---- keys ----

func (m *Model) enableKey(msg tea.KeyPressMsg) tea.Cmd {
	e := m.enableModel
	k := m.com.Keys
	page := max(m.com.Height-6, 1)
	switch e.Step {
	case StepPool:
		pools := session.PoolsByHost(m.sess.Pools)
		switch {
		case key.Matches(msg, k.Back):
			return m.closeEnable("closed the Enable Users wizard; nothing was written")
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Up):
			e.PoolCur = max(e.PoolCur-1, 0)
		case key.Matches(msg, k.Down):
			e.PoolCur = common.Clamp(e.PoolCur+1, 0, max(len(pools)-1, 0))
		case key.Matches(msg, k.Open), key.Matches(msg, k.Right):
			switch {
			case m.sess.PoolsErr != nil:
				m.setError("the OCS pools could not be read, so none can be chosen: " + m.sess.PoolsErr.Error())
			case !m.sess.PoolsLoaded:
				m.setStatus("still reading the pools…")
			case len(pools) == 0:
				m.setError(m.sess.Pools.NoneWhy() + "; esc closes")
			default:
				e.Pool = pools[common.Clamp(e.PoolCur, 0, len(pools)-1)]
				e.Step = StepPattern
				m.updatePreview()
				m.setStatus("pool " + poolName(e.Pool) + ": now choose how the sign-in name is formed")
			}
		}
	case StepPattern:
		if e.editing {
			if key.Matches(msg, k.Line.Done, k.NextPane, k.Line.Cancel) {
				e.editing = false
			} else if changed, _ := e.Domain.Update(msg); changed {
				m.updatePreview()
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Back), key.Matches(msg, k.Left):
			e.Step = StepPool
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Up):
			e.Pattern = max(e.Pattern-1, 0)
			m.updatePreview()
		case key.Matches(msg, k.Down):
			e.Pattern = min(e.Pattern+1, len(directory.SignInPatterns)-1)
			m.updatePreview()
		case key.Matches(msg, k.NextPane):
			e.editing = true
		case key.Matches(msg, k.Open), key.Matches(msg, k.Right):
			return m.startPlan()
		}
	case StepPlanning:
		switch {
		case key.Matches(msg, k.Back) && e.cancel != nil:
			e.cancel()
		case key.Matches(msg, k.Quit):
			return m.quit()
		}
	case StepPlan:
		switch {
		case key.Matches(msg, k.Back), key.Matches(msg, k.Left):
			e.Step, e.Plans = StepPattern, nil
			m.setStatus("") // the plan's verdict belongs to the plan
			m.updatePreview()
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Commit):
			return m.startApply()
		default:
			m.scrollEnable(msg, page)
		}
	case StepApplying:
		switch {
		case key.Matches(msg, k.Back) && e.cancel != nil:
			e.cancel()
			e.stopped = true
			m.setStatus("stopping: the user being written finishes, the rest are not written")
		case key.Matches(msg, k.Quit):
			return m.quit()
		}
	case StepResults:
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
	k, e := m.com.Keys, m.enableModel
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
	m.closed = true
	if status != "" {
		m.setStatus(status)
	}
	return nil
}

// enablePaste puts pasted text in the domain field while it has the keys.
func (m *Model) enablePaste(s string) {
	if e := m.enableModel; e != nil && e.Step == StepPattern && e.editing {
		e.Domain.Paste(s)
		m.updatePreview()
	}
}

// enableHelp is the footer of each step.
func (m *Model) enableHelp() keys.Help {
	k := m.com.Keys
	e := m.enableModel
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move"))
	var short []key.Binding
	switch {
	case e == nil:
	case e.Step == StepPool:
		short = []key.Binding{keys.With(move, "choose pool"), keys.With(k.Open, "next"), keys.With(k.Back, "cancel"), k.Quit}
	case e.Step == StepPattern && e.editing:
		short = []key.Binding{
			key.NewBinding(key.WithKeys("a"), key.WithHelp("type", "the domain")),
			key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "done")),
		}
	case e.Step == StepPattern:
		short = []key.Binding{keys.With(move, "sign-in name"), keys.With(k.NextPane, "edit domain"), keys.With(k.Open, "check in the directory"), keys.With(k.Back, "back to pools"), k.Quit}
	case e.Step == StepPlanning:
		short = []key.Binding{keys.With(k.Back, "stop checking")}
	case e.Step == StepPlan:
		n, _ := e.counts()
		short = []key.Binding{keys.Enabled(keys.With(k.Commit, fmt.Sprintf("enable %d user%s", n, common.Plural(n))), n > 0 && !m.com.ReadOnly), keys.With(move, "scroll"), keys.With(k.PageDown, "page"), keys.With(k.Back, "back"), k.Quit}
	case e.Step == StepApplying:
		short = []key.Binding{keys.With(k.Back, "stop after this user"), keys.With(k.Quit, "stop, then quit")}
	default:
		short = []key.Binding{keys.With(k.Open, "close"), keys.With(move, "scroll"), keys.With(k.Back, "close"), k.Quit}
	}
	return keys.Help{Short: short, Full: [][]key.Binding{short}}
}
