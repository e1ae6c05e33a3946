package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/dialogs"
	"ocsflags/ui/keys"
)

// View draws the whole screen: header, body, status line, footer.
func (m *Model) View() tea.View {
	// Drawn from a copy, so drawing changes nothing (settle, in Update,
	// keeps the scroll positions the layout works out).
	c := *m
	v := tea.NewView(c.render())
	// The alternate screen keeps the admin's shell intact, in tmux too.
	v.AltScreen = true
	v.WindowTitle = "ocsflags — " + termtext.Safe(m.com.Info.Name)
	return v
}

func (m *Model) render() string {
	w, h := max(m.w, 20), max(m.h, 6)
	footer := m.footerLines(w)
	var body []string
	switch m.screen {
	case scrReview:
		body = strings.Split(m.review.View(), "\n")
	case scrEnable:
		body = strings.Split(m.enable.View(), "\n")
	default:
		body = strings.Split(m.browse.View(), "\n")
	}
	if len(m.stack) > 0 {
		body = m.stackBody(body)
	}
	lines := make([]string, 0, h)
	lines = append(lines, m.header(w))
	lines = append(lines, body...)
	lines = append(lines, m.statusLine(w))
	lines = append(lines, footer...)
	return strings.Join(lines, "\n")
}

// settle lays out the screen on show once after a message, so its window
// follows its cursor; View then draws what settle worked out.
func (m *Model) settle() {
	switch m.screen {
	case scrReview:
		m.review.Settle()
	case scrEnable:
		m.enable.Settle()
	default:
		m.browse.Settle()
	}
}

// bodyHeight is what is left between the header, the status line and the
// footer.
func (m *Model) bodyHeight() int {
	return max(max(m.h, 6)-2-len(m.footerLines(max(m.w, 20))), 1)
}

func (m *Model) header(w int) string {
	st := m.com.Styles
	var badges []string
	switch m.com.Info.Kind {
	case "demo":
		badges = append(badges, st.ModeDemo.Render(" DEMO "))
	case "ldif":
		badges = append(badges, st.ModeDemo.Render(" LDIF "))
	default:
		badges = append(badges, st.ModeLive.Render(" LIVE "))
	}
	if m.com.ReadOnly {
		badges = append(badges, st.ModeRO.Render(" READ-ONLY "))
	}
	if m.com.Info.Cleartext {
		// The password crossed the network readable by anyone on the path
		// (--allow-cleartext-password).
		badges = append(badges, st.ModeWarn.Render(" CLEARTEXT "))
	}
	if m.com.Info.TLSUnverified {
		badges = append(badges, st.ModeWarn.Render(" TLS not verified "))
	}
	if m.sess.PoolsHidden {
		// Readiness needs the home server's pool: with pools this account
		// cannot read, some verdicts are "? unchecked" (notePools).
		badges = append(badges, st.ModeWarn.Render(" ? pools unreadable "))
	}
	edits, users := m.sess.Pending.Counts()
	pend := st.HeaderDim.Render(" no pending changes ")
	if edits > 0 {
		pend = st.PendingBadge.Render(fmt.Sprintf(" %d pending change%s (%d user%s) ", edits, common.Plural(edits), users, common.Plural(users)))
	}
	right := strings.Join(badges, " ") + " " + pend

	where := termtext.Safe(m.com.Info.Name)
	switch m.com.Info.Kind {
	case "demo":
		where = "demo directory"
	case "ldif":
		where = "LDIF " + termtext.Safe(m.com.Info.Name)
	}
	if m.com.Info.InMemory {
		where += ", data in memory"
	}
	left := " ocsflags │ " + where + " "
	if m.com.Info.Kind == "ldap" {
		who := m.com.Info.BoundAs
		if who == "" {
			who = "anonymous bind"
		}
		how := "as "
		if m.com.Info.Auth != "" {
			how = termtext.Safe(m.com.Info.Auth) + " as " // Kerberos as admin@CORP.EXAMPLE
		}
		left += "│ " + how + termtext.Safe(who) + " "
	}
	room := w - ansi.StringWidth(right)
	if ansi.StringWidth(left) > room {
		// Narrow: which DC and who is bound (Kerberos as
		// Administrator@CORP.EXAMPLE) matter more than the program's name
		// and the long form of "no pending changes".
		left = strings.TrimPrefix(left, " ocsflags │")
		if edits == 0 && ansi.StringWidth(left) > room {
			right = strings.Join(badges, " ") + " " + st.HeaderDim.Render(" no changes ")
			room = w - ansi.StringWidth(right)
		}
	}
	return st.Header.Render(common.Fit(left, room)) + right
}

