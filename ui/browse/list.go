package browse

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/styles"
)

// List is the user list of one container. It holds every row the
// stream delivered but renders only the visible window, and filters over
// precomputed lower-case keys.
type List struct {
	dn    string // the container listed ("" before the first listing)
	title string
	// subtree is set when the listing holds every user below dn (t, D).
	subtree bool

	Rows    []Row
	matches []int32 // indices of rows matching filter; nil when not filtering
	Filter  string  // the applied filter, lower-cased
	input   common.Input
	editing bool
	// The filter read as a query (flags.ParseQuery): words matched in the
	// name, sAMAccountName and sign-in name, and setting tokens (fed:on
	// pool:pool01 ready:no) matched against each row's facts. queryErr is
	// a token that does not parse (the list keeps its last matches and the
	// hint line says what is wrong).
	text     string
	where    flags.Where
	queryErr error
	// readyN counts the ready users among those listed (the matches, or
	// every row); -1 when it must be counted again.
	readyN int
	// sortBy is the column the rows are kept in order of (SortName…),
	// as they stream in.
	sortBy SortColumn
	// arrived counts the rows added, numbering each (Row.seq) in the
	// order the directory delivered it.
	arrived int32

	Cursor, offset int

	streamID int
	cancel   context.CancelFunc
	Loading  bool
	Stopped  bool // esc stopped the stream early
	done     int
	total    int
	err      error

	flagsW int // width of the OptionFlags column: never truncate a value

	// sips counts the listed users per SIP address, so two users of the
	// container sharing one are marked without a directory search.
	sips map[string]int

	// Marks are the users selected for the Enable Users wizard, by
	// NormDN; they survive filtering and reloading the same container.
	Marks map[string]directory.User
}

func (l *List) VisibleLen() int {
	if l.matches != nil {
		return len(l.matches)
	}
	return len(l.Rows)
}

// At returns the i-th visible row.
func (l *List) At(i int) *Row {
	if l.matches != nil {
		return &l.Rows[l.matches[i]]
	}
	return &l.Rows[i]
}

func (l *List) Selected() *Row {
	if l.Cursor < 0 || l.Cursor >= l.VisibleLen() {
		return nil
	}
	return l.At(l.Cursor)
}

// Reset empties the list for a new listing of dn and stops any running one.
func (l *List) Reset(dn, title string, id int) {
	l.Stop()
	marks := l.Marks
	if dn == "" || !directory.SameDN(dn, l.dn) {
		marks = nil
	}
	*l = List{dn: dn, title: title, streamID: id, flagsW: 5, Filter: l.Filter, input: l.input, Marks: marks,
		text: l.text, where: l.where, queryErr: l.queryErr, sortBy: l.sortBy, readyN: -1}
	if l.Filter != "" {
		l.matches = []int32{}
	}
}

// Stop cancels the running stream, if any.
func (l *List) Stop() {
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
	}
}

// Add merges a batch into the rows in the list's sort order; the filter
// matches are extended with the new rows, or worked out again when the
// batch went in between rows already listed.
func (l *List) Add(rows []Row) {
	if l.sips == nil {
		l.sips = map[string]int{}
	}
	for _, r := range rows {
		if r.sip != "" {
			l.sips[r.sip]++
		}
		if len(r.Flags) > l.flagsW {
			l.flagsW = len(r.Flags)
		}
	}
	for i := range rows {
		rows[i].seq = l.arrived
		l.arrived++
	}
	l.readyN = -1
	if l.sortBy != SortNone && len(rows) > 0 && l.mergeSorted(rows) {
		return
	}
	start := len(l.Rows)
	l.Rows = append(l.Rows, rows...)
	if l.matches != nil {
		for i := start; i < len(l.Rows); i++ {
			if l.match(&l.Rows[i]) {
				l.matches = append(l.matches, int32(i))
			}
		}
	}
}

// match reports whether r satisfies the filter: every word of its text in
// the row's names, and every setting token in its facts, with the list's
// verdict (which counts a sign-in name two listed users share).
func (l *List) match(r *Row) bool {
	if !strings.Contains(r.key, l.text) {
		return false
	}
	if l.where.Empty() {
		return true
	}
	f := r.facts
	f.Verdict = l.State(r)
	return l.where.Match(f)
}

