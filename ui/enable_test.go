package ui

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/browse"
	"ocsflags/ui/enable"
	"ocsflags/ui/session"
)

const (
	engineeringOU = "OU=Engineering,OU=Corp,DC=corp,DC=example"
	pool01HS      = "CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"
	poolr2HS      = "CN=LC Services,CN=Microsoft,CN=2:1,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"
)

// stamp writes OCS settings on a demo user before the console starts, as
// another tool would have.
func stamp(t *testing.T, d directory.Directory, id string, c flags.Change) {
	t.Helper()
	us, err := d.Resolve(context.Background(), id)
	if err != nil || len(us) != 1 {
		t.Fatalf("resolve %s: %v", id, err)
	}
	if _, _, err := directory.Update(context.Background(), d, us[0].DN, c, 1); err != nil {
		t.Fatal(err)
	}
}

// markUsers selects the visible rows with these names, with space.
func (x *harness) markUsers(names ...string) {
	x.t.Helper()
	x.m.browse.Focus = browse.PaneList
	for _, n := range names {
		found := false
		for i := 0; i < x.m.browse.List.VisibleLen(); i++ {
			if x.m.browse.List.At(i).U.Label() == n {
				x.m.browse.List.Cursor = i
				found = true
				break
			}
		}
		if !found {
			x.t.Fatalf("no row %q in the list", n)
		}
		x.key("space")
	}
}

// wizardTo runs the wizard from the list: e, the pool by host name, the
// pattern, and the check in the directory, stopping at the plan.
func (x *harness) wizardTo(host string, p directory.SignInPattern) {
	x.t.Helper()
	x.key("e")
	if x.scr() != scrEnable || x.wizard() == nil || x.wizard().Step != enable.StepPool {
		x.t.Fatalf("e did not open the wizard: %s", x.m.frame.Status)
	}
	for x.wizard().PoolCur > 0 {
		x.key("up")
	}
	for _, pl := range session.PoolsByHost(x.m.sess.Pools) {
		if pl.Host == host {
			break
		}
		x.key("down")
	}
	x.key("enter")
	if x.wizard().Step != enable.StepPattern || x.wizard().Pool.Host != host {
		x.t.Fatalf("pool step: step %d, pool %q", x.wizard().Step, x.wizard().Pool.Host)
	}
	for i, sp := range directory.SignInPatterns {
		if sp == p {
			for x.wizard().Pattern < i {
				x.key("down")
			}
		}
	}
}

// plan presses enter on the pattern step and expects the plan.
func (x *harness) plan() {
	x.t.Helper()
	x.key("enter")
	if x.wizard().Step != enable.StepPlan {
		x.t.Fatalf("no plan: step %d, status %q", x.wizard().Step, x.m.frame.Status)
	}
}

func planFor(x *harness, sam string) directory.EnablePlan {
	x.t.Helper()
	for _, p := range x.wizard().Plans {
		if p.User.SAMAccountName == sam {
			return p
		}
	}
	x.t.Fatalf("no plan for %s", sam)
	return directory.EnablePlan{}
}

// sameExcept fails unless before and after differ only in the named
// settings.
func sameExcept(t *testing.T, who string, before, after flags.Settings, changed ...string) {
	t.Helper()
	b, a := before, after
	for _, c := range changed {
		switch c {
		case flags.AttrUserEnabled:
			a.Enabled = b.Enabled
		case flags.AttrPrimaryUserAddress:
			a.SIPAddress = b.SIPAddress
		case flags.AttrPrimaryHomeServer:
			a.HomeServer = b.HomeServer
		case flags.AttrOptionFlags:
			a.OptionFlags = b.OptionFlags
		}
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s: more than %v changed:\nbefore %+v\nafter  %+v", who, changed, before, after)
	}
}

