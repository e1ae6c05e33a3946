package configure

import (
	"context"
	"strings"
	"testing"
	"time"

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

var (
	space = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
)

// setup is the wizard over the demo's first n Staff users enabled for OCS
// (a batch leaves the others alone), at 80x24 (the
// body is 21 lines: the header, status line and footer take three).
func setup(t *testing.T, d directory.Directory, m *directory.Memory, n int) (*Model, []directory.User) {
	t.Helper()
	ctx := context.Background()
	var users []directory.User
	m.Users(ctx, directory.StaffOU, directory.OneLevel, func(b directory.Batch) error {
		for _, u := range b.Users {
			if len(users) < n && u.OCS.Enabled.Or(false) {
				users = append(users, u)
			}
		}
		return nil
	})
	pl, _ := m.Pools(ctx)
	sess := session.New()
	sess.Pools, sess.PoolsLoaded = directory.NewPoolSetFrom(pl), true
	c := &common.Common{Ctx: ctx, Dir: d, Keys: keys.New(), Styles: styles.New(true, colorprofile.ASCII), Width: 80, Height: 21}
	return New(c, sess, users), users
}

// drive runs cmd and the commands its messages lead to, as the program
// would, handing each message to the wizard; it returns the messages meant
// for the root. onEvent, when set, is told of each user's result first.
func drive(t *testing.T, w *Model, cmd tea.Cmd, onEvent func(eventMsg)) []tea.Msg {
	t.Helper()
	var root []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case nil:
			continue
		case tea.BatchMsg:
			queue = append(queue, msg...)
			continue
		case UserWrittenMsg, DoneMsg:
			root = append(root, msg)
			continue
		case eventMsg:
			if onEvent != nil {
				onEvent(msg)
			}
		}
		s, next := w.Update(msg)
		if s == nil {
			t.Fatal("the wizard closed itself")
		}
		queue = append(queue, next)
	}
	return root
}

func press(t *testing.T, w *Model, msgs ...tea.KeyPressMsg) tea.Cmd {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range msgs {
		var s any
		s, cmd = w.Update(k)
		if s.(*Model) != w {
			t.Fatal("a key replaced the wizard")
		}
	}
	return cmd
}

