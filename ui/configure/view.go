package configure

import (
	"fmt"
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
)

// View draws the step: the form, the preview table, or the run.
func (m *Model) View() string {
	var out []string
	if m.step == stepForm || m.step == stepPlanning {
		out = m.formView()
	} else {
		out = m.tableView()
	}
	return strings.Join(common.Block(out, m.c.Width, m.c.Height), "\n")
}

func (m *Model) title(what string) string {
	st := m.c.Styles
	n := len(m.users)
	if m.plan != nil && m.step != stepForm && m.step != stepPlanning {
		n = len(m.plan.Items)
	}
	return st.Bold.Render(fmt.Sprintf("Configure %d user%s", n, common.Plural(n))) + st.Dim.Render(what)
}

func (m *Model) formView() []string {
	st, w := m.c.Styles, m.c.Width
	out := []string{m.title("  each setting: leave as is, on or off"), ""}
	var lines []string
	cur := 0
	for i, r := range m.rows {
		if r.kind == kindTel && r.tel == telLeave {
			lines = append(lines, st.Group.Render("Telephony"))
		}
		var t string
		switch r.kind {
		case kindTel:
			dot := "( )"
			if m.tel == r.tel {
				dot = "(•)"
			}
			lbl := r.label
			if r.tel == telLeave {
				lbl = "leave as is"
			}
			t = "  " + dot + " " + lbl
		case kindPool:
			v := "leave as is"
			if r.val > 0 {
				v = "‹ " + termtext.Safe(m.pools[r.val-1].Host) + " ›"
			} else if len(m.pools) == 0 {
				v = "no pool can be read"
			}
			t = r.label + ": " + v
		default:
			box, word := "[-]", "leave as is"
			switch r.val {
			case 1:
				box, word = "[x]", "on"
			case 2:
				box, word = "[ ]", "off"
			}
			t = box + " " + common.Fit(r.label, max(min(44, w-20), 10)) + " " + word
		}
		if i == m.cursor {
			cur = len(lines)
			t = st.Selected.Render(common.Fit("› "+t, w))
		} else {
			t = "  " + t
		}
		lines = append(lines, t)
	}
	foot := []string{""}
	switch {
	case m.step == stepPlanning:
		foot = append(foot, m.c.Spin+" reading the users, their sign-in names and the pools…")
	case m.err != "":
		foot = append(foot, st.Bad.Render("✗ "+termtext.Safe(m.err)))
	default:
		c, home := m.change()
		if c.IsZero() && home == "" {
			foot = append(foot, st.Dim.Render("choose what to change; enter previews who gets what, nothing is written yet"))
		} else {
			foot = append(foot, st.Dim.Render("enter previews who gets what; nothing is written yet"))
		}
	}
	room := max(m.c.Height-len(out)-len(foot), 1)
	off := common.Window(cur, 0, room, len(lines))
	end := min(off+room, len(lines))
	out = append(out, lines[off:end]...)
	for len(out) < m.c.Height-len(foot) {
		out = append(out, "")
	}
	return append(out, foot...)
}

// tableHeight is how many users the table shows.
func (m *Model) tableHeight() int { return max(m.c.Height-6, 1) }

// outcome is a user's state in the table: the run's result once there is
// one, else the plan's.
func (m *Model) outcome(i int) (directory.BulkOutcome, string) {
	it := m.plan.Items[i]
	if m.results != nil && m.results[i].Outcome != "" {
		r := m.results[i]
		switch r.Outcome {
		case directory.BulkWritten:
			return r.Outcome, m.editsText(r.Sent.Edits)
		case directory.BulkUnchanged:
			return r.Outcome, "already holds this"
		}
		return r.Outcome, r.Reason()
	}
	switch it.Outcome {
	case directory.BulkWrite:
		return it.Outcome, m.editsText(it.Change.Edits)
	case directory.BulkUnchanged:
		return it.Outcome, "already holds this"
	}
	return it.Outcome, it.Refusal.Reason
}