func TestEnableWizardEnablesSelected(t *testing.T) {
	d := demo(t)
	// Bits the wizard must keep: 1, 1024 and the unknown bit 20 on Uma,
	// 64 on Wei; Xavier has no OptionFlags at all.
	stamp(t, d, "ushah", flags.Change{Flags: flags.Delta{Set: 1 | 1024 | 1<<20}})
	stamp(t, d, "wchen", flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}})
	sams := []string{"ushah", "wchen", "xdupont"}
	before := map[string]directory.User{}
	x := newHarness(t, Options{Dir: d, StartOU: engineeringOU}, 120, 40)
	for _, s := range sams {
		before[s] = x.stored(s)
	}
	x.markUsers("Uma Shah", "Wei Chen", "Xavier Dupont")
	mustContain(t, x.screen(), "3 selected", "●")

	x.wizardTo("poolr2.corp.example", directory.PatternFirstLast)
	// The domain defaults to the naming context's; change it.
	if x.wizard().Domain.Value != "corp.example" {
		t.Fatalf("default domain %q", x.wizard().Domain.Value)
	}
	x.key("tab")
	x.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	x.typeText("ocs.corp.example")
	x.key("enter")
	mustContain(t, x.screen(), "sip:uma.shah@ocs.corp.example", "sip:wei.chen@ocs.corp.example", "sip:xavier.dupont@ocs.corp.example", "Preview: 3 can be enabled, 0 skipped")
	for _, s := range sams {
		if got := x.stored(s).OCS; !reflect.DeepEqual(got, before[s].OCS) {
			t.Fatalf("%s written before the plan was confirmed", s)
		}
	}
	x.plan()
	mustContain(t, x.screen(), "3 will be enabled", "none skipped", "msRTCSIP-OptionFlags", "+256")
	x.key("y")
	if x.wizard().Step != enable.StepResults {
		t.Fatalf("after y: step %d", x.wizard().Step)
	}
	mustContain(t, x.screen(), "Done: 3 enabled, 0 skipped, 0 failed")

	want := map[string]struct {
		addr  string
		flags flags.Value
	}{
		"ushah":   {"sip:uma.shah@ocs.corp.example", 1 | 1024 | 1<<20 | 256},
		"wchen":   {"sip:wei.chen@ocs.corp.example", 64 | 256},
		"xdupont": {"sip:xavier.dupont@ocs.corp.example", 256},
	}
	for _, s := range sams {
		u := x.stored(s)
		w := want[s]
		o := u.OCS
		if !o.Enabled.Or(false) || o.SIPAddress.V != w.addr || !directory.SameDN(o.HomeServer.V, poolr2HS) || !o.OptionFlags.Set || o.OptionFlags.V != w.flags {
			t.Errorf("%s holds %+v", s, o)
		}
		if o.OptionFlags.V != before[s].OCS.OptionFlags.V|flags.EnhancedPresence {
			t.Errorf("%s: OptionFlags %d is not the old %d | 256", s, o.OptionFlags.V, before[s].OCS.OptionFlags.V)
		}
		sameExcept(t, s, before[s].OCS, o, flags.AttrUserEnabled, flags.AttrPrimaryUserAddress, flags.AttrPrimaryHomeServer, flags.AttrOptionFlags)
		// The list shows the user as written.
		x.m.browse.List.SelectDN(u.DN)
		if r := x.m.browse.List.Selected(); r == nil || r.State != flags.VerdictReady {
			t.Errorf("%s: list row not refreshed: %+v", s, r)
		}
	}
	if len(x.m.browse.List.Marks) != 0 {
		t.Errorf("enabled users still selected: %d", len(x.m.browse.List.Marks))
	}
	x.key("esc")
	if x.scr() != scrBrowse || x.wizard() != nil {
		t.Fatal("esc did not close the results")
	}
	mustContain(t, x.m.frame.Status, "enabled 3 users on poolr2.corp.example")
}

