package ui

import (
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// lineInput is a one-line text field for the filter and the bit explorer.
// It is smaller than bubbles/textinput on purpose: no blinking cursor, so a
// frame depends only on the text, and the filter runs on every change.
type lineInput struct {
	value string
}

// update applies an editing key and reports whether the text changed and
// whether the key was an editing key at all.
func (in *lineInput) update(msg tea.KeyPressMsg) (changed, handled bool) {
	switch msg.String() {
	case "backspace", "ctrl+h":
		if in.value == "" {
			return false, true
		}
		_, n := utf8.DecodeLastRuneInString(in.value)
		in.value = in.value[:len(in.value)-n]
		return true, true
	case "ctrl+u":
		changed = in.value != ""
		in.value = ""
		return changed, true
	case "ctrl+w":
		t := strings.TrimRight(in.value, " ")
		i := strings.LastIndex(t, " ")
		nv := ""
		if i >= 0 {
			nv = t[:i+1]
		}
		changed = nv != in.value
		in.value = nv
		return changed, true
	}
	if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
		in.value += msg.Text
		return true, true
	}
	return false, false
}

// paste appends pasted text, flattened to one line.
func (in *lineInput) paste(s string) {
	in.value += strings.Join(strings.Fields(s), " ")
}

// view renders the text with a block cursor that needs no colour.
func (in lineInput) view(prompt string) string {
	return prompt + in.value + "█"
}
