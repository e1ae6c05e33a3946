package audit

import (
	"fmt"
	"strings"

	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/styles"
)

// body draws the audit screen.
func (m *Model) body(w, h int) []string {
	st := m.com.Styles
	u := m.user
	var lines []string
	cur, curEnd := -1, -1
	add := func(s string) { lines = append(lines, common.Fit(s, w)) }
	add(st.Bold.Render("Audit of "+termtext.Safe(u.Label())) + st.Dim.Render("  why can or can't this user sign in?"))
	add(st.Dim.Render(termtext.Safe(u.DN)))
	if m.loading {
		add(st.Dim.Render(m.com.Spin + " reading the user…"))
	}
	rows, base, after := m.AuditRules()
	verdict := func(fs []flags.Finding) string {
		v, errs, warns := flags.JudgeCounts(fs)
		var s string
		switch v {
		case flags.VerdictReady:
			s = "✓ ready to sign in"
		case flags.VerdictCannotSignIn:
			s = fmt.Sprintf("✗ cannot sign in: %d problem%s", errs, common.Plural(errs))
		case flags.VerdictNotEnabled:
			s = fmt.Sprintf("– not enabled for OCS: %d problem%s", errs, common.Plural(errs))
		default:
			s = v.Mark() + " " + v.Headline()
		}
		s = st.Verdict(v).Render(s)
		if warns > 0 {
			s += st.Warn.Render(fmt.Sprintf(", %d warning%s", warns, common.Plural(warns)))
		}
		return s
	}
	// A verdict is never cut: it wraps under itself.
	addVerdict := func(prefix, text string) {
		for j, l := range common.Wrap(text, max(w-len(prefix), 20)) {
			if j == 0 {
				add(prefix + l)
			} else {
				add(strings.Repeat(" ", len(prefix)) + l)
			}
		}
	}
	if m.sess.Pending.Get(u.DN) != nil {
		addVerdict("In the directory now:      ", verdict(base))
		addVerdict("With your pending edits:   ", verdict(after)+st.Dim.Render("  (c reviews and commits)"))
	} else {
		addVerdict("In the directory:  ", verdict(after))
	}
	add("")
	head := len(lines)
	titleW := 0
	for _, r := range flags.Rules {
		titleW = max(titleW, len(flags.RuleTitle(r, m.com.Dir.Info().SIPScope)))
	}
	// Narrow screens put the attribute and value under the rule, so neither
	// is cut.
	narrow := w < 4+titleW+2+60
	if narrow {
		titleW = 0
	}
	ind := "      "
	for i, r := range rows {
		glyph, style, text := "✓", st.Ok, ""
		switch {
		case r.Finding != nil && r.Finding.Severity == flags.Error:
			glyph, style = "✗", st.Bad
		case r.Finding != nil:
			glyph, style = "!", st.Warn
		case r.unknown != "":
			glyph, style, text = "?", st.Warn, r.unknown
		case r.na != "":
			glyph, style, text = "–", st.Dim, r.na
		case r.note != "":
			text = r.note
		}
		switch {
		case r.before != nil && r.Finding == nil && r.unknown == "":
			text = strings.TrimSpace(text + " fixed by a pending edit")
		case r.before == nil && r.Finding != nil:
			text = "a pending edit breaks this"
		}
		val := r.Rule.Attribute + " = " + termtext.Safe(m.ruleValue(r.Rule))
		if r.Rule.Attribute == "" {
			// A rule over several attributes: its finding names them.
			val = ""
		}
		text = termtext.Safe(text)
		title := fmt.Sprintf("%-*s", titleW, r.Rule.Title)
		if !narrow {
			title += "  " + val
		}
		row := "  " + style.Render(glyph) + " " + title
		if i == m.Cursor {
			cur = len(lines)
			row = st.Selected.Render(common.Fit("› "+glyph+" "+title, w))
		}
		add(row)
		if narrow && val != "" {
			add(ind + st.Value.Render(val))
		}
		if text != "" {
			for _, l := range common.Wrap(text, w-len(ind)) {
				add(ind + st.Dim.Render(l))
			}
		}
		if f := r.Finding; f != nil {
			for _, l := range common.Wrap(termtext.Safe(f.Problem), w-len(ind)) {
				add(ind + l)
			}
			for j, l := range common.Wrap("User sees: "+termtext.Safe(f.Experience), w-len(ind)) {
				if j == 0 {
					l = st.Bold.Render("User sees:") + strings.TrimPrefix(l, "User sees:")
				}
				add(ind + l)
			}
			for j, l := range common.Wrap("Fix: "+termtext.Safe(m.fixHint(f)), w-len(ind)) {
				if j == 0 {
					l = st.Changed.Render("Fix:") + strings.TrimPrefix(l, "Fix:")
				}
				add(ind + l)
			}
		}
		if i == m.Cursor {
			curEnd = len(lines) - 1
		}
	}
	if p := m.Picker; p != nil {
		// The choice stands alone under the verdict: rules showing
		// through around the box only distract.
		return common.DrawOver(common.Block(lines[:head], w, h), p.view(st, w), w)
	}
	// The title and verdict stay; the rules scroll under them, keeping the
	// whole focused rule (its reason and fix) in view. A screen too short
	// for that scrolls everything.
	top, rules := lines[:head], lines[head:]
	cur, curEnd = cur-head, curEnd-head
	if h-head < 6 {
		top, rules, cur, curEnd = nil, lines, cur+head, curEnd+head
	}
	room := h - len(top)
	off := common.Window(curEnd, m.offset, room, len(rules))
	off = common.Window(cur, off, room, len(rules))
	m.offset = off
	return common.Block(append(top, rules[min(off, len(rules)):]...), w, h)
}