func TestEnableWizardSkipsWithReasons(t *testing.T) {
	t.Run("no mail", func(t *testing.T) {
		d := demo(t)
		x := newHarness(t, Options{Dir: d, StartOU: engineeringOU}, 120, 40)
		wei := x.stored("wchen")
		x.markUsers("Uma Shah", "Wei Chen", "Xavier Dupont")
		x.wizardTo("pool01.corp.example", directory.PatternMail)
		mustContain(t, x.screen(), "Wei Chen", "has no e-mail address", "Preview: 2 can be enabled, 1 skipped")
		x.plan()
		if p := planFor(x, "wchen"); !strings.Contains(p.Skip, "has no e-mail address") {
			t.Fatalf("Wei's plan: %+v", p)
		}
		mustContain(t, x.screen(), "2 will be enabled", "1 skipped", "Skipped (1)", "cannot form a sign-in name from E-mail address: has no e-mail address")
		x.key("enter")
		mustContain(t, x.screen(), "Done: 2 enabled, 1 skipped, 0 failed", "skipped")
		if got := x.stored("wchen").OCS; !reflect.DeepEqual(got, wei.OCS) {
			t.Errorf("Wei was written: %+v", got)
		}
		if !x.stored("ushah").OCS.Enabled.Or(false) || !x.stored("xdupont").OCS.Enabled.Or(false) {
			t.Error("the others were not enabled")
		}
		// Wei stays selected to be dealt with.
		if len(x.m.browse.List.Marks) != 1 || !x.m.browse.List.Marked(wei.DN) {
			t.Errorf("selection after the run: %v", x.m.browse.List.Marks)
		}
	})
	t.Run("same address twice", func(t *testing.T) {
		d := demo(t)
		// Andre Adams 0006 and 2946 are both not enabled: first.last gives
		// both sip:andre.adams@corp.example.
		x := newHarness(t, Options{Dir: d, StartOU: directory.StaffOU}, 120, 40)
		a6, a2946 := x.stored("aadams0006"), x.stored("aadams2946")
		x.key("/")
		x.typeText("andre adams")
		x.key("enter")
		x.markUsers("Andre Adams 0006", "Andre Adams 2946")
		// The selection survives clearing the filter.
		x.key("esc")
		if x.m.browse.List.Filter != "" || len(x.m.browse.List.Marks) != 2 {
			t.Fatalf("filter %q, %d selected", x.m.browse.List.Filter, len(x.m.browse.List.Marks))
		}
		x.markUsers("Aaron Adams 0001")
		x.wizardTo("pool01.corp.example", directory.PatternFirstLast)
		mustContain(t, x.screen(), "would be given to 2 of the users being enabled")
		x.plan()
		for _, s := range []string{"aadams0006", "aadams2946"} {
			if p := planFor(x, s); !strings.Contains(p.Skip, "sip:andre.adams@corp.example would be given to 2") {
				t.Errorf("%s plan: %+v", s, p)
			}
		}
		// Aaron Adams 0001 is already enabled on pool01: left alone.
		if p := planFor(x, "aadams0001"); !strings.Contains(p.Skip, "already enabled for OCS on pool01.corp.example") {
			t.Errorf("aadams0001 plan: %+v", p)
		}
		mustContain(t, x.screen(), "0 will be enabled")
		x.key("enter")
		if x.wizard().Step != enable.StepPlan || !x.m.frame.StatusErr {
			t.Fatal("a plan with nobody to enable must not run")
		}
		if !reflect.DeepEqual(x.stored("aadams0006").OCS, a6.OCS) || !reflect.DeepEqual(x.stored("aadams2946").OCS, a2946.OCS) {
			t.Error("a duplicate was written")
		}
	})
}

func TestEnableWizardAddressHeldInDirectory(t *testing.T) {
	d := demo(t)
	// Quinn Harper took sip:xdupont@corp.example meanwhile.
	stamp(t, d, "qharper", flags.Change{SIPAddress: flags.Some("sip:xdupont@corp.example")})
	x := newHarness(t, Options{Dir: d, StartOU: engineeringOU}, 120, 40)
	xav := x.stored("xdupont")
	x.markUsers("Uma Shah", "Xavier Dupont")
	x.wizardTo("pool01.corp.example", directory.PatternMail)
	// The preview cannot know; the directory check can.
	mustContain(t, x.screen(), "Preview: 2 can be enabled, 0 skipped")
	x.plan()
	if p := planFor(x, "xdupont"); !strings.Contains(p.Skip, "is already the sign-in name of CN=Quinn Harper") {
		t.Fatalf("Xavier's plan: %+v", p)
	}
	mustContain(t, x.screen(), "1 will be enabled", "1 skipped", "sip:xdupont@corp.example is already the sign-in name of")
	x.key("enter")
	if got := x.stored("xdupont").OCS; !reflect.DeepEqual(got, xav.OCS) {
		t.Errorf("Xavier was written: %+v", got)
	}
	if u := x.stored("ushah"); u.OCS.SIPAddress.V != "sip:ushah@corp.example" || !u.OCS.Enabled.Or(false) {
		t.Errorf("Uma: %+v", u.OCS)
	}
}

