package explorer

import (
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
	"ocsflags/ui/styles"
)

func testCommon() *common.Common {
	return &common.Common{Keys: keys.New(), Styles: styles.New(true, colorprofile.ASCII), Width: 100, Height: 40}
}

func press(s common.Screen, msgs ...tea.KeyPressMsg) common.Screen {
	for _, m := range msgs {
		s, _ = s.Update(m)
		if s == nil {
			return nil
		}
	}
	return s
}

var (
	space = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
	bs    = tea.KeyPressMsg{Code: tea.KeyBackspace}
)

func typed(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// The explorer on its own: a fresh value is replaced by the first key and
// cleared by backspace, space flips the bit under the cursor, esc closes,
// and View changes nothing.
func TestExplorerKeys(t *testing.T) {
	c := testCommon()
	e := New(c, flags.Some(flags.Value(897)), "Alice")
	if s := press(e, typed('9')); s.(*Model).Value() != "9" {
		t.Fatalf("9 on a fresh 897 gave %q", e.Value())
	}
	e = New(c, flags.Some(flags.Value(897)), "Alice")
	if press(e, bs); e.Value() != "" {
		t.Fatalf("backspace on a fresh value left %q", e.Value())
	}
	e = New(c, flags.Opt[flags.Value]{}, "")
	press(e, space, down, space) // bits 1 and 2 of the catalogue's first two
	want := uint32(flags.Catalogue[0].Value | flags.Catalogue[1].Value)
	if e.Value() != strconv.FormatUint(uint64(want), 10) {
		t.Fatalf("flipping the first two bits gave %q, want %d", e.Value(), want)
	}
	before := e.View()
	if e.View() != before {
		t.Fatal("View is not pure")
	}
	if !strings.Contains(ansi.Strip(before), "Value: "+strconv.FormatUint(uint64(want), 10)) {
		t.Fatalf("the view does not show the value:\n%s", ansi.Strip(before))
	}
	if got := len(strings.Split(before, "\n")); got != c.Height {
		t.Fatalf("the view is %d lines, want the body's %d", got, c.Height)
	}
	if press(e, esc) != nil {
		t.Fatal("esc did not close the explorer")
	}
}
