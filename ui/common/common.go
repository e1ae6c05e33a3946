// Package common is what every screen of the console shares: the Common
// the root hands to each screen, the Screen interface the root's stack
// holds, the messages that open and close screens, and the text layout
// helpers every view uses.
package common

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/ui/keys"
	"ocsflags/ui/styles"
)

// Common is shared by the root and every screen. The root owns it and
// keeps it current (the size of the body, the styles after a background
// colour answer, the spinner's frame); screens read it and never write it.
type Common struct {
	Ctx      context.Context
	Dir      directory.Directory
	Info     directory.Info
	ReadOnly bool // --read-only or a read-only directory: no write path

	Styles styles.Styles
	Keys   keys.KeyMap

	// Width and Height are the body's: the screen between the header and
	// the status line. The root sets them before every frame.
	Width, Height int

	// Spin is the spinner's current frame, for "reading…" lines; Now is the
	// time of its latest tick, for elapsed times (a View reads no clock).
	Spin string
	Now  time.Time

	// HelpOpen is set while the full help (?) is shown.
	HelpOpen bool
}

// Screen is one screen or overlay on the root's stack. The top of the
// stack gets every key and paste; every screen on the stack gets the other
// messages (a directory answer may be for a screen under a dialog).
//
// Update returns the screen as it is now (a value or the same pointer) and
// any command; a screen closes itself by returning a nil Screen, which the
// root handles before the next key (a key typed right after esc must not
// reach the closed screen). View renders the
// body, Width × Height of Common, and changes nothing. ShortHelp and
// FullHelp are the footer and the ? help (bubbles' help.KeyMap), built from
// the screen's own bindings.
type Screen interface {
	Update(msg tea.Msg) (Screen, tea.Cmd)
	View() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// Overlay is a Screen drawn as a box over the screen below it (a dialog)
// instead of in its place: its View is the box.
type Overlay interface {
	Screen
	Overlay()
}

// PushMsg asks the root to open a screen on top of the stack.
type PushMsg struct{ Screen Screen }

// StatusMsg sets the status line; Err marks it as an error, which stays
// until something replaces it.
type StatusMsg struct {
	Text string
	Err  bool
}

// Push is the command that opens s.
func Push(s Screen) tea.Cmd { return func() tea.Msg { return PushMsg{Screen: s} } }

// Status is the command that says text on the status line.
func Status(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Err: isErr} }
}

// ReadTimeout bounds single reads; listings are bounded by esc instead,
// because a big OU legitimately takes long.
const ReadTimeout = 60 * time.Second

// Outbox is embedded by a screen that asks the root for things while it
// handles a message (a status line, "open the editor"): the root takes the
// messages (TakeMsgs) as soon as the screen's Update returns and handles
// them before the next message, as if they had come with it.
type Outbox struct{ out []tea.Msg }

// Emit queues msg for the root.
func (o *Outbox) Emit(msg tea.Msg) { o.out = append(o.out, msg) }

// TakeMsgs returns the queued messages and empties the queue.
func (o *Outbox) TakeMsgs() []tea.Msg {
	out := o.out
	o.out = nil
	return out
}