func TestEnableWizardSkipsPendingEdits(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d, StartOU: engineeringOU}, 120, 40)
	// An unwritten edit of Uma's federation setting.
	x.openUser("ushah")
	x.focusItem(browse.ItFederation, 0)
	x.key("space")
	uma := x.m.browse.Detail.User
	if x.m.sess.Pending.Get(uma.DN) == nil {
		t.Fatal("no pending edit")
	}
	x.markUsers("Uma Shah", "Xavier Dupont")
	x.wizardTo("pool01.corp.example", directory.PatternMail)
	x.plan()
	if p := planFor(x, "ushah"); !strings.Contains(p.Skip, "has pending edits: commit or undo them first") {
		t.Fatalf("Uma's plan: %+v", p)
	}
	x.key("y")
	if !reflect.DeepEqual(x.stored("ushah").OCS, uma.OCS) {
		t.Error("Uma was written")
	}
	if c := x.pendingChange(uma.DN); !c.Federation.Set || !c.Federation.V {
		t.Errorf("Uma's pending edit changed: %+v", c)
	}
	if !x.stored("xdupont").OCS.Enabled.Or(false) {
		t.Error("Xavier not enabled")
	}
}

// esc stops the wizard after the user being written; q does the same and
// then quits, so no write is cut off unrecorded.
func TestEnableWizardStop(t *testing.T) {
	for _, stop := range []string{"esc", "q"} {
		t.Run(stop, func(t *testing.T) { enableWizardStop(t, stop) })
	}
}

func enableWizardStop(t *testing.T, stop string) {
	mem := demo(t)
	started, gate := make(chan struct{}), make(chan struct{})
	hd := &hookDir{Directory: mem}
	hd.apply = func(ctx context.Context, call int, c directory.Change, next directory.Directory) (directory.User, error) {
		if call == 1 {
			// The first write is on the wire when esc comes: it lands.
			close(started)
			<-gate
			return next.Apply(context.Background(), c)
		}
		return next.Apply(ctx, c)
	}
	x := newHarness(t, Options{Dir: hd, StartOU: engineeringOU}, 120, 40)
	x.markUsers("Uma Shah", "Wei Chen", "Xavier Dupont")
	x.wizardTo("pool01.corp.example", directory.PatternUPN)
	x.plan()
	_, cmd := x.m.Update(keyMsg("y"))
	if x.wizard().Step != enable.StepApplying || !x.m.busy() {
		t.Fatal("not writing")
	}
	mustContain(t, x.screen(), "esc stops after the user being written")
	<-started
	x.key(stop)
	if x.quit {
		t.Fatal("quit while a write was in flight")
	}
	close(gate)
	x.run(cmd)
	if x.quit != (stop == "q") {
		t.Errorf("after %s and the last write: quit %v", stop, x.quit)
	}
	if x.wizard().Step != enable.StepResults {
		t.Fatalf("step %d", x.wizard().Step)
	}
	mustContain(t, x.screen(), "Stopped: 1 enabled, 0 skipped, 2 not written", "stopped before it was written")
	if !x.stored("ushah").OCS.Enabled.Or(false) {
		t.Error("the user being written was lost")
	}
	for _, s := range []string{"wchen", "xdupont"} {
		if x.stored(s).OCS.Enabled.Set {
			t.Errorf("%s written after esc", s)
		}
	}
}

func TestEnableWizardNoPools(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), StartOU: engineeringOU}, 120, 40)
	x.m.sess.Pools = directory.PoolSet{}
	x.markUsers("Uma Shah")
	x.key("e", "enter")
	if x.wizard().Step != enable.StepPool {
		t.Fatal("went on without a pool")
	}
	mustContain(t, x.screen(), "No OCS pools were found in this directory")
	mustContain(t, x.m.frame.Status, "create the pool with the OCS tools first")
}