func (m *Model) tableView() []string {
	st, w := m.c.Styles, m.c.Width
	p := m.plan
	var out []string
	switch m.step {
	case stepPreview:
		out = append(out, m.title(": preview, nothing written yet"))
		counts := fmt.Sprintf("%d to write · %d unchanged · %d skipped", p.Count(directory.BulkWrite), p.Count(directory.BulkUnchanged), p.Count(directory.BulkSkipped))
		if len(m.gone) > 0 {
			counts += fmt.Sprintf(" · %d no longer in the directory", len(m.gone))
		}
		out = append(out, counts)
	case stepApplying, stepDone:
		what := ": writing"
		if m.step == stepDone {
			what = ": done"
			if m.stopped {
				what = ": stopped"
			}
		} else if m.stopped {
			what = ": stopping after the writes in flight"
		}
		out = append(out, m.title(what))
		bar := m.bar
		bar.SetWidth(max(w-14, 10))
		pct := 0.0
		if n := len(p.Items); n > 0 {
			pct = float64(m.done) / float64(n)
		}
		out = append(out, bar.ViewAs(pct)+fmt.Sprintf(" %d/%d", m.done, len(p.Items)))
	}
	second := m.resultCounts()
	if m.step == stepPreview {
		second = st.Warn.Render(termtext.Safe(m.warnings()))
	}
	out = append(out, second, "")
	out = append(out, st.Dim.Render(common.Fit(fmt.Sprintf("%-10s %-24s %s", "OUTCOME", "USER", "CHANGE, OR WHY NOT"), w)))
	h := m.tableHeight()
	end := min(m.offset+h, len(p.Items))
	for i := m.offset; i < end; i++ {
		o, detail := m.outcome(i)
		name := common.Fit(termtext.Safe(p.Items[i].User.Label()), 24)
		line := common.Fit(fmt.Sprintf("%-10s %s %s", o, name, termtext.Safe(detail)), w)
		switch o {
		case directory.BulkSkipped, directory.BulkConflict, directory.BulkFailed:
			line = st.Bad.Render(line)
		case directory.BulkWritten:
			line = st.Ok.Render(line)
		}
		out = append(out, line)
	}
	for len(out) < m.c.Height-1 {
		out = append(out, "")
	}
	var foot string
	switch {
	case m.err != "":
		foot = st.Bad.Render("✗ " + termtext.Safe(m.err))
	case m.step == stepPreview:
		foot = st.Dim.Render(fmt.Sprintf("users %d–%d of %d · enter writes, each user its own compare-and-swap", min(m.offset+1, end), end, len(p.Items)))
	case m.step == stepDone && m.left() > 0:
		foot = st.Warn.Render(fmt.Sprintf("%d not in the target state stay selected: r tries them again", m.left()))
	case m.step == stepDone:
		foot = st.Ok.Render("every user is in the target state")
		if _, ok := m.c.Dir.(*directory.Journaled); ok {
			foot += st.Dim.Render(" · journaled as run " + m.run)
		}
	default:
		foot = st.Dim.Render(fmt.Sprintf("users %d–%d of %d", min(m.offset+1, end), end, len(p.Items)))
	}
	return append(out, foot)
}

// resultCounts is the counts of the run so far ("" before it).
func (m *Model) resultCounts() string {
	if m.results == nil {
		return ""
	}
	n := map[directory.BulkOutcome]int{}
	for _, r := range m.results {
		n[r.Outcome]++
	}
	return fmt.Sprintf("%d written · %d unchanged · %d skipped · %d conflict%s · %d failed",
		n[directory.BulkWritten], n[directory.BulkUnchanged], n[directory.BulkSkipped], n[directory.BulkConflict], common.Plural(n[directory.BulkConflict]), n[directory.BulkFailed])
}

// editsText is a write on one line: each attribute without its msRTCSIP-
// prefix, before → after; a home server by its pool's host name, read from
// the pools (a pool's name is never parsed out of its DN).
func (m *Model) editsText(es []flags.AttrEdit) string {
	var parts []string
	for _, e := range es {
		v := func(o flags.Opt[string]) string {
			switch {
			case !o.Set:
				return "absent"
			case flags.AttributeSyntax(e.Attr) != flags.SyntaxDN:
				return o.V
			case flags.IsDeletedReference(o.V):
				return "(a deleted pool)"
			}
			if p, ok := m.sess.Pools.ByHomeServer(o.V); ok {
				return p.Host
			}
			return o.V
		}
		t := strings.TrimPrefix(e.Attr, "msRTCSIP-") + " " + v(e.Old) + "→" + v(e.New)
		if e.Attr == flags.AttrOptionFlags {
			o, _ := flags.ParseAD(e.Old.Or("0"))
			n, _ := flags.ParseAD(e.New.Or("0"))
			t += " (" + flags.Diff(o, n).String() + ")"
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " · ")
}

// warnings is the plan's most common write warning, with how many users
// it concerns ("" when none).
func (m *Model) warnings() string {
	n := map[string]int{}
	var first string
	for _, it := range m.plan.Items {
		for _, w := range it.Warnings {
			if n[w.Reason] == 0 && first == "" {
				first = w.Reason
			}
			n[w.Reason]++
		}
	}
	best := first
	for r, c := range n {
		if c > n[best] || c == n[best] && r < best {
			best = r
		}
	}
	if best == "" {
		return ""
	}
	more := ""
	if len(n) > 1 {
		more = fmt.Sprintf(" (and %d other warning%s)", len(n)-1, common.Plural(len(n)-1))
	}
	return fmt.Sprintf("! %d user%s: %s%s", n[best], common.Plural(n[best]), best, more)
}
