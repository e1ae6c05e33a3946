package browse

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
)

// body lays the three panes side by side when wide, one at a time
// with a breadcrumb when narrow.
func (m *Model) body(w, h int) []string {
	spin := m.com.Spin
	pending := func(dn string) bool { return m.sess.Pending.Get(dn) != nil }
	if !m.wide() {
		crumb := m.breadcrumb(w)
		var pane []string
		switch m.Focus {
		case PaneTree:
			pane = m.Tree.view(m.com.Styles, w, h-1, true, spin, m.List.dn)
		case PaneList:
			pane = m.List.view(m.com.Styles, w, h-1, true, spin, pending)
		default:
			pane = m.detailPane(w, h-1, true)
		}
		return append([]string{crumb}, common.Block(pane, w, h-1)...)
	}
	title := func(p Pane, t string, width int) string {
		if m.Focus == p {
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
		if m.Focus == PaneTree {
			left = append([]string{title(PaneTree, "Containers", leftW)}, common.Block(m.Tree.view(m.com.Styles, leftW, h-1, true, spin, m.List.dn), leftW, h-1)...)
		} else {
			left = append([]string{title(PaneList, m.listTitle(), leftW)}, common.Block(m.List.view(m.com.Styles, leftW, h-1, m.Focus == PaneList, spin, pending), leftW, h-1)...)
		}
		detailL := append([]string{title(PaneDetail, m.detailTitle(), detailW)}, common.Block(m.detailPane(detailW, h-1, m.Focus == PaneDetail), detailW, h-1)...)
		out := make([]string, h)
		for i := range out {
			out[i] = left[i] + sep + detailL[i]
		}
		return out
	}
	treeW := common.Clamp(w/6, 20, 32)
	detailW := common.Clamp(w*42/100, 56, 96)
	listW := w - treeW - detailW - 2
	treeL := append([]string{title(PaneTree, "Containers", treeW)}, common.Block(m.Tree.view(m.com.Styles, treeW, h-1, m.Focus == PaneTree, spin, m.List.dn), treeW, h-1)...)
	listL := append([]string{title(PaneList, m.listTitle(), listW)}, common.Block(m.List.view(m.com.Styles, listW, h-1, m.Focus == PaneList, spin, pending), listW, h-1)...)
	detailL := append([]string{title(PaneDetail, m.detailTitle(), detailW)}, common.Block(m.detailPane(detailW, h-1, m.Focus == PaneDetail), detailW, h-1)...)
	out := make([]string, h)
	for i := range out {
		out[i] = treeL[i] + sep + listL[i] + sep + detailL[i]
	}
	return out
}

// focusedEditable reports whether the detail's cursor is on a line enter
// edits (sign-in name, Line URI, Server URI).
func (m *Model) focusedEditable() bool {
	return m.Detail.Has && editable(m.focusedItem().Kind)
}

// focusedItem is the detail line under the cursor.
func (m *Model) focusedItem() Item {
	its := Items(m.state())
	return its[common.Clamp(m.Detail.Cursor, 0, len(its)-1)]
}

func (m *Model) listTitle() string {
	if m.List.title == "" {
		return "Users"
	}
	if m.List.dn == "" {
		// Not a container: the search results of an ambiguous --user.
		return termtext.Safe(m.List.title)
	}
	t := "Users in " + termtext.Safe(m.List.title)
	if m.List.subtree {
		t = "Users in and below " + termtext.Safe(m.List.title)
	}
	if !m.List.Loading && m.List.err == nil {
		t += fmt.Sprintf(" (%d)", len(m.List.Rows))
	}
	return t
}

func (m *Model) detailTitle() string {
	if !m.Detail.Has {
		return "User"
	}
	t := termtext.Safe(m.Detail.User.Label())
	if s := m.Detail.User.SAMAccountName; s != "" {
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
	if m.Detail.Has {
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
		if s.p == m.Focus {
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
	d := &m.Detail
	if !d.Has {
		if d.Loading {
			return []string{"  " + m.com.Spin + " finding " + termtext.Safe(m.userID) + "…"}
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
	s := m.state()
	top = append(top, valueHeader(s, st, w)...)
	for _, l := range multiValuedLines(d.User.OCS, w) {
		top = append(top, st.Bad.Render(l))
	}
	switch {
	case d.Loading:
		top = append(top, m.com.Spin+" reading the user…")
	case d.err != nil:
		top = append(top, st.Bad.Render(common.Fit("✗ "+termtext.Safe(d.err.Error()), w)))
	}
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
	if !m.Detail.Has {
		return
	}
	inner := min(m.com.Width-6, 72)
	expl := explainItem(m.focusedItem(), m.state(), inner)
	if len(expl) == 0 {
		return
	}
	m.emit(ExplainMsg{Title: expl[0], Body: expl[1:]})
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

// View draws the browser. It lays out a copy, so drawing changes nothing;
// Settle, in Update, keeps the scroll positions the layout works out.
func (m *Model) View() string {
	c := *m
	return strings.Join(c.body(m.com.Width, m.com.Height), "\n")
}

// Settle lays the panes out once after a message, so each pane's window
// follows its cursor (the root calls it at the end of Update).
func (m *Model) Settle() { m.body(m.com.Width, m.com.Height) }