func (m *Model) statusLine(w int) string {
	if since, n, checking := m.review.WaitingSince(); n > 0 {
		// Waiting on the directory: how long so far, whatever else the
		// status says.
		what := fmt.Sprintf("writing %d user%s…", n, common.Plural(n))
		if checking {
			what = "outcome unknown: reading the user again…"
		}
		text := m.spin.View() + " " + what + " " + m.review.Elapsed(since)
		if m.status != "" && !strings.HasPrefix(m.status, "writing ") {
			text += " · " + termtext.Safe(m.status)
		}
		if m.statusErr || checking {
			return m.com.Styles.StatusErr.Render(common.Fit(text, w))
		}
		return m.com.Styles.StatusInfo.Render(common.Fit(text, w))
	}
	if m.status == "" {
		return strings.Repeat(" ", w)
	}
	if m.statusErr {
		return m.com.Styles.StatusErr.Render(common.Fit("✗ "+termtext.Safe(m.status), w))
	}
	return m.com.Styles.StatusInfo.Render(common.Fit(termtext.Safe(m.status), w))
}

func (m *Model) footerLines(w int) []string {
	hk := m.helpKeys()
	view := m.help.View(hk)
	if m.help.ShowAll {
		view = m.fullHelp(hk.Full, w)
	}
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		// bubbles/help lets the last item overflow when even its
		// ellipsis does not fit; never wrap the footer.
		lines[i] = common.Fit(l, w)
	}
	return lines
}

// fullHelp lays the ? columns side by side as far as they fit in w and
// starts a new band below for the rest: bubbles/help would drop the columns
// that do not fit behind a "…", hiding keys on an 80-column terminal.
func (m *Model) fullHelp(groups [][]key.Binding, w int) string {
	wide := m.help
	wide.SetWidth(0)
	var bands []string
	var band [][]key.Binding
	bandW := 0
	for _, g := range groups {
		gw := lipgloss.Width(wide.FullHelpView([][]key.Binding{g}))
		if len(band) > 0 && bandW+len(wide.FullSeparator)+gw > w {
			bands = append(bands, wide.FullHelpView(band))
			band, bandW = nil, 0
		}
		if len(band) > 0 {
			bandW += len(wide.FullSeparator)
		}
		band = append(band, g)
		bandW += gw
	}
	if len(band) > 0 {
		bands = append(bands, wide.FullHelpView(band))
	}
	return strings.Join(bands, "\n")
}

// helpKeys picks the bindings that matter on the current screen from the
// one key map.
func (m *Model) helpKeys() keys.Help {
	full := m.browse.FullHelp()
	if c, ok := m.top().(*dialogs.Confirm); ok {
		// The browser's keys stay in the ? help: they are what follows.
		return keys.Help{Short: c.ShortHelp(), Full: full}
	}
	if _, ok := m.top().(common.Overlay); ok {
		return m.topHelp()
	}
	if m.top() != nil {
		return m.topHelp()
	}
	switch m.screen {
	case scrEnable:
		return keys.Help{Short: m.enable.ShortHelp(), Full: m.enable.FullHelp()}
	case scrReview:
		return keys.Help{Short: m.review.ShortHelp(), Full: m.review.FullHelp()}
	}
	return keys.Help{Short: m.browse.ShortHelp(), Full: full}
}
