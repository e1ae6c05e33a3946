package browse

import (
	"cmp"
	"slices"
	"strings"
)

// SortColumn is a column the user list is kept in order of.
type SortColumn int

const (
	SortName SortColumn = iota
	SortSAM
	SortSIP
	SortFlags
	SortReadiness
	sortColumns
	// SortNone keeps the order the directory (or the file) delivered the
	// users in: the last stop of s's cycle, never the default.
	SortNone SortColumn = -1
)

func (c SortColumn) String() string {
	switch c {
	case SortName:
		return "name"
	case SortSAM:
		return "sAMAccountName"
	case SortSIP:
		return "sign-in name"
	case SortFlags:
		return "flags"
	case SortReadiness:
		return "readiness"
	}
	return "directory order"
}

// compareRows orders two rows by column c, then by name and DN, so the
// order is total and a row keeps its place as others arrive.
func compareRows(c SortColumn, a, b *Row) int {
	var r int
	switch c {
	case SortNone:
		return cmp.Compare(a.seq, b.seq)
	case SortSAM:
		r = compareText(strings.ToLower(a.U.SAMAccountName), strings.ToLower(b.U.SAMAccountName))
	case SortSIP:
		r = compareText(a.sip, b.sip)
	case SortFlags:
		r = cmp.Compare(a.U.OCS.OptionFlags.V, b.U.OCS.OptionFlags.V)
		if r == 0 && a.U.OCS.OptionFlags.Set != b.U.OCS.OptionFlags.Set {
			r = map[bool]int{false: -1, true: 1}[a.U.OCS.OptionFlags.Set]
		}
	case SortReadiness:
		r = cmp.Compare(a.State, b.State)
	}
	if r != 0 {
		return r
	}
	an, _, _ := strings.Cut(a.key, "\x00")
	bn, _, _ := strings.Cut(b.key, "\x00")
	if r = cmp.Compare(an, bn); r != 0 {
		return r
	}
	return cmp.Compare(a.U.DN, b.U.DN)
}

// compareText orders two values of a column, an empty one (a contact has
// no sAMAccountName, a user never enabled no sign-in name) after every
// other, as a spreadsheet sorts blanks: the accounts come first.
func compareText(a, b string) int {
	if (a == "") != (b == "") {
		return map[bool]int{false: -1, true: 1}[a == ""]
	}
	return cmp.Compare(a, b)
}

// mergeSorted sorts the batch and merges it into the rows (already in
// order): a pass over the rows per batch, not a sort of all of them. It
// reports whether it put the batch in place; false leaves the sorted batch
// for the caller to append (it goes after every row listed).
func (l *List) mergeSorted(batch []Row) bool {
	c := l.sortBy
	slices.SortFunc(batch, func(a, b Row) int { return compareRows(c, &a, &b) })
	if len(l.Rows) == 0 || compareRows(c, &l.Rows[len(l.Rows)-1], &batch[0]) <= 0 {
		return false
	}
	// The cursor stays on its user; on the first row (where a listing
	// starts) it stays at the top, so it does not ride down the list as
	// rows that sort before it stream in.
	keep := ""
	if l.Cursor > 0 {
		keep = l.selectedDN()
	}
	out := make([]Row, 0, len(l.Rows)+len(batch))
	i, j := 0, 0
	for i < len(l.Rows) && j < len(batch) {
		if compareRows(c, &l.Rows[i], &batch[j]) <= 0 {
			out = append(out, l.Rows[i])
			i++
		} else {
			out = append(out, batch[j])
			j++
		}
	}
	out = append(append(out, l.Rows[i:]...), batch[j:]...)
	l.Rows = out
	l.rematch(keep)
	return true
}

// selectedDN is the DN of the row under the cursor, "" when none.
func (l *List) selectedDN() string {
	if r := l.Selected(); r != nil {
		return r.U.DN
	}
	return ""
}

// rematch works the matches out again after the rows moved, and keeps the
// cursor on the user it was on.
func (l *List) rematch(keep string) {
	if l.matches != nil {
		out := make([]int32, 0, len(l.matches)+64)
		for i := range l.Rows {
			if l.match(&l.Rows[i]) {
				out = append(out, int32(i))
			}
		}
		l.matches = out
	}
	l.readyN = -1
	if keep == "" {
		return
	}
	for i := 0; i < l.VisibleLen(); i++ {
		if l.At(i).U.DN == keep {
			l.Cursor = i
			return
		}
	}
}

// CycleSort orders the list by the next column: name, sAMAccountName,
// sign-in name, flags, readiness, the directory's order, and back to name.
func (l *List) CycleSort() {
	l.sortBy++
	if l.sortBy == sortColumns {
		l.sortBy = SortNone
	}
	keep := l.selectedDN()
	c := l.sortBy
	slices.SortStableFunc(l.Rows, func(a, b Row) int { return compareRows(c, &a, &b) })
	l.rematch(keep)
}

// SortBy is the column the list is in order of.
func (l *List) SortBy() SortColumn { return l.sortBy }
