package ui

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/browse"
	"ocsflags/ui/session"
)

// focusRule puts the audit cursor on a rule.
func (x *harness) focusRule(id string) {
	x.t.Helper()
	i := slices.IndexFunc(flags.Rules, func(r flags.Rule) bool { return r.ID == id })
	if i < 0 {
		x.t.Fatalf("no rule %s", id)
	}
	x.audit().Cursor = i
}

// pick chooses the picker option whose label contains s.
func (x *harness) pick(s string) {
	x.t.Helper()
	p := x.audit().Picker
	if p == nil {
		x.t.Fatalf("no choice offered:\n%s", x.screen())
	}
	for i, o := range p.Options {
		if strings.Contains(o.Label, s) {
			p.Cursor = i
			x.key("enter")
			return
		}
	}
	x.t.Fatalf("no option %q in %+v", s, p.Options)
}

// The bar's session on the demo: open a user who cannot sign in, read why,
// fix with the audit's key, commit, and the audit turns green.
func TestAuditFixHomeServerCommitTurnsGreen(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "staylor"}, 100, 40)
	before := x.stored("staylor")
	x.focusItem(browse.ItVerdict, 0)
	x.key("enter") // the readiness row opens the audit
	if x.auditScreen() == nil {
		t.Fatalf("enter on the readiness row did not open the audit:\n%s", x.screen())
	}
	mustContain(t, x.screen(), "✗ cannot sign in: 1 problem", "✗ Home server is an existing pool",
		"does not name an existing pool", "User sees:", "f chooses a pool (3 found")

	x.focusRule(flags.FindingHomeServerNotAPool)
	x.key("f")
	mustContain(t, x.screen(), "Server or pool for Sam Taylor", "pool01.corp.example", "poolr2.corp.example", "ocs2007-se.corp.example")
	x.pick("pool01.corp.example")
	mustContain(t, x.screen(), "With your pending edits:   ✓ ready to sign in", "fixed by a pending edit")
	if got := x.stored("staylor"); !reflect.DeepEqual(got.OCS, before.OCS) {
		t.Fatal("the fix was written before the commit")
	}

	x.key("c")
	if x.scr() != scrReview {
		t.Fatalf("c did not open the review: %s", x.m.frame.Status)
	}
	// The review says the home server by pool host, not only as a cut DN.
	mustContain(t, x.screen(), "from ✗ not a pool: CN=LC Services,CN=Retired", "to pool01.corp.example")
	x.key("enter", "esc")
	if x.auditScreen() == nil {
		t.Fatalf("esc after the commit left the review for screen %d, want the audit", x.scr())
	}
	mustContain(t, x.screen(), "In the directory:  ✓ ready to sign in")

	after := x.stored("staylor")
	want := before.OCS
	want.HomeServer = flags.Some(directory.HomeServerPrefix + "CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example")
	if !reflect.DeepEqual(after.OCS, want) {
		t.Errorf("the directory holds %+v, want only the home server changed: %+v", after.OCS, want)
	}
}

// A never-enabled user is fixed rule by rule: enabled, sign-in name from
// mail, a pool, enhanced presence behind its one-way warning.
func TestAuditFixesEveryRuleOfNeverEnabledUser(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "ushah"}, 100, 40)
	x.key("a")
	mustContain(t, x.screen(), "– not enabled for OCS: 4 problems", "f sets sip:ushah@corp.example")

	x.focusRule(flags.FindingNotEnabled)
	x.key("f")
	x.focusRule(flags.FindingNoSIPAddress)
	x.key("f")
	x.focusRule(flags.FindingNoHomeServer)
	x.key("f")
	x.pick("poolr2.corp.example")
	x.focusRule(flags.FindingNoEnhancedPresence)
	x.key("f")
	if x.confirm() == nil || x.confirm().Kind != "ep" {
		t.Fatalf("enhanced presence was set without its one-way warning:\n%s", x.screen())
	}
	x.key("y")
	mustContain(t, x.screen(), "With your pending edits:   ✓ ready to sign in")

	x.key("c", "enter", "esc")
	mustContain(t, x.screen(), "In the directory:  ✓ ready to sign in")
	got := x.stored("ushah").OCS
	if got.Enabled != flags.Some(true) || got.SIPAddress != flags.Some("sip:ushah@corp.example") ||
		!directory.SameDN(got.HomeServer.V, directory.HomeServerPrefix+"CN=2:1,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example") ||
		got.OptionFlags != flags.Some(flags.EnhancedPresence) {
		t.Errorf("after the fixes the directory holds %+v", got)
	}
}

