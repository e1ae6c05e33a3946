package main

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"ocsflags/directory/dctest"
)

// startLoginTmux runs the binary in tmux with env (NAME=value) through sh,
// which prints how it exited and keeps the pane, so a test can read the
// last screen of a console that ended.
func startLoginTmux(t *testing.T, w, h int, env []string, args ...string) *tmux {
	t.Helper()
	script := `"$0" "$@"; echo "ocsflags exited $?"; sleep 60`
	full := append([]string{"XDG_STATE_HOME=" + t.TempDir()}, env...)
	full = append(full, "sh", "-c", script, binary)
	return startLoginTmuxCmd(t, w, h, append(full, args...)...)
}

// startLoginTmuxCmd is startTmux with the command given whole (after env).
func startLoginTmuxCmd(t *testing.T, w, h int, cmd ...string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the end-to-end tests drive the binary in tmux")
	}
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()) + "-" + itoa(int(time.Now().UnixNano()%1e9))
	args := append([]string{"new-session", "-d", "-s", name, "-x", itoa(w), "-y", itoa(h),
		"env", "TERM=xterm-256color", "NO_COLOR=1", "LDAPNOINIT=1"}, cmd...)
	if out, err := tmuxCmd(args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	s := &tmux{t: t, name: name}
	t.Cleanup(func() { tmuxCmd("kill-session", "-t", name).Run() })
	return s
}

// typeFile types the contents of a file, as a paste: the password goes from
// the file into tmux's buffer, never onto a command line.
func (s *tmux) typeFile(path string) {
	s.t.Helper()
	if out, err := tmuxCmd("load-buffer", "-b", s.name, path).CombinedOutput(); err != nil {
		s.t.Fatalf("load-buffer: %v %s", err, out)
	}
	if out, err := tmuxCmd("paste-buffer", "-d", "-b", s.name, "-t", s.name).CombinedOutput(); err != nil {
		s.t.Fatalf("paste-buffer: %v %s", err, out)
	}
	time.Sleep(100 * time.Millisecond)
}

// prompted gives the prompt time to turn the echo off: it prints first, as
// every password prompt does, so keys typed at once could still echo.
func (s *tmux) prompted() { time.Sleep(300 * time.Millisecond) }

// A wrong password at the console's prompt asks again, for the same bind
// name; the right one opens the console.
func TestConsolePasswordRetryE2E(t *testing.T) {
	dc := dctest.RequireDC(t)
	s := startLoginTmux(t, 80, 24, nil, "--url", dc.LDAPSURL, "--ca-cert", dc.CACert, "--bind", dc.UserUPN)
	s.waitFor("Password for " + dc.UserUPN + ":") // capture-pane drops trailing blanks
	s.prompted()
	s.text("not-the-password")
	s.keys("Enter")
	// The message wraps at 80 columns: look for its start.
	scr := s.waitFor("wrong user name or password for", "Password for "+dc.UserUPN+" (try 2 of 3):")
	if strings.Contains(scr, "not-the-password") {
		t.Errorf("the password was echoed:\n%s", scr)
	}
	s.prompted()
	s.typeFile(dc.UserPasswordFile)
	s.keys("Enter")
	s.waitFor("as "+dc.UserUPN, "LIVE")
	s.keys("q")
	s.waitFor("ocsflags exited 0")
}

// Three wrong passwords end the console with the reason, exit 2.
func TestConsolePasswordThreeFailuresE2E(t *testing.T) {
	dc := dctest.RequireDC(t)
	s := startLoginTmux(t, 80, 24, nil, "--url", dc.LDAPSURL, "--ca-cert", dc.CACert, "--bind", dc.UserUPN)
	for i, p := range []string{":", " (try 2 of 3):", " (try 3 of 3):"} {
		s.waitFor("Password for " + dc.UserUPN + p)
		s.prompted()
		s.text("wrong-" + itoa(i))
		s.keys("Enter")
	}
	scr := s.waitFor("ocsflags exited 2")
	if strings.Count(scr, "wrong user name or password for") != 3 || strings.Contains(scr, "wrong-") {
		t.Errorf("the reason is not shown once per try:\n%s", scr)
	}
}

// With a ticket the console binds with Kerberos, says so in its header at
// 80x24 and 200x50, and reads a user, over ldap:// and LDAPS; no password
// is asked for.
func TestConsoleKerberosE2E(t *testing.T) {
	k := dctest.RequireKerberos(t)
	cc := k.Kinit(t)
	env := []string{"KRB5_CONFIG=" + k.Config, "KRB5CCNAME=" + cc}
	for _, tc := range []struct {
		w, h int
		url  []string
	}{{80, 24, []string{"--url", k.URL}}, {200, 50, []string{"--url", k.LDAPSURL, "--ca-cert", k.CACert}}} {
		s := startLoginTmux(t, tc.w, tc.h, env, append([]string{"--kerberos", "--user", "fhaddad"}, tc.url...)...)
		scr := s.waitFor("Kerberos as "+k.Principal, "Farid Haddad", "sip:fhaddad@corp.example")
		if strings.Contains(scr, "Password for") || strings.Contains(scr, "CLEARTEXT") {
			t.Errorf("%dx%d: %s", tc.w, tc.h, scr)
		}
		s.keys("q")
		s.waitFor("ocsflags exited 0")
	}
}
