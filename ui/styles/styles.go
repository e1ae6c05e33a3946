// Package styles is every look the console has, in one place.
package styles

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"ocsflags/flags"
)

// Styles is every look the console has, in one place. Nothing the admin
// must notice is carried by colour alone: selection also uses reverse video
// and a marker glyph, readiness a glyph and a word, changes a "*".
type Styles struct {
	Header, HeaderDim          lipgloss.Style
	ModeLive, ModeDemo, ModeRO lipgloss.Style
	ModeWarn, PendingBadge     lipgloss.Style
	Title, TitleFocused        lipgloss.Style
	Selected, SelectedBlurred  lipgloss.Style
	Sep, Dim, Bold             lipgloss.Style
	Ok, Bad, Warn, Changed     lipgloss.Style
	Group, Label, Value        lipgloss.Style
	StatusInfo, StatusErr      lipgloss.Style
	Dialog                     lipgloss.Style
	Help                       help.Styles
}

// New builds the palette for the terminal's background and colour
// profile. Without colour (NO_COLOR, dumb terminals, tests) only text
// attributes remain, so every style must still read without colour.
func New(isDark bool, profile colorprofile.Profile) Styles {
	ld := lipgloss.LightDark(isDark)
	noColor := profile == colorprofile.ASCII || profile == colorprofile.NoTTY
	fg := func(s lipgloss.Style, light, dark string) lipgloss.Style {
		if noColor {
			return s
		}
		return s.Foreground(ld(lipgloss.Color(light), lipgloss.Color(dark)))
	}
	bg := func(s lipgloss.Style, light, dark string) lipgloss.Style {
		if noColor {
			return s
		}
		return s.Background(ld(lipgloss.Color(light), lipgloss.Color(dark)))
	}
	badge := func(light, dark string) lipgloss.Style {
		s := lipgloss.NewStyle().Bold(true)
		if noColor {
			return s.Reverse(true)
		}
		var c color.Color = ld(lipgloss.Color(light), lipgloss.Color(dark))
		return s.Background(c).Foreground(ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#000000")))
	}
	st := Styles{
		Header:       bg(fg(lipgloss.NewStyle().Bold(true), "#1A1A1A", "#EEEEEE"), "#DDDDEE", "#2A2A3A"),
		HeaderDim:    bg(fg(lipgloss.NewStyle(), "#555555", "#AAAAAA"), "#DDDDEE", "#2A2A3A"),
		ModeLive:     badge("#B00020", "#FF6B6B"),
		ModeDemo:     badge("#2E7D32", "#81C784"),
		ModeRO:       badge("#1565C0", "#64B5F6"),
		ModeWarn:     badge("#E65100", "#FFB74D"),
		PendingBadge: badge("#6A1B9A", "#CE93D8"),
		Title:        fg(lipgloss.NewStyle().Bold(true), "#555555", "#999999"),
		TitleFocused: fg(lipgloss.NewStyle().Bold(true).Underline(true), "#1A1A1A", "#FFFFFF"),
		Selected:     lipgloss.NewStyle().Reverse(true),
		SelectedBlurred: func() lipgloss.Style {
			if noColor {
				return lipgloss.NewStyle().Underline(true)
			}
			return bg(lipgloss.NewStyle(), "#E4E4E4", "#3A3A3A")
		}(),
		Sep:        fg(lipgloss.NewStyle(), "#AAAAAA", "#5F5F5F"),
		Dim:        fg(lipgloss.NewStyle().Faint(noColor), "#6C6C6C", "#8A8A8A"),
		Bold:       lipgloss.NewStyle().Bold(true),
		Ok:         fg(lipgloss.NewStyle(), "#2E7D32", "#81C784"),
		Bad:        fg(lipgloss.NewStyle().Bold(noColor), "#C62828", "#EF9A9A"),
		Warn:       fg(lipgloss.NewStyle(), "#E65100", "#FFB74D"),
		Changed:    fg(lipgloss.NewStyle().Bold(true), "#6A1B9A", "#CE93D8"),
		Group:      fg(lipgloss.NewStyle().Bold(true), "#1565C0", "#90CAF9"),
		Label:      lipgloss.NewStyle(),
		Value:      fg(lipgloss.NewStyle(), "#00695C", "#80CBC4"),
		StatusInfo: fg(lipgloss.NewStyle(), "#2E7D32", "#A5D6A7"),
		StatusErr:  fg(lipgloss.NewStyle().Bold(true), "#C62828", "#EF9A9A"),
		Dialog: func() lipgloss.Style {
			s := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
			if noColor {
				return s
			}
			return s.BorderForeground(ld(lipgloss.Color("#6A1B9A"), lipgloss.Color("#CE93D8")))
		}(),
	}
	// bubbles/help's own greys (about 239 on a dark 256-colour terminal) are
	// too faint for the one line that says what the keys do.
	key := fg(lipgloss.NewStyle(), "#303030", "#C6C6C6")
	desc := fg(lipgloss.NewStyle(), "#585858", "#9E9E9E")
	sepc := fg(lipgloss.NewStyle(), "#A8A8A8", "#626262")
	st.Help = help.Styles{
		Ellipsis: sepc, ShortKey: key, ShortDesc: desc, ShortSeparator: sepc,
		FullKey: key, FullDesc: desc, FullSeparator: sepc,
	}
	if noColor {
		plain := lipgloss.NewStyle()
		st.Help = help.Styles{
			Ellipsis: plain, ShortKey: plain.Bold(true), ShortDesc: plain, ShortSeparator: plain,
			FullKey: plain.Bold(true), FullDesc: plain, FullSeparator: plain,
		}
	}
	return st
}

// Verdict is the colour of a readiness verdict's word, the same on every
// screen: it only echoes the glyph and the word beside it.
func (s Styles) Verdict(v flags.Verdict) lipgloss.Style {
	switch v {
	case flags.VerdictReady:
		return s.Ok
	case flags.VerdictNotEnabled:
		return s.Dim
	case flags.VerdictUnverified:
		return s.Warn
	}
	return s.Bad
}
