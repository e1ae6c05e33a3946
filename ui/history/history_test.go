package history

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
	"ocsflags/ui/session"
	"ocsflags/ui/styles"
)

const leo = "CN=Leo Marsh,OU=Migrated-LCS2005,DC=corp,DC=example" // OptionFlags 1

// fixture is the demo behind a session journal, as the console opens it.
type fixture struct {
	m    *directory.Memory
	j    *directory.Journaled
	c    *common.Common
	sess *session.Session
}

func newFixture(t *testing.T, w, h int) *fixture {
	t.Helper()
	m, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	j := directory.NewSessionJournaled(m)
	c := &common.Common{Ctx: context.Background(), Dir: j, Info: j.Info(), Keys: keys.New(),
		Styles: styles.New(true, colorprofile.ASCII), Width: w, Height: h}
	return &fixture{m: m, j: j, c: c, sess: session.New()}
}

func (f *fixture) write(t *testing.T, c flags.Change) {
	t.Helper()
	if _, _, err := directory.Update(context.Background(), f.j, leo, c, 1); err != nil {
		t.Fatal(err)
	}
}

// run runs cmd and feeds its message back (a tea.BatchMsg's each), as the
// root does; StageMsg goes to the session.
func (f *fixture) run(t *testing.T, s common.Screen, cmd tea.Cmd) common.Screen {
	t.Helper()
	if cmd == nil {
		return s
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			s = f.run(t, s, c)
		}
	case session.StageMsg:
		f.sess.Update(msg)
	case common.StatusMsg:
	default:
		s, cmd = s.Update(msg)
		return f.run(t, s, cmd)
	}
	return s
}

func (f *fixture) press(t *testing.T, s common.Screen, keys ...tea.KeyPressMsg) common.Screen {
	t.Helper()
	for _, k := range keys {
		var cmd tea.Cmd
		s, cmd = s.Update(k)
		if s == nil {
			return nil
		}
		s = f.run(t, s, cmd)
	}
	return s
}

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
	u     = tea.KeyPressMsg{Code: 'u', Text: "u"}
	slash = tea.KeyPressMsg{Code: '/', Text: "/"}
)

func typed(s string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

func open(t *testing.T, f *fixture) common.Screen {
	t.Helper()
	s, cmd := New(f.c, f.sess)
	return f.run(t, s, cmd)
}

// checkView fails unless the view is exactly the body's size.
func checkView(t *testing.T, f *fixture, v string) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != f.c.Height {
		t.Errorf("%d lines, want %d", len(lines), f.c.Height)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != f.c.Width {
			t.Errorf("line %q is %d wide, want %d", l, w, f.c.Width)
		}
	}
}

// Two writes, newest first; enter shows the first; u stages its undo as
// pending edits through the session (64 cleared, nothing else), and the
// writes are still only pending: nothing is written until the review.
func TestHistoryStagesUndo(t *testing.T) {
	for _, size := range [][2]int{{80, 20}, {200, 46}} {
		f := newFixture(t, size[0], size[1])
		f.write(t, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}})
		f.write(t, flags.Change{Federation: flags.Some(true)})
		s := open(t, f)
		v := s.View()
		checkView(t, f, v)
		fed, anon := strings.Index(v, "FederationEnabled"), strings.Index(v, "OptionFlags 1 → 65 (+64 anonymous)")
		if fed < 0 || anon < 0 || fed > anon {
			t.Fatalf("%dx%d: not newest first:\n%s", size[0], size[1], v)
		}
		s = f.press(t, s, down, enter)
		if v = s.View(); !strings.Contains(v, "+ 64 Allow anonymous participants") {
			t.Errorf("the write in full:\n%s", v)
		}
		checkView(t, f, v)
		s = f.press(t, s, u)
		p := f.sess.Pending.Get(leo)
		if p == nil || p.Change().Flags != (flags.Delta{Clear: flags.AnonymousParticipants}) || p.Change().Federation.Set {
			t.Fatalf("pending after u: %+v", p)
		}
		if v = s.View(); !strings.Contains(v, "staged undo of") {
			t.Errorf("no word of the staged undo:\n%s", v)
		}
		checkView(t, f, v)
		if got, _ := f.m.User(context.Background(), leo); got.OCS.OptionFlags.V != 65 {
			t.Errorf("staging wrote: %d", got.OCS.OptionFlags.V)
		}
		if s = f.press(t, s, esc, esc); s != nil {
			t.Error("esc twice did not close the history")
		}
	}
}

