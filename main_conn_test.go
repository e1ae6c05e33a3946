package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// runBinary runs the built binary without a terminal and with no LDAP
// defaults from the machine.
func runBinary(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "LDAPNOINIT=1", "LDAPURI=", "XDG_STATE_HOME="+t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// A forgotten target is refused; --demo names the demo.
func TestSetTargetBinary(t *testing.T) {
	code, out, errs := runBinary(t, "set", "jryan", "+ep")
	if code != 2 || out != "" || !strings.Contains(errs, "--demo") {
		t.Errorf("set jryan +ep: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs = runBinary(t, "set", "--demo", "jryan", "+ep")
	if code != 0 || !strings.Contains(out, "0 -> 256") || !strings.Contains(errs, "(demo directory)") {
		t.Errorf("set --demo jryan +ep: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// The console started from a script or a pipe says what to use instead.
func TestConsoleWithoutTerminalBinary(t *testing.T) {
	code, out, errs := runBinary(t)
	if code != 2 || out != "" || !strings.Contains(errs, "needs a terminal") || !strings.Contains(errs, "ocsflags audit") {
		t.Errorf("console without a terminal: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// --version and version print the module version and the revision; built in
// a git checkout (CI's clone), the revision is the commit's.
func TestVersionBinary(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, errs := runBinary(t, args...)
		if code != 0 || !strings.HasPrefix(out, "ocsflags ") || !strings.Contains(out, "revision ") || errs != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
		if fi, err := os.Stat(".git"); err == nil && fi.IsDir() {
			head, err := exec.Command("git", "rev-parse", "HEAD").Output()
			if err == nil && !strings.Contains(out, "revision "+strings.TrimSpace(string(head))) {
				t.Errorf("%v: %q does not name HEAD %s", args, out, head)
			}
		}
	}
}
