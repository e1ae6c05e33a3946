package ui

import (
	tea "charm.land/bubbletea/v2"

	"ocsflags/ui/common"
	"ocsflags/ui/styles"
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
func (c *confirmModel) view(st styles.Styles, w int) []string {
	var opts []string
	for _, o := range c.options {
		opts = append(opts, st.Bold.Render("["+o.keys[0]+"]")+" "+o.label)
	}
	return common.DialogBox(st, min(w-6, 72), c.title, c.body, opts, "")
}
