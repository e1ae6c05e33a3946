package ui

import (
	"fmt"
	"ocsflags/ui/common"
	"ocsflags/ui/styles"
	"strings"

	tea "charm.land/bubbletea/v2"

	"ocsflags/flags"
	"ocsflags/termtext"
)

// explorerModel is the bit explorer: type any msRTCSIP-OptionFlags value and
// read it decoded, as `ocsflags explain` prints it; no user needed.
type explorerModel struct {
	input  common.Input
	cursor int // index into flags.Catalogue
	// from names the user whose value the explorer opened on; while fresh
	// that value is as if selected: the first key typed replaces it rather
	// than appending to it (9 typed on 897 must give 9, not 8979).
	from  string
	fresh bool
}

func newExplorer(start flags.Opt[flags.Value], from string) explorerModel {
	e := explorerModel{}
	if start.Set {
		e.input.Value = flags.FormatAD(start.V)
		e.from, e.fresh = from, true
	}
	return e
}

// paste replaces a fresh value and otherwise appends.
func (e *explorerModel) paste(s string) {
	if e.fresh {
		e.input.Value, e.fresh = "", false
	}
	e.input.Paste(s)
}

func (e *explorerModel) value() (flags.Value, error) {
	if strings.TrimSpace(e.input.Value) == "" {
		return 0, nil
	}
	return flags.ParseInput(e.input.Value)
}

// update handles a key; it returns false when the explorer should close.
func (e *explorerModel) update(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "esc":
		return false
	case "up":
		e.cursor = max(e.cursor-1, 0)
		return true
	case "down":
		e.cursor = min(e.cursor+1, len(flags.Catalogue)-1)
		return true
	case "space":
		// Toggling a bit rewrites the value: learning by flipping bits.
		v, err := e.value()
		if err == nil {
			v ^= flags.Catalogue[e.cursor].Value
			e.input = common.Input{Value: fmt.Sprint(uint32(v))}
		}
		e.fresh = false
		return true
	}
	if e.fresh {
		switch k := msg.String(); {
		case k == "backspace" || k == "ctrl+h" || k == "ctrl+u" || k == "ctrl+w":
			// As with selected text: one key deletes it all.
			e.input.Value, e.fresh = "", false
			return true
		case msg.Text != "" && msg.Mod&^tea.ModShift == 0:
			e.input.Value, e.fresh = "", false
		}
	}
	e.input.Update(msg)
	return true
}

func (e *explorerModel) view(st styles.Styles, w, h int) []string {
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
		return common.Block(out, w, h)
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
		ex := explainBit(flags.Catalogue[e.cursor].Value, w-2)
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
	return common.Block(out, w, h)
}