// ReadyCount is how many of the listed users (the matches, or every row)
// are ready.
func (l *List) ReadyCount() int {
	if l.readyN >= 0 {
		return l.readyN
	}
	n := 0
	for i := 0; i < l.VisibleLen(); i++ {
		if l.State(l.At(i)) == ready {
			n++
		}
	}
	l.readyN = n
	return n
}

// setFilter applies f as the admin types. A filter that extends the
// previous one can only narrow it, so only the current matches are scanned.
func (l *List) setFilter(f string) {
	lf := strings.ToLower(f)
	if lf == l.Filter && l.queryErr == nil {
		return
	}
	text, where, err := flags.ParseQuery(lf)
	if l.queryErr = err; err != nil {
		// Half a token (fed: while typing fed:on): keep the last matches.
		return
	}
	// Words narrow by substring; a filter with tokens is matched afresh.
	narrows := l.where.Empty() && where.Empty() && l.Filter != "" && l.matches != nil && strings.Contains(text, l.text)
	l.text, l.where = text, where
	l.readyN = -1
	var keep int32 = -1
	if r := l.Selected(); r != nil {
		if l.matches != nil {
			keep = l.matches[l.Cursor]
		} else {
			keep = int32(l.Cursor)
		}
	}
	switch {
	case lf == "":
		l.matches = nil
	case narrows:
		out := l.matches[:0:0]
		for _, i := range l.matches {
			if l.match(&l.Rows[i]) {
				out = append(out, i)
			}
		}
		l.matches = out
	default:
		out := make([]int32, 0, 64)
		for i := range l.Rows {
			if l.match(&l.Rows[i]) {
				out = append(out, int32(i))
			}
		}
		l.matches = out
	}
	l.Filter = lf
	// Stay on the same user when it still matches.
	l.Cursor = 0
	if keep >= 0 {
		if l.matches == nil {
			l.Cursor = int(keep)
		} else if j := sort.Search(len(l.matches), func(j int) bool { return l.matches[j] >= keep }); j < len(l.matches) && l.matches[j] == keep {
			l.Cursor = j
		}
	}
}

// SelectDN moves the cursor to dn if it is visible.
func (l *List) SelectDN(dn string) bool {
	for i := 0; i < l.VisibleLen(); i++ {
		if strings.EqualFold(l.At(i).U.DN, dn) || directory.SameDN(l.At(i).U.DN, dn) {
			l.Cursor = i
			return true
		}
	}
	return false
}

// State is the row's verdict, with a sign-in name shared by two listed
// users counted as the problem it is (the client refuses both).
func (l *List) State(r *Row) readiness {
	if r.State != notEnabled && r.sip != "" && l.sips[r.sip] > 1 {
		// One more error than the row's own verdict counted.
		return problems
	}
	return r.State
}

// Replace updates the row of u after a write or a fresh read.
func (l *List) Replace(u directory.User, pools directory.PoolCheck) {
	l.replaceRow(MakeRow(u, pools))
}

// replaceRow puts r, made by makeRow, in place of the row of the same user.
func (l *List) replaceRow(r Row) {
	for i := range l.Rows {
		if strings.EqualFold(l.Rows[i].U.DN, r.U.DN) {
			if old := l.Rows[i].sip; old != "" {
				l.sips[old]--
			}
			r.seq = l.Rows[i].seq
			l.Rows[i] = r
			l.readyN = -1
			if r := l.Rows[i]; r.sip != "" {
				l.sips[r.sip]++
			}
			if len(l.Rows[i].Flags) > l.flagsW {
				l.flagsW = len(l.Rows[i].Flags)
			}
			return
		}
	}
}

func (l *List) move(delta int) {
	l.Cursor = common.Clamp(l.Cursor+delta, 0, max(l.VisibleLen()-1, 0))
}

// progress is the status line under the column headings.
func (l *List) progress(spin string) string { return l.progressLine(spin, true) }

