// Package explorer is the bit explorer: type any msRTCSIP-OptionFlags value
// and read it decoded, as `ocsflags explain` prints it; no user needed.
package explorer

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
)

// KeyMap is the explorer's keys. Typing goes to the value; these are the
// keys that do something else.
type KeyMap struct {
	Type     key.Binding // help only: digits and 0x… go to the value
	Move     key.Binding // help only: Up and Down
	Up, Down key.Binding
	Flip     key.Binding
	Close    key.Binding
	// Clear deletes a fresh value at once, as on selected text.
	Clear key.Binding
}

func newKeyMap(k keys.KeyMap) KeyMap {
	return KeyMap{
		Type:  key.NewBinding(key.WithKeys("0"), key.WithHelp("0-9/0x", "type a value")),
		Move:  key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "bit")),
		Up:    key.NewBinding(key.WithKeys("up")),
		Down:  key.NewBinding(key.WithKeys("down")),
		Flip:  keys.With(k.Toggle, "flip bit"),
		Close: keys.With(k.Back, "close"),
		Clear: key.NewBinding(key.WithKeys("backspace", "ctrl+h", "ctrl+u", "ctrl+w")),
	}
}

// Model is the explorer screen.
type Model struct {
	c      *common.Common
	keys   KeyMap
	input  common.Input
	cursor int // index into flags.Catalogue
	// from names the user whose value the explorer opened on; while fresh
	// that value is as if selected: the first key typed replaces it rather
	// than appending to it (9 typed on 897 must give 9, not 8979).
	from  string
	fresh bool
}

// New opens the explorer on start (the open user's value, named by from),
// or empty when start is not set.
func New(c *common.Common, start flags.Opt[flags.Value], from string) *Model {
	e := &Model{c: c, keys: newKeyMap(c.Keys)}
	if start.Set {
		e.input.Value = flags.FormatAD(start.V)
		e.from, e.fresh = from, true
	}
	return e
}

// Value is the text typed so far.
func (e *Model) Value() string { return e.input.Value }

func (e *Model) value() (flags.Value, error) {
	if strings.TrimSpace(e.input.Value) == "" {
		return 0, nil
	}
	return flags.ParseInput(e.input.Value)
}

// Update handles keys and pastes; esc closes the explorer.
func (e *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		// A paste replaces a fresh value and otherwise appends.
		if e.fresh {
			e.input.Value, e.fresh = "", false
		}
		e.input.Paste(msg.Content)
	case tea.KeyPressMsg:
		return e.key(msg)
	}
	return e, nil
}

func (e *Model) key(msg tea.KeyPressMsg) (common.Screen, tea.Cmd) {
	k := e.keys
	switch {
	case key.Matches(msg, k.Close):
		return nil, nil
	case key.Matches(msg, k.Up):
		e.cursor = max(e.cursor-1, 0)
		return e, nil
	case key.Matches(msg, k.Down):
		e.cursor = min(e.cursor+1, len(flags.Catalogue)-1)
		return e, nil
	case key.Matches(msg, k.Flip):
		// Toggling a bit rewrites the value: learning by flipping bits.
		v, err := e.value()
		if err == nil {
			v ^= flags.Catalogue[e.cursor].Value
			e.input = common.Input{Value: fmt.Sprint(uint32(v))}
		}
		e.fresh = false
		return e, nil
	}
	if e.fresh {
		switch {
		case key.Matches(msg, k.Clear):
			// As with selected text: one key deletes it all.
			e.input.Value, e.fresh = "", false
			return e, nil
		case msg.Text != "" && msg.Mod&^tea.ModShift == 0:
			e.input.Value, e.fresh = "", false
		}
	}
	e.input.Update(msg)
	return e, nil
}

// ShortHelp is the footer.
func (e *Model) ShortHelp() []key.Binding {
	return []key.Binding{e.keys.Type, e.keys.Move, e.keys.Flip, e.keys.Close}
}

// FullHelp is the ? help: the same keys.
func (e *Model) FullHelp() [][]key.Binding { return [][]key.Binding{e.ShortHelp()} }

// View draws the value, its decoding, the catalogue with the value's bits
// ticked, and the explanation of the bit under the cursor.
func (e *Model) View() string {
	st, w, h := e.c.Styles, e.c.Width, e.c.Height
	var out []string
	out = append(out, st.Bold.Render("Bit explorer")+st.Dim.Render("  decode any msRTCSIP-OptionFlags value, like `ocsflags explain`"))
	out = append(out, "")
	hint := "type a value in decimal, hex (0x…) or AD's negative form"
	if e.fresh {
		hint = "the value of " + termtext.Safe(e.from) + ": typing replaces it"
	}
	out = append(out, e.input.View("Value: ")+st.Dim.Render("   "+hint))
	out = append(out, st.Dim.Render("space flips the bit under the cursor here only: no user is changed"))
	v, err := e.value()
	if err != nil {
		out = append(out, st.Bad.Render("✗ "+termtext.Safe(err.Error())))
		return strings.Join(common.Block(out, w, h), "\n")
	}
	out = append(out, fmt.Sprintf("= %s  = %s  = %s", flags.FormatAD(v), v.Hex(), v.Binary()))
	tel := "telephony: " + flags.TelephonyOf(v).Label()
	if int32(v) < 0 {
		// Bit 31 set: AD's signed Integer shows it negative.
		tel = fmt.Sprintf("unsigned %d, AD stores %s · %s", uint32(v), flags.FormatAD(v), tel)
	}
	out = append(out, tel)
	out = append(out, "")
	for i, f := range flags.Catalogue {
		name := f.Label
		if name == "" {
			name = f.Name
		}
		mark := "  "
		if i == e.cursor {
			mark = "› "
		}
		t := fmt.Sprintf("%s%s %5d  bit %2d  %s", mark, common.Check(v.Has(f.Value)), uint32(f.Value), f.Bit, name)
		if f.Group != flags.GroupReserved {
			t += st.Dim.Render("  (" + f.Group.String() + ")")
		}
		t = common.Fit(t, w)
		if i == e.cursor {
			t = st.Selected.Render(t)
		}
		out = append(out, t)
	}
	if u := v.Unknown(); u != 0 {
		var p []string
		for _, b := range u.Bits() {
			p = append(p, fmt.Sprintf("%d (bit %d)", uint32(b), flags.BitIndex(b)))
		}
		out = append(out, st.Warn.Render("! unknown bits, kept as found on every write: "+strings.Join(p, ", ")))
	}
	if flags.TelephonyOf(v) == flags.TelephonyInconsistent {
		out = append(out, st.Warn.Render("! telephony bits "+(v&flags.TelephonyMask).SumText()+" match none of the console's five options"))
	}
	out = append(out, "")
	room := h - len(out)
	if room > 2 {
		ex := common.ExplainBit(flags.Catalogue[e.cursor].Value, w-2)
		if len(ex) > room {
			ex = ex[:room]
		}
		for i, l := range ex {
			if i == 0 {
				l = st.Bold.Render(l)
			}
			out = append(out, "  "+l)
		}
	}
	return strings.Join(common.Block(out, w, h), "\n")
}
