// Package configure is the console's Configure Users wizard: one change for
// many users (the selection, or every user the list's filter matches),
// chosen with the user pane's check boxes and telephony radio group, each
// "leave as is", on or off; previewed as directory.PlanBulk decides it (one
// read, every user in memory), written with directory.ApplyBulk (each
// user its own compare-and-swap, journaled under one run) with a progress
// bar, stoppable between users.
package configure

import (
	"context"
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
	"ocsflags/ui/session"
)

type step int

const (
	stepForm step = iota
	stepPlanning
	stepPreview
	stepApplying
	stepDone
)

// kind is how a form row is chosen.
type kind int

const (
	kindBit    kind = iota // a check box: leave / on / off
	kindOneWay             // enhanced presence: leave / on
	kindBool               // a Boolean attribute: leave / on / off
	kindArch               // an archiving box: leave / on / off
	kindTel                // one option of the telephony radio group
	kindPool               // the pool for broken home servers
)

// row is one line of the form.
type row struct {
	kind  kind
	label string
	bit   flags.Value     // kindBit, kindOneWay, kindArch
	tel   flags.Telephony // kindTel; telLeave is "leave as is"
	set   func(c *flags.Change, on bool)
	// val is 0 leave, 1 on, 2 off (check boxes); the chosen pool's index
	// + 1 (kindPool).
	val int
}

// telLeave marks the telephony group's "leave as is" option.
const telLeave flags.Telephony = -1

// Model is the wizard.
type Model struct {
	c     *common.Common
	sess  *session.Session
	users []directory.User
	keys  KeyMap

	step   step
	rows   []row
	cursor int
	tel    flags.Telephony // the radio group's choice
	pools  []directory.Pool

	plan   *directory.BulkPlan
	gone   []string // selected users no longer in the directory
	offset int      // first table row shown

	results []directory.BulkResult // by plan item; Outcome "" until done
	done    int
	run     string
	stopped bool
	cancel  context.CancelFunc
	bar     progress.Model
	err     string
}

// KeyMap is the wizard's keys.
type KeyMap struct {
	Up, Down, Cycle, Left, Right key.Binding
	PageUp, PageDown             key.Binding
	Preview, Write, Again        key.Binding
	Back, Stop, Close            key.Binding
}

func newKeyMap(k keys.KeyMap) KeyMap {
	return KeyMap{
		Up: k.Up, Down: k.Down,
		Cycle: keys.With(k.Toggle, "leave/on/off"),
		Left:  key.NewBinding(key.WithKeys("left", "h")), Right: key.NewBinding(key.WithKeys("right", "l")),
		PageUp: k.PageUp, PageDown: k.PageDown,
		Preview: keys.With(k.Open, "preview"),
		Write:   keys.With(k.Commit, "write"),
		Again:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "again for those left")),
		Back:    keys.With(k.Back, "back"),
		Stop:    keys.With(k.Back, "stop after the writes in flight"),
		Close:   keys.With(k.Back, "close"),
	}
}

// New opens the wizard on users (the selection, or the filter's matches).
func New(c *common.Common, sess *session.Session, users []directory.User) *Model {
	m := &Model{c: c, sess: sess, users: users, keys: newKeyMap(c.Keys), tel: telLeave,
		bar: progress.New(progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))}
	fb := func(l string, v flags.Value) row { return row{kind: kindBit, label: l, bit: v} }
	label := func(v flags.Value) string {
		f, _ := flags.Lookup(v)
		return f.Label
	}
	m.rows = []row{
		fb(label(flags.PublicIM), flags.PublicIM),
		fb(label(flags.AnonymousParticipants), flags.AnonymousParticipants),
		{kind: kindOneWay, label: label(flags.EnhancedPresence) + " (one-way)", bit: flags.EnhancedPresence},
		{kind: kindBool, label: flags.DocFederation.Label, set: func(c *flags.Change, on bool) { c.Federation = flags.Some(on) }},
		{kind: kindBool, label: flags.DocRemoteAccess.Label, set: func(c *flags.Change, on bool) { c.RemoteAccess = flags.Some(on) }},
	}
	for _, a := range flags.ArchivingBoxes {
		m.rows = append(m.rows, row{kind: kindArch, label: a.Label, bit: a.Bit})
	}
	m.rows = append(m.rows, row{kind: kindTel, label: "Telephony: leave as is", tel: telLeave})
	for _, t := range flags.TelephonyModes {
		m.rows = append(m.rows, row{kind: kindTel, label: t.Label(), tel: t})
	}
	m.pools = sess.Pools.All()
	m.rows = append(m.rows, row{kind: kindPool, label: "Pool for broken home servers"})
	return m
}

// Messages of the wizard's own, tagged with the wizard they belong to.
type planMsg struct {
	w    *Model
	plan *directory.BulkPlan
	gone []string
	err  error
}

type eventMsg struct {
	w    *Model
	i    int
	r    directory.BulkResult
	done int
	ch   <-chan tea.Msg
}

type doneMsg struct {
	w   *Model
	rep *directory.BulkReport
}