// Two users sharing one sign-in name: the audit finds the other holder in
// the directory and offers the names mail and UPN give.
func TestAuditFindsDuplicateSignInName(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "sip:alee@corp.example"}, 120, 40)
	if !x.m.browse.Detail.Has {
		// Two users hold the address, so --user lists both; take the first.
		x.openUser(x.m.browse.List.Rows[0].U.DN)
	}
	x.key("a")
	scr := x.screen()
	mustContain(t, scr, "✗ Sign-in name is unique in the forest", "also used by")
	if strings.Count(scr, "✗ cannot sign in") != 1 {
		t.Errorf("verdict:\n%s", scr)
	}
	x.focusRule(flags.FindingSIPAddressDuplicate)
	// Mail and UPN give only the duplicate itself: offering it would change
	// nothing, so f opens the sign-in name to type a new one.
	mustContain(t, x.screen(), "f opens the sign-in name to type a new one")
	x.key("f")
	if x.audit().Picker != nil || x.edit() == nil || x.edit().Kind != browse.ItSIP {
		t.Fatalf("f on a duplicate with no free choice:\n%s", x.screen())
	}
	x.key("esc")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Error("cancelling the editor left a pending edit")
	}
}

func TestAuditPassingRuleAndReadOnly(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "staylor", ReadOnly: true}, 100, 40)
	x.key("a")
	// The audit opens on the first failing rule.
	if r, _, _ := x.audit().AuditRules(); r[x.audit().Cursor].Rule.ID != flags.FindingHomeServerNotAPool {
		t.Errorf("audit opened on %s", r[x.audit().Cursor].Rule.ID)
	}
	// f on a passing rule does not fix anything; it moves to the problem.
	x.focusRule(flags.FindingNotEnabled)
	x.key("f")
	mustContain(t, x.m.frame.Status, "passes; moved to the first problem, Home server is an existing pool")
	if r, _, _ := x.audit().AuditRules(); r[x.audit().Cursor].Rule.ID != flags.FindingHomeServerNotAPool || x.audit().Picker != nil {
		t.Errorf("after f on a passing rule: on %s, picker %v", r[x.audit().Cursor].Rule.ID, x.audit().Picker)
	}
	x.key("f")
	if !x.m.frame.StatusErr || !strings.Contains(x.m.frame.Status, "read-only") || x.audit().Picker != nil {
		t.Errorf("read-only fix: %q, picker %v", x.m.frame.Status, x.audit().Picker)
	}
}

// Undo in the audit takes the fix back and the rule fails again.
func TestAuditUndo(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "jryan"}, 100, 40)
	x.key("a")
	mustContain(t, x.screen(), "✗ Enhanced presence (256) is set")
	x.focusRule(flags.FindingNoEnhancedPresence)
	x.key("f", "y")
	mustContain(t, x.screen(), "With your pending edits:   ✓ ready")
	x.key("u")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil || !strings.Contains(x.screen(), "In the directory:  ✗ cannot sign in") {
		t.Errorf("undo in the audit:\n%s", x.screen())
	}
}

// The detail's verdict includes the sign-in-name look-up, so a user whose
// address someone else holds is not called ready; the list marks two of its
// own users sharing one address without any look-up.
func TestDuplicateSignInNameInDetailAndList(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "annlee2"}, 200, 50)
	mustContain(t, x.screen(), "✗ cannot sign in (1 problem)")

	lines := strings.Split(x.screen(), "\n")
	n := 0
	for _, l := range lines {
		if strings.Contains(l, "sip:alee@corp.example") && strings.Contains(l, "✗ problems") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d list rows with sip:alee marked as problems, want 2:\n%s", n, x.screen())
	}
	// Give one of them another address: both are fine again.
	x.focusItem(browse.ItVerdict, 0)
	x.key("a")
	x.focusRule(flags.FindingSIPAddressDuplicate)
	x.key("f")
	x.pick("sip:annlee2")
	x.key("c", "enter", "esc", "esc")
	scr := x.screen()
	mustContain(t, scr, "✓ ready to sign in")
	if strings.Contains(scr, "✗ problems") {
		t.Errorf("a row is still marked after the duplicate was resolved:\n%s", scr)
	}
}

