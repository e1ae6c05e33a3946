package cli

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/term"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

// find's text table. On a pipe it is the full table: every column at its
// usual width, and a cell that is longer runs over rather than being cut
// (a script reading it loses nothing; --csv and --json are for programs).
// On a terminal it fits the width ($COLUMNS, else the terminal's size,
// else 80): columns shrink, least important first, then the telephony
// column (its bits are among FEATURES), the features and the
// sAMAccountName go, and cells are cut with "…". The pool cell always
// leads with the part that tells home servers apart, and one longer than
// its column takes what the row's features leave of theirs.

// The table's columns, in order.
const (
	findColVerdict = iota
	findColName
	findColSam
	findColPool
	findColTel
	findColFeatures
	findCols
)

type findColumn struct {
	header, short string
	pref, min     int
}

var findColumnSpecs = [findCols]findColumn{
	findColVerdict:  {"READY", "READY", 13, 13},
	findColName:     {"NAME", "NAME", 26, 14},
	findColSam:      {"SAMACCOUNTNAME", "ACCOUNT", 16, 10},
	findColPool:     {"POOL", "POOL", 24, 14},
	findColTel:      {"TELEPHONY", "TEL", 12, 7},
	findColFeatures: {"FEATURES", "FEATURES", 0, 10},
}

// findLayout is the table's shape: each column's width (0: not shown; the
// features' width is what is left, -1 for no limit) and whether cells are
// cut to it.
type findLayout struct {
	width [findCols]int
	cut   bool
}

// fitFindTable lays the table out for a terminal cols wide; cols <= 0
// means not a terminal: the full table, nothing cut.
func fitFindTable(cols int) findLayout {
	var l findLayout
	for c, s := range findColumnSpecs {
		l.width[c] = s.pref
	}
	if cols <= 0 {
		l.width[findColFeatures] = -1
		return l
	}
	l.cut = true
	used := func() int {
		n := 0
		for c := range findColFeatures {
			if l.width[c] > 0 {
				n += l.width[c] + 2
			}
		}
		return n
	}
	const featuresMin, featuresRoom = 10, 40
	// Room to spare (a wide terminal) goes to the name, then the pool, so
	// that long names and home-server names are not cut.
	if extra := cols - used() - featuresRoom; extra > 0 {
		grow := min(extra, 40-l.width[findColName])
		l.width[findColName] += grow
		l.width[findColPool] += min(extra-grow, 40-l.width[findColPool])
	}
	// Too little: shrink step by step, then drop columns.
	// The pool gives way late: a pool's FQDN cut reads as another host,
	// and a home server that is no pool is named there (why the user
	// cannot sign in); the telephony column goes before, its bits are
	// among FEATURES. At 80 columns that leaves the pool 20.
	steps := []struct{ col, to int }{
		{findColTel, 7}, {findColSam, 12}, {findColName, 20},
		{findColTel, 0}, {findColSam, 10}, {findColName, 19}, {findColPool, 20},
		{findColName, 16}, {findColPool, 14}, {findColName, 14},
		{findColFeatures, 0}, {findColSam, 0},
	}
	featuresWant := featuresMin
	for _, st := range steps {
		over := used() + featuresWant - cols
		if over <= 0 {
			break
		}
		switch {
		case st.col == findColFeatures:
			featuresWant = 0
		case st.to == 0:
			l.width[st.col] = 0
		default:
			l.width[st.col] = max(st.to, l.width[st.col]-over)
		}
	}
	if featuresWant == 0 {
		l.width[findColFeatures] = 0
	} else {
		l.width[findColFeatures] = max(cols-used(), featuresMin)
	}
	return l
}

