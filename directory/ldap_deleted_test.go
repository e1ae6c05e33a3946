package directory

import (
	"context"
	"strings"
	"testing"

	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

func TestSplitExtendedDN(t *testing.T) {
	for _, tc := range []struct{ in, guid, dn string }{
		{"<GUID=ed0b0e86-071c-490a-af59-f3ba1e405b7a>;CN=LC Services\\0ADEL:ed0b0e86-071c-490a-af59-f3ba1e405b7a,CN=Deleted Objects,CN=Configuration,DC=corp,DC=example",
			"ed0b0e86-071c-490a-af59-f3ba1e405b7a", "CN=LC Services\\0ADEL:ed0b0e86-071c-490a-af59-f3ba1e405b7a,CN=Deleted Objects,CN=Configuration,DC=corp,DC=example"},
		{"<GUID=1d60>;<SID=S-1-5-21-1-2-3-500>;CN=Ann,CN=Users,DC=corp,DC=example", "1d60", "CN=Ann,CN=Users,DC=corp,DC=example"},
		{"<SID=S-1-5-21-1>;<GUID=ab>;CN=x", "ab", "CN=x"},
		{"<GUID=ab>", "ab", ""},
		{"CN=plain,DC=corp", "", "CN=plain,DC=corp"},
		{"<GUID=ab", "", "<GUID=ab"},
		{"<GUIDab>;CN=x", "", "<GUIDab>;CN=x"},
		{"<GUID=ab>CN=x", "", "<GUID=ab>CN=x"},
		{"", "", ""},
	} {
		g, d := splitExtendedDN(tc.in)
		if g != tc.guid || d != tc.dn {
			t.Errorf("splitExtendedDN(%q) = %q, %q; want %q, %q", tc.in, g, d, tc.guid, tc.dn)
		}
	}
}

// A home server whose pool was deleted reads as a Deleted Objects DN that a
// modify deleting that text never matches. The console's fix (Apply of the
// read value), set pool= (Update) and the wizard (ApplyEnable) all repair it,
// because the compare-and-swap deletes the value by its GUID.
func TestLDAPSambaRepairsHomeServerOfDeletedPool(t *testing.T) {
	env := requireDC(t)
	admin := dctest.Admin(t, env.DC)
	l := dialDC(t, LDAPConfig{URL: env.LDAPSURL, CACertFile: env.CACert, Bind: env.AdminUPN, Password: env.AdminPassword})
	ctx := context.Background()
	poolsList, err := l.Pools(ctx)
	pools := poolsList.Pools
	if err != nil {
		t.Fatal(err)
	}
	var target Pool
	for _, p := range pools {
		if p.Host == "pool01.corp.example" {
			target = p
		}
	}
	if target.DN == "" {
		t.Fatalf("no pool01 among %+v", pools)
	}
	repair := map[string]func(u User) error{
		"fix": func(u User) error {
			_, err := l.Apply(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{{Attr: flags.AttrPrimaryHomeServer, Old: u.OCS.HomeServer, New: flags.Some(target.HomeServerDN)}}})
			return err
		},
		"set": func(u User) error {
			_, _, err := Update(ctx, l, u.DN, flags.Change{HomeServer: flags.Some(target.HomeServerDN)}, 3)
			return err
		},
		"wizard": func(u User) error {
			plans, err := PlanEnable(ctx, l, []User{u}, target, PatternMail, "corp.example")
			if err != nil {
				return err
			}
			return ApplyEnable(ctx, l, plans, nil)[0].Err
		},
	}
	for name, fix := range repair {
		t.Run(name, func(t *testing.T) {
			dn := dctest.DeletedPoolUser(t, admin, env.DC, "fzdel-"+dctest.Unique())
			u, err := l.User(ctx, dn)
			if err != nil {
				t.Fatal(err)
			}
			if !flags.IsDeletedReference(u.OCS.HomeServer.V) {
				t.Fatalf("home server %q is not a Deleted Objects reference: the test would prove nothing", u.OCS.HomeServer.V)
			}
			fs, err := Audit(ctx, l, u, NewPoolSetFrom(poolsList))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range fs {
				if f.ID == flags.FindingHomeServerNotAPool && strings.Contains(f.Problem, "a pool that was deleted") {
					found = true
				}
			}
			if !found {
				t.Errorf("audit findings %+v do not name a pool that was deleted", fs)
			}
			if err := fix(u); err != nil {
				t.Fatalf("repair: %v", err)
			}
			got, err := l.User(ctx, dn)
			if err != nil {
				t.Fatal(err)
			}
			if !SameDN(got.OCS.HomeServer.V, target.HomeServerDN) {
				t.Errorf("home server after the repair: %q", got.OCS.HomeServer.V)
			}
		})
	}
	t.Run("still a compare-and-swap", func(t *testing.T) {
		// Another writer moved the user on: the value read no longer holds,
		// and the GUID path must not overwrite theirs.
		dn := dctest.DeletedPoolUser(t, admin, env.DC, "fzdel-"+dctest.Unique())
		u, err := l.User(ctx, dn)
		if err != nil {
			t.Fatal(err)
		}
		other := HomeServerPrefix + "CN=2:1,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration," + env.Base
		if _, err := l.Apply(ctx, Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrPrimaryHomeServer, Old: u.OCS.HomeServer, New: flags.Some(other)}}}); err != nil {
			t.Fatal(err)
		}
		_, err = l.Apply(ctx, Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrPrimaryHomeServer, Old: u.OCS.HomeServer, New: flags.Some(target.HomeServerDN)}}})
		if ce, ok := err.(*ConflictError); !ok || !SameDN(ce.Current.OCS.HomeServer.V, other) {
			t.Fatalf("a write from a stale read: %v, want a conflict showing %s", err, other)
		}
	})
}

