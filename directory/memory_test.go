package directory

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"ocsflags/flags"
)

func TestMemoryContract(t *testing.T) {
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	runContract(t, contract{dir: m, bigOU: StaffOU, bigCount: StaffCount, writers: 50})
}

func TestLDIFContract(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.ldif")
	if err := os.WriteFile(path, DemoLDIF(), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := OpenLDIF(path, filepath.Join(t.TempDir(), "changes.ldif"))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Generate(StaffOU, 1200); err != nil {
		t.Fatal(err)
	}
	runContract(t, contract{dir: m, bigOU: StaffOU, bigCount: 1200, writers: 50})
	if got, _ := os.ReadFile(path); !bytes.Equal(got, DemoLDIF()) {
		t.Error("the input LDIF file was modified")
	}
}

// Applied counts the changes an in-memory directory took, which vanish
// with it; a refused change is not one.
func TestMemoryApplied(t *testing.T) {
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	const dn = "CN=Kim Nguyen,OU=Engineering,OU=Corp,DC=corp,DC=example"
	if _, _, err := Update(t.Context(), m, dn, flags.Change{Flags: flags.Delta{Set: flags.PublicIM}}, 1); err != nil {
		t.Fatal(err)
	}
	stale := Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("1"), New: flags.Some("2")}}}
	if _, err := m.Apply(t.Context(), stale); err == nil {
		t.Fatal("a stale change applied")
	}
	if n := m.Applied(); n != 1 {
		t.Errorf("Applied = %d, want 1", n)
	}
}
