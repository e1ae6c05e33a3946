//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConsoleLDIFInMemoryE2E: the console on an LDIF export without
// --changes-out writes in memory, as the demo does; when it quits it says
// that the change is gone, and nothing is journaled as written.
func TestConsoleLDIFInMemoryE2E(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "w.ldif")
	if err := os.WriteFile(export, directoryDemoLDIF(t), 0o600); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	codeFile := filepath.Join(t.TempDir(), "code")
	s := startTmuxShell(t, 100, 30, codeFile, "XDG_STATE_HOME="+state, binary, "--ldif", export, "--user", "knguyen")
	s.waitFor("data in memory", "Kim Nguyen", "Enable public IM connectivity")
	for range 6 { // Enable, Sign-in name, Server or pool, Readiness, federation, remote access
		s.keys("Down")
	}
	s.waitFor("› [ ]          1  Enable public IM connectivity")
	s.keys("Space", "c")
	s.waitFor("Review pending changes")
	s.keys("Enter")
	s.waitFor("wrote Kim Nguyen")
	s.keys("q")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code, err := os.ReadFile(codeFile); err == nil && len(code) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the console did not exit:\n%s", s.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// -J joins the lines tmux wrapped at the pane's width.
	joined, _ := tmuxCmd("capture-pane", "-p", "-J", "-t", s.name).Output()
	scr := strings.Join(strings.Fields(string(joined)), " ")
	if !strings.Contains(scr, "the change written to the LDIF export "+export+" lived in memory only and is gone now") {
		t.Errorf("the console's last word does not say the change is gone:\n%s", s.screen())
	}
	if _, err := os.Stat(filepath.Join(state, "ocsflags", "journal.jsonl")); !os.IsNotExist(err) {
		t.Errorf("an in-memory write was journaled: %v", err)
	}
}
