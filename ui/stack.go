package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/ui/common"
	"ocsflags/ui/dialogs"
	"ocsflags/ui/keys"
)

// stack is the screens and overlays (common.Screen) opened over the
// browser, top last: the audit, the review, the Enable Users wizard, the
// explorer, the history, Configure Users and the dialogs. The top one gets
// every key and paste; every one gets the other messages, so a directory
// answer reaches a screen under a dialog. The top screen that is not an
// overlay is the one shown; the screens below it wait, hidden.
type stack []common.Screen

// top is the screen on top, nil when none is open.
func (s stack) top() common.Screen {
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

// depth counts the screens open over the browser, for "did this key change
// the screen": a dialog over a screen is not another screen.
func (s stack) depth() int {
	n := 0
	for _, x := range s {
		if _, ok := x.(common.Overlay); !ok {
			n++
		}
	}
	return n
}

// find is the first screen of type T on the stack.
func find[T common.Screen](s stack) (T, bool) {
	for _, x := range s {
		if t, ok := x.(T); ok {
			return t, true
		}
	}
	var zero T
	return zero, false
}

// has reports whether x is on the stack.
func (s stack) has(x common.Screen) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// updateTop gives a key or a paste to the top screen; a nil screen back
// closes it at once, before the next key. old is the screen that handled
// msg, whose queued messages the root takes.
func (s *stack) updateTop(msg tea.Msg) (old common.Screen, cmd tea.Cmd) {
	i := len(*s) - 1
	old = (*s)[i]
	next, cmd := old.Update(msg)
	if next == nil {
		*s = (*s)[:i]
	} else {
		(*s)[i] = next
	}
	return old, cmd
}

// forward gives a message that is not input to every screen, bottom first;
// asked are the screens that handled it.
func (s *stack) forward(msg tea.Msg) (asked []common.Screen, cmd tea.Cmd) {
	var cmds []tea.Cmd
	for i := 0; i < len(*s); i++ {
		old := (*s)[i]
		next, cmd := old.Update(msg)
		cmds = append(cmds, cmd)
		asked = append(asked, old)
		if next == nil {
			*s = append((*s)[:i], (*s)[i+1:]...)
			i--
			continue
		}
		(*s)[i] = next
	}
	return asked, tea.Batch(cmds...)
}

// closeEditorOf closes an editor of another user than dn: it was for the
// user on screen until now.
func (s *stack) closeEditorOf(dn string) {
	for i, x := range *s {
		if e, ok := x.(*dialogs.Editor); ok && !directory.SameDN(e.DN(), dn) {
			*s = append((*s)[:i:i], (*s)[i+1:]...)
			return
		}
	}
}

// layout tells every screen the user open in the browser and lets it lay
// itself out (its window follows its cursor); View then draws what it
// worked out.
func (s stack) layout(u directory.User, loading bool) {
	for _, x := range s {
		if a, ok := x.(interface{ ShowUser(directory.User, bool) }); ok {
			a.ShowUser(u, loading)
		}
	}
	for _, x := range s {
		if a, ok := x.(interface{ Settle() }); ok {
			a.Settle()
		}
	}
}

// busy reports whether a screen has writes in flight (quitting waits for
// them), spinning whether one waits on the directory (the spinner runs).
func (s stack) busy() bool {
	for _, x := range s {
		if b, ok := x.(interface{ Busy() bool }); ok && b.Busy() {
			return true
		}
	}
	return false
}

func (s stack) spinning() bool {
	for _, x := range s {
		if b, ok := x.(interface{ Spinning() bool }); ok && b.Spinning() {
			return true
		}
	}
	return false
}

// stop stops the runs of the screens between users (quit, a stop signal).
func (s stack) stop() {
	for _, x := range s {
		if b, ok := x.(interface{ Stop() }); ok {
			b.Stop()
		}
	}
}

// view draws the stack over base (the browser): the top screen that is not
// an overlay in place of base, and the overlays above it as boxes.
func (s stack) view(base func() string, width int) string {
	first := 0
	var body []string
	for i := len(s) - 1; i >= 0; i-- {
		if _, ok := s[i].(common.Overlay); !ok {
			body, first = strings.Split(s[i].View(), "\n"), i+1
			break
		}
	}
	if body == nil {
		body = strings.Split(base(), "\n")
	}
	if first == len(s) {
		return strings.Join(body, "\n")
	}
	for _, o := range s[first:] {
		body = common.DrawOver(body, strings.Split(o.View(), "\n"), width)
	}
	return strings.Join(body, "\n")
}

// help picks the keys that matter now: the top screen's; a confirm dialog's
// answers in the footer with base's ? help (the browser's keys are what
// follows); base's when nothing is open.
func (s stack) help(base keys.Help) keys.Help {
	t := s.top()
	if t == nil {
		return base
	}
	if c, ok := t.(*dialogs.Confirm); ok {
		return keys.Help{Short: c.ShortHelp(), Full: base.Full}
	}
	return keys.Help{Short: t.ShortHelp(), Full: t.FullHelp()}
}
