package enable

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
)

// Model is the Enable Users wizard as a screen: one run (enableModel, which
// the messages of its commands point at) with what it shares. The root
// owns it while it is open and shows it in place of the browser.
type Model struct {
	*enableModel
	com  *common.Common
	sess *session.Session
	common.Outbox

	closed    bool // a key closed the wizard
	marksLeft bool // users stay selected in the list after the run (SetMarksLeft)
}

// Msg is every message of the wizard's commands.
type Msg = enableMsg

// Messages the wizard sends the root.
type (
	// RefreshMsg: User is now stored so; the browser shows it.
	RefreshMsg struct{ User directory.User }
	// UnmarkMsg: the users of DNs were enabled; the list deselects them.
	UnmarkMsg struct{ DNs []string }
)

// New opens the wizard on users; rootDN gives the domain when the users'
// DNs do not.
func New(c *common.Common, s *session.Session, users []directory.User, rootDN string) *Model {
	e := &enableModel{users: users}
	e.Domain.Value = dnsDomainOf(users[0].DN)
	if e.Domain.Value == "" {
		e.Domain.Value = dnsDomainOf(rootDN)
	}
	// Start on the pool the users already point at, if they agree on one.
	for i, p := range session.PoolsByHost(s.Pools) {
		if hs := users[0].OCS.HomeServer; hs.Set && directory.SameDN(hs.V, p.HomeServerDN) {
			e.PoolCur = i
		}
	}
	m := &Model{enableModel: e, com: c, sess: s}
	switch {
	case s.PoolsErr != nil:
		m.setError("the OCS pools could not be read, so none can be offered: " + s.PoolsErr.Error())
	case s.PoolsLoaded && s.Pools.Len() == 0:
		m.setError(s.Pools.NoneWhy())
	default:
		m.setStatus(fmt.Sprintf("Enable Users wizard for %d user%s: nothing is written before you confirm", len(users), common.Plural(len(users))))
	}
	return m
}

// Update handles the wizard's keys, pastes and its commands' answers; a
// nil screen means the wizard closed.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		cmd = m.enableKey(msg)
	case tea.PasteMsg:
		m.enablePaste(msg.Content)
	case enableMsg:
		cmd = m.onEnable(msg)
	}
	if m.closed {
		return nil, cmd
	}
	return m, cmd
}

// Orphan keeps reading the progress of a run whose wizard was closed, so
// its writes are reported and shown (user is the one stored, if any).
func Orphan(msg Msg) (next tea.Cmd, user *directory.User) {
	if p, ok := msg.(enableProgressMsg); ok {
		return waitEnable(p.ch), p.user
	}
	return nil, nil
}

// View draws the wizard from a copy: drawing changes nothing.
func (m *Model) View() string {
	c := *m
	e := *m.enableModel
	c.enableModel = &e
	return strings.Join(c.enableBody(m.com.Width, m.com.Height), "\n")
}

// Settle lays the wizard out once after a message.
func (m *Model) Settle() { m.enableBody(m.com.Width, m.com.Height) }

// ShortHelp and FullHelp are the step's keys.
func (m *Model) ShortHelp() []key.Binding  { return m.enableHelp().Short }
func (m *Model) FullHelp() [][]key.Binding { return m.enableHelp().Full }

// Busy reports whether the wizard is writing.
func (m *Model) Busy() bool { return m.Step == StepApplying }

// Spinning reports whether the wizard waits on the directory.
func (m *Model) Spinning() bool { return m.Step == StepPlanning || m.Step == StepApplying }

// Stop stops a run between users (quit, a stop signal).
func (m *Model) Stop() {
	if m.Step == StepApplying && m.cancel != nil {
		m.cancel()
		m.stopped = true
	}
}

// SetMarksLeft says whether users stay selected in the list after the run.
func (m *Model) SetMarksLeft(left bool) { m.marksLeft = left }

func (m *Model) setStatus(s string) { m.Emit(common.StatusMsg{Text: s}) }
func (m *Model) setError(s string)  { m.Emit(common.StatusMsg{Text: s, Err: true}) }
func (m *Model) quit() tea.Cmd      { m.Emit(common.QuitMsg{}); return nil }
