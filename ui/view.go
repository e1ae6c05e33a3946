package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
)

// View draws the whole screen: header, body, status line, footer.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	// The alternate screen keeps the admin's shell intact, in tmux too.
	v.AltScreen = true
	v.WindowTitle = "ocsflags — " + termtext.Safe(m.com.Info.Name)
	return v
}

func (m *Model) render() string {
	w, h := max(m.w, 20), max(m.h, 6)
	footer := m.footerLines(w)
	bodyH := m.bodyHeight()
	var body []string
	switch m.screen {
	case scrReview:
		body = m.reviewBody(w, bodyH)
	case scrAudit:
		body = m.auditBody(w, bodyH)
	case scrEnable:
		body = m.enableBody(w, bodyH)
	default:
		body = m.browseBody(w, bodyH)
	}
	if len(m.stack) > 0 {
		body = m.stackBody(body)
	}
	if m.confirm != nil {
		body = common.DrawOver(body, m.confirm.view(m.com.Styles, w), w)
	}
	if m.edit != nil {
		body = common.DrawOver(body, m.edit.view(m.com.Styles, w, len(body)), w)
	}
	lines := make([]string, 0, h)
	lines = append(lines, m.header(w))
	lines = append(lines, body...)
	lines = append(lines, m.statusLine(w))
	lines = append(lines, footer...)
	return strings.Join(lines, "\n")
}

// bodyHeight is what is left between the header, the status line and the
// footer.
func (m *Model) bodyHeight() int {
	return max(max(m.h, 6)-2-len(m.footerLines(max(m.w, 20))), 1)
}

func (m *Model) header(w int) string {
	st := m.com.Styles
	var badges []string
	switch m.com.Info.Kind {
	case "demo":
		badges = append(badges, st.ModeDemo.Render(" DEMO "))
	case "ldif":
		badges = append(badges, st.ModeDemo.Render(" LDIF "))
	default:
		badges = append(badges, st.ModeLive.Render(" LIVE "))
	}
	if m.com.ReadOnly {
		badges = append(badges, st.ModeRO.Render(" READ-ONLY "))
	}
	if m.com.Info.Cleartext {
		// The password crossed the network readable by anyone on the path
		// (--allow-cleartext-password).
		badges = append(badges, st.ModeWarn.Render(" CLEARTEXT "))
	}
	if m.com.Info.TLSUnverified {
		badges = append(badges, st.ModeWarn.Render(" TLS not verified "))
	}
	if m.sess.PoolsHidden {
		// Readiness needs the home server's pool: with pools this account
		// cannot read, some verdicts are "? unchecked" (notePools).
		badges = append(badges, st.ModeWarn.Render(" ? pools unreadable "))
	}
	edits, users := m.sess.Pending.Counts()
	pend := st.HeaderDim.Render(" no pending changes ")
	if edits > 0 {
		pend = st.PendingBadge.Render(fmt.Sprintf(" %d pending change%s (%d user%s) ", edits, common.Plural(edits), users, common.Plural(users)))
	}
	right := strings.Join(badges, " ") + " " + pend

	where := termtext.Safe(m.com.Info.Name)
	switch m.com.Info.Kind {
	case "demo":
		where = "demo directory"
	case "ldif":
		where = "LDIF " + termtext.Safe(m.com.Info.Name)
	}
	if m.com.Info.InMemory {
		where += ", data in memory"
	}
	left := " ocsflags │ " + where + " "
	if m.com.Info.Kind == "ldap" {
		who := m.com.Info.BoundAs
		if who == "" {
			who = "anonymous bind"
		}
		how := "as "
		if m.com.Info.Auth != "" {
			how = termtext.Safe(m.com.Info.Auth) + " as " // Kerberos as admin@CORP.EXAMPLE
		}
		left += "│ " + how + termtext.Safe(who) + " "
	}
	room := w - ansi.StringWidth(right)
	if ansi.StringWidth(left) > room {
		// Narrow: which DC and who is bound (Kerberos as
		// Administrator@CORP.EXAMPLE) matter more than the program's name
		// and the long form of "no pending changes".
		left = strings.TrimPrefix(left, " ocsflags │")
		if edits == 0 && ansi.StringWidth(left) > room {
			right = strings.Join(badges, " ") + " " + st.HeaderDim.Render(" no changes ")
			room = w - ansi.StringWidth(right)
		}
	}
	return st.Header.Render(common.Fit(left, room)) + right
}

