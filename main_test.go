package main

import (
	"fmt"
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
	// -buildvcs=auto: stamp the VCS revision (ocsflags --version) where the
	// checkout allows it, whatever GOFLAGS says.
	out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", binary, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		os.Exit(2)
	}
	// A session that lives for the whole run: without it, killing the last
	// test's session ends the server, and the next test's new-session can
	// reach it while it exits ("server exited unexpectedly").
	if _, err := exec.LookPath("tmux"); err == nil {
		tmuxCmd("new-session", "-d", "-s", "keepalive", "sleep", "3600").Run()
	}
	code := m.Run()
	tmuxCmd("kill-server").Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tmuxSocket is a tmux server of this test run's own: other tmux users on
// the machine (an admin's sessions, docs/tour.sh, another test run) can
// neither see its sessions nor take it down.
var tmuxSocket = "ocsflags-e2e-" + strconv.Itoa(os.Getpid())

func tmuxCmd(args ...string) *exec.Cmd {
	return exec.Command("tmux", append([]string{"-L", tmuxSocket}, args...)...)
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
	if out, err := tmuxCmd(cmd...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	s := &tmux{t: t, name: name}
	t.Cleanup(func() { tmuxCmd("kill-session", "-t", name).Run() })
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// keys sends tmux key names (Enter, Space, Escape, Down, C-c) or literal text.
func (s *tmux) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		if out, err := tmuxCmd("send-keys", "-t", s.name, k).CombinedOutput(); err != nil {
			s.t.Fatalf("send-keys %q: %v %s", k, err, out)
		}
		pause := 60 * time.Millisecond
		if k == "Escape" {
			// A key that follows ESC closely is read as that key with Alt
			// (ESC c is Alt+c): on a loaded machine 60 ms is close enough.
			pause = 400 * time.Millisecond
		}
		time.Sleep(pause)
	}
}

// text types literal text.
func (s *tmux) text(text string) {
	s.t.Helper()
	if out, err := tmuxCmd("send-keys", "-t", s.name, "-l", text).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys -l: %v %s", err, out)
	}
	time.Sleep(100 * time.Millisecond)
}

