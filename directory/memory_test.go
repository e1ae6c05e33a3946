package directory

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
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