// fixHint says what f on this finding does.
func (m *Model) fixHint(f *flags.Finding) string {
	switch f.ID {
	case flags.FindingNoHomeServer, flags.FindingHomeServerNotAPool:
		return fmt.Sprintf("f chooses a pool (%d found in the directory)", m.sess.Pools.Len())
	case flags.FindingNoSIPAddress, flags.FindingSIPAddressMalformed, flags.FindingSIPAddressDuplicate:
		opts := m.SignInChoices()
		switch {
		case len(opts) > 1 || len(opts) == 1 && f.ID == flags.FindingSIPAddressDuplicate:
			return "f chooses a sign-in name from the e-mail address or userPrincipalName"
		case len(opts) == 1:
			return "f sets " + opts[0].Label
		case !m.com.ReadOnly:
			return "f opens the sign-in name to type a new one (the e-mail address and userPrincipalName give none that is free)"
		}
	case flags.FindingTelephonyInconsistent:
		return "f goes to the option in the user's settings: " + f.FixHint
	case flags.FindingArchivingLegacyValue:
		return "f chooses the archiving options again (none, internal, federated or both), which clears the LCS 2005 bits 1 and 2"
	case flags.FindingRCCWithoutLine, flags.FindingLineNotE164:
		if !m.com.ReadOnly {
			return "f goes to the " + m.lineToFix(f).Label() + " in the user's settings, where enter edits it: " + f.FixHint
		}
	}
	if f.Fix != nil {
		return "f sets " + strings.TrimPrefix(m.fixText(flags.Rule{}, *f.Fix), ": ")
	}
	return f.FixHint
}

func (p *pickerModel) view(st styles.Styles, w int) []string {
	inner := min(w-6, 90)
	var rows []string
	for i, o := range p.Options {
		label, note := termtext.Safe(o.Label), termtext.Safe(o.note)
		row := "  " + label + "  " + st.Dim.Render(note)
		if i == p.Cursor {
			row = st.Selected.Render(common.Fit("› "+label+"  "+note, inner))
		}
		rows = append(rows, row)
	}
	return common.DialogBox(st, inner, p.title, p.body, rows, "↑↓ choose · enter sets it as a pending edit · esc cancels")
}