// UserWrittenMsg says a user was written by the wizard: User is as the
// directory holds it now, for the list and the open user to show.
type UserWrittenMsg struct{ User directory.User }

// DoneMsg says a run ended: Done are the users now in the target state
// (the list deselects them), the others stay selected for another try.
type DoneMsg struct{ Done []directory.User }

// change is the form as a flags.Change and the pool for broken home
// servers ("" when left as is).
func (m *Model) change() (flags.Change, string) {
	var c flags.Change
	var arch flags.Delta
	archChosen := false
	for _, r := range m.rows {
		if r.val == 0 && r.kind != kindPool {
			continue
		}
		on := r.val == 1
		switch r.kind {
		case kindBit, kindOneWay:
			d := flags.Delta{Set: r.bit}
			if !on {
				d = flags.Delta{Clear: r.bit}
			}
			c.Flags = c.Flags.Then(d)
		case kindBool:
			r.set(&c, on)
		case kindArch:
			archChosen = true
			if on {
				arch.Set |= r.bit
			} else {
				arch.Clear |= r.bit
			}
		}
	}
	if archChosen {
		// Choosing the archiving boxes again retires LCS 2005's values, as
		// a click on one in the user pane does.
		arch.Clear |= flags.ArchiveLegacy
		c.Archiving = arch
	}
	if m.tel != telLeave {
		c.Flags = c.Flags.Then(flags.SetTelephony(m.tel))
	}
	home := ""
	for _, r := range m.rows {
		if r.kind == kindPool && r.val > 0 {
			home = m.pools[r.val-1].HomeServerDN
		}
	}
	return c, home
}

// Update handles keys and the wizard's messages.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.key(msg)
	case planMsg:
		if msg.w != m || m.step != stepPlanning {
			return m, nil
		}
		if msg.err != nil {
			m.step, m.err = stepForm, "cannot plan, nothing was written: "+msg.err.Error()
			return m, nil
		}
		m.plan, m.gone, m.step, m.offset, m.err = msg.plan, msg.gone, stepPreview, 0, ""
		return m, nil
	case eventMsg:
		if msg.w != m {
			return m, nil
		}
		m.results[msg.i], m.done = msg.r, msg.done
		cmds := []tea.Cmd{wait(msg.ch)}
		if msg.r.Outcome == directory.BulkWritten && msg.r.After.DN != "" {
			u := msg.r.After
			cmds = append(cmds, func() tea.Msg { return UserWrittenMsg{User: u} })
		}
		return m, tea.Batch(cmds...)
	case doneMsg:
		if msg.w != m {
			return m, nil
		}
		m.step, m.stopped, m.run, m.cancel = stepDone, msg.rep.Stopped, msg.rep.Run, nil
		var done []directory.User
		for i, r := range msg.rep.Results {
			m.results[i] = r
			if r.Outcome == directory.BulkWritten || r.Outcome == directory.BulkUnchanged {
				done = append(done, m.plan.Items[i].User)
			}
		}
		return m, func() tea.Msg { return DoneMsg{Done: done} }
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyPressMsg) (common.Screen, tea.Cmd) {
	k := m.keys
	switch m.step {
	case stepForm:
		switch {
		case key.Matches(msg, k.Back):
			return nil, nil
		case key.Matches(msg, k.Up):
			m.cursor = max(m.cursor-1, 0)
		case key.Matches(msg, k.Down):
			m.cursor = min(m.cursor+1, len(m.rows)-1)
		case key.Matches(msg, k.Cycle), key.Matches(msg, k.Right):
			m.cycle(1)
		case key.Matches(msg, k.Left):
			m.cycle(-1)
		case key.Matches(msg, k.Preview):
			return m, m.startPlan()
		}
	case stepPlanning:
		if key.Matches(msg, k.Back) {
			m.step = stepForm
		}
	case stepPreview:
		switch {
		case key.Matches(msg, k.Back):
			m.step = stepForm
		case key.Matches(msg, k.Write):
			return m, m.startApply()
		default:
			m.scroll(msg)
		}
	case stepApplying:
		if key.Matches(msg, k.Stop) && m.cancel != nil {
			m.cancel()
			m.stopped = true
		} else {
			m.scroll(msg)
		}
	case stepDone:
		switch {
		case key.Matches(msg, k.Close):
			return nil, nil
		case key.Matches(msg, k.Again) && m.left() > 0:
			var left []directory.User
			for i, r := range m.results {
				if r.Outcome != directory.BulkWritten && r.Outcome != directory.BulkUnchanged {
					left = append(left, m.plan.Items[i].User)
				}
			}
			m.users = left
			return m, m.startPlan()
		default:
			m.scroll(msg)
		}
	}
	return m, nil
}

// left is how many users of the last run are not in the target state.
func (m *Model) left() int {
	n := 0
	for _, r := range m.results {
		if r.Outcome != directory.BulkWritten && r.Outcome != directory.BulkUnchanged {
			n++
		}
	}
	return n
}

