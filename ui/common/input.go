package common

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/termtext"
	"ocsflags/ui/keys"
)

// Input is a one-line text field for the filter, the bit explorer, the
// wizard's domain and the attribute editor. It is smaller than
// bubbles/textinput on purpose: no blinking cursor, so a frame depends only
// on the text, and the filter runs on every change.
type Input struct {
	Value string
	// tail is how many bytes of value lie after the cursor, so code that
	// sets value directly leaves the cursor at the end, where typing goes.
	tail int
}

// pos is the cursor's byte offset, clamped onto a rune boundary.
func (in *Input) pos() int {
	in.tail = Clamp(in.tail, 0, len(in.Value))
	p := len(in.Value) - in.tail
	for p > 0 && p < len(in.Value) && !utf8.RuneStart(in.Value[p]) {
		p--
	}
	in.tail = len(in.Value) - p
	return p
}

// lineKeys is the editing keys (keys.Line), the same in every field.
var lineKeys = keys.NewLine()

// Update applies an editing key and reports whether the text changed and
// whether the key was an editing key at all.
func (in *Input) Update(msg tea.KeyPressMsg) (changed, handled bool) {
	p := in.pos()
	before, after := in.Value[:p], in.Value[p:]
	k := lineKeys
	switch {
	case key.Matches(msg, k.DeleteBack):
		if before == "" {
			return false, true
		}
		_, n := utf8.DecodeLastRuneInString(before)
		in.Value = before[:len(before)-n] + after
		return true, true
	case key.Matches(msg, k.DeleteForward):
		if after == "" {
			return false, true
		}
		_, n := utf8.DecodeRuneInString(after)
		in.Value = before + after[n:]
		in.tail -= n
		return true, true
	case key.Matches(msg, k.Left):
		_, n := utf8.DecodeLastRuneInString(before)
		in.tail += n
		return false, true
	case key.Matches(msg, k.Right):
		_, n := utf8.DecodeRuneInString(after)
		in.tail -= n
		return false, true
	case key.Matches(msg, k.Start):
		in.tail = len(in.Value)
		return false, true
	case key.Matches(msg, k.End):
		in.tail = 0
		return false, true
	case key.Matches(msg, k.Clear):
		changed = in.Value != ""
		in.Value, in.tail = "", 0
		return changed, true
	case key.Matches(msg, k.DeleteWord):
		t := strings.TrimRight(before, " ")
		nb := ""
		if i := strings.LastIndex(t, " "); i >= 0 {
			nb = t[:i+1]
		}
		changed = nb != before
		in.Value = nb + after
		return changed, true
	}
	if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
		in.Value = before + msg.Text + after
		return true, true
	}
	return false, false
}

// Paste inserts pasted text at the cursor, flattened to one line.
func (in *Input) Paste(s string) {
	p := in.pos()
	in.Value = in.Value[:p] + strings.Join(strings.Fields(s), " ") + in.Value[p:]
}

// View renders the text with a block cursor that needs no colour.
func (in Input) View(prompt string) string {
	return in.ViewIn(prompt, 0)
}

// ViewIn renders prompt and text in at most w columns (0: no limit),
// scrolling so the cursor stays visible and marking cut ends with "…".
func (in Input) ViewIn(prompt string, w int) string {
	p := in.pos()
	before, after := in.Value[:p], in.Value[p:]
	cursor, cw := "█", 1
	if after != "" {
		// The block sits on the character under the cursor, in reverse.
		_, n := utf8.DecodeRuneInString(after)
		under := termtext.Safe(after[:n])
		cursor, cw = "\x1b[7m"+under+"\x1b[27m", max(ansi.StringWidth(under), 1)
		after = after[n:]
	}
	// A value from the directory may hold control characters; they are
	// shown escaped while it is edited (the checks refuse to write them).
	before, after = termtext.Safe(before), termtext.Safe(after)
	room := w - ansi.StringWidth(prompt) - cw
	if w <= 0 || ansi.StringWidth(before)+ansi.StringWidth(after) <= room {
		return prompt + before + cursor + after
	}
	// Keep the cursor in view: cut the start first, then the end.
	if bw := ansi.StringWidth(before); bw > room-1 {
		before = "…" + ansi.TruncateLeft(before, bw-(room-2), "")
	}
	if left := room - ansi.StringWidth(before); ansi.StringWidth(after) > left {
		after = ansi.Truncate(after, max(left, 1), "…")
	}
	return prompt + before + cursor + after
}
