package browse

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/styles"
)

func testRow(name, sam string, of flags.Value) Row {
	u := directory.User{DN: "CN=" + name + ",OU=T,DC=x", Name: name, SAMAccountName: sam,
		OCS: flags.Settings{OptionFlags: flags.Some(of), Federation: flags.Some(of&1 == 1)}}
	return MakeRow(u, directory.NewPoolSet(nil))
}

// Batches arriving in any order end up in name order, the filter's matches
// follow the rows, and the cursor stays on its user.
func TestListSortsAsRowsStream(t *testing.T) {
	l := &List{sortBy: SortName, readyN: -1, flagsW: 5}
	l.setFilter("fed:on")
	l.Add([]Row{testRow("mike", "m", 1), testRow("zoe", "z", 0), testRow("anna", "a", 1)})
	l.Cursor = 1 // mike
	l.Add([]Row{testRow("bob", "b", 1), testRow("carl", "c", 0), testRow("yann", "y", 1)})
	var names, visible []string
	for _, r := range l.Rows {
		names = append(names, r.U.Name)
	}
	for i := 0; i < l.VisibleLen(); i++ {
		visible = append(visible, l.At(i).U.Name)
	}
	if !slices.Equal(names, []string{"anna", "bob", "carl", "mike", "yann", "zoe"}) || !slices.Equal(visible, []string{"anna", "bob", "mike", "yann"}) {
		t.Fatalf("rows %v, matches %v", names, visible)
	}
	if l.Selected().U.Name != "mike" {
		t.Errorf("cursor moved to %s", l.Selected().U.Name)
	}
	// On the first row the cursor stays at the top as rows stream in.
	top := &List{sortBy: SortName, readyN: -1}
	top.Add([]Row{testRow("mike", "m", 1)})
	top.Add([]Row{testRow("anna", "a", 1)})
	if top.Cursor != 0 || top.Selected().U.Name != "anna" {
		t.Errorf("cursor on %s (%d)", top.Selected().U.Name, top.Cursor)
	}
	l.CycleSort() // sAMAccountName
	l.CycleSort() // sign-in name
	l.CycleSort() // flags
	if l.SortBy() != SortFlags || fmt.Sprint(l.Rows[0].U.OCS.OptionFlags.V) != "0" || l.Selected().U.Name != "mike" {
		t.Errorf("by %v: first %v, cursor on %s", l.SortBy(), l.Rows[0].U.Name, l.Selected().U.Name)
	}
	// A directory-order list keeps the order rows came in.
	d := &List{sortBy: SortNone, readyN: -1}
	d.Add([]Row{testRow("zoe", "z", 0), testRow("anna", "a", 0)})
	if d.Rows[0].U.Name != "zoe" {
		t.Errorf("directory order lost: %s first", d.Rows[0].U.Name)
	}
}

// s cycles name → sAMAccountName → sign-in name → flags → readiness → the
// directory's order → name; the directory's order is the order the rows
// arrived in, across batches, even after sorting by other columns and after
// a row is replaced (a write).
func TestCycleSortBackToDirectoryOrder(t *testing.T) {
	l := &List{sortBy: SortName, readyN: -1}
	l.Add([]Row{testRow("mike", "a3", 1), testRow("zoe", "a1", 0)})
	l.Add([]Row{testRow("anna", "a2", 256)})
	names := func() string {
		var n []string
		for _, r := range l.Rows {
			n = append(n, r.U.Name)
		}
		return fmt.Sprint(n)
	}
	if got := names(); got != "[anna mike zoe]" {
		t.Fatalf("by name: %s", got)
	}
	l.Replace(l.Rows[2].U, directory.NewPoolSet(nil)) // zoe, written
	if l.Rows[2].seq != 1 {
		t.Fatalf("a replaced row lost its place in the directory's order: seq %d", l.Rows[2].seq)
	}
	want := []struct {
		c     SortColumn
		order string
	}{
		{SortSAM, "[zoe anna mike]"},
		{SortSIP, "[anna mike zoe]"}, // no sign-in names: by name
		{SortFlags, "[zoe mike anna]"},
		{SortReadiness, ""},
		{SortNone, "[mike zoe anna]"},
		{SortName, "[anna mike zoe]"},
	}
	for _, w := range want {
		l.CycleSort()
		if l.SortBy() != w.c {
			t.Fatalf("after %v: %v", want, l.SortBy())
		}
		if got := names(); w.order != "" && got != w.order {
			t.Errorf("by %v: %s, want %s", w.c, got, w.order)
		}
	}
	l.CycleSort()
	l.CycleSort()
	l.CycleSort()
	l.CycleSort()
	l.CycleSort() // directory order
	if !strings.Contains(l.progress(""), "· in directory order") {
		t.Errorf("header: %q", l.progress(""))
	}
}

// Sorted by sAMAccountName or sign-in name, a row without one (a contact,
// a user never enabled) comes after every row with one.
func TestSortBlanksLast(t *testing.T) {
	l := &List{sortBy: SortSAM, readyN: -1}
	l.Add([]Row{testRow("anna", "", 0), testRow("zoe", "zz", 0), testRow("bob", "bb", 0)})
	var got []string
	for _, r := range l.Rows {
		got = append(got, r.U.Name)
	}
	if !slices.Equal(got, []string{"bob", "zoe", "anna"}) {
		t.Errorf("by sAMAccountName: %v, want the one without last", got)
	}
}

// Narrow (here 74 columns; at 80 when a list holds a value as wide as
// -2147483391) the list shows name and sign-in name; sorted by
// sAMAccountName it shows that column instead, and the filter line keeps
// the order in view (the footer says esc clears).
func TestNarrowListShowsTheSortColumn(t *testing.T) {
	st := styles.New(true, colorprofile.ASCII)
	l := &List{sortBy: SortName, readyN: -1, flagsW: 5, dn: "OU=T,DC=x"}
	r := testRow("Ann Lee", "alee", 256)
	r.U.OCS.SIPAddress = flags.Some("sip:alee@corp.example")
	r.sip = "sip:alee@corp.example"
	l.Add([]Row{r, testRow("Brian Cole", "bcole", 257)})
	view := func() string {
		return ansi.Strip(strings.Join(l.view(st, 74, 10, true, "", func(string) bool { return false }), "\n"))
	}
	if v := view(); strings.Contains(v, "sAMAccount") || !strings.Contains(v, "Sign-in name") {
		t.Fatalf("by name at 74 columns:\n%s", v)
	}
	l.CycleSort()
	v := view()
	if !strings.Contains(v, "sAMAccountName") || strings.Contains(v, "Sign-in name") || !strings.Contains(v, "alee") {
		t.Errorf("by sAMAccountName at 80 columns, the column is not shown:\n%s", v)
	}
	l.input.Value = "fed:on"
	l.setFilter("fed:on")
	if v := view(); !strings.Contains(v, "· by sAMAccountName") {
		t.Errorf("the filter line cuts the order off:\n%s", v)
	}
	// A long filter: the count and the order stay, the quote goes.
	long := "finding:home-server-not-a-pool"
	l.input.Value = long
	l.setFilter(long)
	if v := view(); !strings.Contains(v, "/ "+long+"   2 users · 0 match · by sAMAccountName") {
		t.Errorf("a long filter cuts the counts off:\n%s", v)
	}
	l.input.Value = "x"
	l.setFilter("x")
	if v := view(); !strings.Contains(v, "(esc clears)") {
		t.Errorf("a short filter line lost its hint:\n%s", v)
	}
}
