package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/browse"
	"ocsflags/ui/review"
)

// Hiro Tanaka has remote call control (272) without a Line URI or Server
// URI: the audit's fix leads to the Line URI, enter edits it, a bad value
// is refused with the reason and nothing is staged, a good one is a
// pending edit written as a compare-and-swap, and the rule then passes.
func TestEditLineAndServerURIFromTheAudit(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "htanaka"}, 120, 40)
	before := x.stored("htanaka")
	x.key("a")
	x.focusRule(flags.FindingRCCWithoutLine)
	mustContain(t, x.screen(), "f goes to the Line URI")
	x.key("f")
	if it := x.focused(); it.Kind != browse.ItLine || x.scr() != scrBrowse {
		t.Fatalf("f left the cursor on %v (screen %v)", it.Kind, x.scr())
	}
	mustContain(t, x.m.frame.Status, "enter edits it")

	x.key("enter")
	if x.edit() == nil {
		t.Fatal("enter on the Line URI did not open the editor")
	}
	mustContain(t, x.screen(), "Line URI — edit", "In the directory: (not set)")
	x.typeText("14255550104")
	x.key("enter")
	if x.edit() == nil || x.m.sess.Pending.Get(before.DN) != nil {
		t.Fatal("a Line URI without tel: was accepted")
	}
	mustContain(t, x.screen(), `✗ Line URI "14255550104" must start with tel:`)
	x.key("ctrl+u")
	x.typeText("tel:+14255550104;ext=104")
	x.key("enter")
	if x.edit() != nil {
		t.Fatalf("a good Line URI was refused:\n%s", x.screen())
	}
	if c := x.pendingChange(before.DN); c.Line != flags.Some("tel:+14255550104;ext=104") || c.LineServer.Set || !c.Flags.IsZero() {
		t.Fatalf("pending change %+v", c)
	}

	// The Server URI is still missing: the fix now goes there.
	x.key("a")
	x.focusRule(flags.FindingRCCWithoutLine)
	x.key("f")
	if it := x.focused(); it.Kind != browse.ItLineServer {
		t.Fatalf("second f on %v, want the Server URI", it.Kind)
	}
	x.key("space") // space edits a text line too
	x.typeText("cstagw.corp.example")
	x.key("enter")
	mustContain(t, x.screen(), "must be a SIP URI")
	x.key("esc")
	if x.edit() != nil || x.pendingChange(before.DN).LineServer.Set {
		t.Fatal("esc did not cancel, or staged the bad value")
	}
	x.key("enter")
	x.typeText("sip:cstagw@corp.example")
	x.key("enter")

	x.key("c", "enter")
	after := x.stored("htanaka")
	if after.OCS.Line != flags.Some("tel:+14255550104;ext=104") || after.OCS.LineServer != flags.Some("sip:cstagw@corp.example") {
		t.Fatalf("stored %+v", after.OCS)
	}
	if after.OCS.OptionFlags != before.OCS.OptionFlags || after.OCS.SIPAddress != before.OCS.SIPAddress {
		t.Fatalf("other attributes changed: %+v", after.OCS)
	}
	x.key("esc", "a")
	x.focusRule(flags.FindingRCCWithoutLine)
	rows, _, _ := x.audit().AuditRules()
	if r := rows[x.audit().Cursor]; r.Finding != nil {
		t.Fatalf("rule still fails: %+v", r.Finding)
	}
}

