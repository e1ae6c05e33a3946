package history_test

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/history"
	"ocsflags/ui/keys"
	"ocsflags/ui/review"
	"ocsflags/ui/session"
	"ocsflags/ui/styles"
)

// This test drives the history and the review together (the review
// imports the browser, which imports the history: hence a package of its
// own), as the root does: commands are run and their messages fed back,
// a StageMsg to the session.

const leo = "CN=Leo Marsh,OU=Migrated-LCS2005,DC=corp,DC=example" // OptionFlags 1

func run(t *testing.T, sess *session.Session, s common.Screen, cmd tea.Cmd) common.Screen {
	t.Helper()
	if cmd == nil {
		return s
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			s = run(t, sess, s, c)
		}
	case session.StageMsg:
		if n, _ := sess.Update(msg); n.Err {
			t.Fatalf("staging refused: %s", n.Text)
		}
	case common.StatusMsg:
	default:
		s, cmd = s.Update(msg)
		return run(t, sess, s, cmd)
	}
	return s
}

func press(t *testing.T, sess *session.Session, s common.Screen, text string) common.Screen {
	t.Helper()
	for _, r := range text {
		var cmd tea.Cmd
		s, cmd = s.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		s = run(t, sess, s, cmd)
	}
	return s
}

// An undo staged with u on the history screen and committed through the
// review is journaled as the undo of that write ("undoes" names it), as
// ocsflags undo writes it, and the history marks it so. A second undo on
// the same user waits until the first is committed or taken back.
func TestHistoryUndoIsJournaledAsUndo(t *testing.T) {
	m, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	j := directory.NewSessionJournaled(m)
	c := &common.Common{Ctx: context.Background(), Dir: j, Info: j.Info(), Keys: keys.New(),
		Styles: styles.New(true, colorprofile.ASCII), Width: 120, Height: 30}
	sess := session.New()
	if _, _, err := directory.Update(context.Background(), j, leo, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 1); err != nil {
		t.Fatal(err)
	}
	lines, _, err := j.ReadLines()
	if err != nil {
		t.Fatal(err)
	}
	first := directory.Writes(lines)[0]

	h, cmd := history.New(c, sess)
	s := run(t, sess, h, cmd)
	s = press(t, sess, s, "u")
	if got := sess.Pending.Get(leo).Undoes(); got != first.ID {
		t.Fatalf("the staged undo takes back %q, want %q", got, first.ID)
	}
	r := review.New(c, sess)
	if !r.Open() {
		t.Fatal("nothing to review")
	}
	press(t, sess, r, "y")
	if got, _ := m.User(context.Background(), leo); got.OCS.OptionFlags.V != 1 {
		t.Fatalf("the undo was not written: OptionFlags %d", got.OCS.OptionFlags.V)
	}
	lines, _, _ = j.ReadLines()
	ws := directory.Writes(lines)
	if len(ws) != 2 || ws[1].Undoes != first.ID || !ws[1].Written() {
		t.Fatalf("journal: %+v\nwant a second write, written, undoing %s", ws, first.ID)
	}
	s = press(t, sess, s, "r")
	if v := s.View(); !strings.Contains(v, "OptionFlags 65 → 1 (-64 anonymous)  (undo)") {
		t.Errorf("the undo is not marked in the history:\n%s", v)
	}

	u, _ := m.User(context.Background(), leo)
	sess.Update(session.StageMsg{User: u, Change: flags.Change{Flags: flags.Delta{Set: flags.PublicIM}}, What: "undo of A", Undoes: "A"})
	n, _ := sess.Update(session.StageMsg{User: u, Change: flags.Change{Federation: flags.Some(true)}, What: "undo of B", Undoes: "B"})
	if !n.Err || !strings.Contains(n.Text, "already take back write A") || sess.Pending.Get(leo).Undoes() != "A" || len(sess.Pending.Get(leo).Stack) != 1 {
		t.Errorf("a second undo on the same user: %+v", n)
	}
	// An ordinary edit on top of an undo is refused: the write is the
	// undo alone (session.TestUndoIsStagedAlone has the cases).
	if n, _ := sess.Update(session.StageMsg{User: u, Change: flags.Change{Federation: flags.Some(true)}, What: "federation"}); !n.Err ||
		!strings.Contains(n.Text, "commit or undo the pending edits of this user first") || len(sess.Pending.Get(leo).Stack) != 1 {
		t.Errorf("an edit on top of an undo: %+v", n)
	}
	// Taking the undo back (u in the user pane pops the last edit) leaves no undo.
	sess.Pending.Undo(leo)
	if got := sess.Pending.Get(leo).Undoes(); got != "" {
		t.Errorf("after taking the edits back the user still undoes %q", got)
	}
}