// Someone else cleared 64 since: u refuses, names both values, stages
// nothing. A write that was not written has nothing to undo.
func TestHistoryRefusesUndo(t *testing.T) {
	f := newFixture(t, 100, 30)
	f.write(t, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}})
	if _, err := f.m.Apply(context.Background(), directory.Change{DN: leo, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("65"), New: flags.Some("1025")}}}); err != nil {
		t.Fatal(err)
	}
	// A stale write: expects 1, which is gone.
	f.j.Apply(context.Background(), directory.Change{DN: leo, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("1"), New: flags.Some("3")}}})
	s := open(t, f)
	s = f.press(t, s, u) // the newest: not written
	if v := s.View(); !strings.Contains(v, "was not written") || f.sess.Pending.Get(leo) != nil {
		t.Errorf("undo of a not-written write:\n%s", v)
	}
	s = f.press(t, s, down, u)
	v := s.View()
	if f.sess.Pending.Get(leo) != nil {
		t.Errorf("a refused undo was staged: %+v", f.sess.Pending.Get(leo).Change())
	}
	for _, want := range []string{"nothing staged", "refused", "64 anonymous", "65", "1025"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
			t.Errorf("refusal lacks %q:\n%s", want, v)
		}
	}
}

// / filters by user: only the writes whose user matches are listed.
func TestHistoryFilter(t *testing.T) {
	f := newFixture(t, 120, 30)
	f.write(t, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}})
	if _, _, err := directory.Update(context.Background(), f.j, "CN=Kim Nguyen,OU=Engineering,OU=Corp,DC=corp,DC=example", flags.Change{Flags: flags.Delta{Set: flags.PublicIM}}, 1); err != nil {
		t.Fatal(err)
	}
	s := open(t, f)
	if v := s.View(); !strings.Contains(v, "Kim Nguyen") || !strings.Contains(v, "Leo Marsh") {
		t.Fatalf("unfiltered:\n%s", v)
	}
	s = f.press(t, s, slash)
	s = f.press(t, s, typed("marsh")...)
	s = f.press(t, s, enter)
	if v := s.View(); strings.Contains(v, "Kim Nguyen") || !strings.Contains(v, "Leo Marsh") {
		t.Errorf("filtered by marsh:\n%s", v)
	}
}

// A compare-and-swap try refused as a conflict and then written is one
// change: one row, marked as the second try; enter names the first try.
// A refused write with no later try stays a row of its own.
func TestHistoryFoldsConflictRetries(t *testing.T) {
	f := newFixture(t, 120, 30)
	stale := directory.Change{DN: leo, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("5"), New: flags.Some("65")}}}
	if _, err := f.j.Apply(context.Background(), stale); err == nil {
		t.Fatal("a stale compare-and-swap was written")
	}
	f.write(t, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}})
	kim := "CN=Kim Nguyen,OU=Engineering,OU=Corp,DC=corp,DC=example"
	f.j.Apply(context.Background(), directory.Change{DN: kim, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("5"), New: flags.Some("7")}}})
	lines, _, _ := f.j.ReadLines()
	ws := directory.Writes(lines)
	if len(ws) != 3 || ws[0].Outcome != directory.JournalNotWritten {
		t.Fatalf("journal: %+v", ws)
	}
	s := open(t, f)
	v := s.View()
	if n := strings.Count(v, "Leo Marsh"); n != 1 || !strings.Contains(v, "(try 2)") || !strings.Contains(v, "Kim Nguyen") {
		t.Fatalf("Leo Marsh listed %d times (want once, as try 2), Kim Nguyen once:\n%s", n, v)
	}
	s = f.press(t, s, down, enter) // Kim first (newest), then Leo
	if v = s.View(); !strings.Contains(v, "written on try 2; not written before: "+ws[0].ID) {
		t.Errorf("the write in full does not name the first try:\n%s", v)
	}
}