// Clearing the sign-in name of an enabled user is refused: it could not
// sign in. Editing it to a valid address is an edit like any other.
func TestEditSignInName(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 40)
	x.focusItem(browse.ItSIP, 0)
	x.key("enter", "ctrl+u", "enter")
	mustContain(t, x.screen(), "needs a sign-in name")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Fatal("an empty sign-in name was staged")
	}
	x.typeText("sip:alice.adams@corp")
	x.key("enter")
	mustContain(t, x.screen(), `domain "corp" is not a fully qualified`)
	x.key("ctrl+u")
	x.typeText("sip:alice.adams@corp.example")
	x.key("enter")
	if c := x.pendingChange(x.m.browse.Detail.User.DN); c.SIPAddress != flags.Some("sip:alice.adams@corp.example") {
		t.Fatalf("pending %+v", c)
	}
	// Reopened, the editor says what the directory holds and what is pending.
	x.key("enter")
	mustContain(t, x.screen(), "In the directory: sip:aadams0004@corp.example", "Pending: sip:alice.adams@corp.example")
	x.key("esc")
	// An address someone else has is refused after the directory search.
	x.key("enter", "ctrl+u")
	x.typeText("SIP:ALEE@corp.example")
	x.key("enter")
	mustContain(t, x.screen(), "sip:alee@corp.example is already the sign-in name of CN=Ann")
	if c := x.pendingChange(x.m.browse.Detail.User.DN); c.SIPAddress != flags.Some("sip:alice.adams@corp.example") {
		t.Fatalf("a taken address was staged: %+v", c)
	}
	x.key("esc")
	// Unchanged text stages nothing.
	y := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 40)
	y.focusItem(browse.ItSIP, 0)
	y.key("enter", "enter")
	if y.m.sess.Pending.Get(y.m.browse.Detail.User.DN) != nil || y.edit() != nil {
		t.Fatal("enter on the unchanged value staged an edit or left the editor open")
	}
	// Read-only sessions do not open the editor.
	z := newHarness(t, Options{Dir: demo(t), User: alice, ReadOnly: true}, 120, 40)
	z.focusItem(browse.ItSIP, 0)
	z.key("enter")
	if z.edit() != nil || !z.m.frame.StatusErr {
		t.Fatal("read-only session opened the editor")
	}
}

// Taking the E.164 Line URI away from an Enterprise Voice user warns first;
// a second enter on the same value stages it anyway.
func TestEditLineWarnsForEnterpriseVoice(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "ipetrov"}, 120, 40)
	x.focusItem(browse.ItLine, 0)
	x.key("enter", "ctrl+u", "enter")
	mustContain(t, x.screen(), "! Enterprise Voice is on: without a tel:+E.164 Line URI", "enter again sets it anyway")
	if x.edit() == nil || x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Fatal("the removal was staged without the warning being read")
	}
	// Typing clears the warning; a good number goes through at once.
	x.typeText("tel:+14255550199")
	if x.edit().Warn != "" {
		t.Fatal("the warning outlived the value it was about")
	}
	x.key("ctrl+u", "enter", "enter")
	if c := x.pendingChange(x.m.browse.Detail.User.DN); c.Line != flags.Some("") {
		t.Fatalf("second enter did not stage the removal: %+v", c)
	}
}

// The cursor moves, and typing and deleting happen where it is.
func TestLineInputCursor(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "ipetrov"}, 120, 40)
	x.focusItem(browse.ItLine, 0)
	x.key("enter") // tel:+14255550102
	x.key("home", "right", "right", "right", "right", "right", "delete", "delete")
	x.typeText("44")
	x.key("end", "backspace")
	x.typeText("9")
	if got := x.edit().Input.Value; got != "tel:+44255550109" {
		t.Fatalf("edited to %q", got)
	}
}

// An edit that takes the user back to the directory's value says nothing
// is pending, as the header does.
func TestEditBackToTheDirectoryValue(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "htanaka"}, 120, 40)
	x.focusItem(browse.ItLine, 0)
	x.key("enter")
	x.typeText("tel:+14255550104")
	x.key("enter", "enter", "ctrl+u", "enter", "enter") // second enter: past the RCC warning
	if edits, _ := x.m.sess.Pending.Counts(); edits != 0 {
		t.Fatalf("still %d edits pending: %+v", edits, x.pendingChange(x.m.browse.Detail.User.DN))
	}
	mustContain(t, x.m.frame.Status, "Line URI: removed", "nothing pending for Hiro Tanaka")
	mustContain(t, x.screen(), "no pending changes")
}