func (s *tmux) screen() string {
	out, err := tmuxCmd("capture-pane", "-p", "-t", s.name).CombinedOutput()
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

// quit presses q and waits for the program to end.
func (s *tmux) quit() {
	s.t.Helper()
	s.keys("q")
	deadline := time.Now().Add(5 * time.Second)
	for !s.exited() {
		if time.Now().After(deadline) {
			s.t.Fatalf("q did not quit:\n%s", s.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// exited reports whether the program has ended (the session is gone or the
// pane shows the shell's end).
func (s *tmux) exited() bool {
	return tmuxCmd("has-session", "-t", s.name).Run() != nil
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
	s.quit()
}

// findToggleCommit is the bar's session: in the 5,000-user Staff OU, find a
// user with /, toggle public IM connectivity, review, commit, and see the new
// value in the detail and in the list.
func findToggleCommit(t *testing.T, s *tmux, wide bool) {
	t.Helper()
	s.waitFor("Staff (5000)")
	s.keys("Enter") // the tree's selected node is Staff: list it
	s.waitFor("5000 users")
	s.keys("/")
	s.text("grace hall 0398")
	s.waitFor(`1 match "grace hall 0398"`, "257")
	s.keys("Enter", "Enter")
	s.waitFor("CN=Grace Hall 0398", "Enable public IM connectivity")
	for range 6 { // Enable, Sign-in name, Server or pool, Readiness, federation, remote access
		s.keys("Down")
	}
	s.waitFor("› [x]          1  Enable public IM connectivity")
	s.keys("Space")
	s.waitFor("1 pending change", "* was on")
	s.keys("c")
	s.waitFor("Review pending changes", "257", "256", "delete: msRTCSIP-OptionFlags")
	s.keys("Enter")
	s.waitFor("✓ written", "wrote Grace Hall 0398: msRTCSIP-OptionFlags 257 → 256", "no pending changes")
	s.keys("Escape")
	time.Sleep(300 * time.Millisecond) // esc alone must not be read as the start of a sequence
	scr := s.waitFor("› [ ]          1  Enable public IM connectivity")
	if strings.Contains(scr, "was on") {
		t.Errorf("the committed value is still shown as a pending change:\n%s", scr)
	}
	if !wide {
		s.keys("Escape")
		time.Sleep(300 * time.Millisecond)
	}
	s.waitFor("ghall0398", "256 ✓ ready")
}

// openStaff walks the tree as a new user does: down to Corp, expand it,
// down to Staff.
func openStaff(s *tmux) {
	s.t.Helper()
	s.keys("Down", "Down", "Right") // Computers, Corp
	s.waitFor("Staff (5000)")
	s.keys("Down", "Down", "Down", "Down") // Engineering, Finance, Sales, Staff
}

// TestConsoleFindToggleCommitE2E runs the session on the built-in demo at
// 80x24, where one pane shows at a time.
func TestConsoleFindToggleCommitE2E(t *testing.T) {
	s := startTmux(t, 80, 24)
	s.waitFor("DEMO", "[Containers]", "Corp")
	openStaff(s)
	findToggleCommit(t, s, false)
}

// TestConsoleLDIFChangesOutE2E runs the same session at 200x50 on an LDIF
// export, and checks the file is untouched and the change record is a
// compare-and-swap that ldapmodify can replay.
func TestConsoleLDIFChangesOutE2E(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "export.ldif")
	changes := filepath.Join(dir, "changes.ldif")
	var b strings.Builder
	b.Write(directoryDemoLDIF(t))
	// demo.ldif has the Staff OU, empty: the demo generates its users.
	for i := 1; i <= 5000; i++ {
		name := fmt.Sprintf("User %04d", i)
		sam, flagsValue := fmt.Sprintf("user%04d", i), []string{"256", "257", "384", "1"}[i%4]
		if i == 398 {
			name, sam, flagsValue = "Grace Hall 0398", "ghall0398", "257"
		}
		fmt.Fprintf(&b, "\ndn: CN=%s,OU=Staff,OU=Corp,DC=corp,DC=example\nobjectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user\n"+
			"cn: %s\ndisplayName: %s\nsAMAccountName: %s\nuserPrincipalName: %s@corp.example\nuserAccountControl: 512\n"+
			"msRTCSIP-UserEnabled: TRUE\nmsRTCSIP-PrimaryUserAddress: sip:%s@corp.example\n"+
			"msRTCSIP-PrimaryHomeServer: CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example\n"+
			"msRTCSIP-OptionFlags: %s\n", name, name, name, sam, sam, sam, flagsValue)
	}
	if err := os.WriteFile(export, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(export)

	s := startTmux(t, 200, 50, "--ldif", export, "--changes-out", changes)
	s.waitFor("export.ldif", "Corp")
	openStaff(s)
	findToggleCommit(t, s, true)

	after, _ := os.ReadFile(export)
	if string(after) != string(before) {
		t.Error("the LDIF export was modified; it must be read only")
	}
	got, err := os.ReadFile(changes)
	if err != nil {
		t.Fatalf("no change file: %v", err)
	}
	want := "dn: CN=Grace Hall 0398,OU=Staff,OU=Corp,DC=corp,DC=example\nchangetype: modify\n" +
		"delete: msRTCSIP-OptionFlags\nmsRTCSIP-OptionFlags: 257\n-\nadd: msRTCSIP-OptionFlags\nmsRTCSIP-OptionFlags: 256\n-\n"
	if !strings.Contains(string(got), want) {
		t.Errorf("change file:\n%s\nwant a record:\n%s", got, want)
	}
	s.quit()
}

func directoryDemoLDIF(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("directory", "demo", "demo.ldif"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestConsoleAuditFixE2E: open a user who cannot sign in, read why in the
// audit, fix it with the audit's key, commit, and the audit turns green.
func TestConsoleAuditFixE2E(t *testing.T) {
	s := startTmux(t, 80, 24, "--user", "staylor")
	s.waitFor("Sam Taylor", "✗ cannot sign in (1 problem)")
	s.keys("a")
	// The audit opens on the rule that fails.
	s.waitFor("Audit of Sam Taylor", "✗ cannot sign in: 1 problem")
	s.waitFor("› ✗ Home server is an existing pool", "User sees:", "f chooses a pool")
	s.keys("f")
	s.waitFor("Server or pool for Sam Taylor", "pool01.corp.example")
	s.keys("Down", "Enter") // ocs2007-se, pool01
	s.waitFor("With your pending edits:   ✓ ready to sign in", "1 pending change")
	s.keys("c")
	s.waitFor("Review pending changes", "msRTCSIP-PrimaryHomeServer")
	s.keys("Enter")
	s.waitFor("✓ written", "no pending changes")
	s.keys("Escape")
	time.Sleep(300 * time.Millisecond)
	s.waitFor("Audit of Sam Taylor", "In the directory:  ✓ ready to sign in", "pool01.corp.example")
}

// TestConsoleEnableWizardE2E: select two never-enabled users of the Staff OU
// with space, enable them with the wizard, and see them ready in the list.
func TestConsoleEnableWizardE2E(t *testing.T) {
	s := startTmux(t, 80, 24)
	s.waitFor("DEMO", "[Containers]", "Corp")
	openStaff(s)
	s.keys("Enter")
	s.waitFor("Users in Staff (5000)")
	// By name, Aaron Adams 0001…Emma Adams 0018 are the first of "adams 00".
	s.keys("/")
	s.text("adams 00")
	s.waitFor(`match "adams 00"`, "Andre Adams 0006")
	s.keys("Enter")
	for range 5 {
		s.keys("Down")
	}
	s.keys("Space") // Andre Adams 0006; the cursor moves on
	s.waitFor("1 selected")
	for range 11 {
		s.keys("Down")
	}
	s.keys("Space") // Emma Adams 0018
	s.waitFor("2 selected", "● Andre Adams 0006", "● Emma Adams 0018")
	s.keys("e")
	s.waitFor("step 1 of 4: server or pool", "for 2 users: Andre Adams 0006, Emma Adams 0018", "pool01.corp.example")
	s.keys("Down", "Enter") // pool01
	s.waitFor("step 2 of 4: sign-in name", "Preview: 2 can be enabled, 0 skipped", "sip:aadams0006@corp.example")
	s.keys("Enter")
	s.waitFor("step 3 of 4: check and confirm", "✓ 2 will be enabled", "msRTCSIP-PrimaryUserAddress")
	s.keys("Enter")
	s.waitFor("Done: 2 enabled, 0 skipped, 0 failed", "✓ Andre Adams 0006  enabled as sip:aadams0006@corp.example")
	s.keys("Enter")
	scr := s.waitFor("Users in Staff (5000)", "Emma Adams 0018")
	for _, l := range strings.Split(scr, "\n") {
		if (strings.Contains(l, "Andre Adams 0006") || strings.Contains(l, "Emma Adams 0018")) && !strings.Contains(l, "256 ✓ ready") {
			t.Errorf("after enabling: %q\n%s", l, scr)
		}
	}
	if strings.Contains(scr, "selected") {
		t.Errorf("the enabled users are still selected:\n%s", scr)
	}
	s.quit()
}