// progressLine is the status line; quote names the filter in the match
// count (the filter line, short of room, leaves it out: the filter is
// there on the left).
func (l *List) progressLine(spin string, quote bool) string {
	var b strings.Builder
	switch {
	case l.Loading:
		b.WriteString(spin + " ")
		if l.total > 0 {
			fmt.Fprintf(&b, "%d of %d users…", l.done, l.total)
		} else {
			fmt.Fprintf(&b, "%d users so far…", l.done)
		}
		b.WriteString(" esc stops")
	case l.err != nil && !errors.Is(l.err, context.Canceled):
		fmt.Fprintf(&b, "✗ listing failed after %d users: %s (r retries)", len(l.Rows), termtext.Safe(l.err.Error()))
	case l.Stopped:
		fmt.Fprintf(&b, "stopped after %d users (r reloads)", len(l.Rows))
	case l.dn == "" && len(l.Rows) == 0:
		b.WriteString("choose a container in the tree")
	case len(l.Rows) == 1:
		b.WriteString("1 user")
	default:
		fmt.Fprintf(&b, "%d users", len(l.Rows))
	}
	switch {
	case l.matches != nil && quote:
		fmt.Fprintf(&b, " · %d match %s", len(l.matches), termtext.Quote(l.Filter))
	case l.matches != nil:
		fmt.Fprintf(&b, " · %d match", len(l.matches))
	}
	if n := l.VisibleLen(); n > 0 {
		fmt.Fprintf(&b, " · %d ready", l.ReadyCount())
	}
	if n := len(l.Marks); n > 0 {
		fmt.Fprintf(&b, " · %d selected", n)
	}
	switch {
	case len(l.Rows) < 2:
	case l.sortBy == SortNone:
		b.WriteString(" · in directory order")
	default:
		fmt.Fprintf(&b, " · by %s", l.sortBy)
	}
	return b.String()
}

// columns splits the width left after the fixed columns between name,
// sAMAccountName and sign-in name.
func (l *List) columns(w int) (name, sam, sip int) {
	const markW = 13
	rest := w - 3 - l.flagsW - markW - 4
	if rest < 12 {
		return max(rest, 1), 0, 0
	}
	if rest < 50 {
		// Too narrow for three readable columns: the sAMAccountName goes
		// (the detail shows it), so names tell users apart; sorted by
		// sAMAccountName, the sign-in name goes instead, so the column
		// the list is in order of is on the screen.
		name = rest * 45 / 100
		if l.sortBy == SortSAM {
			return name, rest - name, 0
		}
		return name, 0, rest - name
	}
	name = rest * 32 / 100
	sam = rest * 22 / 100
	sip = rest - name - sam
	return name, sam, sip
}

// view renders h lines of width w: headings, progress or filter line, rows.
func (l *List) view(st styles.Styles, w, h int, focused bool, spin string, pending func(dn string) bool) []string {
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
	if l.editing || l.Filter != "" {
		f := l.input.View("/ ")
		// Short of room, the line keeps the counts and the order: the
		// footer says esc clears, and the filter is on the left.
		p := l.progress(spin)
		if !l.editing {
			f = "/ " + termtext.Safe(l.input.Value)
			if hint := "  (esc clears)"; ansi.StringWidth(f+hint+"   "+p) <= w {
				f += hint
			}
		}
		if ansi.StringWidth(f+"   "+p) > w {
			p = l.progressLine(spin, false)
		}
		lines = append(lines, common.Fit(f+"   "+p, w))
		switch {
		case l.queryErr != nil:
			lines = append(lines, st.Bad.Render(common.Fit("  ✗ "+termtext.Safe(l.queryErr.Error()), w)))
		case l.editing:
			// The hint may take the rows it needs while the list keeps
			// enough of its own to show what the search finds.
			for _, hl := range queryHintLines(w-3, min(3, h-len(lines)-minHintRows)) {
				lines = append(lines, st.Dim.Render(common.Fit("  "+hl, w)))
			}
		}
	} else {
		lines = append(lines, common.Fit(l.progress(spin), w))
	}
	body := h - len(lines)
	n := l.VisibleLen()
	l.offset = common.Window(l.Cursor, l.offset, body, n)
	for i := l.offset; i < n && len(lines) < h; i++ {
		r := l.At(i)
		mark := "  "
		if i == l.Cursor {
			mark = "› "
		}
		if l.Marked(r.U.DN) {
			mark = mark[:len(mark)-1] + "●"
		}
		if pending(r.U.DN) {
			mark += "*"
		} else {
			mark += " "
		}
		state := l.State(r)
		readyText := common.Fit(state.Word(), 13)
		text := common.Fit(cols(mark, termtext.Safe(r.U.Label()), termtext.Safe(r.U.SAMAccountName), termtext.Safe(r.U.OCS.SIPAddress.V), r.Flags, ""), w-13) + readyText
		switch {
		case i == l.Cursor && focused:
			text = st.Selected.Render(text)
		case i == l.Cursor:
			text = st.SelectedBlurred.Render(text)
		default:
			// Colour only echoes the word next to it.
			text = text[:len(text)-len(readyText)] + st.Verdict(state).Render(readyText)
		}
		lines = append(lines, text)
	}
	if n == 0 && !l.Loading && l.dn != "" && len(lines) < h {
		if l.matches != nil {
			lines = append(lines, st.Dim.Render("  no user matches the filter"))
		} else if l.err == nil && !l.Stopped {
			lines = append(lines, st.Dim.Render("  no users directly in this container"))
		}
	}
	return lines
}

