package ui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// probe records the last frame the program drew, so a test can wait for a
// screen state without parsing the renderer's cursor-movement output and
// without touching the model from another goroutine.
type probe struct {
	m    *Model
	mu   sync.Mutex
	last string
	idle bool
}

func (p *probe) Init() tea.Cmd { return p.m.Init() }

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.m.Update(msg)
	return p, cmd
}

func (p *probe) View() tea.View {
	v := p.m.View()
	p.mu.Lock()
	p.last = ansi.Strip(v.Content)
	p.idle = !p.m.busy()
	p.mu.Unlock()
	return v
}

func (p *probe) screen() (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last, p.idle
}

// teaSession runs the console in a teatest program at a fixed size with the
// plain (ASCII) colour profile, which is what NO_COLOR gives too.
type teaSession struct {
	t  *testing.T
	tm *teatest.TestModel
	p  *probe
}

func startSession(t *testing.T, opts Options, w, h int) *teaSession {
	t.Helper()
	p := &probe{m: newModel(t.Context(), opts)}
	tm := teatest.NewTestModel(t, p,
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)),
	)
	s := &teaSession{t: t, tm: tm, p: p}
	t.Cleanup(func() { _ = tm.Quit() })
	return s
}

// waitFor waits until the frame contains every string in want and no
// spinner-driven progress is left.
func (s *teaSession) waitFor(want ...string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		scr, idle := s.p.screen()
		ok := idle
		for _, w := range want {
			if !strings.Contains(scr, w) {
				ok = false
				break
			}
		}
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	scr, idle := s.p.screen()
	s.t.Fatalf("screen never showed %q (idle %v); last frame:\n%s", want, idle, scr)
}

func (s *teaSession) keys(keys ...string) {
	for _, k := range keys {
		s.tm.Send(keyMsg(k))
	}
}

func (s *teaSession) typeText(text string) { s.tm.Type(text) }

// finish quits and compares the final frame with the golden file.
func (s *teaSession) finish() {
	s.t.Helper()
	if err := s.tm.Quit(); err != nil {
		s.t.Fatal(err)
	}
	s.tm.WaitFinished(s.t, teatest.WithFinalTimeout(5*time.Second))
	out, _ := s.p.screen()
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "\x1b") {
			s.t.Fatalf("escape sequence left in plain frame: %q", l)
		}
	}
	golden.RequireEqual(s.t, []byte(out+"\n"))
}

var sizes = []struct{ w, h int }{{80, 24}, {200, 50}}

func TestGoldenBrowse(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			s := startSession(t, Options{Dir: demo(t)}, sz.w, sz.h)
			s.waitFor("Migrated-LCS2005")
			// Corp ▸ Staff, then list it.
			s.keys("j", "j", "l")
			s.waitFor("Staff (")
			s.keys("j", "j", "j", "j", "enter")
			s.waitFor("5000 users")
			s.keys("j", "j")
			s.waitFor("›  Aaron Adams 2941") // the third by name
			s.finish()
		})
	}
}

func TestGoldenFilter(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			s := startSession(t, Options{Dir: demo(t), StartOU: "OU=Staff,OU=Corp,DC=corp,DC=example"}, sz.w, sz.h)
			s.waitFor("Staff (5000)")
			s.keys("/")
			s.typeText("alice adams")
			s.waitFor(`4 match "alice adams"`)
			s.finish()
		})
	}
}

func TestGoldenDetail(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			// zangstrom holds 266: reserved bits 2 and 8 next to EP.
			s := startSession(t, Options{Dir: demo(t), User: "zangstrom"}, sz.w, sz.h)
			s.waitFor("Enable public IM connectivity")
			// Down to "Enable public IM connectivity" and toggle it.
			s.keys("j", "j", "j", "j", "j", "j", "space")
			s.waitFor("1 pending change")
			s.finish()
		})
	}
}

func TestGoldenReview(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			s := startSession(t, Options{Dir: demo(t), User: "aadams0004"}, sz.w, sz.h)
			s.waitFor("Enable public IM connectivity")
			s.keys("j", "j", "j", "j", "j", "j", "space", "c")
			s.waitFor("Review pending changes", "changetype: modify")
			s.finish()
		})
	}
}

func TestGoldenExplorer(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			s := startSession(t, Options{Dir: demo(t)}, sz.w, sz.h)
			s.waitFor("Migrated-LCS2005")
			s.keys("x")
			s.typeText("961")
			s.keys("down", "down", "down", "down", "down", "down")
			s.waitFor("Value: 961", "› [x]    64")
			s.finish()
		})
	}
}

func TestGoldenQuitDialog(t *testing.T) {
	s := startSession(t, Options{Dir: demo(t), User: "aadams0004"}, 80, 24)
	s.waitFor("Enable public IM connectivity")
	s.keys("j", "j", "j", "j", "j", "j", "space", "q")
	s.waitFor("Quit with changes that are not written?")
	s.finish()
}

func TestGoldenAudit(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			// ushah was never enabled: four rules fail.
			s := startSession(t, Options{Dir: demo(t), User: "ushah"}, sz.w, sz.h)
			s.waitFor("Uma Shah")
			s.keys("a")
			// The sign-in fix is offered once the look-up of the address
			// the e-mail gives has answered.
			s.waitFor("Audit of Uma Shah", "4 problems", "f sets sip:ushah@corp.example")
			s.finish()
		})
	}
}

func TestGoldenAuditPoolPicker(t *testing.T) {
	s := startSession(t, Options{Dir: demo(t), User: "staylor"}, 80, 24)
	s.waitFor("Sam Taylor")
	s.keys("a", "f") // the audit opens on the failing rule
	s.waitFor("Server or pool for Sam Taylor")
	s.finish()
}
