//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// The signal tests stop the built binary while the LDAPS proxy holds its
// modify: the write must end (the --timeout ends a held one), its outcome
// be journaled, and the exit code say which signal stopped it.

// dcOptionFlags reads a user's OptionFlags on the DC directly.
func dcOptionFlags(t *testing.T, dc dctest.DC, dn string) flags.Opt[flags.Value] {
	t.Helper()
	l, err := directory.DialLDAP(context.Background(), directory.LDAPConfig{URL: dc.LDAPSURL, CACertFile: dc.CACert,
		Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	u, err := l.User(context.Background(), dn)
	if err != nil {
		t.Fatal(err)
	}
	return u.OCS.OptionFlags
}

// lastOutcome is the journal's last word on its one write.
func lastOutcome(t *testing.T, path string) string {
	t.Helper()
	es, err := directory.ReadJournal(path)
	if err != nil || len(es) == 0 {
		t.Fatalf("journal %s: %d lines, %v", path, len(es), err)
	}
	id := es[0].ID
	last := es[0]
	for _, e := range es {
		if e.ID != id {
			t.Fatalf("more than one write journaled: %+v", es)
		}
		last = e
	}
	if es[0].Phase != directory.PhaseIntent {
		t.Errorf("the journal does not start with the intent: %+v", es[0])
	}
	if last.Phase == directory.PhaseIntent {
		return directory.JournalUnknown
	}
	return last.Outcome
}

func waitModify(t *testing.T, p *dctest.Proxy) {
	t.Helper()
	select {
	case <-p.SawModify:
	case <-time.After(30 * time.Second):
		t.Fatal("the modify never reached the proxy")
	}
	time.Sleep(300 * time.Millisecond)
}

// TestSetSIGINTWhileModifyStalls: SIGINT (and SIGTERM, SIGHUP) to set while
// the proxy holds its modify, before the DC sees it and after the DC
// applied it; and a second signal, which quits at once.
func TestSetSIGINTWhileModifyStalls(t *testing.T) {
	dc := dctest.RequireDC(t)
	for _, tc := range []struct {
		name    string
		fault   dctest.Fault
		sig     syscall.Signal
		twice   bool
		written bool
		want    string // the journal's last word
	}{
		{"held before the DC", dctest.Hang, syscall.SIGINT, false, false, directory.JournalNotWritten},
		{"answer held after the DC applied it", dctest.HangAfterApply, syscall.SIGINT, false, true, directory.JournalWritten},
		{"SIGHUP", dctest.Hang, syscall.SIGHUP, false, false, directory.JournalNotWritten},
		{"SIGTERM", dctest.HangAfterApply, syscall.SIGTERM, false, true, directory.JournalWritten},
		// A second signal quits at once: the journal keeps the intent,
		// which says unknown.
		{"twice", dctest.Hang, syscall.SIGINT, true, false, directory.JournalUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := dctest.NewUser(t, dc, "ocsint", map[string]string{flags.AttrOptionFlags: "0"})
			p := dctest.NewProxy(t, dc)
			p.Arm(tc.fault, 1)
			journal := filepath.Join(t.TempDir(), "journal.jsonl")
			cmd := exec.Command(binary, "set", u.SAM, "+pic", "--url", p.URL(), "--ca-cert", p.CAFile(),
				"--bind", dc.AdminUPN, "--password-file", dc.AdminPasswordFile, "--journal", journal, "--timeout", "4s")
			cmd.Env = append(os.Environ(), "LDAPNOINIT=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitModify(t, p)
			start := time.Now()
			cmd.Process.Signal(tc.sig)
			if tc.twice {
				time.Sleep(200 * time.Millisecond)
				cmd.Process.Signal(tc.sig)
			}
			cmd.Wait()
			took := time.Since(start)
			t.Logf("stdout:\n%sstderr:\n%s", stdout.String(), stderr.String())
			if code := cmd.ProcessState.ExitCode(); code != 128+int(tc.sig) {
				t.Errorf("exit %d after %v, want %d", code, tc.sig, 128+int(tc.sig))
			}
			if tc.twice && took > 2*time.Second || took > 15*time.Second {
				t.Errorf("set took %v after the signal (twice: %v) with a 4s timeout", took, tc.twice)
			}
			value := flags.Value(0)
			if tc.written {
				value = flags.PublicIM
			}
			if got := lastOutcome(t, journal); got != tc.want {
				t.Errorf("journal says %s, want %s", got, tc.want)
			}
			if got := dcOptionFlags(t, dc, u.DN); got.V != value {
				t.Errorf("the DC holds %v, want %d", got, value)
			}
			if tc.twice {
				return
			}
			errs := stderr.String()
			if !strings.Contains(errs, "unknown") {
				t.Errorf("set must say unknown before it knows:\n%s", errs)
			}
			if tc.written && !strings.Contains(stdout.String(), "0 -> 1  (+1 pic)") {
				t.Errorf("set does not print the write it made:\n%s", stdout.String())
			}
			if !tc.written && !strings.Contains(errs, "not written") {
				t.Errorf("set does not say not written:\n%s", errs)
			}
		})
	}
}

// TestConsoleSIGTERMWhileModifyStalls: SIGTERM to the console (in tmux)
// while the proxy holds its modify. The console waits for the write to
// time out, reads the user again, journals "not written" and exits 143.
func TestConsoleSIGTERMWhileModifyStalls(t *testing.T) {
	dc := dctest.RequireDC(t)
	u := dctest.NewUser(t, dc, "ocsterm", map[string]string{flags.AttrOptionFlags: "0"})
	p := dctest.NewProxy(t, dc)
	p.Arm(dctest.Hang, 1)
	state := t.TempDir()
	codeFile := filepath.Join(t.TempDir(), "code")
	s := startTmuxShell(t, 80, 24, codeFile, "XDG_STATE_HOME="+state, binary, "--url", p.URL(), "--ca-cert", p.CAFile(),
		"--bind", dc.AdminUPN, "--password-file", dc.AdminPasswordFile, "--timeout", "4s", "--user", u.SAM)
	s.waitFor("Test "+u.SAM, "Enable public IM connectivity")
	for range 6 { // Enable, Sign-in name, Server or pool, Readiness, federation, remote access
		s.keys("Down")
	}
	s.waitFor("› [ ]          1  Enable public IM connectivity")
	s.keys("Space", "c")
	s.waitFor("Review pending changes")
	s.keys("Enter")
	waitModify(t, p)
	s.waitFor("writing… 1 s")
	pid := s.childPID()
	syscall.Kill(pid, syscall.SIGTERM)
	s.waitFor("SIGTERM: quitting once the write in flight has ended")
	deadline := time.Now().Add(20 * time.Second)
	var code []byte
	for {
		var err error
		if code, err = os.ReadFile(codeFile); err == nil && len(code) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the console did not exit after SIGTERM:\n%s", s.screen())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if strings.TrimSpace(string(code)) != "143" {
		t.Errorf("exit %s after SIGTERM, want 143", code)
	}
	if got := lastOutcome(t, filepath.Join(state, "ocsflags", "journal.jsonl")); got != directory.JournalNotWritten {
		t.Errorf("journal says %s, want not written", got)
	}
	if got := dcOptionFlags(t, dc, u.DN); got.V != 0 {
		t.Errorf("the DC holds %v, want 0", got)
	}
}

// startTmuxShell runs env... cmd in tmux under sh, which writes the exit
// code to codeFile.
func startTmuxShell(t *testing.T, w, h int, codeFile string, envCmd ...string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("OCSFLAGS_REQUIRE_INTEGRATION") == "1" {
			t.Fatal("tmux is not installed; the end-to-end tests need it")
		}
		t.Skip("tmux is not installed")
	}
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()) + "-" + itoa(int(time.Now().UnixNano()%1e9))
	args := append([]string{"new-session", "-d", "-s", name, "-x", itoa(w), "-y", itoa(h),
		"sh", "-c", `env "$@"; echo $? > "` + codeFile + `"; sleep 30`, "sh",
		"TERM=xterm-256color", "NO_COLOR=1", "LDAPNOINIT=1"}, envCmd...)
	if out, err := tmuxCmd(args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	t.Cleanup(func() { tmuxCmd("kill-session", "-t", name).Run() })
	return &tmux{t: t, name: name}
}

// childPID is the pid of the program the pane's shell runs.
func (s *tmux) childPID() int {
	s.t.Helper()
	out, err := tmuxCmd("list-panes", "-t", s.name, "-F", "#{pane_pid}").Output()
	if err != nil {
		s.t.Fatal(err)
	}
	sh := strings.TrimSpace(string(out))
	for range 50 {
		out, _ = exec.Command("pgrep", "-P", sh).Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			var pid int
			for _, c := range f[0] {
				pid = pid*10 + int(c-'0')
			}
			return pid
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("no program under the pane's shell %s", sh)
	return 0
}

// TestSetSIGINTWhileAnswerIsSlow: SIGINT to set while the DC, which applied
// the modify, is slow to answer. The answer comes, the write is journaled
// as written, and reading the user back is what the signal stops: set says
// so, and prints the delta it wrote, which it knows without reading it.
func TestSetSIGINTWhileAnswerIsSlow(t *testing.T) {
	dc := dctest.RequireDC(t)
	u := dctest.NewUser(t, dc, "ocsslow", map[string]string{flags.AttrOptionFlags: "0"})
	p := dctest.NewProxy(t, dc)
	p.AnswerDelay = 1500 * time.Millisecond
	p.Arm(dctest.DelayAnswer, 1)
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	cmd := exec.Command(binary, "set", u.SAM, "+pic", "--url", p.URL(), "--ca-cert", p.CAFile(),
		"--bind", dc.AdminUPN, "--password-file", dc.AdminPasswordFile, "--journal", journal, "--timeout", "10s")
	cmd.Env = append(os.Environ(), "LDAPNOINIT=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitModify(t, p)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	t.Logf("stdout:\n%sstderr:\n%s", stdout.String(), stderr.String())
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	if got := lastOutcome(t, journal); got != directory.JournalWritten {
		t.Errorf("journal says %s, want written", got)
	}
	if got := dcOptionFlags(t, dc, u.DN); got.V != flags.PublicIM {
		t.Errorf("the DC holds %v, want 1", got)
	}
	if !strings.Contains(stdout.String(), "0 -> 1  (+1 pic)") {
		t.Errorf("set does not print the write it made:\n%s", stdout.String())
	}
	errs := stderr.String()
	if !strings.Contains(errs, "stopped by SIGINT after the write was applied: written; not read back") || strings.Contains(errs, "unavailable") || strings.Contains(errs, "failed") {
		t.Errorf("stderr does not say what the signal stopped:\n%s", errs)
	}
}
