// Package history is the console's history screen: the journal's writes to
// the directory open now, newest first, filterable by user; enter shows a
// write, u stages its undo as pending edits on the user, so it goes through
// the review and commit like any edit (and is journaled as that write's
// undo, "undoes", as ocsflags undo writes it). A compare-and-swap try
// refused as a conflict and then written is one change, as in ocsflags
// history (directory.FoldRetries).
package history

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
	"ocsflags/ui/session"
)

// KeyMap is the history screen's keys.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Open, Close, Undo, Filter, Reload     key.Binding
	// Done ends typing the filter.
	Done key.Binding
}

func newKeyMap(k keys.KeyMap, readOnly bool) KeyMap {
	return KeyMap{
		Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Home: k.Home, End: k.End,
		Open:   keys.With(k.Open, "show write"),
		Close:  keys.With(k.Back, "back"),
		Undo:   keys.Enabled(keys.With(k.Undo, "stage its undo"), !readOnly),
		Filter: keys.With(k.Filter, "filter by user"),
		Reload: keys.With(k.Reload, "reload"),
		Done:   key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter/esc", "done")),
	}
}

// loadedMsg is the journal read back.
type loadedMsg struct {
	writes  []directory.JournalWrite
	retried map[string][]directory.JournalWrite
	damage  []directory.JournalDamage
	err     error
}

// plannedMsg is the undo of a write planned on the user as read now.
type plannedMsg struct {
	write directory.JournalWrite
	user  directory.User
	plan  directory.UndoPlan
	err   error
}

// Model is the history screen.
type Model struct {
	c    *common.Common
	sess *session.Session
	keys KeyMap
	j    *directory.Journaled

	loading bool
	err     error
	// all is the journal's writes to this directory, newest first; shown
	// the ones the filter lets through.
	all, shown []directory.JournalWrite
	damage     []directory.JournalDamage
	// retried holds, by the id of a written try, the tries before it that
	// were refused (a conflict) and tried again: shown as one change.
	retried map[string][]directory.JournalWrite

	cursor, offset int
	filter         common.Input
	filtering      bool
	// open shows the write under the cursor in full.
	open bool
	// planning is the id of the write whose undo is being read for;
	// result says what the last undo staged or refused.
	planning string
	result   []string
	resultOK bool
}

// New opens the history of the directory c.Dir, reading its journal.
func New(c *common.Common, sess *session.Session) (*Model, tea.Cmd) {
	m := &Model{c: c, sess: sess, keys: newKeyMap(c.Keys, c.ReadOnly)}
	m.j, _ = c.Dir.(*directory.Journaled)
	if m.j == nil {
		return m, nil
	}
	m.loading = true
	return m, m.load()
}

// load reads the journal and keeps the writes made in this directory.
func (m *Model) load() tea.Cmd {
	j, ctx := m.j, m.c.Ctx
	return func() tea.Msg {
		lines, damage, err := j.ReadLines()
		if err != nil {
			return loadedMsg{err: err}
		}
		info := j.Info()
		var nc directory.NamingContexts
		if info.Kind == "ldap" {
			cctx, cancel := context.WithTimeout(ctx, directory.DefaultTimeout)
			nc, _ = j.NamingContexts(cctx)
			cancel()
		}
		var here []directory.JournalWrite
		for _, w := range directory.Writes(lines) {
			if directory.JournaledHere(info, nc, w.Directory, w.DN) != directory.HereOther {
				here = append(here, w)
			}
		}
		here, retried := directory.FoldRetries(here)
		out := make([]directory.JournalWrite, 0, len(here))
		for i := len(here) - 1; i >= 0; i-- {
			out = append(out, here[i])
		}
		return loadedMsg{writes: out, retried: retried, damage: damage}
	}
}

// plan reads the user and plans the undo of w on what it holds now.
func (m *Model) plan(w directory.JournalWrite) tea.Cmd {
	d, ctx := m.c.Dir, m.c.Ctx
	return func() tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, directory.DefaultTimeout)
		defer cancel()
		u, err := d.User(cctx, w.DN)
		if err != nil {
			return plannedMsg{write: w, err: err}
		}
		return plannedMsg{write: w, user: u, plan: directory.PlanUndo(w, u)}
	}
}