func (m *Model) statusLine(w int) string {
	if since, n, checking := m.review.waitingSince(); n > 0 {
		// Waiting on the directory: how long so far, whatever else the
		// status says.
		what := fmt.Sprintf("writing %d user%s…", n, common.Plural(n))
		if checking {
			what = "outcome unknown: reading the user again…"
		}
		text := m.spin.View() + " " + what + " " + m.elapsed(since)
		if m.status != "" && !strings.HasPrefix(m.status, "writing ") {
			text += " · " + termtext.Safe(m.status)
		}
		if m.statusErr || checking {
			return m.com.Styles.StatusErr.Render(common.Fit(text, w))
		}
		return m.com.Styles.StatusInfo.Render(common.Fit(text, w))
	}
	if m.status == "" {
		return strings.Repeat(" ", w)
	}
	if m.statusErr {
		return m.com.Styles.StatusErr.Render(common.Fit("✗ "+termtext.Safe(m.status), w))
	}
	return m.com.Styles.StatusInfo.Render(common.Fit(termtext.Safe(m.status), w))
}

func (m *Model) footerLines(w int) []string {
	hk := m.helpKeys()
	view := m.help.View(hk)
	if m.help.ShowAll {
		view = m.fullHelp(hk.Full, w)
	}
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		// bubbles/help lets the last item overflow when even its
		// ellipsis does not fit; never wrap the footer.
		lines[i] = common.Fit(l, w)
	}
	return lines
}

// fullHelp lays the ? columns side by side as far as they fit in w and
// starts a new band below for the rest: bubbles/help would drop the columns
// that do not fit behind a "…", hiding keys on an 80-column terminal.
func (m *Model) fullHelp(groups [][]key.Binding, w int) string {
	wide := m.help
	wide.SetWidth(0)
	var bands []string
	var band [][]key.Binding
	bandW := 0
	for _, g := range groups {
		gw := lipgloss.Width(wide.FullHelpView([][]key.Binding{g}))
		if len(band) > 0 && bandW+len(wide.FullSeparator)+gw > w {
			bands = append(bands, wide.FullHelpView(band))
			band, bandW = nil, 0
		}
		if len(band) > 0 {
			bandW += len(wide.FullSeparator)
		}
		band = append(band, g)
		bandW += gw
	}
	if len(band) > 0 {
		bands = append(bands, wide.FullHelpView(band))
	}
	return strings.Join(bands, "\n")
}

