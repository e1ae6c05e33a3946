package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"ocsflags/termtext"
	"ocsflags/ui/styles"
)

// DialogBox draws a modal box inner columns wide: title, wrapped body, the
// answers, and an optional hint line.
func DialogBox(st styles.Styles, inner int, title string, body, answers []string, hint string) []string {
	// Title and body are plain text that may quote directory values.
	lines := []string{st.Bold.Render(termtext.Safe(title)), ""}
	for _, b := range body {
		lines = append(lines, Wrap(termtext.Safe(b), inner)...)
	}
	lines = append(lines, "")
	lines = append(lines, answers...)
	if hint != "" {
		lines = append(lines, "", st.Dim.Render(hint))
	}
	for i, l := range lines {
		lines[i] = Fit(l, inner)
	}
	return strings.Split(st.Dialog.Render(strings.Join(lines, "\n")), "\n")
}

// DrawOver draws box centred over the lines of a w-wide screen.
func DrawOver(base []string, box []string, w int) []string {
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
