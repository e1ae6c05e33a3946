package browse

import (
	"fmt"
	"slices"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
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