func TestDisableAndReEnableKeepEverything(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d, User: "ipetrov"}, 120, 40)
	orig := x.stored("ipetrov")
	// Disable from the list.
	x.key("esc")
	if x.m.browse.Focus != browse.PaneList || x.m.browse.List.Selected().U.SAMAccountName != "ipetrov" {
		t.Fatal("not on Ivan in the list")
	}
	x.key("E")
	if c := x.pendingChange(orig.DN); c != (flags.Change{Enabled: flags.Some(false)}) {
		t.Fatalf("disable = %+v, want UserEnabled FALSE only", c)
	}
	x.key("c", "enter")
	off := x.stored("ipetrov")
	if off.OCS.Enabled != flags.Some(false) {
		t.Fatalf("not disabled: %+v", off.OCS)
	}
	sameExcept(t, "disable", orig.OCS, off.OCS, flags.AttrUserEnabled)
	if x.m.sess.Pending.Get(orig.DN) != nil {
		t.Fatal("edit still pending after commit")
	}
	// Re-enable from the detail pane: just UserEnabled TRUE.
	x.key("esc", "enter")
	if x.m.browse.Focus != browse.PaneDetail {
		t.Fatal("not in the detail pane")
	}
	x.key("E")
	if c := x.pendingChange(orig.DN); c != (flags.Change{Enabled: flags.Some(true)}) {
		t.Fatalf("re-enable = %+v, want UserEnabled TRUE only", c)
	}
	x.key("c", "enter")
	if back := x.stored("ipetrov"); !reflect.DeepEqual(back.OCS, orig.OCS) {
		t.Fatalf("re-enabling did not restore the user:\nwas %+v\nnow %+v", orig.OCS, back.OCS)
	}
}

func TestReEnableWithoutSignInNameOpensWizard(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), User: "ushah"}, 120, 40)
	x.key("E")
	if x.scr() != scrEnable || x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Fatal("E on a never-enabled user should open the wizard, not half-enable")
	}
	mustContain(t, x.m.frame.Status, "Enable Users wizard")
	x.key("esc")
	if x.scr() != scrBrowse {
		t.Fatal("esc did not close the wizard")
	}
}

func TestEnableReadOnlyRefuses(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), StartOU: engineeringOU, ReadOnly: true}, 120, 40)
	x.markUsers("Uma Shah")
	x.key("e")
	if x.scr() == scrEnable {
		t.Fatal("read-only session opened the wizard")
	}
	mustContain(t, x.m.frame.Status, "read-only")
	x.markUsers("Kim Nguyen")
	x.key("E")
	if n, _ := x.m.sess.Pending.Counts(); n != 0 {
		t.Fatal("read-only session created an edit")
	}
	mustContain(t, x.m.frame.Status, "read-only")
}

func TestGoldenEnablePlan(t *testing.T) {
	s := startSession(t, Options{Dir: demo(t), StartOU: engineeringOU}, 80, 24)
	s.waitFor("Engineering (17)")
	// Uma, Wei and Xavier are the last five rows but Victor and Zoë.
	s.keys("G", "k", "k", "k", "k", "space", "j", "space", "space")
	s.waitFor("3 selected")
	s.keys("e", "j", "enter", "enter")
	s.waitFor("2 will be enabled", "Skipped (1)")
	s.finish()
}

