// Package frame is the console's frame around the screen on show: the
// header (where, as whom, the mode badges, the pending count), the status
// line, the footer and the full help (?). The root owns one, tells it the
// terminal's size and the status, and gives it the body to frame.
package frame

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
	"ocsflags/ui/session"
)

// Waits is what the status line says of the writes in flight: the start of
// the oldest wait on the directory, how many users are waited for, whether
// it is the check of an unknown outcome, and an elapsed time in words.
type Waits interface {
	WaitingSince() (since time.Time, n int, checking bool)
	Elapsed(since time.Time) string
}

// Model is the frame. Status and StatusErr are the status line; an error
// stays until something replaces it.
type Model struct {
	com   *common.Common
	sess  *session.Session
	waits Waits
	help  help.Model
	w, h  int

	Status    string
	StatusErr bool
	// statusDN is the user on screen when the status was set: a status
	// set then is about that user ("refused: … holds 2 values") and goes
	// when another user is opened, so it is never read as the next one's.
	statusDN string
}

// New returns the frame of a terminal of 80×24 until the first size.
func New(c *common.Common, s *session.Session, w Waits) *Model {
	f := &Model{com: c, sess: s, waits: w, help: help.New(), w: 80, h: 24}
	f.Restyle()
	return f
}

// SetSize is the terminal's size.
func (f *Model) SetSize(w, h int) {
	f.w, f.h = w, h
	f.help.SetWidth(f.Width())
}

// Width is the width everything is drawn in (at least 20 columns).
func (f *Model) Width() int { return max(f.w, 20) }

// Restyle takes the styles of Common (after a background colour answer).
func (f *Model) Restyle() { f.help.Styles = f.com.Styles.Help }

// SetStatus sets the status line; dn is the user on screen, whose opening
// of another user clears a status about it (Opened).
func (f *Model) SetStatus(text string, isErr bool, dn string) {
	f.Status, f.StatusErr, f.statusDN = text, isErr, dn
}

// Opened drops a status about the user on screen until now, when dn is
// another user.
func (f *Model) Opened(dn string) {
	if f.statusDN != "" && !directory.SameDN(f.statusDN, dn) {
		f.SetStatus("", false, dn)
	}
}

// ToggleHelp opens or closes the full help.
func (f *Model) ToggleHelp() { f.help.ShowAll = !f.help.ShowAll }

// HelpOpen reports whether the full help is shown.
func (f *Model) HelpOpen() bool { return f.help.ShowAll }

// BodyHeight is what the header, the status line and the footer with hk
// leave for the screen.
func (f *Model) BodyHeight(hk keys.Help) int {
	return max(max(f.h, 6)-2-len(f.footer(hk)), 1)
}

// View frames body: header, body, status line, footer with hk's keys.
func (f *Model) View(body string, hk keys.Help) string {
	w, h := f.Width(), max(f.h, 6)
	footer := f.footer(hk)
	lines := make([]string, 0, h)
	lines = append(lines, f.header(w))
	lines = append(lines, strings.Split(body, "\n")...)
	lines = append(lines, f.statusLine(w))
	lines = append(lines, footer...)
	return strings.Join(lines, "\n")
}

func (f *Model) header(w int) string {
	st, info := f.com.Styles, f.com.Info
	var badges []string
	switch info.Kind {
	case "demo":
		badges = append(badges, st.ModeDemo.Render(" DEMO "))
	case "ldif":
		badges = append(badges, st.ModeDemo.Render(" LDIF "))
	default:
		badges = append(badges, st.ModeLive.Render(" LIVE "))
	}
	if f.com.ReadOnly {
		badges = append(badges, st.ModeRO.Render(" READ-ONLY "))
	}
	if info.Cleartext {
		// The password crossed the network readable by anyone on the path
		// (--allow-cleartext-password).
		badges = append(badges, st.ModeWarn.Render(" CLEARTEXT "))
	}
	if info.TLSUnverified {
		badges = append(badges, st.ModeWarn.Render(" TLS not verified "))
	}
	if f.sess.PoolsHidden {
		// Readiness needs the home server's pool: with pools this account
		// cannot read, some verdicts are "? unchecked" (notePools).
		badges = append(badges, st.ModeWarn.Render(" ? pools unreadable "))
	}
	edits, users := f.sess.Pending.Counts()
	pend := st.HeaderDim.Render(" no pending changes ")
	if edits > 0 {
		pend = st.PendingBadge.Render(fmt.Sprintf(" %d pending change%s (%d user%s) ", edits, common.Plural(edits), users, common.Plural(users)))
	}
	right := strings.Join(badges, " ") + " " + pend

	where := termtext.Safe(info.Name)
	switch info.Kind {
	case "demo":
		where = "demo directory"
	case "ldif":
		where = "LDIF " + termtext.Safe(info.Name)
	}
	if info.InMemory {
		where += ", data in memory"
	}
	left := " ocsflags │ " + where + " "
	if info.Kind == "ldap" {
		who := info.BoundAs
		if who == "" {
			who = "anonymous bind"
		}
		how := "as "
		if info.Auth != "" {
			how = termtext.Safe(info.Auth) + " as " // Kerberos as admin@CORP.EXAMPLE
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

func (f *Model) statusLine(w int) string {
	st := f.com.Styles
	if since, n, checking := f.waits.WaitingSince(); n > 0 {
		// Waiting on the directory: how long so far, whatever else the
		// status says.
		what := fmt.Sprintf("writing %d user%s…", n, common.Plural(n))
		if checking {
			what = "outcome unknown: reading the user again…"
		}
		text := f.com.Spin + " " + what + " " + f.waits.Elapsed(since)
		if f.Status != "" && !strings.HasPrefix(f.Status, "writing ") {
			text += " · " + termtext.Safe(f.Status)
		}
		if f.StatusErr || checking {
			return st.StatusErr.Render(common.Fit(text, w))
		}
		return st.StatusInfo.Render(common.Fit(text, w))
	}
	if f.Status == "" {
		return strings.Repeat(" ", w)
	}
	if f.StatusErr {
		return st.StatusErr.Render(common.Fit("✗ "+termtext.Safe(f.Status), w))
	}
	return st.StatusInfo.Render(common.Fit(termtext.Safe(f.Status), w))
}

func (f *Model) footer(hk keys.Help) []string {
	w := f.Width()
	view := f.help.View(hk)
	if f.help.ShowAll {
		view = f.fullHelp(hk.Full, w)
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
func (f *Model) fullHelp(groups [][]key.Binding, w int) string {
	wide := f.help
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
