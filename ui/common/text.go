package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit pads or truncates s (which may carry ANSI styling) to exactly w cells,
// so that panes laid side by side never push each other.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// FitRight is fit with the text against the right edge (numbers).
func FitRight(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw >= w {
		return Fit(s, w)
	}
	return strings.Repeat(" ", w-sw) + s
}

// Wrap word-wraps plain text to w cells.
func Wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(ansi.Wrap(s, w, ""), "\n")
}

// Window returns the first line to show so that line cur stays visible in
// a view of h lines, moving as little as possible from off.
func Window(cur, off, h, n int) int {
	if h <= 0 {
		return 0
	}
	if cur < off {
		off = cur
	}
	if cur >= off+h {
		off = cur - h + 1
	}
	if off > n-h {
		off = n - h
	}
	if off < 0 {
		off = 0
	}
	return off
}

// Block makes lines exactly w wide and h high.
func Block(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = Fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}

func Clamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}

func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func Check(on bool) string {
	if on {
		return "[x]"
	}
	return "[ ]"
}

func OnOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
