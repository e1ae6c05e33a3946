package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/termtext"
)

// confirmOption is one answer of a confirm dialog.
type confirmOption struct {
	keys  []string // as tea.KeyPressMsg.String() spells them
	label string
	do    func(m *Model) tea.Cmd
}

// confirmModel is a modal question: nothing else takes keys while it is up.
type confirmModel struct {
	kind    string // "quit", "ep", …: lets a second ctrl+c in the quit dialog quit
	title   string
	body    []string
	options []confirmOption
}

func (c *confirmModel) handle(m *Model, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := msg.String()
	for _, o := range c.options {
		for _, ok := range o.keys {
			if ok == k {
				m.confirm = nil
				if o.do == nil {
					return nil, true
				}
				return o.do(m), true
			}
		}
	}
	return nil, false
}

// view renders the dialog box for a screen w wide.
func (c *confirmModel) view(st styles, w int) []string {
	var opts []string
	for _, o := range c.options {
		opts = append(opts, st.bold.Render("["+o.keys[0]+"]")+" "+o.label)
	}
	return dialogBox(st, min(w-6, 72), c.title, c.body, opts, "")
}

// dialogBox draws a modal box inner columns wide: title, wrapped body, the
// answers, and an optional hint line.
func dialogBox(st styles, inner int, title string, body, answers []string, hint string) []string {
	// Title and body are plain text that may quote directory values.
	lines := []string{st.bold.Render(termtext.Safe(title)), ""}
	for _, b := range body {
		lines = append(lines, wrap(termtext.Safe(b), inner)...)
	}
	lines = append(lines, "")
	lines = append(lines, answers...)
	if hint != "" {
		lines = append(lines, "", st.dim.Render(hint))
	}
	for i, l := range lines {
		lines[i] = fit(l, inner)
	}
	return strings.Split(st.dialog.Render(strings.Join(lines, "\n")), "\n")
}

// overlay draws box centred over the lines of a w-wide screen.
func overlay(base []string, box []string, w int) []string {
	if len(box) == 0 {
		return base
	}
	bw := ansi.StringWidth(box[0])
	x := max((w-bw)/2, 0)
	y := max((len(base)-len(box))/2, 0)
	out := append([]string(nil), base...)
	for i, b := range box {
		if y+i >= len(out) {
			break
		}
		l := out[y+i]
		// Reset between the pieces: a cut styled line must not bleed into
		// the box.
		out[y+i] = ansi.Truncate(l, x, "") + ansi.ResetStyle + b + ansi.ResetStyle + ansi.TruncateLeft(l, x+bw, "")
	}
	return out
}
