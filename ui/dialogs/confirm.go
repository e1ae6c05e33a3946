package dialogs

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/ui/common"
)

// Option is one answer of a confirm dialog: its keys (the first is the one
// shown), its words, and the message the root gets when it is chosen (nil:
// the dialog just closes).
type Option struct {
	Keys  key.Binding
	Label string
	Msg   tea.Msg
}

// Answer is an option on keys.
func Answer(label string, msg tea.Msg, keys ...string) Option {
	return Option{Keys: key.NewBinding(key.WithKeys(keys...)), Label: label, Msg: msg}
}

// QuitNowMsg asks the root to quit at once (edits discarded).
type QuitNowMsg struct{}

// Confirm is a modal question, an overlay on the root's stack: nothing
// else takes keys while it is up.
type Confirm struct {
	com *common.Common
	common.Outbox
	// Kind is "quit", "ep", "info", …: a second ctrl+c in the quit dialog
	// quits, and the info dialog's help says "close".
	Kind    string
	Title   string
	Body    []string
	Options []Option
	quit    key.Binding
	closed  bool
}

// NewConfirm asks title.
func NewConfirm(c *common.Common, kind, title string, body []string, opts ...Option) *Confirm {
	return &Confirm{com: c, Kind: kind, Title: title, Body: body, Options: opts, quit: c.Keys.Interrupt}
}

// Overlay marks the dialog as a box over the screen below.
func (d *Confirm) Overlay() {}

// Update takes an answer; other keys do nothing.
func (d *Confirm) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return d, nil
	}
	if d.Kind == "quit" && key.Matches(k, d.quit) {
		d.Emit(QuitNowMsg{})
		return nil, nil
	}
	for _, o := range d.Options {
		if key.Matches(k, o.Keys) {
			if o.Msg != nil {
				d.Emit(o.Msg)
			}
			return nil, nil
		}
	}
	return d, nil
}

// View draws the box for the body's width.
func (d *Confirm) View() string {
	st := d.com.Styles
	var opts []string
	for _, o := range d.Options {
		opts = append(opts, st.Bold.Render("["+o.Keys.Keys()[0]+"]")+" "+o.Label)
	}
	return strings.Join(common.DialogBox(st, min(d.com.Width-6, 72), d.Title, d.Body, opts, ""), "\n")
}

// ShortHelp is one binding for the answers.
func (d *Confirm) ShortHelp() []key.Binding {
	var ks []string
	for _, o := range d.Options {
		ks = append(ks, o.Keys.Keys()[0])
	}
	what := "answer the question above"
	if d.Kind == "info" {
		what = "close"
	}
	return []key.Binding{key.NewBinding(key.WithKeys(ks...), key.WithHelp(strings.Join(ks, "/"), what))}
}

// FullHelp is the same binding.
func (d *Confirm) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
