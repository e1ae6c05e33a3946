// Package keys is the console's one key map and the help built from it.
package keys

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// KeyMap is the console's one key map: Update matches against it and the
// footer and full help are built from it, so what the footer says is what
// the keys do.
type KeyMap struct {
	Up, Down, Left, Right       key.Binding
	PageUp, PageDown, Home, End key.Binding
	NextPane, PrevPane          key.Binding
	Open, Back, Toggle, Undo    key.Binding
	Filter, Reload, Review      key.Binding
	Explorer, Help, Quit        key.Binding
	// Interrupt is ctrl+c: it quits from every screen (a dialog, which
	// takes every key, handles it itself).
	Interrupt                  key.Binding
	Commit, Rebase, Drop, LDIF key.Binding
	Yes, No                    key.Binding
	Audit, Fix                 key.Binding
	Mark, Enable, Disable      key.Binding
	Info                       key.Binding
	History                    key.Binding
	// Configure opens Configure Users on the selection; ConfigureAll on
	// every user the list's filter matches.
	Configure, ConfigureAll key.Binding
	// Sort cycles the user list's sort column; Subtree lists a container
	// with everything below it; Domain lists the whole domain.
	Sort, Subtree, Domain key.Binding
	// Line is the keys of a line being typed into.
	Line Line
}

// Line is the keys of a one-line text field (common.Input: the filter,
// the explorer's value, the wizard's domain, the editor) and of what
// surrounds it while it has the keys: only keys that type no character,
// so j, k, g and q are typed, not moved with.
type Line struct {
	// Editing: delete before and after the cursor, move it, clear the
	// line, delete the word before the cursor.
	DeleteBack, DeleteForward, Left, Right, Start, End, Clear, DeleteWord key.Binding
	// Done leaves the field keeping the text; Cancel leaves it (the
	// filter: cleared).
	Done, Cancel key.Binding
	// Up, Down, PageUp and PageDown move in the list under the field.
	Up, Down, PageUp, PageDown key.Binding
}

// NewLine returns the keys of a line, as readline and Emacs spell them.
func NewLine() Line {
	b := func(keys ...string) key.Binding { return key.NewBinding(key.WithKeys(keys...)) }
	return Line{
		DeleteBack:    b("backspace", "ctrl+h"),
		DeleteForward: b("delete", "ctrl+d"),
		Left:          b("left", "ctrl+b"),
		Right:         b("right", "ctrl+f"),
		Start:         b("home", "ctrl+a"),
		End:           b("end", "ctrl+e"),
		Clear:         b("ctrl+u"),
		DeleteWord:    b("ctrl+w"),
		Done:          b("enter"),
		Cancel:        b("esc"),
		Up:            b("up"),
		Down:          b("down"),
		PageUp:        b("pgup"),
		PageDown:      b("pgdown"),
	}
}

// New returns the key map with its help texts.
func New() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		Up:        b([]string{"up", "k"}, "↑/k", "up"),
		Down:      b([]string{"down", "j"}, "↓/j", "down"),
		Left:      b([]string{"left", "h"}, "←/h", "collapse/parent"),
		Right:     b([]string{"right", "l"}, "→/l", "expand"),
		PageUp:    b([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
		PageDown:  b([]string{"pgdown", "ctrl+f"}, "pgdn", "page down"),
		Home:      b([]string{"home", "g"}, "g/home", "first"),
		End:       b([]string{"end", "G"}, "G/end", "last"),
		NextPane:  b([]string{"tab"}, "tab", "next pane"),
		PrevPane:  b([]string{"shift+tab"}, "shift+tab", "previous pane"),
		Open:      b([]string{"enter"}, "enter", "open"),
		Back:      b([]string{"esc"}, "esc", "back"),
		Toggle:    b([]string{"space"}, "space", "toggle"),
		Undo:      b([]string{"u"}, "u", "undo"),
		Filter:    b([]string{"/"}, "/", "filter"),
		Reload:    b([]string{"r"}, "r", "reload"),
		Review:    b([]string{"c"}, "c", "review & commit"),
		Explorer:  b([]string{"x"}, "x", "bit explorer"),
		Help:      b([]string{"?"}, "?", "more keys"),
		Quit:      b([]string{"q", "ctrl+c"}, "q", "quit"),
		Interrupt: b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Commit:    b([]string{"enter", "y"}, "enter/y", "write all"),
		Rebase:    b([]string{"a"}, "a", "re-apply mine on top"),
		Drop:      b([]string{"d"}, "d", "drop mine"),
		LDIF:      b([]string{"l"}, "l", "show/hide LDIF"),
		Yes:       b([]string{"y"}, "y", "yes"),
		No:        b([]string{"n", "esc"}, "n/esc", "no"),
		Audit:     b([]string{"a"}, "a", "audit sign-in"),
		Fix:       b([]string{"f"}, "f", "fix"),
		Mark:      b([]string{"space"}, "space", "select/deselect, then next"),
		Enable:    b([]string{"e"}, "e", "enable for OCS…"),
		Disable:   b([]string{"E", "shift+e"}, "E", "disable/re-enable"),
		Info:      b([]string{"i"}, "i", "whole explanation"),
		History:   b([]string{"H", "shift+h"}, "H", "history & undo"),
		// "o" as in the OCS console's "cOnfigure users"; c is the review.
		Configure:    b([]string{"o"}, "o", "configure users…"),
		ConfigureAll: b([]string{"O", "shift+o"}, "O", "configure all the filter matches…"),
		Sort:         b([]string{"s"}, "s", "sort by the next column"),
		Subtree:      b([]string{"t"}, "t", "this container and below / only this one"),
		Domain:       b([]string{"D", "shift+d"}, "D", "the whole domain"),
		Line:         NewLine(),
	}
}

// Help is the slice of the key map that matters on one screen; it feeds
// bubbles/help for the footer (short) and the ? view (full).
type Help struct {
	Short []key.Binding
	Full  [][]key.Binding
}

func (h Help) ShortHelp() []key.Binding  { return h.Short }
func (h Help) FullHelp() [][]key.Binding { return h.Full }

// Of is the help of a screen (its ShortHelp and FullHelp).
func Of(k help.KeyMap) Help { return Help{Short: k.ShortHelp(), Full: k.FullHelp()} }

// With returns a copy of b whose help text is desc: the same key reads
// differently per pane (esc is "back" in the detail, "stop loading" while
// the list streams).
func With(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// Enabled returns b disabled when cond is false, which hides it from help
// and stops it matching.
func Enabled(b key.Binding, cond bool) key.Binding {
	b.SetEnabled(cond)
	return b
}