// queryHint is the search line's hint, as phrases of the pieces it
// wraps between (a key stays with its meaning): its words search the
// names, its tokens the settings (the --where language of find and set);
// s, t and D are keys of the list (while the filter is edited they are
// letters of it).
var queryHint = [][]string{
	{"words", "search", "names"},
	{"tokens:", "fed:on", "tel:ev", "pool:HOST", "ready:no", "finding:ID", "pic:on", "ep:off", "line:tel:*"},
	{"in the list:", "s sort"},
	{"t below"},
	{"D domain"},
}

// minHintRows is how many user rows the list keeps under the hint: it
// wraps onto more lines only when that many rows remain.
const minHintRows = 8

// queryHintLines word-wraps the hint to w cells in at most n lines (one
// at least), breaking between its pieces, never inside a token or between
// a key and its meaning; when it does not fit it is the short hint, which
// the caller cuts to the pane.
func queryHintLines(w, n int) []string {
	var words []string
	for i, p := range queryHint {
		words = append(words, p...)
		if i < len(queryHint)-1 {
			words[len(words)-1] += " ·" // a separator ends a line, never starts one
		}
	}
	var out []string
	line := ""
	for _, wd := range words {
		switch {
		case line == "":
			line = wd
		case ansi.StringWidth(line)+1+ansi.StringWidth(wd) <= w:
			line += " " + wd
		default:
			out = append(out, line)
			line = wd
		}
	}
	out = append(out, line)
	for _, l := range out {
		if len(out) > max(n, 1) || ansi.StringWidth(l) > w {
			// One line: the tokens, which nothing else on the screen
			// names (the footer says names are searched).
			return []string{strings.Join(queryHint[1], " ")}
		}
	}
	return out
}

// Marked reports whether the row of dn is selected.
func (l *List) Marked(dn string) bool {
	if len(l.Marks) == 0 {
		return false
	}
	_, ok := l.Marks[directory.NormDN(dn)]
	return ok
}

// toggleMark selects or deselects u; it reports whether u is now selected.
func (l *List) toggleMark(u directory.User) bool {
	k := directory.NormDN(u.DN)
	if _, ok := l.Marks[k]; ok {
		delete(l.Marks, k)
		return false
	}
	if l.Marks == nil {
		l.Marks = map[string]directory.User{}
	}
	l.Marks[k] = u
	return true
}

// MarkedUsers returns the selected users in list order, each as the list
// holds it now (a row refreshed after a write is newer than the mark).
func (l *List) MarkedUsers() []directory.User {
	if len(l.Marks) == 0 {
		return nil
	}
	out := make([]directory.User, 0, len(l.Marks))
	seen := make(map[string]bool, len(l.Marks))
	for i := range l.Rows {
		if len(seen) == len(l.Marks) {
			break
		}
		k := directory.NormDN(l.Rows[i].U.DN)
		if _, ok := l.Marks[k]; ok && !seen[k] {
			seen[k] = true
			out = append(out, l.Rows[i].U)
		}
	}
	// Marked users the listing no longer shows (a reload stopped early).
	var rest []directory.User
	for k, u := range l.Marks {
		if !seen[k] {
			rest = append(rest, u)
		}
	}
	slices.SortFunc(rest, func(a, b directory.User) int { return strings.Compare(a.DN, b.DN) })
	return append(out, rest...)
}