// The footer says what enter does on a text line, and a read-only session
// does not offer keys that change anything.
func TestFooterOffersWhatWorks(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "htanaka"}, 200, 40)
	x.focusItem(browse.ItLine, 0)
	mustContain(t, x.screen(), "enter edit", "space toggle")
	x.focusItem(browse.ItBit, flags.PublicIM)
	if strings.Contains(x.screen(), "enter edit") {
		t.Error("enter edit offered on a check box")
	}
	ro := newHarness(t, Options{Dir: demo(t), User: "htanaka", ReadOnly: true}, 200, 40)
	ro.focusItem(browse.ItLine, 0)
	if s := ro.screen(); strings.Contains(s, "space toggle") || strings.Contains(s, "enter edit") {
		t.Errorf("read-only footer offers edits:\n%s", s)
	}
	// An ambiguous --user lists the matches under a title that says so.
	amb := newHarness(t, Options{Dir: demo(t), User: "sip:alee@corp.example"}, 200, 40)
	if s := amb.screen(); !strings.Contains(s, `2 users match "sip:alee@corp.example"`) || strings.Contains(s, "Users in 2 users") {
		t.Errorf("ambiguous --user title:\n%s", s)
	}
}

// ? at 80 columns shows every key: columns that do not fit beside the
// others go below them instead of behind a "…".
func TestFullHelpFitsNarrowScreens(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "htanaka"}, 80, 30)
	x.key("?")
	s := x.screen()
	for _, want := range []string{"bit explorer", "disable/re-enable", "close this help", "whole explanation", "toggle a setting / select a user"} {
		mustContain(t, s, want)
	}
	for _, l := range strings.Split(s, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than the screen: %q", l)
		}
	}
}

// While a new sign-in name is searched for, the field is frozen: a paste
// changes nothing, and the value staged is the one that was checked.
func TestEditStagesTheCheckedValue(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 40)
	x.focusItem(browse.ItSIP, 0)
	x.key("enter", "ctrl+u")
	x.typeText("sip:zz.new@corp.example")
	_, cmd := x.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if x.edit() == nil || x.edit().Checking == "" || cmd == nil {
		t.Fatal("enter did not start the directory search")
	}
	mustContain(t, x.screen(), "searching the directory for sip:zz.new@corp.example")
	x.send(tea.PasteMsg{Content: "ünïcode@@ bad"})
	x.send(tea.KeyPressMsg{Code: 'x', Text: "x"})
	x.run(cmd)
	if c := x.pendingChange(x.m.browse.Detail.User.DN); c.SIPAddress != flags.Some("sip:zz.new@corp.example") {
		t.Fatalf("staged %+v, want the checked address", c.SIPAddress)
	}
}

// An editor open for one user never stages on another: a late --user
// answer that switches the detail closes it.
func TestEditNeverLandsOnAnotherUser(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "htanaka"}, 120, 40)
	x.focusItem(browse.ItLine, 0)
	x.key("enter")
	x.typeText("tel:+14255550104")
	iv := x.stored("ipetrov")
	x.send(browse.ResolveMsg{ID: "ipetrov", Users: []directory.User{iv}})
	x.key("enter")
	if x.m.sess.Pending.Get(iv.DN) != nil || x.m.sess.Pending.Get(x.stored("htanaka").DN) != nil {
		t.Fatal("the Line URI typed for Hiro Tanaka was staged")
	}
}