// Update handles keys and the answers of its commands; esc closes.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		m.loading, m.err = false, msg.err
		m.all, m.damage, m.retried = msg.writes, msg.damage, msg.retried
		m.refilter()
		return m, nil
	case plannedMsg:
		if msg.write.ID != m.planning {
			return m, nil
		}
		m.planning = ""
		return m, m.staged(msg)
	case tea.PasteMsg:
		if m.filtering {
			m.filter.Paste(msg.Content)
			m.refilter()
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyPressMsg) (common.Screen, tea.Cmd) {
	k := m.keys
	if m.filtering {
		if key.Matches(msg, k.Done) {
			m.filtering = false
			return m, nil
		}
		if changed, _ := m.filter.Update(msg); changed {
			m.refilter()
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Close):
		if m.open {
			m.open = false
			return m, nil
		}
		return nil, nil
	case key.Matches(msg, k.Open):
		m.open = len(m.shown) > 0
	case key.Matches(msg, k.Filter):
		m.filtering, m.open = true, false
	case key.Matches(msg, k.Reload):
		if m.j != nil {
			m.loading = true
			return m, m.load()
		}
	case key.Matches(msg, k.Undo):
		return m, m.undo()
	case key.Matches(msg, k.Up):
		m.cursor--
	case key.Matches(msg, k.Down):
		m.cursor++
	case key.Matches(msg, k.PageUp):
		m.cursor -= max(m.listHeight()-1, 1)
	case key.Matches(msg, k.PageDown):
		m.cursor += max(m.listHeight()-1, 1)
	case key.Matches(msg, k.Home):
		m.cursor = 0
	case key.Matches(msg, k.End):
		m.cursor = len(m.shown) - 1
	}
	m.cursor = common.Clamp(m.cursor, 0, max(len(m.shown)-1, 0))
	m.offset = common.Window(m.cursor, m.offset, m.listHeight(), len(m.shown))
	return m, nil
}

// undo starts staging the undo of the write under the cursor: refused at
// once when there is nothing to undo, else the user is read first.
func (m *Model) undo() tea.Cmd {
	if len(m.shown) == 0 || m.planning != "" {
		return nil
	}
	w := m.shown[m.cursor]
	if w.Outcome == directory.JournalNotWritten {
		m.result, m.resultOK = []string{"refused: write " + w.ID + " was not written: there is nothing to undo"}, false
		return common.Status("refused: that write was not written, so there is nothing to undo", true)
	}
	m.planning = w.ID
	m.result, m.resultOK = []string{"reading " + w.DN + " to plan the undo…"}, true
	return m.plan(w)
}

// staged turns a planned undo into pending edits through the session (its
// rules may still refuse them), and says what was refused or kept.
func (m *Model) staged(msg plannedMsg) tea.Cmd {
	if msg.err != nil {
		m.result, m.resultOK = []string{"cannot read " + msg.write.DN + ": " + msg.err.Error()}, false
		return common.Status("cannot plan the undo: "+msg.err.Error(), true)
	}
	var lines []string
	for _, p := range msg.plan.Parts {
		switch p.Action {
		case directory.UndoRefused:
			lines = append(lines, "refused: "+p.Reason)
		case directory.UndoKept:
			lines = append(lines, "kept: "+p.Reason)
		default:
			if p.Reason != "" {
				lines = append(lines, "note: "+p.Reason)
			}
		}
	}
	c := msg.plan.Change
	if c.IsZero() {
		m.result, m.resultOK = append([]string{"nothing staged for " + msg.user.Label() + ":"}, lines...), false
		return common.Status("the undo of "+msg.write.ID+" is refused: nothing staged", true)
	}
	what := "undo of " + msg.write.ID + " for " + msg.user.Label()
	if !msg.plan.Complete() {
		what += " (in part: see history)"
	}
	m.result, m.resultOK = append([]string{"staged " + what + " — esc, then c to review and commit"}, lines...), msg.plan.Complete()
	return session.StageUndo(msg.user, c, what, msg.write.ID)
}

// refilter applies the filter: a write is shown when the text is in its
// user's DN (names are in it), case-insensitively.
func (m *Model) refilter() {
	f := strings.ToLower(strings.TrimSpace(m.filter.Value))
	m.shown = m.shown[:0]
	for _, w := range m.all {
		if f == "" || strings.Contains(strings.ToLower(w.DN), f) {
			m.shown = append(m.shown, w)
		}
	}
	m.cursor = common.Clamp(m.cursor, 0, max(len(m.shown)-1, 0))
	m.offset = common.Window(m.cursor, m.offset, m.listHeight(), len(m.shown))
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	if m.filtering {
		return []key.Binding{m.keys.Done}
	}
	return []key.Binding{m.keys.Open, m.keys.Undo, m.keys.Filter, m.keys.Reload, m.keys.Close}
}