// helpKeys picks the bindings that matter on the current screen from the
// one key map.
func (m *Model) helpKeys() keys.Help {
	k := m.com.Keys
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move"))
	edits, _ := m.sess.Pending.Counts()
	review := keys.Enabled(k.Review, edits > 0)
	help := k.Help
	if m.help.ShowAll {
		help = keys.With(help, "close this help")
	}
	// space is one key with a meaning per pane: one line says both.
	space := keys.With(k.Toggle, "toggle a setting / select a user")
	full := [][]key.Binding{
		{k.Up, k.Down, k.Left, k.Right, k.PageUp, k.PageDown, k.Home, k.End},
		{k.NextPane, k.PrevPane, k.Open, k.Back, k.Filter, k.Reload, k.Info},
		{space, k.Undo, k.Review, k.Audit, k.Enable, k.Disable, k.Explorer, k.History, help, k.Quit},
		{k.Configure, k.ConfigureAll},
	}
	if m.edit != nil {
		return editHelp()
	}
	if m.confirm != nil {
		var ks []string
		for _, o := range m.confirm.options {
			ks = append(ks, o.keys[0])
		}
		what := "answer the question above"
		if m.confirm.kind == "info" {
			what = "close"
		}
		answer := key.NewBinding(key.WithKeys(ks...), key.WithHelp(strings.Join(ks, "/"), what))
		return keys.Help{Short: []key.Binding{answer}, Full: full}
	}
	if m.top() != nil {
		return m.topHelp()
	}
	switch m.screen {
	case scrEnable:
		return m.enableHelp()
	case scrAudit:
		if m.audit.picker != nil {
			short := []key.Binding{keys.With(move, "choose"), keys.With(k.Open, "set as pending edit"), keys.With(k.Back, "cancel")}
			return keys.Help{Short: short, Full: [][]key.Binding{short}}
		}
		p := m.sess.Pending.Get(m.detail.User.DN)
		rows, _, _ := m.auditRules()
		fixable := rows[common.Clamp(m.audit.cursor, 0, len(rows)-1)].finding != nil
		short := []key.Binding{
			keys.With(move, "rule"), keys.Enabled(keys.With(k.Fix, "fix this"), !m.com.ReadOnly && fixable), keys.Enabled(k.Undo, p != nil && len(p.Stack) > 0),
			review, keys.With(k.Reload, "check again"), keys.With(k.Back, "back"), k.Quit,
		}
		return keys.Help{Short: short, Full: [][]key.Binding{short}}
	case scrReview:
		_, conflict := m.review.selectedConflict()
		short := []key.Binding{
			keys.With(move, "user"), keys.Enabled(k.Commit, !m.com.ReadOnly && edits > 0), keys.Enabled(k.Rebase, conflict != nil), keys.Enabled(k.Drop, conflict != nil),
			k.LDIF, keys.With(k.PageDown, "scroll"), keys.With(k.Back, "back"), k.Quit,
		}
		return keys.Help{Short: short, Full: [][]key.Binding{short[:4], short[4:]}}
	}
	if m.list.editing {
		return keys.Help{Short: []key.Binding{
			key.NewBinding(key.WithKeys("a"), key.WithHelp("type", "filter name, sAMAccountName, SIP")),
			keys.With(move, "move"), keys.With(k.Open, map[bool]string{true: "open the match", false: "keep filter"}[m.list.VisibleLen() == 1]), keys.With(k.Back, "clear"),
		}, Full: full}
	}
	var short []key.Binding
	switch m.focus {
	case PaneTree:
		short = []key.Binding{move, keys.With(k.Open, "list users"), keys.With(k.Right, "expand"), review, k.Help, k.Quit, k.NextPane, k.Filter, k.Explorer}
	case PaneList:
		back := "back"
		switch {
		case m.list.Loading:
			back = "stop loading"
		case m.list.Filter != "":
			back = "clear filter"
		case len(m.list.Marks) > 0:
			back = "clear selection"
		}
		var undo bool
		if r := m.list.Selected(); r != nil {
			p := m.sess.Pending.Get(r.U.DN)
			undo = p != nil && len(p.Stack) > 0
		}
		short = []key.Binding{move, keys.With(k.Open, "open user"), k.Filter, keys.With(k.Back, back), review, keys.Enabled(k.Undo, undo), k.Help, k.Quit, k.Audit, k.Reload, k.NextPane, k.Explorer, k.Mark, k.Enable, k.Disable}
	default:
		p := m.sess.Pending.Get(m.detail.User.DN)
		can := m.detail.Has && !m.com.ReadOnly
		short = []key.Binding{move, keys.Enabled(k.Toggle, can), keys.Enabled(keys.With(k.Open, "edit"), can && m.focusedEditable()), keys.Enabled(k.Undo, p != nil && len(p.Stack) > 0), review, keys.Enabled(k.Audit, m.detail.Has), k.Back, k.Help, k.Quit, k.Explorer, k.Reload, keys.Enabled(k.Info, m.detail.Has), keys.Enabled(k.Enable, can), keys.Enabled(k.Disable, can)}
	}
	return keys.Help{Short: short, Full: full}
}