// The parser never invents a GUID: whatever it returns re-forms the input.
func FuzzSplitExtendedDN(f *testing.F) {
	for _, s := range []string{"<GUID=ab>;<SID=S-1>;CN=x", "<GUID=ab>", "CN=x", "<", "<a=b>;", "<GUID=>;CN=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, d := splitExtendedDN(s)
		if g != "" && !strings.Contains(s, "<GUID="+g+">") && !strings.Contains(strings.ToUpper(s), "<GUID="+strings.ToUpper(g)+">") {
			t.Fatalf("%q: GUID %q is not in the input", s, g)
		}
		if !strings.HasSuffix(s, d) {
			t.Fatalf("%q: dn %q is not the tail of the input", s, d)
		}
	})
}

// An account that may not read a pool object (a helpdesk login) is told
// the pool cannot be read with that account, never that the home server
// is not a pool; an admin sees a ready user.
func TestLDAPSambaPoolUnreadableForNonAdmin(t *testing.T) {
	env := requireDC(t)
	admin := dctest.Admin(t, env.DC)
	ctx := context.Background()
	name := "fzacl-" + dctest.Unique()
	poolDN, home := dctest.Pool(t, admin, env.DC, name)
	who := dctest.SID(t, admin, env.UserDN)
	dctest.DenyRead(t, admin, poolDN, who, who[:strings.LastIndex(who, "-")])
	dn := dctest.User(t, admin, env.DC, name, home)

	helpdesk := dialDC(t, LDAPConfig{URL: env.LDAPSURL, CACertFile: env.CACert, Bind: env.UserUPN, Password: env.UserPassword})
	list, err := helpdesk.Pools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pools := NewPoolSetFrom(list)
	if pools.IsPool(home) {
		t.Fatalf("%s can read the pool it was denied: the test would prove nothing", env.UserUPN)
	}
	u, err := helpdesk.User(ctx, dn)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Audit(ctx, helpdesk, u, pools)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].ID != flags.FindingHomeServerUnchecked || !strings.Contains(fs[0].Problem, "cannot read the pool") || !strings.Contains(fs[0].Problem, env.UserUPN) {
		t.Errorf("as %s: %+v; want only that the pool cannot be read with this account", env.UserUPN, fs)
	}

	l := dialDC(t, LDAPConfig{URL: env.LDAPSURL, CACertFile: env.CACert, Bind: env.AdminUPN, Password: env.AdminPassword})
	alist, err := l.Pools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fs, err := Audit(ctx, l, u, NewPoolSetFrom(alist)); err != nil || len(fs) != 0 {
		t.Errorf("as the admin: %v, %+v; want ready", err, fs)
	}
}