// Two users cannot be given one new sign-in name through pending edits:
// the editor refuses the second, and the review will not write both if
// they got there another way.
func TestPendingSignInNamesMustDiffer(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d, User: alice}, 120, 40)
	x.focusItem(browse.ItSIP, 0)
	x.key("enter", "ctrl+u")
	x.typeText("sip:shared.new@corp.example")
	x.key("enter")
	aliceDN := x.m.browse.Detail.User.DN
	iv := x.stored("ipetrov")
	x.run(x.m.browse.OpenUser(iv))
	x.focusItem(browse.ItSIP, 0)
	x.key("enter", "ctrl+u")
	x.typeText("SIP:Shared.New@corp.example")
	x.key("enter")
	mustContain(t, x.screen(), "already the pending sign-in name of CN=Alice")
	if x.m.sess.Pending.Get(iv.DN) != nil {
		t.Fatal("the second user got the same pending address")
	}
	x.key("esc")
	// Past the editor (as the audit's sign-in choices could), the review
	// writes neither and keeps both.
	x.m.pushEdit(flags.Change{SIPAddress: flags.Some("sip:shared.new@corp.example")}, "sip")
	x.key("c", "enter")
	for _, dn := range []string{aliceDN, iv.DN} {
		if x.m.sess.Pending.Get(dn) == nil {
			t.Errorf("%s: pending edits lost", dn)
		}
	}
	if got := x.stored(alice).OCS.SIPAddress.V; got != "sip:aadams0004@corp.example" {
		t.Errorf("alice written: %s", got)
	}
	mustContain(t, x.screen(), "another pending user")
}

// A value stored as SIP: (or TEL:) and confirmed as it is stages nothing.
func TestEditUnchangedUpperCaseScheme(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d, User: alice}, 120, 40)
	dn := x.m.browse.Detail.User.DN
	if _, err := d.Apply(context.Background(), directory.Change{DN: dn, Edits: []flags.AttrEdit{{
		Attr: flags.AttrPrimaryUserAddress, Old: flags.Some("sip:aadams0004@corp.example"), New: flags.Some("SIP:aadams0004@corp.example")}}}); err != nil {
		t.Fatal(err)
	}
	x.key("r")
	x.focusItem(browse.ItSIP, 0)
	x.key("enter", "enter")
	if x.m.sess.Pending.Get(dn).HasEdits() || x.edit() != nil {
		t.Fatalf("confirming the stored SIP: spelling staged %+v", x.pendingChange(dn))
	}
}

// Whatever staged it, a sign-in name someone else holds by the time of the
// write is not written, and the edits stay pending.
func TestCommitRechecksTheSignInName(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "htanaka"}, 120, 40)
	dn := x.m.browse.Detail.User.DN
	x.m.pushEdit(flags.Change{SIPAddress: flags.Some("sip:ipetrov@corp.example"), Line: flags.Some("tel:+14255550104")}, "as an audit fix could")
	x.key("c", "enter")
	if x.m.sess.Pending.Get(dn) == nil {
		t.Fatal("pending edits lost")
	}
	if got := x.stored("htanaka").OCS; got.SIPAddress.V != "sip:htanaka@corp.example" || got.Line.Set {
		t.Fatalf("written: %+v", got)
	}
	mustContain(t, x.m.frame.Status, "sip:ipetrov@corp.example is already the sign-in name of CN=Ivan Petrov", "pending edits are kept")
}

// The review scrolls to the end of its LDIF at 80x24 and shows a value too
// long for its column in full.
func TestReviewScrollsAndShowsLongValues(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "htanaka"}, 80, 24)
	long := "sip:cstagw.corp.example@corp.example;gruu;opaque=srvr:cstagw:abcdef"
	x.m.pushEdit(flags.Change{Line: flags.Some("tel:+14255550104;ext=104"), LineServer: flags.Some(long)}, "lines")
	x.key("c")
	mustContain(t, x.screen(), "new: "+long[:30])
	x.key("G")
	mustContain(t, x.screen(), "msRTCSIP-LineServer: "+long[:40], "stagw:abcdef")
	if x.m.review.Offset == 0 || strings.Contains(x.screen(), "› Hiro Tanaka") {
		t.Fatalf("G did not scroll to the end (offset %d)", x.m.review.Offset)
	}
	x.key("pgup")
	if x.m.review.Offset != 0 {
		t.Errorf("pgup left offset %d", x.m.review.Offset)
	}
	x.key("G", "down") // moving the selection brings the user back into view
	mustContain(t, x.screen(), "› Hiro Tanaka")
}