// browseBody lays the three panes side by side when wide, one at a time
// with a breadcrumb when narrow.
func (m *Model) browseBody(w, h int) []string {
	spin := m.spin.View()
	pending := func(dn string) bool { return m.sess.Pending.Get(dn) != nil }
	if !m.wide() {
		crumb := m.breadcrumb(w)
		var pane []string
		switch m.focus {
		case PaneTree:
			pane = m.tree.view(m.com.Styles, w, h-1, true, spin, m.list.dn)
		case PaneList:
			pane = m.list.view(m.com.Styles, w, h-1, true, spin, pending)
		default:
			pane = m.detailPane(w, h-1, true)
		}
		return append([]string{crumb}, common.Block(pane, w, h-1)...)
	}
	title := func(p Pane, t string, width int) string {
		if m.focus == p {
			return m.com.Styles.TitleFocused.Render(common.Fit("▸ "+t, width))
		}
		return m.com.Styles.Title.Render(common.Fit("  "+t, width))
	}
	sep := m.com.Styles.Sep.Render("│")
	if w < threePaneWidth {
		// Three panes would leave the list a few letters per column: the
		// tree and the list share the left side (the tree while it has
		// the focus), the user stays on the right.
		detailW := common.Clamp(w*45/100, 56, 72)
		leftW := w - detailW - 1
		var left []string
		if m.focus == PaneTree {
			left = append([]string{title(PaneTree, "Containers", leftW)}, common.Block(m.tree.view(m.com.Styles, leftW, h-1, true, spin, m.list.dn), leftW, h-1)...)
		} else {
			left = append([]string{title(PaneList, m.listTitle(), leftW)}, common.Block(m.list.view(m.com.Styles, leftW, h-1, m.focus == PaneList, spin, pending), leftW, h-1)...)
		}
		detailL := append([]string{title(PaneDetail, m.detailTitle(), detailW)}, common.Block(m.detailPane(detailW, h-1, m.focus == PaneDetail), detailW, h-1)...)
		out := make([]string, h)
		for i := range out {
			out[i] = left[i] + sep + detailL[i]
		}
		return out
	}
	treeW := common.Clamp(w/6, 20, 32)
	detailW := common.Clamp(w*42/100, 56, 96)
	listW := w - treeW - detailW - 2
	treeL := append([]string{title(PaneTree, "Containers", treeW)}, common.Block(m.tree.view(m.com.Styles, treeW, h-1, m.focus == PaneTree, spin, m.list.dn), treeW, h-1)...)
	listL := append([]string{title(PaneList, m.listTitle(), listW)}, common.Block(m.list.view(m.com.Styles, listW, h-1, m.focus == PaneList, spin, pending), listW, h-1)...)
	detailL := append([]string{title(PaneDetail, m.detailTitle(), detailW)}, common.Block(m.detailPane(detailW, h-1, m.focus == PaneDetail), detailW, h-1)...)
	out := make([]string, h)
	for i := range out {
		out[i] = treeL[i] + sep + listL[i] + sep + detailL[i]
	}
	return out
}

// focusedEditable reports whether the detail's cursor is on a line enter
// edits (sign-in name, Line URI, Server URI).
func (m *Model) focusedEditable() bool {
	return m.detail.Has && editable(m.focusedItem().Kind)
}

// focusedItem is the detail line under the cursor.
func (m *Model) focusedItem() Item {
	its := Items(m.state())
	return its[common.Clamp(m.detail.Cursor, 0, len(its)-1)]
}

