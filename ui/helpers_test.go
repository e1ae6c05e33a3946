package ui

import (
	"context"
	"strings"
	"sync"
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/audit"
	"ocsflags/ui/browse"
	"ocsflags/ui/common"
	"ocsflags/ui/dialogs"
	"ocsflags/ui/enable"
	"ocsflags/ui/review"
)

func demo(t testing.TB) *directory.Memory {
	t.Helper()
	d, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// hookDir is a Directory whose Apply a test can intercept.
type hookDir struct {
	directory.Directory
	mu    sync.Mutex
	calls int
	apply func(ctx context.Context, call int, c directory.Change, next directory.Directory) (directory.User, error)
}

func (h *hookDir) Apply(ctx context.Context, c directory.Change) (directory.User, error) {
	h.mu.Lock()
	h.calls++
	n := h.calls
	h.mu.Unlock()
	if h.apply == nil {
		return h.Directory.Apply(ctx, c)
	}
	return h.apply(ctx, n, c, h.Directory)
}

// harness drives the root model without a terminal: it runs every command a
// message returns and feeds the results back, the way the program would,
// but synchronously so a test reads like a session.
type harness struct {
	t    testing.TB
	m    *Model
	quit bool
}

func newHarness(t testing.TB, opts Options, w, h int) *harness {
	t.Helper()
	x := &harness{t: t, m: newModel(context.Background(), opts)}
	x.send(tea.WindowSizeMsg{Width: w, Height: h})
	x.run(x.m.Init())
	return x
}

func (x *harness) send(msg tea.Msg) {
	x.t.Helper()
	_, cmd := x.m.Update(msg)
	x.run(cmd)
}

func (x *harness) run(cmd tea.Cmd) {
	x.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			x.t.Fatal("commands do not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			x.quit = true
		case spinner.TickMsg:
			// Dropped: a frame timer has no place in a synchronous run.
		default:
			_, next := x.m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// key presses one key, spelled as in the key map ("space", "enter", "j").
func (x *harness) key(keys ...string) {
	x.t.Helper()
	for _, k := range keys {
		x.send(keyMsg(k))
	}
}

func (x *harness) typeText(s string) {
	x.t.Helper()
	for _, r := range s {
		x.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen is the current frame as plain text.
func (x *harness) screen() string { return ansi.Strip(x.m.View().Content) }

// focusItem puts the detail cursor on the first item matching.
func (x *harness) focusItem(kind browse.ItemKind, bit flags.Value) {
	x.t.Helper()
	for i, it := range browse.Items(x.m.state()) {
		if it.Kind == kind && (bit == 0 || it.Bit == bit) {
			x.m.browse.Detail.Cursor = i
			return
		}
	}
	x.t.Fatalf("no item %v/%d for %s", kind, bit, x.m.browse.Detail.User.DN)
}

func (x *harness) focusTelephony(t flags.Telephony) {
	x.t.Helper()
	for i, it := range browse.Items(x.m.state()) {
		if it.Kind == browse.ItTelephony && it.Tel == t {
			x.m.browse.Detail.Cursor = i
			return
		}
	}
	x.t.Fatal("no telephony item")
}

// openUser resolves id the way --user does and opens it.
func (x *harness) openUser(id string) {
	x.t.Helper()
	x.run(browse.ResolveUser(context.Background(), x.m.com.Dir, id))
	if !x.m.browse.Detail.Has || x.m.browse.Detail.Loading {
		x.t.Fatalf("user %s did not open: %s", id, x.m.frame.Status)
	}
}

func (x *harness) pendingChange(dn string) flags.Change {
	p := x.m.sess.Pending.Get(dn)
	if p == nil {
		return flags.Change{}
	}
	return p.Change()
}

func (x *harness) stored(id string) directory.User {
	x.t.Helper()
	us, err := x.m.com.Dir.Resolve(context.Background(), id)
	if err != nil || len(us) != 1 {
		x.t.Fatalf("resolve %s: %v", id, err)
	}
	return us[0]
}

func mustContain(t testing.TB, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Fatalf("missing %q in:\n%s", sub, s)
		}
	}
}

// focused is the detail item under the cursor.
func (x *harness) focused() browse.Item {
	its := browse.Items(x.m.state())
	return its[common.Clamp(x.m.browse.Detail.Cursor, 0, len(its)-1)]
}

// audit is the open audit, or an empty one (no picker, cursor 0) when the
// audit is closed.
func (x *harness) audit() *audit.Model {
	if a := x.auditScreen(); a != nil {
		return a
	}
	return &audit.Model{}
}

// auditScreen is the audit when it is open, nil when not.
func (x *harness) auditScreen() *audit.Model {
	a, _ := find[*audit.Model](x.m.stack)
	return a
}

// wizard is the Enable Users wizard when it is open, nil when not.
func (x *harness) wizard() *enable.Model {
	w, _ := find[*enable.Model](x.m.stack)
	return w
}

// screen is which of the big screens is shown: the review, the wizard, or
// the browser (with or without the audit, the explorer… over it).
type screen int

const (
	scrBrowse screen = iota
	scrReview
	scrEnable
)

// scr is the big screen shown: the top one on the stack that is the
// review or the wizard, else the browser.
func (x *harness) scr() screen {
	for i := len(x.m.stack) - 1; i >= 0; i-- {
		switch x.m.stack[i].(type) {
		case *review.Model:
			return scrReview
		case *enable.Model:
			return scrEnable
		}
	}
	return scrBrowse
}

// toBrowser leaves whatever screen is open for the browser, as if by esc.
func (x *harness) toBrowser() {
	x.m.stack = nil
}

// edit is the open editor, nil when none is.
func (x *harness) edit() *dialogs.Editor {
	for _, s := range x.m.stack {
		if e, ok := s.(*dialogs.Editor); ok {
			return e
		}
	}
	return nil
}

// confirm is the open confirm dialog, nil when none is.
func (x *harness) confirm() *dialogs.Confirm {
	for _, s := range x.m.stack {
		if c, ok := s.(*dialogs.Confirm); ok {
			return c
		}
	}
	return nil
}