// Edits made while the user's write is on its way stay pending on top of
// what was written; an edit in the write cannot be undone meanwhile.
func TestEditsDuringAWriteStayPending(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 40)
	dn := x.m.browse.Detail.User.DN
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c")
	_, write := x.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // held: not run yet
	if write == nil || !x.m.review.Busy() {
		t.Fatal("no write in flight")
	}
	x.key("esc")
	x.key("u") // the edit being written
	if c := x.pendingChange(dn); c.Flags.Set != flags.PublicIM {
		t.Fatalf("undo during the write took back the edit being written: %+v", c)
	}
	mustContain(t, x.m.frame.Status, "being written now")
	x.focusItem(browse.ItFederation, 0)
	x.key("space")
	x.run(write)
	if got := x.stored(alice).OCS; !got.OptionFlags.V.Has(flags.PublicIM) || got.Federation.Or(false) {
		t.Fatalf("written %+v", got)
	}
	if c := x.pendingChange(dn); c.Federation != flags.Some(true) || !c.Flags.IsZero() {
		t.Fatalf("the edit made during the write is not pending on its own: %+v", c)
	}
}

// Leaving and reopening the review while a write is on its way keeps that
// write: it is not sent twice, and q still waits for it.
func TestReopenReviewDuringAWrite(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 40)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c")
	_, write := x.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	x.key("esc", "c")
	if !x.m.review.Busy() {
		t.Fatal("the reopened review forgot the write in flight")
	}
	_, again := x.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if again != nil {
		t.Fatal("enter sent the same write again")
	}
	x.key("q")
	if x.quit || x.confirm() != nil {
		t.Fatal("q did not wait for the write")
	}
	x.run(write)
	if !x.quit {
		t.Fatal("did not quit once the write ended")
	}
	if !x.stored(alice).OCS.OptionFlags.V.Has(flags.PublicIM) {
		t.Fatal("not written")
	}
}

// Re-enabling a user whose sign-in name someone else took meanwhile is not
// written: enabling puts the address to use as much as setting it does.
func TestReEnableChecksTheSignInName(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "annlee2"}, 120, 40)
	dn := x.m.browse.Detail.User.DN
	x.key("E", "c", "enter", "esc") // disabled: Ann Lee keeps sip:alee
	if x.stored("annlee2").OCS.Enabled.Or(true) {
		t.Fatal("not disabled")
	}
	x.key("E", "c", "enter")
	if x.stored("annlee2").OCS.Enabled.Or(false) {
		t.Fatal("re-enabled with a sign-in name Ann Lee holds")
	}
	if c := x.pendingChange(dn); c.Enabled != flags.Some(true) {
		t.Fatalf("the re-enable edit was lost: %+v", c)
	}
	mustContain(t, x.m.frame.Status, "sip:alee@corp.example is already the sign-in name of CN=Ann Lee")
}

// On a short screen the editor keeps its field and the directory's value in
// view, dropping the explanation.
func TestEditorOnAShortScreen(t *testing.T) {
	for _, h := range []int{14, 12, 10} {
		x := newHarness(t, Options{Dir: demo(t), User: "htanaka"}, 60, h)
		x.focusItem(browse.ItLine, 0)
		x.key("enter")
		x.typeText("tel:+1 425")
		x.key("enter")
		s := x.screen()
		mustContain(t, s, "› tel:+1 425", "contains white space")
		mustContain(t, s, "╰") // the box ends on screen
		if h >= 14 {
			mustContain(t, s, "In the directory: (not set)")
		}
	}
}