func (m *Model) listTitle() string {
	if m.list.title == "" {
		return "Users"
	}
	if m.list.dn == "" {
		// Not a container: the search results of an ambiguous --user.
		return termtext.Safe(m.list.title)
	}
	t := "Users in " + termtext.Safe(m.list.title)
	if !m.list.Loading && m.list.err == nil {
		t += fmt.Sprintf(" (%d)", len(m.list.Rows))
	}
	return t
}

func (m *Model) detailTitle() string {
	if !m.detail.Has {
		return "User"
	}
	t := termtext.Safe(m.detail.User.Label())
	if s := m.detail.User.SAMAccountName; s != "" {
		t += " (" + termtext.Safe(s) + ")"
	}
	return t
}

// breadcrumb says where the narrow layout is: containers › users › user,
// the current pane marked by brackets as well as by style.
func (m *Model) breadcrumb(w int) string {
	segs := []struct {
		p Pane
		t string
	}{{PaneTree, "Containers"}, {PaneList, m.listTitle()}}
	if m.detail.Has {
		segs = append(segs, struct {
			p Pane
			t string
		}{PaneDetail, m.detailTitle()})
	}
	var b strings.Builder
	for i, s := range segs {
		if i > 0 {
			b.WriteString(m.com.Styles.Dim.Render(" › "))
		}
		if s.p == m.focus {
			b.WriteString(m.com.Styles.TitleFocused.Render("[" + s.t + "]"))
		} else {
			b.WriteString(m.com.Styles.Title.Render(s.t))
		}
	}
	return common.Fit(b.String(), w)
}