// With most of a large selection skipped, the preview still shows the
// addresses about to be written first, wraps skip reasons instead of cutting
// them, and fits the terminal.
func TestEnablePreviewOnSmallTerminal(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), StartOU: directory.StaffOU}, 80, 24)
	// By name, Aaron Adams 0001…Emma Adams 0018 are the first of "adams 00".
	x.key("/")
	x.typeText("adams 00")
	x.key("enter")
	x.m.browse.Focus = browse.PaneList
	for i := 0; i < 18; i++ {
		x.key("space")
	}
	x.wizardTo("pool01.corp.example", directory.PatternMail)
	scr := x.screen()
	lines := strings.Split(strings.TrimRight(scr, "\n"), "\n")
	if len(lines) > 24 {
		t.Errorf("preview is %d lines on a 24-line terminal:\n%s", len(lines), scr)
	}
	mustContain(t, scr, "Preview: 2 can be enabled, 16 skipped", "its settings in the user pane", "more: all are listed in the next step")
	andre, emma, skip := strings.Index(scr, "sip:aadams0006@corp.example"), strings.Index(scr, "sip:eadams0018@corp.example"), strings.Index(scr, "✗ already enabled")
	if andre < 0 || emma < 0 || skip < 0 || andre > skip || emma > skip {
		t.Errorf("the users to enable must come before the skipped ones:\n%s", scr)
	}
	// "… and N more" counts exactly the rows not shown.
	shown := strings.Count(scr[strings.Index(scr, "Preview:"):], "Adams 00")
	if want := fmt.Sprintf("… and %d more", 18-shown); !strings.Contains(scr, want) {
		t.Errorf("%d rows shown, want %q:\n%s", shown, want, scr)
	}
}

// A sign-in name another user is about to get from pending edits is as
// taken as one in the directory: the wizard skips the user it would give.
func TestEnableWizardHonoursPendingSignInNames(t *testing.T) {
	d := demo(t)
	x := newHarness(t, Options{Dir: d, StartOU: directory.StaffOU}, 120, 40)
	aaron := x.stored("aadams0001")
	x.m.pushEditFor(aaron, flags.Change{SIPAddress: flags.Some("sip:andre.adams@corp.example")}, "sip")
	x.key("/")
	x.typeText("andre adams 0006")
	x.key("enter")
	x.m.browse.Focus = browse.PaneList
	x.markUsers("Andre Adams 0006")
	x.wizardTo("pool01.corp.example", directory.PatternFirstLast)
	x.plan()
	if p := planFor(x, "aadams0006"); !strings.Contains(p.Skip, "pending sign-in name of CN=Aaron Adams 0001") {
		t.Fatalf("plan %+v", p)
	}
}

// E on a selection acts on the selected users, never on the unselected one
// under the cursor, and in one direction for all.
func TestDisableSelection(t *testing.T) {
	x := newHarness(t, Options{Dir: demo(t), StartOU: "OU=Sales,OU=Corp,DC=corp,DC=example"}, 120, 40)
	x.markUsers("Brian Cole", "Carla Diaz")
	under := x.m.browse.List.Selected().U
	x.key("E")
	for _, sam := range []string{"bcole", "cdiaz"} {
		u := x.stored(sam)
		if c := x.pendingChange(u.DN); c.Enabled != flags.Some(false) || c.Flags.Bits() != 0 {
			t.Errorf("%s: pending %+v", sam, c)
		}
	}
	if x.m.sess.Pending.Get(under.DN) != nil && !x.m.browse.List.Marked(under.DN) {
		t.Errorf("the unselected user under the cursor (%s) was changed", under.Label())
	}
	mustContain(t, x.m.frame.Status, "disable 2 selected users for OCS (Brian Cole, Carla Diaz)")
	// Again: none is enabled any more, and a selection is never re-enabled.
	x.key("E")
	if edits, _ := x.m.sess.Pending.Counts(); edits != 2 || !x.m.frame.StatusErr {
		t.Errorf("second E: %d edits, status %q", edits, x.m.frame.Status)
	}
	mustContain(t, x.m.frame.Status, "E on a selection only disables")
	// u in the list takes back the edit of the user under the cursor.
	x.markUsers() // focus the list
	for i := 0; i < x.m.browse.List.VisibleLen(); i++ {
		if x.m.browse.List.At(i).U.SAMAccountName == "bcole" {
			x.m.browse.List.Cursor = i
		}
	}
	x.key("u")
	if x.m.sess.Pending.Get(x.stored("bcole").DN).HasEdits() || !x.m.sess.Pending.Get(x.stored("cdiaz").DN).HasEdits() {
		t.Error("u in the list did not undo Brian Cole's disable alone")
	}
	mustContain(t, x.m.frame.Status, "undid the last edit of Brian Cole")
}