// A user written and edited again since shows the new edits in the review,
// which is what enter then writes; reopening the review while another
// write is in flight forgets every result but that write's.
func TestReviewShowsEditsMadeAfterAWrite(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 60)
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c")
	_, write := x.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	x.key("esc")
	x.focusItem(browse.ItFederation, 0)
	x.key("space", "c")
	x.run(write)
	mustContain(t, x.screen(), "edited again since", "msRTCSIP-FederationEnabled", "add: msRTCSIP-FederationEnabled")
	x.key("enter")
	if !x.stored(alice).OCS.Federation.Or(false) {
		t.Fatal("the edit shown was not written")
	}

	// A stale result (a conflict, say) does not survive a reopened review.
	y := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 60)
	adn := y.m.browse.Detail.User.DN
	y.focusItem(browse.ItBit, flags.PublicIM)
	y.key("space")
	iv := y.stored("ipetrov")
	y.m.pushEditFor(iv, flags.Change{Flags: flags.Delta{Set: flags.RemoteCallControl}}, "rcc")
	y.key("c")
	y.m.review.Of(directory.NormDN(adn)).Kind = review.ResConflict
	y.m.review.Cursor = 1 // Ivan
	_, w2 := y.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	y.key("esc", "c")
	if r := y.m.review.Results[directory.NormDN(adn)]; r != nil {
		t.Errorf("a stale %v result survived the reopened review", r.Kind)
	}
	if !y.m.review.Busy() {
		t.Error("the write in flight was forgotten")
	}
	y.run(w2)
}

// Scrolled away from the selected user, d first shows whom it would drop.
func TestReviewDropNeedsTheSelectionInView(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 80, 24)
	dn := x.m.browse.Detail.User.DN
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c")
	x.m.review.Of(directory.NormDN(dn)).Kind = review.ResConflict
	x.m.review.Of(directory.NormDN(dn)).Conflict = &directory.ConflictError{Current: x.stored(alice)}
	x.key("G", "d")
	if x.m.sess.Pending.Get(dn) == nil || x.m.review.Scrolled {
		t.Fatal("d acted on a user scrolled out of view")
	}
	mustContain(t, x.m.frame.Status, "press again")
	x.key("d")
	if x.m.sess.Pending.Get(dn) != nil {
		t.Fatal("d on the shown user did not drop")
	}
}

// An enable left without a sign-in name and a pool (the audit's Enabled fix
// with the fixes after it undone) is not written, and stays pending.
func TestHalfEnabledIsNotWritten(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "ushah"}, 120, 40)
	dn := x.m.browse.Detail.User.DN
	x.m.pushEdit(flags.Change{Enabled: flags.Some(true)}, "as the audit's fix does")
	x.key("c", "enter")
	if x.stored("ushah").OCS.Enabled.Set {
		t.Fatal("an enabled user without sign-in name and pool was written")
	}
	if x.m.sess.Pending.Get(dn) == nil {
		t.Fatal("the edit was dropped")
	}
	mustContain(t, x.screen(), "not written: enabled for OCS without a sign-in name or a pool")
	// With both, it is written.
	x.key("esc")
	x.m.pushEdit(flags.Change{SIPAddress: flags.Some("sip:ushah@corp.example"), HomeServer: flags.Some(directory.HomeServerPrefix + "CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example")}, "both")
	x.key("c", "enter")
	if got := x.stored("ushah").OCS; !got.Enabled.Or(false) || got.SIPAddress.V != "sip:ushah@corp.example" {
		t.Fatalf("not written: %+v (%s)", got, x.m.frame.Status)
	}
}

// A user whose OCS settings are sound but whose AD account is disabled is
// not shown as ready: nobody signs in with a disabled account, unless it
// is a resource-forest account (see TestOneVerdictOnEverySurface).
func TestADDisabledIsNotReady(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), StartOU: "OU=Disabled,DC=corp,DC=example"}, 200, 40)
	var line string
	for _, l := range strings.Split(x.screen(), "\n") {
		if strings.Contains(l, "Ursula Kent") {
			line = l
		}
	}
	if !strings.Contains(line, "✗ AD disabled") || strings.Contains(line, "✓ ready") {
		t.Errorf("Ursula Kent's row: %q", line)
	}
	y := newHarness(t, Options{Dir: demo(t), User: "CN=Ursula Kent,OU=Disabled,DC=corp,DC=example"}, 200, 40)
	mustContain(t, y.screen(), "✗ cannot sign in: the AD account is disabled")
}
