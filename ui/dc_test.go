package ui

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/flags"
	"ocsflags/ui/browse"
)

// TestConsoleOnDCTogglesExactlyOneBit drives the console against the Samba
// AD DC: open a user whose value carries undocumented and unknown bits,
// toggle public IM connectivity, review, commit, and re-read over a second
// connection. Only bit 1 may differ; every other msRTCSIP attribute stays.
func TestConsoleOnDCTogglesExactlyOneBit(t *testing.T) {
	dc := dctest.RequireDC(t)
	cfg := directory.LDAPConfig{URL: dc.URL, StartTLS: true, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)}
	ctx := context.Background()
	dial := func() *directory.LDAP {
		d, err := directory.DialLDAP(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	console, check := dial(), dial()

	const who = "lobrien" // 1050881 in the demo: bits 1, 256, 2048 and 2^20
	read := func() directory.User {
		t.Helper()
		us, err := check.Resolve(ctx, who)
		if err != nil || len(us) != 1 {
			t.Fatalf("resolve %s on the DC: %v", who, err)
		}
		return us[0]
	}
	before := read()
	if before.OCS.OptionFlags.V.Unknown() == 0 {
		t.Fatalf("%s has no unknown bits on the DC (%v): the test would prove nothing", who, before.OCS.OptionFlags)
	}

	x := newHarness(t, Options{Dir: console, User: who}, 200, 50)
	if !x.m.browse.Detail.Has {
		t.Fatalf("the console did not open %s: %s", who, x.m.frame.Status)
	}
	x.focusItem(browse.ItBit, flags.PublicIM)
	x.key("space", "c")
	mustContain(t, x.screen(), flags.AttrOptionFlags)
	x.key("enter")
	if x.m.sess.Pending.Get(before.DN) != nil {
		t.Fatalf("the edit is still pending after commit: %s", x.m.frame.Status)
	}
	mustContain(t, x.m.frame.Status, "wrote")

	after := read()
	want := before.OCS
	want.OptionFlags = flags.Some(before.OCS.OptionFlags.V ^ flags.PublicIM)
	if !reflect.DeepEqual(after.OCS, want) {
		t.Errorf("the DC holds\n %+v\nwant\n %+v", after.OCS, want)
	}
	if diff := before.OCS.OptionFlags.V ^ after.OCS.OptionFlags.V; diff != flags.PublicIM {
		t.Errorf("bits changed on the DC: %s, want only 1", flags.Delta{Set: diff})
	}
	// The console shows what the DC now holds.
	mustContain(t, x.screen(), flags.FormatAD(after.OCS.OptionFlags.V))
}

// TestAuditOnDC audits users on the Samba DC without writing: a home server
// that is not a pool, with the pools of both containers offered as the fix,
// and a sign-in name another object holds.
func TestAuditOnDC(t *testing.T) {
	dc := dctest.RequireDC(t)
	d, err := directory.DialLDAP(context.Background(), directory.LDAPConfig{URL: dc.LDAPSURL, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })

	x := newHarness(t, Options{Dir: d, User: "staylor"}, 120, 50)
	x.key("a")
	mustContain(t, x.screen(), "✗ Home server is an existing pool", "✓ Sign-in name is unique in the forest")
	x.focusRule(flags.FindingHomeServerNotAPool)
	x.key("f")
	// ocs2007-se is in the System container (OCS 2007), the others in
	// Configuration; poolr2's CN is a topology id.
	mustContain(t, x.screen(), "ocs2007-se.corp.example", "pool01.corp.example", "poolr2.corp.example")
	x.key("esc", "esc")

	x.run(browse.ResolveUser(context.Background(), d, "alee"))
	x.key("a")
	mustContain(t, x.screen(), "✗ Sign-in name is unique in the forest", `Lee\, Ann`)
	if x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
		t.Error("the audit made an edit by itself")
	}
}

// TestHeaderSaysCleartextOnDC: with the password allowed over plain LDAP
// the header says CLEARTEXT at every width, and not over StartTLS.
func TestHeaderSaysCleartextOnDC(t *testing.T) {
	dc := dctest.RequireDC(t)
	pw := dctest.Password(t, dc.AdminPasswordFile)
	for _, tc := range []struct {
		cfg  directory.LDAPConfig
		want bool
	}{
		{directory.LDAPConfig{URL: dc.URL, Bind: dc.AdminUPN, Password: pw, AllowCleartextPassword: true}, true},
		{directory.LDAPConfig{URL: dc.URL, StartTLS: true, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: pw, AllowCleartextPassword: true}, false},
	} {
		d, err := directory.DialLDAP(context.Background(), tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []int{80, 200} {
			x := newHarness(t, Options{Dir: d}, w, 30)
			header := strings.SplitN(x.screen(), "\n", 2)[0]
			if strings.Contains(header, "CLEARTEXT") != tc.want {
				t.Errorf("StartTLS %v, %d columns: header %q", tc.cfg.StartTLS, w, header)
			}
		}
		d.Close()
	}
}
