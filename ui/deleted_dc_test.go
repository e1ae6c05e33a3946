package ui

import (
	"context"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// On the Samba DC, a user homed on a pool that was then deleted: the detail
// and the audit say "a pool that was deleted", and the audit's fix (a pool
// from the picker, committed) repairs it.
func TestConsoleOnDCRepairsDeletedPool(t *testing.T) {
	dc := dctest.RequireDC(t)
	admin := dctest.Admin(t, dc)
	dn := dctest.DeletedPoolUser(t, admin, dc, "fzdel-"+dctest.Unique())
	d, err := directory.DialLDAP(context.Background(), directory.LDAPConfig{URL: dc.LDAPSURL, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })

	x := newHarness(t, Options{Dir: d, User: dn}, 200, 50)
	if !x.m.browse.Detail.Has {
		t.Fatalf("the console did not open %s: %s", dn, x.m.frame.Status)
	}
	mustContain(t, x.screen(), "✗ a pool that was deleted")
	x.key("a")
	scr := x.screen()
	mustContain(t, scr, "✗ Home server is an existing pool", "a pool that was deleted")
	if strings.Contains(scr, "DEL:") {
		t.Errorf("the audit shows the raw Deleted Objects DN:\n%s", scr)
	}
	x.focusRule(flags.FindingHomeServerNotAPool)
	x.key("f")
	x.pick("pool01.corp.example")
	x.key("c", "enter")
	if x.m.sess.Pending.Get(dn) != nil {
		t.Fatalf("the fix is still pending after commit: %s\n%s", x.m.frame.Status, x.screen())
	}
	got, err := d.User(context.Background(), dn)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.OCS.HomeServer.V, "CN=pool01,") {
		t.Errorf("home server after the fix: %q (status %q)", got.OCS.HomeServer.V, x.m.frame.Status)
	}
}

// The Enable Users wizard repairs a user homed on a pool that was deleted:
// it is not "already enabled on a pool", and the write matches the Deleted
// Objects reference by GUID.
func TestEnableWizardOnDCRepairsDeletedPool(t *testing.T) {
	dc := dctest.RequireDC(t)
	admin := dctest.Admin(t, dc)
	sam := "fzdel-" + dctest.Unique()
	dn := dctest.DeletedPoolUser(t, admin, dc, sam)
	d, err := directory.DialLDAP(context.Background(), directory.LDAPConfig{URL: dc.LDAPSURL, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })

	x := newHarness(t, Options{Dir: d, User: dn}, 200, 50)
	x.markUsers(sam)
	x.wizardTo("pool01.corp.example", directory.PatternMail)
	mustContain(t, x.screen(), "Preview: 1 can be enabled, 0 skipped")
	x.plan()
	x.key("y")
	mustContain(t, x.screen(), "Done: 1 enabled, 0 skipped, 0 failed")
	got, err := d.User(context.Background(), dn)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.OCS.HomeServer.V, "CN=pool01,") || !got.OCS.Enabled.Or(false) {
		t.Errorf("after the wizard: %+v", got.OCS)
	}
}