// holdersDown is a directory whose sign-in-name look-up fails.
type holdersDown struct {
	directory.Directory
	calls atomic.Int32
}

func (h *holdersDown) SIPAddressHolders(context.Context, string) ([]string, error) {
	h.calls.Add(1)
	return nil, directory.ErrUnavailable
}

// A failed look-up is reported once and not retried until r: a directory
// that is down must not be hammered by every frame.
func TestFailedHolderLookupIsNotRetried(t *testing.T) {
	d := &holdersDown{Directory: demo(t)}
	x := newHarness(t, Options{Dir: d, User: "jryan"}, 100, 40)
	x.key("down", "up")
	if n := d.calls.Load(); n != 1 {
		t.Errorf("%d look-ups after opening one user, want 1", n)
	}
	if !x.m.frame.StatusErr || !strings.Contains(x.m.frame.Status, "cannot check that sip:jryan@corp.example is unique") {
		t.Errorf("status %q", x.m.frame.Status)
	}
	x.key("a")
	mustContain(t, x.screen(), "could not search the directory")
}

// A rule that passes does not show the next rule's ✗ beside its ✓: there
// is a home server (it passes), it is not a pool (the next rule fails).
func TestAuditPassingRuleShowsNoCross(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "staylor"}, 120, 40)
	x.key("a")
	found := false
	for _, l := range strings.Split(x.screen(), "\n") {
		if strings.Contains(l, "Has a home server or pool") {
			found = true
			if !strings.Contains(l, "✓") || strings.Contains(l, "✗") || !strings.Contains(l, "= CN=LC Services") {
				t.Errorf("passing rule reads %q", l)
			}
		}
	}
	if !found {
		t.Fatalf("no home server rule:\n%s", x.screen())
	}
}

// At 80x24 the audit keeps its title and the whole focused rule, reason
// and fix included, on screen; the fix text wraps rather than being cut.
func TestAuditSmallScreenShowsTheFocusedRuleWhole(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "htanaka"}, 80, 24)
	x.key("a")
	mustContain(t, x.screen(), "Audit of Hiro Tanaka", "› ! Remote call control has a Line URI", "User sees: remote call control does not work",
		"Fix: f goes to the Line URI", "or choose another telephony option")
	// With a line but no server, the fix text names the Server URI, where f goes.
	x.m.pushEdit(flags.Change{Line: flags.Some("tel:+14255550104")}, "line")
	mustContain(t, x.screen(), "Fix: f goes to the Server URI")
}

// A problem found by a look-up that lands after the audit opened (another
// user holds the pending sign-in name) takes the cursor, unless the admin
// has already moved it; errors come before warnings.
func TestAuditCursorFollowsLateProblem(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "htanaka"}, 120, 40)
	x.m.pushEdit(flags.Change{SIPAddress: flags.Some("sip:alee@corp.example")}, "sip")
	x.key("a")
	if got := flags.Rules[x.audit().Cursor].ID; got != flags.FindingSIPAddressDuplicate {
		t.Fatalf("audit opened on %s, want the duplicate sign-in name", got)
	}
	// Moved by hand, the cursor stays where the admin put it.
	x.key("down")
	at := x.audit().Cursor
	x.send(session.HoldersMsg{Addr: "sip:alee@corp.example", DNs: []string{"CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example"}, Gen: x.m.sess.Gen()})
	if x.audit().Cursor != at {
		t.Fatal("a late look-up moved a cursor the admin had moved")
	}
}

// An answer to a look-up asked before the cache was cleared (a write came
// in between) is not cached as current.
func TestStaleLookupIsNotCached(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: alice}, 120, 40)
	old := x.m.sess.Gen()
	x.m.sess.Update(session.ForgetMsg{})
	x.send(session.HoldersMsg{Addr: "sip:someone@corp.example", DNs: []string{"CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example"}, Gen: old})
	if _, ok := x.m.sess.Holders("sip:someone@corp.example"); ok {
		t.Fatal("a stale answer was cached")
	}
	x.send(session.HoldersMsg{Addr: "sip:someone@corp.example", Gen: x.m.sess.Gen()})
	if _, ok := x.m.sess.Holders("sip:someone@corp.example"); !ok {
		t.Fatal("a current answer was not cached")
	}
}

