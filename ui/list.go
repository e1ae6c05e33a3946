package ui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"ocsflags/directory"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/styles"
)

// listModel is the user list of one container. It holds every row the
// stream delivered but renders only the visible window, and filters over
// precomputed lower-case keys.
type listModel struct {
	dn    string // the container listed ("" before the first listing)
	title string

	rows    []row
	matches []int32 // indices of rows matching filter; nil when not filtering
	filter  string  // the applied filter, lower-cased
	input   common.Input
	editing bool

	cursor, offset int

	streamID int
	cancel   context.CancelFunc
	loading  bool
	stopped  bool // esc stopped the stream early
	done     int
	total    int
	err      error

	flagsW int // width of the OptionFlags column: never truncate a value

	// sips counts the listed users per SIP address, so two users of the
	// container sharing one are marked without a directory search.
	sips map[string]int

	// marks are the users selected for the Enable Users wizard, by
	// NormDN; they survive filtering and reloading the same container.
	marks map[string]directory.User
}

func (l *listModel) visibleLen() int {
	if l.matches != nil {
		return len(l.matches)
	}
	return len(l.rows)
}

// at returns the i-th visible row.
func (l *listModel) at(i int) *row {
	if l.matches != nil {
		return &l.rows[l.matches[i]]
	}
	return &l.rows[i]
}

func (l *listModel) selected() *row {
	if l.cursor < 0 || l.cursor >= l.visibleLen() {
		return nil
	}
	return l.at(l.cursor)
}

// reset empties the list for a new listing of dn and stops any running one.
func (l *listModel) reset(dn, title string, id int) {
	l.stop()
	marks := l.marks
	if dn == "" || !directory.SameDN(dn, l.dn) {
		marks = nil
	}
	*l = listModel{dn: dn, title: title, streamID: id, flagsW: 5, filter: l.filter, input: l.input, marks: marks}
	if l.filter != "" {
		l.matches = []int32{}
	}
}

// stop cancels the running stream, if any.
func (l *listModel) stop() {
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
	}
}

// add appends a batch, extending the filter matches with the new rows only.
func (l *listModel) add(rows []row) {
	start := len(l.rows)
	l.rows = append(l.rows, rows...)
	if l.sips == nil {
		l.sips = map[string]int{}
	}
	for i, r := range rows {
		if r.sip != "" {
			l.sips[r.sip]++
		}
		if len(r.flags) > l.flagsW {
			l.flagsW = len(r.flags)
		}
		if l.matches != nil && strings.Contains(r.key, l.filter) {
			l.matches = append(l.matches, int32(start+i))
		}
	}
}

// setFilter applies f as the admin types. A filter that extends the
// previous one can only narrow it, so only the current matches are scanned.
func (l *listModel) setFilter(f string) {
	lf := strings.ToLower(f)
	if lf == l.filter {
		return
	}
	var keep int32 = -1
	if r := l.selected(); r != nil {
		if l.matches != nil {
			keep = l.matches[l.cursor]
		} else {
			keep = int32(l.cursor)
		}
	}
	switch {
	case lf == "":
		l.matches = nil
	case l.filter != "" && l.matches != nil && strings.Contains(lf, l.filter):
		out := l.matches[:0:0]
		for _, i := range l.matches {
			if strings.Contains(l.rows[i].key, lf) {
				out = append(out, i)
			}
		}
		l.matches = out
	default:
		out := make([]int32, 0, 64)
		for i := range l.rows {
			if strings.Contains(l.rows[i].key, lf) {
				out = append(out, int32(i))
			}
		}
		l.matches = out
	}
	l.filter = lf
	// Stay on the same user when it still matches.
	l.cursor = 0
	if keep >= 0 {
		if l.matches == nil {
			l.cursor = int(keep)
		} else if j := sort.Search(len(l.matches), func(j int) bool { return l.matches[j] >= keep }); j < len(l.matches) && l.matches[j] == keep {
			l.cursor = j
		}
	}
}

// selectDN moves the cursor to dn if it is visible.
func (l *listModel) selectDN(dn string) bool {
	for i := 0; i < l.visibleLen(); i++ {
		if strings.EqualFold(l.at(i).u.DN, dn) || directory.SameDN(l.at(i).u.DN, dn) {
			l.cursor = i
			return true
		}
	}
	return false
}

// state is the row's verdict, with a sign-in name shared by two listed
// users counted as the problem it is (the client refuses both).
func (l *listModel) state(r *row) readiness {
	if r.state != notEnabled && r.sip != "" && l.sips[r.sip] > 1 {
		// One more error than the row's own verdict counted.
		return problems
	}
	return r.state
}

// replace updates the row of u after a write or a fresh read.
func (l *listModel) replace(u directory.User, pools directory.PoolCheck) {
	l.replaceRow(makeRow(u, pools))
}

// replaceRow puts r, made by makeRow, in place of the row of the same user.
func (l *listModel) replaceRow(r row) {
	for i := range l.rows {
		if strings.EqualFold(l.rows[i].u.DN, r.u.DN) {
			if old := l.rows[i].sip; old != "" {
				l.sips[old]--
			}
			l.rows[i] = r
			if r := l.rows[i]; r.sip != "" {
				l.sips[r.sip]++
			}
			if len(l.rows[i].flags) > l.flagsW {
				l.flagsW = len(l.rows[i].flags)
			}
			return
		}
	}
}