func (m *Model) scroll(msg tea.KeyPressMsg) {
	if m.plan == nil {
		return
	}
	k, page := m.keys, max(m.tableHeight(), 1)
	n := len(m.plan.Items)
	switch {
	case key.Matches(msg, k.Up):
		m.offset--
	case key.Matches(msg, k.Down):
		m.offset++
	case key.Matches(msg, k.PageUp):
		m.offset -= page
	case key.Matches(msg, k.PageDown):
		m.offset += page
	}
	m.offset = common.Clamp(m.offset, 0, max(n-page, 0))
}

// cycle moves the row under the cursor to its next (or previous) value.
func (m *Model) cycle(d int) {
	r := &m.rows[m.cursor]
	switch r.kind {
	case kindTel:
		m.tel = r.tel
		return
	case kindOneWay:
		r.val = (r.val + 1) % 2
		return
	case kindPool:
		n := len(m.pools) + 1
		r.val = ((r.val+d)%n + n) % n
		return
	}
	r.val = ((r.val+d)%3 + 3) % 3
}

// startPlan reads the selected users afresh, in one pass, and plans.
func (m *Model) startPlan() tea.Cmd {
	c, home := m.change()
	if c.IsZero() && home == "" {
		m.err = "nothing chosen: every setting is \"leave as is\""
		return nil
	}
	if len(m.users) == 0 {
		m.err = "no users to configure"
		return nil
	}
	m.step, m.err = stepPlanning, ""
	// The session is read here, in Update: the command runs elsewhere.
	pending := map[string]bool{}
	for _, u := range m.users {
		if m.sess.Pending.Get(u.DN).HasEdits() {
			pending[directory.NormDN(u.DN)] = true
		}
	}
	dns := make([]string, len(m.users))
	for i, u := range m.users {
		dns[i] = u.DN
	}
	ctx, d, w := m.c.Ctx, m.c.Dir, m
	req := directory.BulkRequest{Select: directory.BulkSelection{IDs: dns}, Change: c, RepairHome: home,
		Pending: func(dn string) bool { return pending[directory.NormDN(dn)] }}
	return func() tea.Msg {
		p, err := directory.PlanBulk(ctx, d, req)
		var ue *directory.UnresolvedError
		if !errors.As(err, &ue) {
			return planMsg{w: w, plan: p, err: err}
		}
		// Users deleted or moved since the list was read: plan the rest,
		// and say who is gone.
		var gone []string
		skip := map[int]bool{}
		for _, pr := range ue.Problems {
			gone, skip[pr.Index] = append(gone, pr.ID), true
		}
		req.Select.IDs = nil
		for i, dn := range dns {
			if !skip[i] {
				req.Select.IDs = append(req.Select.IDs, dn)
			}
		}
		if len(req.Select.IDs) == 0 {
			return planMsg{w: w, err: fmt.Errorf("none of the %d users is in the directory any more: reload", len(dns))}
		}
		p, err = directory.PlanBulk(ctx, d, req)
		return planMsg{w: w, plan: p, gone: gone, err: err}
	}
}

// startApply writes the plan in a goroutine that streams one message per
// user; esc cancels its context, which stops it between users.
func (m *Model) startApply() tea.Cmd {
	if m.plan.Count(directory.BulkWrite) == 0 {
		m.err = "nothing to write: every user is unchanged or skipped"
		return nil
	}
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.cancel, m.step, m.done, m.stopped, m.err = cancel, stepApplying, 0, false, ""
	m.results = make([]directory.BulkResult, len(m.plan.Items))
	index := make(map[string]int, len(m.plan.Items))
	for i, it := range m.plan.Items {
		index[directory.NormDN(it.User.DN)] = i
	}
	ch := make(chan tea.Msg, len(m.plan.Items)+1)
	d, p, w := m.c.Dir, m.plan, m
	go func() {
		defer close(ch)
		rep := directory.ApplyBulk(directory.WithRun(ctx, directory.NewRunID()), d, p, directory.BulkOptions{
			Progress: func(r directory.BulkResult, done, total int) {
				ch <- eventMsg{w: w, i: index[directory.NormDN(r.DN)], r: r, done: done, ch: ch}
			},
		})
		ch <- doneMsg{w: w, rep: rep}
	}()
	return wait(ch)
}

func wait(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

// Busy reports whether writes are in flight (the root asks before quitting).
func (m *Model) Busy() bool { return m.step == stepApplying }

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	move := key.NewBinding(key.WithKeys("up"), key.WithHelp("↑↓", "move"))
	switch m.step {
	case stepForm:
		return []key.Binding{move, k.Cycle, k.Preview, keys.With(k.Back, "cancel")}
	case stepPreview:
		return []key.Binding{keys.With(move, "scroll"), k.Write, keys.With(k.Back, "change the settings")}
	case stepApplying:
		return []key.Binding{keys.With(move, "scroll"), k.Stop}
	case stepDone:
		return []key.Binding{keys.With(move, "scroll"), keys.Enabled(k.Again, m.left() > 0), k.Close}
	}
	return []key.Binding{keys.With(k.Back, "back")}
}

// FullHelp is the ? help.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