// The sign-in fix never offers an address someone holds: with the e-mail
// address taken, f opens the editor instead of setting it.
func TestAuditSignInFixSkipsTakenAddress(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d, User: "htanaka"}, 120, 40)
	h := x.m.browse.Detail.User
	if _, err := d.Apply(context.Background(), directory.Change{DN: h.DN, Edits: []flags.AttrEdit{{
		Attr: flags.AttrPrimaryUserAddress, Old: h.OCS.SIPAddress, New: flags.Some("sip:qharper@corp.example")}}}); err != nil {
		t.Fatal(err)
	}
	y := newHarness(t, Options{Dir: d, User: "qharper"}, 120, 40)
	y.key("a")
	y.focusRule(flags.FindingNoSIPAddress)
	if s := y.screen(); strings.Contains(s, "f sets sip:qharper@corp.example") {
		t.Fatalf("the taken address is offered:\n%s", s)
	}
	y.key("f")
	if y.edit() == nil || y.m.sess.Pending.Get(y.m.browse.Detail.User.DN) != nil {
		t.Fatalf("f staged something or opened no editor: %s", y.m.frame.Status)
	}
}

// The audit's fix for a sign-in name stored without sip: offers the
// stored name with sip: added, and never an address another user holds.
func TestAuditSignInFixOffersOnlyFreeAddresses(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d}, 120, 40)
	x.openUser("pquinn")
	stored := x.m.browse.Detail.User.OCS.SIPAddress.V
	x.run(x.m.openAudit())
	opts := x.audit().SignInChoices()
	if len(opts) == 0 || opts[0].Label != "sip:"+stored {
		t.Fatalf("choices for %q: %+v", stored, opts)
	}
	for _, o := range opts {
		if others := x.m.sess.OtherHolders(o.Label, x.m.browse.Detail.User.DN); len(others) > 0 {
			t.Errorf("offers %s, held by %v", o.Label, others)
		}
	}
	// Give the prefixed address to someone else: it is no longer offered.
	if _, _, err := directory.Update(context.Background(), d, "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example", flags.Change{SIPAddress: flags.Some("sip:" + stored)}, 3); err != nil {
		t.Fatal(err)
	}
	x.run(x.m.openAudit())
	for _, o := range x.audit().SignInChoices() {
		if strings.EqualFold(o.Label, "sip:"+stored) {
			t.Errorf("offers %s although Ann Lee now holds it", o.Label)
		}
	}
}

// Archiving chosen again, by check box or by the audit's fix, clears the
// LCS 2005 bits, so the legacy 3 ends as a value the audit accepts.
func TestArchivingClearsLegacyBits(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t)}, 120, 40)
	x.openUser("ofarouk") // archiving 3
	x.focusItem(browse.ItArchive, flags.ArchiveInternal)
	x.key("space")
	if a := x.m.state().After.Archiving; a.V != flags.ArchiveInternal {
		t.Fatalf("internal box on 3 gives %d, want 4", a.V)
	}
	x.key("u")
	x.run(x.m.openAudit())
	rows, _, _ := x.audit().AuditRules()
	for i, r := range rows {
		if r.Rule.ID == flags.FindingArchivingLegacyValue {
			x.audit().Cursor = i
		}
	}
	x.key("f")
	p := x.audit().Picker
	if p == nil || len(p.Options) != 4 {
		t.Fatalf("archiving fix picker: %+v\n%s", p, x.screen())
	}
	mustContain(t, x.screen(), "Archiving for Omar Farouk", "none", "internal", "federated", "both")
	x.key("down", "down", "down", "enter") // both
	if a := x.m.state().After.Archiving; a.V != flags.ArchiveInternal|flags.ArchiveFederated {
		t.Fatalf("both on 3 gives %d, want 12", a.V)
	}
	_, _, after := x.audit().AuditRules()
	for _, f := range after {
		if f.ID == flags.FindingArchivingLegacyValue {
			t.Error("the legacy-value warning stays after the fix")
		}
	}
}

// The Enable box is unticked for UserEnabled TRUE without a sign-in name,
// as the OCS console shows it, and says why.
func TestEnableBoxNeedsSignInName(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t)}, 160, 40)
	x.openUser("qharper") // TRUE, no sign-in name
	mustContain(t, x.screen(), "[ ]             Enable user for Office Communications Server", "without a sign-in name")
	x.focusItem(browse.ItEnabled, 0)
	x.key("space")
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Error("space on the unticked box made an edit")
	}
	mustContain(t, x.m.frame.Status, "no sign-in name")
}