func (l *listModel) move(delta int) {
	l.cursor = common.Clamp(l.cursor+delta, 0, max(l.visibleLen()-1, 0))
}

// progress is the status line under the column headings.
func (l *listModel) progress(spin string) string {
	var b strings.Builder
	switch {
	case l.loading:
		b.WriteString(spin + " ")
		if l.total > 0 {
			fmt.Fprintf(&b, "%d of %d users…", l.done, l.total)
		} else {
			fmt.Fprintf(&b, "%d users so far…", l.done)
		}
		b.WriteString(" esc stops")
	case l.err != nil && !errors.Is(l.err, context.Canceled):
		fmt.Fprintf(&b, "✗ listing failed after %d users: %s (r retries)", len(l.rows), termtext.Safe(l.err.Error()))
	case l.stopped:
		fmt.Fprintf(&b, "stopped after %d users (r reloads)", len(l.rows))
	case l.dn == "" && len(l.rows) == 0:
		b.WriteString("choose a container in the tree")
	case len(l.rows) == 1:
		b.WriteString("1 user")
	default:
		fmt.Fprintf(&b, "%d users", len(l.rows))
	}
	if l.matches != nil {
		fmt.Fprintf(&b, " · %d match %s", len(l.matches), termtext.Quote(l.filter))
	}
	if n := len(l.marks); n > 0 {
		fmt.Fprintf(&b, " · %d selected", n)
	}
	return b.String()
}

// columns splits the width left after the fixed columns between name,
// sAMAccountName and sign-in name.
func (l *listModel) columns(w int) (name, sam, sip int) {
	const markW = 13
	rest := w - 3 - l.flagsW - markW - 4
	if rest < 12 {
		return max(rest, 1), 0, 0
	}
	if rest < 50 {
		// Too narrow for three readable columns: the sAMAccountName goes
		// (the detail shows it), so names tell users apart.
		name = rest * 45 / 100
		return name, 0, rest - name
	}
	name = rest * 32 / 100
	sam = rest * 22 / 100
	sip = rest - name - sam
	return name, sam, sip
}

// view renders h lines of width w: headings, progress or filter line, rows.
func (l *listModel) view(st styles.Styles, w, h int, focused bool, spin string, pending func(dn string) bool) []string {
	lines := make([]string, 0, h)
	nameW, samW, sipW := l.columns(w)
	cols := func(mark, name, sam, sip, fl, ready string) string {
		var b strings.Builder
		b.Grow(w + 8)
		b.WriteString(mark)
		b.WriteString(common.Fit(name, nameW))
		if samW > 0 {
			b.WriteByte(' ')
			b.WriteString(common.Fit(sam, samW))
		}
		if sipW > 0 {
			b.WriteByte(' ')
			b.WriteString(common.Fit(sip, sipW))
		}
		b.WriteByte(' ')
		b.WriteString(common.FitRight(fl, l.flagsW))
		b.WriteByte(' ')
		b.WriteString(ready)
		return b.String()
	}
	lines = append(lines, st.Dim.Render(common.Fit(cols("   ", "Name", "sAMAccountName", "Sign-in name", "Flags", "Readiness"), w)))
	if l.editing || l.filter != "" {
		f := l.input.View("/ ")
		if !l.editing {
			f = "/ " + termtext.Safe(l.input.Value) + "  (esc clears)"
		}
		lines = append(lines, common.Fit(f+"   "+l.progress(spin), w))
	} else {
		lines = append(lines, common.Fit(l.progress(spin), w))
	}
	body := h - len(lines)
	n := l.visibleLen()
	l.offset = common.Window(l.cursor, l.offset, body, n)
	for i := l.offset; i < n && len(lines) < h; i++ {
		r := l.at(i)
		mark := "  "
		if i == l.cursor {
			mark = "› "
		}
		if l.marked(r.u.DN) {
			mark = mark[:len(mark)-1] + "●"
		}
		if pending(r.u.DN) {
			mark += "*"
		} else {
			mark += " "
		}
		state := l.state(r)
		readyText := common.Fit(state.Word(), 13)
		text := common.Fit(cols(mark, termtext.Safe(r.u.Label()), termtext.Safe(r.u.SAMAccountName), termtext.Safe(r.u.OCS.SIPAddress.V), r.flags, ""), w-13) + readyText
		switch {
		case i == l.cursor && focused:
			text = st.Selected.Render(text)
		case i == l.cursor:
			text = st.SelectedBlurred.Render(text)
		default:
			// Colour only echoes the word next to it.
			sty := st.Bad
			switch state {
			case ready:
				sty = st.Ok
			case notEnabled:
				sty = st.Dim
			case unverified:
				sty = st.Warn
			}
			text = text[:len(text)-len(readyText)] + sty.Render(readyText)
		}
		lines = append(lines, text)
	}
	if n == 0 && !l.loading && l.dn != "" && len(lines) < h {
		if l.matches != nil {
			lines = append(lines, st.Dim.Render("  no user matches the filter"))
		} else if l.err == nil && !l.stopped {
			lines = append(lines, st.Dim.Render("  no users directly in this container"))
		}
	}
	return lines
}