// FullHelp is the ? help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.Open, k.Undo, k.Filter, k.Reload, k.Close}}
}

// head is the lines above the list.
func (m *Model) head() []string {
	st := m.c.Styles
	title := st.Bold.Render("History") + st.Dim.Render("  the journal's writes to "+termtext.Safe(m.c.Info.Name)+", newest first")
	out := []string{title}
	switch {
	case m.filtering:
		out = append(out, m.filter.View("Filter by user: "))
	case m.filter.Value != "":
		out = append(out, st.Dim.Render("filter: "+termtext.Safe(m.filter.Value)+"  (/ to change)"))
	case m.c.Width < 120:
		out = append(out, st.Dim.Render("✓ written · ✗ not written · ? outcome unknown · / filters by user"))
	default:
		out = append(out, st.Dim.Render("/ filters by user"))
	}
	return out
}

// tail is the lines below the list: damaged lines, the last undo's result.
func (m *Model) tail() []string {
	st := m.c.Styles
	var out []string
	if n := len(m.damage); n > 0 {
		d := m.damage[0]
		out = append(out, st.Warn.Render(fmt.Sprintf("! %d damaged journal line%s left out: line %d: %s", n, common.Plural(n), d.Line, termtext.Safe(d.Why))))
	}
	for i, r := range m.result {
		style := st.Warn
		switch {
		case i == 0 && m.resultOK:
			style = st.Ok
		case strings.HasPrefix(r, "refused"), i == 0:
			style = st.Bad
		}
		for _, l := range common.Wrap(termtext.Safe(r), m.c.Width) {
			out = append(out, style.Render(l))
		}
	}
	// The list keeps at least a few rows on a small terminal.
	if room := m.c.Height - len(m.head()) - 3; len(out) > room {
		out = out[:max(room, 0)]
	}
	return out
}

// listHeight is how many rows the list gets.
func (m *Model) listHeight() int {
	return max(m.c.Height-len(m.head())-len(m.tail()), 1)
}

// View draws the list (or the write under the cursor) between the title
// and the result of the last undo.
func (m *Model) View() string {
	st, w, h := m.c.Styles, m.c.Width, m.c.Height
	out := m.head()
	var body []string
	switch {
	case m.j == nil:
		body = common.Para(w, "This console keeps no journal (it was started with --read-only): nothing to list. `ocsflags history` lists the journal file.")
	case m.err != nil:
		body = []string{st.Bad.Render("✗ " + termtext.Safe(m.err.Error()))}
	case m.loading && len(m.all) == 0:
		body = []string{m.c.Spin + " reading the journal…"}
	case len(m.all) == 0:
		body = common.Para(w, "No write to this directory is in the journal yet. Changes committed with c are listed here.")
	case len(m.shown) == 0:
		body = []string{st.Dim.Render("no write matches the filter")}
	case m.open:
		body = m.entry(m.shown[m.cursor], w)
	default:
		for i := m.offset; i < len(m.shown) && i < m.offset+m.listHeight(); i++ {
			row := common.Fit(m.row(m.shown[i], w), w)
			if i == m.cursor {
				row = st.Selected.Render(row)
			}
			body = append(body, row)
		}
	}
	lh := m.listHeight()
	if len(body) > lh {
		body = body[:lh]
	}
	for len(body) < lh {
		body = append(body, "")
	}
	out = append(append(out, body...), m.tail()...)
	return strings.Join(common.Block(out, w, h), "\n")
}

// name is the user's name as its DN gives it (the CN).
func name(dn string) string {
	if p, err := directory.ParseDN(dn); err == nil && len(p.RDNs) > 0 && len(p.RDNs[0].Attributes) > 0 {
		return p.RDNs[0].Attributes[0].Value
	}
	return dn
}

// short is an attribute's name without msRTCSIP-.
func short(attr string) string { return strings.TrimPrefix(attr, "msRTCSIP-") }

func optText(o flags.Opt[string]) string {
	if !o.Set {
		return "(absent)"
	}
	return o.V
}