// detailPane is the user's settings above the explanation of the focused
// line.
func (m *Model) detailPane(w, h int, focused bool) []string {
	st := m.com.Styles
	d := &m.detail
	if !d.Has {
		if d.Loading {
			return []string{"  " + m.spin.View() + " finding " + termtext.Safe(m.opts.User) + "…"}
		}
		return []string{st.Dim.Render("  Open a user with enter to see the settings.")}
	}
	var top []string
	meta := termtext.Safe(d.User.DN)
	if d.User.Kind == directory.KindContact {
		meta = "contact · " + meta
	}
	if d.User.Disabled {
		meta = "account disabled · " + meta
	}
	top = append(top, st.Dim.Render(common.Fit(meta, w)))
	for _, l := range multiValuedLines(d.User.OCS, w) {
		top = append(top, st.Bad.Render(l))
	}
	switch {
	case d.Loading:
		top = append(top, m.spin.View()+" reading the user…")
	case d.err != nil:
		top = append(top, st.Bad.Render(common.Fit("✗ "+termtext.Safe(d.err.Error()), w)))
	}
	s := m.state()
	its := Items(s)
	d.Cursor = common.Clamp(d.Cursor, 0, len(its)-1)
	cur := d.Cursor
	if !focused {
		cur = -1
	}
	lines := render(s, st, its, cur, w)

	// The explanation panel takes up to a third of the pane.
	expl := explainItem(its[d.Cursor], s, w-2)
	explH := min(len(expl)+1, max(h/3, 6))
	if h-len(top)-explH < 6 {
		explH = max(h-len(top)-6, 0)
	}
	bodyH := h - len(top) - explH
	if len(lines) > bodyH {
		// Short of room: the blank lines between groups go first.
		dense := lines[:0:0]
		for _, l := range lines {
			if l.text != "" || l.item >= 0 {
				dense = append(dense, l)
			}
		}
		lines = dense
	}
	// Lines cut off above or below are said on a last line of their own, so
	// a section below the fold (Meetings, Archiving) is not taken for absent.
	more := len(lines) > bodyH && bodyH > 2
	if more {
		bodyH--
	}
	first, last := -1, -1
	for i, l := range lines {
		if l.item == d.Cursor {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 {
		// Keep the whole focused item in view (the value line is three).
		d.offset = common.Window(last, d.offset, bodyH, len(lines))
		d.offset = common.Window(first, d.offset, bodyH, len(lines))
	}
	out := top
	for i := d.offset; i < len(lines) && i < d.offset+bodyH; i++ {
		t := lines[i].text
		if lines[i].item == cur && cur >= 0 && i == first {
			t = st.Selected.Render(common.Fit(ansi.Strip(t), w))
		}
		out = append(out, t)
	}
	if more {
		var p []string
		if above := d.offset; above > 0 {
			p = append(p, fmt.Sprintf("↑ %d more line%s above", above, common.Plural(above)))
		}
		if below := len(lines) - d.offset - bodyH; below > 0 {
			p = append(p, fmt.Sprintf("↓ %d more line%s below", below, common.Plural(below)))
		}
		out = common.Block(out, w, h-explH-1)
		out = append(out, st.Dim.Render(common.Fit("  "+strings.Join(p, " · "), w)))
	}
	if explH > 0 {
		out = common.Block(out, w, h-explH)
		out = append(out, st.Sep.Render(strings.Repeat("─", w)))
		room := explH - 1
		cut := len(expl) > room && room > 1
		if cut {
			// The last line says the text goes on, and where to read it.
			expl = expl[:room-1]
		}
		for i, l := range expl {
			if i >= room {
				break
			}
			if i == 0 {
				l = st.Bold.Render(l)
			}
			out = append(out, " "+l)
		}
		if cut {
			out = append(out, " "+st.Dim.Render("… i shows the whole explanation"))
		}
	}
	return out
}

// explainDialog shows the whole explanation of the focused setting, for
// when the panel under the settings is too short for it.
func (m *Model) explainDialog() {
	if !m.detail.Has {
		return
	}
	inner := min(m.w-6, 72)
	expl := explainItem(m.focusedItem(), m.state(), inner)
	if len(expl) == 0 {
		return
	}
	m.confirm = &confirmModel{
		kind:    "info",
		title:   expl[0],
		body:    expl[1:],
		options: []confirmOption{{keys: []string{"esc", "enter", "i", "q"}, label: "close"}},
	}
}

func (m *Model) reviewBody(w, h int) []string {
	st := m.com.Styles
	lines, userLine := reviewDoc(m, w)
	head := []string{st.Bold.Render("Review pending changes")}
	for _, l := range common.Wrap("Each user is written as one compare-and-swap: if the directory changed since it was read, nothing is written and you choose what happens.", w) {
		head = append(head, st.Dim.Render(l))
	}
	head = append(head, "")
	bodyH := h - len(head)
	r := &m.review
	if r.cursor < len(userLine) && !r.scrolled {
		end := len(lines)
		if r.cursor+1 < len(userLine) {
			end = userLine[r.cursor+1]
		}
		// Show the selected user whole when it fits, starting at its name.
		r.offset = common.Window(end-1, r.offset, bodyH, len(lines))
		r.offset = common.Window(userLine[r.cursor], r.offset, bodyH, len(lines))
	}
	r.offset = common.Clamp(r.offset, 0, max(len(lines)-bodyH, 0))
	out := append(head, lines[r.offset:min(len(lines), r.offset+bodyH)]...)
	return common.Block(out, w, h)
}

// multiValuedLines show every value of an attribute that must hold one but
// holds several: the settings below show the first, and none of it can be
// edited.
func multiValuedLines(s flags.Settings, w int) []string {
	var out []string
	for _, attr := range append(append([]string{}, flags.Writable...), flags.AttrTargetHomeServer, flags.AttrUserLocationProfile) {
		vs, ok := s.MultiValued[attr]
		if !ok {
			continue
		}
		vals := make([]string, len(vs))
		for i, v := range vs {
			vals[i] = termtext.Safe(v)
		}
		text := fmt.Sprintf("✗ %s holds %d values: %s. AD allows one; shown below is the first, and it cannot be edited.", attr, len(vs), strings.Join(vals, " · "))
		out = append(out, common.Wrap(text, w)...)
	}
	return out
}