// terminalColumns is the width find's table fits on standard output: 0
// when that is not a terminal.
func terminalColumns(env Env) int {
	if !isTerminal(env.Stdout) {
		return 0
	}
	if n, err := strconv.Atoi(env.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if fd, ok := env.Stdout.(interface{ Fd() uintptr }); ok {
		if w, _, err := term.GetSize(fd.Fd()); err == nil && w > 0 {
			return w
		}
	}
	return 80
}

// findTextOut prints its header with the first user, so an error before
// any (an OU that does not exist) is not preceded by an empty table.
type findTextOut struct {
	w      io.Writer
	layout findLayout
	// pools answers whether a home server that names no known pool could
	// not be checked (the Auditor, which remembers its answers).
	pools  directory.PoolCheck
	header bool
}

func (o *findTextOut) begin() error { return nil }

// row writes one line of the table from its cells (already escaped).
func (o *findTextOut) row(cells [findCols]string) {
	var b strings.Builder
	for c := range findCols {
		w := o.layout.width[c]
		if w == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("  ")
		}
		v := cells[c]
		if c == findColPool && o.layout.cut {
			// A pool cell longer than its column takes the room the
			// features of this row leave (they are the last column, so
			// only they move, as a cell runs over on a pipe): the widths
			// are fixed before the first row, the room is known per row.
			w = max(w, min(utf8.RuneCountInString(v), w+o.featuresRoom(cells[findColFeatures])))
		}
		if o.layout.cut && w > 0 {
			v = truncate(v, w)
		}
		if c == findColFeatures {
			b.WriteString(v)
			continue
		}
		b.WriteString(padRight(v, w))
	}
	b.WriteByte('\n')
	io.WriteString(o.w, strings.TrimRight(b.String(), " \n")+"\n")
}

// featuresRoom is how much of the features column a row's features cell
// leaves unused (on a terminal, where cells are cut to their column).
func (o *findTextOut) featuresRoom(features string) int {
	fw := o.layout.width[findColFeatures]
	if fw <= 0 {
		return 0
	}
	return max(fw-utf8.RuneCountInString(features), 0)
}

func (o *findTextOut) printHeader() {
	o.header = true
	var cells [findCols]string
	for c, s := range findColumnSpecs {
		cells[c] = s.header
		if w := o.layout.width[c]; o.layout.cut && w > 0 && len(s.header) > w {
			cells[c] = s.short
		}
	}
	o.row(cells)
}

func (o *findTextOut) user(u directory.User, f flags.Facts) error {
	if !o.header {
		o.printHeader()
	}
	s := u.OCS
	feats := featureNames(s.OptionFlags.V)
	if s.Federation.Or(false) {
		feats = append(feats, "federation")
	}
	if s.RemoteAccess.Or(false) {
		feats = append(feats, "remote-access")
	}
	if len(feats) == 0 {
		feats = []string{"—"}
	}
	// The cells are escaped before they are cut, so an escape is never
	// cut in half.
	o.row([findCols]string{
		findColVerdict:  f.Verdict.Word(),
		findColName:     termtext.Safe(u.Label()),
		findColSam:      termtext.Safe(firstNonEmpty(u.SAMAccountName, "—")),
		findColPool:     termtext.Safe(poolCell(s.HomeServer, f.Pool, o.pools)),
		findColTel:      flags.TelephonyOf(s.OptionFlags.V).Short(),
		findColFeatures: strings.Join(feats, " "),
	})
	return nil
}

// poolCell is the pool as the table shows it, the part that tells home
// servers apart first (a narrow column cuts the end): the pool's host;
// "—" for none; for a home server that names no pool, the name of what it
// names (the first part of its DN after OCS's "CN=LC Services,
// CN=Microsoft,") and why it is not a pool.
func poolCell(hs flags.Opt[string], host string, pools directory.PoolCheck) string {
	switch {
	case !hs.Set:
		return "—"
	case host != "":
		return host
	case flags.IsDeletedReference(hs.V):
		return "(a pool that was deleted)"
	}
	why := "not a pool"
	if pools != nil && pools.Unknown(hs.V) != "" {
		why = "unreadable"
	}
	return homeServerName(hs.V) + " (" + why + ")"
}

// homeServerName is the distinguishing name in a home-server DN: the value
// of its first RDN once OCS's own "CN=LC Services,CN=Microsoft," (or
// "CN=LC Services,") is taken off; the DN as stored when it does not
// parse.
func homeServerName(dn string) string {
	d, err := directory.ParseDN(dn)
	if err != nil || len(d.RDNs) == 0 {
		return dn
	}
	rdns := d.RDNs
	for _, want := range []string{"LC Services", "Microsoft"} {
		if len(rdns) > 1 && len(rdns[0].Attributes) == 1 && strings.EqualFold(rdns[0].Attributes[0].Type, "CN") &&
			strings.EqualFold(rdns[0].Attributes[0].Value, want) {
			rdns = rdns[1:]
		}
	}
	var vals []string
	for _, a := range rdns[0].Attributes {
		vals = append(vals, a.Value)
	}
	return strings.Join(vals, "+")
}