// editText is one attribute's before -> after, OptionFlags with its bits.
func editText(e flags.AttrEdit) string {
	s := fmt.Sprintf("%s %s → %s", short(e.Attr), optText(e.Old), optText(e.New))
	if strings.EqualFold(e.Attr, flags.AttrOptionFlags) {
		o, err1 := flags.ParseAD(e.Old.Or("0"))
		n, err2 := flags.ParseAD(e.New.Or("0"))
		if err1 == nil && err2 == nil {
			s += " (" + flags.DeltaNames(flags.Diff(o, n)) + ")"
		}
	}
	return s
}

// row is one write on one line: when, outcome, user, what changed; wide
// terminals spell the outcome out and also get who and the id.
func (m *Model) row(x directory.JournalWrite, w int) string {
	when := x.Time.Local().Format("01-02 15:04")
	if !m.c.Now.IsZero() && m.c.Now.Sub(x.Time) < 20*time.Hour {
		when = x.Time.Local().Format("15:04:05")
	}
	var edits []string
	for _, e := range x.Edits {
		edits = append(edits, editText(e))
	}
	outcome, nameW := map[string]string{directory.JournalWritten: "✓", directory.JournalNotWritten: "✗"}[x.Outcome], 17
	if outcome == "" {
		outcome = "?"
	}
	if w >= 120 {
		outcome, nameW = common.Fit(x.Outcome, 11), 24
	}
	out := fmt.Sprintf("%-11s %s %s %s", when, outcome, common.Fit(termtext.Safe(name(x.DN)), nameW), termtext.Safe(strings.Join(edits, "; ")))
	if x.Undoes != "" {
		out += "  (undo)"
	}
	if n := len(m.retried[x.ID]); n > 0 {
		out += fmt.Sprintf("  (try %d)", n+1)
	}
	if x.Run != "" {
		out += "  [run " + x.Run[:min(8, len(x.Run))] + "]"
	}
	if w >= 160 {
		out = common.Fit(out, w-48) + " " + common.Fit(termtext.Safe(x.BoundAs), 28) + " " + x.ID
	}
	return out
}

// entry is a write in full.
func (m *Model) entry(x directory.JournalWrite, w int) []string {
	st := m.c.Styles
	kv := func(k, v string) string { return st.Dim.Render(fmt.Sprintf("%-10s ", k)) + termtext.Safe(v) }
	out := []string{
		kv("write", x.ID),
		kv("when", x.Time.Local().Format("2006-01-02 15:04:05 MST")),
		kv("user", x.DN),
		kv("directory", x.Directory),
		kv("as", or(x.BoundAs, "(not recorded: the demo or an anonymous bind)")),
		kv("outcome", x.Outcome),
	}
	if x.Error != "" {
		out = append(out, kv("error", x.Error))
	}
	if x.Run != "" {
		out = append(out, kv("run", x.Run))
	}
	if x.Undoes != "" {
		out = append(out, kv("undoes", x.Undoes))
	}
	if tries := m.retried[x.ID]; len(tries) > 0 {
		ids := make([]string, len(tries))
		for i, t := range tries {
			ids[i] = t.ID
		}
		out = append(out, kv("tries", fmt.Sprintf("written on try %d; not written before: %s", len(tries)+1, strings.Join(ids, ", "))))
	}
	out = append(out, "")
	for _, e := range x.Edits {
		out = append(out, "  "+termtext.Safe(e.Attr))
		out = append(out, "    "+termtext.Safe(optText(e.Old))+" → "+termtext.Safe(optText(e.New)))
		if strings.EqualFold(e.Attr, flags.AttrOptionFlags) {
			o, _ := flags.ParseAD(e.Old.Or("0"))
			n, _ := flags.ParseAD(e.New.Or("0"))
			d := flags.Diff(o, n)
			for _, b := range d.Set.Bits() {
				out = append(out, "    + "+bitLabel(b))
			}
			for _, b := range d.Clear.Bits() {
				out = append(out, "    - "+bitLabel(b))
			}
		}
	}
	out = append(out, "", st.Dim.Render(fmt.Sprintf("journal lines %v", x.Lines)))
	var wrapped []string
	for _, l := range out {
		wrapped = append(wrapped, common.Fit(l, w))
	}
	return wrapped
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// bitLabel is a bit as the console labels it.
func bitLabel(b flags.Value) string {
	f, ok := flags.Lookup(b)
	label := flags.BitName(b)
	if ok && f.Label != "" {
		label = f.Label
	}
	return fmt.Sprintf("%d %s", uint32(b), label)
}