// fits checks a frame is the body's size exactly: 21 lines of at most 80
// cells.
func fits(t *testing.T, w *Model, what string) string {
	t.Helper()
	v := w.View()
	if v != w.View() {
		t.Fatalf("%s: View is not pure", what)
	}
	lines := strings.Split(v, "\n")
	if len(lines) != 21 {
		t.Fatalf("%s: %d lines, want 21", what, len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 80 {
			t.Fatalf("%s: a line of %d cells: %q", what, ansi.StringWidth(l), ansi.Strip(l))
		}
	}
	return ansi.Strip(v)
}

// The walk-through: 300 Staff users, public IM on and Enterprise
// Voice, preview with counts, write with the progress bar, results; every
// user ends with both, and their other bits as they were.
func TestConfigureUsersPICAndEV(t *testing.T) {
	m, _ := directory.OpenDemo()
	w, users := setup(t, m, m, 300)
	if got := fits(t, w, "form"); !strings.Contains(got, "Configure 300 users") || !strings.Contains(got, "[-] Enable public IM connectivity") || !strings.Contains(got, "(•) leave as is") {
		t.Fatalf("form:\n%s", got)
	}
	press(t, w, space) // public IM: on
	for range 10 {     // down to Enable Enterprise Voice in the radio group
		press(t, w, down)
	}
	press(t, w, space)
	form := fits(t, w, "form chosen")
	if !strings.Contains(form, "[x] Enable public IM connectivity") || !strings.Contains(form, "(•) Enable Enterprise Voice") {
		t.Fatalf("form after choosing:\n%s", form)
	}
	if m.Applied() != 0 {
		t.Fatal("the form wrote")
	}
	drive(t, w, press(t, w, enter), nil)
	prev := fits(t, w, "preview")
	if w.step != stepPreview || !strings.Contains(prev, "preview, nothing written yet") || !strings.Contains(prev, "to write ·") || m.Applied() != 0 {
		t.Fatalf("preview (step %d, %d applied):\n%s", w.step, m.Applied(), prev)
	}
	toWrite := w.plan.Count(directory.BulkWrite)
	var sawBar bool
	root := drive(t, w, press(t, w, enter), func(eventMsg) {
		if !sawBar {
			sawBar = strings.Contains(fits(t, w, "writing"), "█") || strings.Contains(w.View(), "░")
		}
	})
	done := fits(t, w, "done")
	if w.step != stepDone || !sawBar || !strings.Contains(done, "every user is in the target state") || !strings.Contains(done, "written ·") {
		t.Fatalf("after the run (bar seen %v):\n%s", sawBar, done)
	}
	written := 0
	for _, msg := range root {
		switch msg := msg.(type) {
		case UserWrittenMsg:
			written++
		case DoneMsg:
			if len(msg.Done) != 300 {
				t.Fatalf("%d users done, want 300", len(msg.Done))
			}
		}
	}
	if written != toWrite || m.Applied() != toWrite {
		t.Fatalf("%d users written, %d applied, %d planned", written, m.Applied(), toWrite)
	}
	for _, u := range users {
		got, _ := m.User(context.Background(), u.DN)
		want := u.OCS.OptionFlags.V&^flags.TelephonyMask | flags.PublicIM | flags.EnterpriseVoice
		if got.OCS.OptionFlags.V != want {
			t.Fatalf("%s: OptionFlags %d, want %d", u.DN, got.OCS.OptionFlags.V, want)
		}
	}
	if _, cmd := w.Update(esc); cmd != nil {
		t.Fatal("esc after the run did more than close")
	}
}

// slow is a directory whose writes take a while, so a run can be stopped.
type slow struct{ *directory.Memory }

func (s slow) Apply(ctx context.Context, c directory.Change) (directory.User, error) {
	time.Sleep(3 * time.Millisecond)
	return s.Memory.Apply(ctx, c)
}

// esc while writing stops between users: the writes in flight finish, the
// rest stay untouched and selected, and r plans them again.
func TestConfigureUsersStopAndAgain(t *testing.T) {
	m, _ := directory.OpenDemo()
	w, _ := setup(t, slow{m}, m, 200)
	for range 3 { // anonymous participants
		press(t, w, down)
	}
	w.cursor = 1
	press(t, w, space)
	drive(t, w, press(t, w, enter), nil)
	toWrite := w.plan.Count(directory.BulkWrite)
	if w.step != stepPreview || toWrite < 100 {
		t.Fatalf("step %d, %d to write", w.step, toWrite)
	}
	stopped := false
	root := drive(t, w, press(t, w, enter), func(e eventMsg) {
		if !stopped && e.r.Outcome == directory.BulkWritten {
			stopped = true
			w.Update(esc)
		}
	})
	out := fits(t, w, "stopped")
	left := w.left()
	if !w.stopped || left == 0 || left == toWrite || !strings.Contains(out, "stopped") || !strings.Contains(out, "r tries them again") {
		t.Fatalf("stopped %v, %d left:\n%s", w.stopped, left, out)
	}
	var done int
	for _, msg := range root {
		if d, ok := msg.(DoneMsg); ok {
			done = len(d.Done)
		}
	}
	written := 0
	for _, r := range w.results {
		if r.Outcome == directory.BulkWritten {
			written++
		}
	}
	if done != 200-left || m.Applied() != written || written == 0 {
		t.Fatalf("%d done, %d applied, %d left", done, m.Applied(), left)
	}
	drive(t, w, press(t, w, tea.KeyPressMsg{Code: 'r', Text: "r"}), nil)
	if w.step != stepPreview || len(w.plan.Items) != left || w.plan.Count(directory.BulkWrite) != left {
		t.Fatalf("again: step %d, %d planned of %d left", w.step, len(w.plan.Items), left)
	}
}

// A user with pending edits of its own is skipped, and a pool is given
// only to users whose home server is broken.
func TestConfigureUsersPendingAndPool(t *testing.T) {
	m, _ := directory.OpenDemo()
	w, users := setup(t, m, m, 12)
	w.sess.Pending.Push(users[0], flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}})
	w.cursor = len(w.rows) - 1 // the pool
	press(t, w, space)
	form := fits(t, w, "pool chosen")
	if !strings.Contains(form, "Pool for broken home servers: ‹ ") {
		t.Fatalf("form:\n%s", form)
	}
	w.cursor = 0
	press(t, w, space)
	drive(t, w, press(t, w, enter), nil)
	it := w.plan.Items[0]
	if it.Outcome != directory.BulkSkipped || it.Refusal.Rule != directory.RulePending {
		t.Fatalf("the user with pending edits: %s %+v", it.Outcome, it.Refusal)
	}
	for _, it := range w.plan.Items[1:] {
		h := it.User.OCS.HomeServer
		broken := !h.Set || !w.sess.Pools.IsPool(h.V)
		if it.Intent.HomeServer.Set != broken {
			t.Errorf("%s (home %v): pool given %v", it.User.DN, h, it.Intent.HomeServer.Set)
		}
	}
	if p := fits(t, w, "preview"); !strings.Contains(p, "has edits of its own waiting in the console") {
		t.Fatalf("preview:\n%s", p)
	}
}
