package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The end-to-end tests drive the built binary in tmux as a person would:
// type keys, read the screen.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ocsflags-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "ocsflags")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tmux is one detached tmux session running the binary.
type tmux struct {
	t    *testing.T
	name string
}

func startTmux(t *testing.T, w, h int, args ...string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("OCSFLAGS_REQUIRE_INTEGRATION") == "1" {
			t.Fatal("tmux is not installed; the end-to-end tests need it")
		}
		t.Skip("tmux is not installed: the end-to-end tests drive the binary in tmux")
	}
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	cmd := append([]string{"new-session", "-d", "-s", name, "-x", itoa(w), "-y", itoa(h),
		"env", "TERM=xterm-256color", "NO_COLOR=1", "XDG_STATE_HOME=" + t.TempDir(), "LDAPNOINIT=1", binary}, args...)
	if out, err := exec.Command("tmux", cmd...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	s := &tmux{t: t, name: name}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", name).Run() })
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// keys sends tmux key names (Enter, Space, Escape, Down, C-c) or literal text.
func (s *tmux) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		if out, err := exec.Command("tmux", "send-keys", "-t", s.name, k).CombinedOutput(); err != nil {
			s.t.Fatalf("send-keys %q: %v %s", k, err, out)
		}
		time.Sleep(60 * time.Millisecond)
	}
}

// text types literal text.
func (s *tmux) text(text string) {
	s.t.Helper()
	if out, err := exec.Command("tmux", "send-keys", "-t", s.name, "-l", text).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys -l: %v %s", err, out)
	}
	time.Sleep(100 * time.Millisecond)
}

func (s *tmux) screen() string {
	out, err := exec.Command("tmux", "capture-pane", "-p", "-t", s.name).CombinedOutput()
	if err != nil {
		return ""
	}
	return string(out)
}

// waitFor polls the screen until every want appears, and fails with the
// screen as it is when they do not within 10 s.
func (s *tmux) waitFor(want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		scr := s.screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(scr, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q:\n%s", missing, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// exited reports whether the program has ended (the session is gone or the
// pane shows the shell's end).
func (s *tmux) exited() bool {
	return exec.Command("tmux", "has-session", "-t", s.name).Run() != nil
}

func TestExplainBinary(t *testing.T) {
	out, err := exec.Command(binary, "explain", "961").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "[x]  512  Enable PBX integration for Enterprise Voice") {
		t.Errorf("explain 961: %v\n%s", err, out)
	}
	cmd := exec.Command(binary, "explain", "abc")
	out, _ = cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), `"abc"`) {
		t.Errorf("explain abc: exit %d %s", cmd.ProcessState.ExitCode(), out)
	}
}

// The console opens on the demo, says it is demo data, lists a container
// and quits on q.
func TestConsoleDemoE2E(t *testing.T) {
	s := startTmux(t, 80, 24)
	s.waitFor("DEMO", "demo directory, data in memory", "Migrated-LCS2005 (9)", "q quit")
	for range 5 {
		s.keys("Down")
	}
	s.keys("Enter")
	s.waitFor("Jack Ryan")
	s.keys("q")
	deadline := time.Now().Add(5 * time.Second)
	for !s.exited() {
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit:\n%s", s.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
