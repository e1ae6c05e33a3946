package frame

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
	"ocsflags/ui/session"
	"ocsflags/ui/styles"
)

// waits is a fixed answer about writes in flight.
type waits struct {
	n        int
	checking bool
}

func (w waits) WaitingSince() (time.Time, int, bool) { return time.Unix(1, 0), w.n, w.checking }
func (w waits) Elapsed(time.Time) string             { return "4 s" }

func newFrame(info directory.Info, w waits) *Model {
	c := &common.Common{Info: info, Styles: styles.New(true, colorprofile.NoTTY), Keys: keys.New(), Spin: "|"}
	f := New(c, session.New(), w)
	f.SetSize(80, 24)
	return f
}

func TestFrameLines(t *testing.T) {
	help := keys.Help{Short: []key.Binding{keys.New().Quit}, Full: [][]key.Binding{{keys.New().Quit}}}
	for _, tc := range []struct {
		name  string
		info  directory.Info
		w     waits
		set   func(*Model)
		lines map[int]string // line → text it holds (-1: the last line)
	}{
		{name: "demo, no status", info: directory.Info{Kind: "demo", InMemory: true},
			lines: map[int]string{0: "ocsflags │ demo directory, data in memory", 2: "", 3: "q quit"}},
		{name: "ldap as whom", info: directory.Info{Kind: "ldap", Name: "dc1.corp.example", BoundAs: "admin@corp.example", Auth: "Kerberos"},
			lines: map[int]string{0: "LIVE", 2: ""}},
		{name: "error status", info: directory.Info{Kind: "demo"},
			set:   func(f *Model) { f.SetStatus("refused: no pool", true, "CN=a") },
			lines: map[int]string{2: "✗ refused: no pool"}},
		{name: "writing", info: directory.Info{Kind: "demo"}, w: waits{n: 2},
			set:   func(f *Model) { f.SetStatus("pending: c reviews", false, "") },
			lines: map[int]string{2: "| writing 2 users… 4 s · pending: c reviews"}},
		{name: "unknown outcome", info: directory.Info{Kind: "demo"}, w: waits{n: 1, checking: true},
			lines: map[int]string{2: "| outcome unknown: reading the user again… 4 s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFrame(tc.info, tc.w)
			if tc.set != nil {
				tc.set(f)
			}
			if h := f.BodyHeight(help); h != 21 {
				t.Errorf("body height %d, want 21 (24 less header, status, footer)", h)
			}
			lines := strings.Split(ansi.Strip(f.View("body", help)), "\n")
			if len(lines) != 4 || lines[1] != "body" {
				t.Fatalf("frame lines %q", lines)
			}
			for i, want := range tc.lines {
				if got := strings.TrimSpace(lines[i]); !strings.Contains(got, want) || (want == "" && got != "") {
					t.Errorf("line %d = %q, want %q", i, got, want)
				}
			}
			if tc.info.Kind == "ldap" && !strings.Contains(lines[0], "Kerberos as admin@corp.example") {
				t.Errorf("header %q does not say who is bound", lines[0])
			}
		})
	}
}

// A status about a user goes when another user is opened, and stays for
// the same user (the DN in another spelling).
func TestFrameStatusOfUser(t *testing.T) {
	f := newFrame(directory.Info{Kind: "demo"}, waits{})
	f.SetStatus("refused: holds 2 values", true, "CN=Ann,DC=corp")
	f.Opened("cn=ann,dc=corp")
	if f.Status == "" {
		t.Fatal("the status went for the same user")
	}
	f.Opened("CN=Bob,DC=corp")
	if f.Status != "" || f.StatusErr {
		t.Fatalf("the status %q stayed for another user", f.Status)
	}
}

// The full help lays its columns in bands that fit the width, and the
// body gets what the longer footer leaves.
func TestFrameFullHelp(t *testing.T) {
	f := newFrame(directory.Info{Kind: "demo"}, waits{})
	k := keys.New()
	col := []key.Binding{k.Up, k.Down, k.Left, k.Right, k.Open, k.Back}
	help := keys.Help{Short: []key.Binding{k.Quit}, Full: [][]key.Binding{col, col, col, col, col, col}}
	f.ToggleHelp()
	if !f.HelpOpen() {
		t.Fatal("? did not open the full help")
	}
	out := strings.Split(ansi.Strip(f.View("", help)), "\n")
	footer := out[3:]
	if len(footer) <= len(col) {
		t.Fatalf("six columns in one band of %d lines at 80 columns:\n%s", len(footer), strings.Join(footer, "\n"))
	}
	for _, l := range footer {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("footer line wider than 80: %q", l)
		}
	}
	if h := f.BodyHeight(help); h != 24-2-len(footer) {
		t.Errorf("body height %d with a footer of %d lines", h, len(footer))
	}
}
