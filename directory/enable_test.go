package directory

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"ocsflags/flags"
)

func TestEnableWizard(t *testing.T) {
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	get := func(rel string) User {
		u, err := m.User(ctx, dn(rel))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	poolsList, _ := m.Pools(ctx)
	pools := poolsList.Pools
	var pool Pool
	for _, p := range pools {
		if p.Host == "poolr2.corp.example" {
			pool = p
		}
	}
	users := []User{
		get("CN=Xavier Dupont,OU=Engineering,OU=Corp"),            // can be enabled by mail
		get("CN=Wei Chen,OU=Engineering,OU=Corp"),                 // no mail
		get("CN=Bea Novak,OU=Contractors,OU=Engineering,OU=Corp"), // mail b.novak@
		get("CN=Tom Hardy,OU=Disabled"),                           // re-enable: keeps its address and flags
		get("CN=Uma Shah,OU=Engineering,OU=Corp"),
	}
	// Make Uma's mail collide with an existing sign-in name.
	users[4].Mail = "ipetrov@corp.example"
	plans, err := PlanEnable(ctx, m, users, pool, PatternMail, "corp.example")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ addr, skip string }{
		{"sip:xdupont@corp.example", ""},
		{"", "no e-mail address"},
		{"sip:b.novak@corp.example", ""},
		{"sip:thardy@corp.example", ""},
		{"sip:ipetrov@corp.example", "already the sign-in name of CN=Ivan Petrov"},
	}
	for i, w := range want {
		if plans[i].Address != w.addr || (w.skip == "") != (plans[i].Skip == "") || !strings.Contains(plans[i].Skip, w.skip) {
			t.Errorf("%s: address %q skip %q; want %q / %q", users[i].DN, plans[i].Address, plans[i].Skip, w.addr, w.skip)
		}
	}
	// Two users of the batch forming the same address are both skipped.
	dup, _ := PlanEnable(ctx, m, []User{users[0], users[0]}, pool, PatternSAM, "corp.example")
	if dup[0].Skip == "" || dup[1].Skip == "" {
		t.Errorf("duplicate within the batch not caught: %+v", dup)
	}
	if a, _ := PatternFirstLast.Address(users[2], "corp.example"); a != "sip:bea.novak@corp.example" {
		t.Errorf("first.last = %q", a)
	}
	if a, _ := PatternUPN.Address(users[2], "corp.example"); a != "sip:bea.novak@contractors.corp.example" {
		t.Errorf("upn = %q", a)
	}

	results := ApplyEnable(ctx, m, plans, nil)
	ok := 0
	for _, r := range results {
		if r.Err == nil {
			ok++
		}
	}
	if ok != 3 {
		t.Errorf("%d enabled, want 3: %+v", ok, results)
	}
	pools2 := NewPoolSet(pools)
	for _, rel := range []string{"CN=Xavier Dupont,OU=Engineering,OU=Corp", "CN=Tom Hardy,OU=Disabled"} {
		u := get(rel)
		fs, _ := Audit(ctx, m, u, pools2)
		if !flags.Ready(fs) {
			t.Errorf("%s not ready after enabling: %+v", rel, fs)
		}
	}
	tom := get("CN=Tom Hardy,OU=Disabled")
	if tom.OCS.OptionFlags.V != 385 || tom.OCS.Line.V != "tel:+14255550130" || tom.OCS.Archiving.V != 4 {
		t.Errorf("re-enabling lost settings: %+v", tom.OCS)
	}
	// Disable keeps every other attribute.
	before := get("CN=Ivan Petrov,OU=Sales,OU=Corp")
	_, after, err := Update(ctx, m, before.DN, flags.Change{Enabled: flags.Some(false)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, a := before.OCS.Encode(), after.OCS.Encode()
	if a[flags.AttrUserEnabled] != "FALSE" {
		t.Error("not disabled")
	}
	delete(a, flags.AttrUserEnabled)
	delete(b, flags.AttrUserEnabled)
	for k, v := range b {
		if a[k] != v {
			t.Errorf("disable changed %s: %q -> %q", k, v, a[k])
		}
	}
}

// An address taken between the plan and the write (another admin, another
// tool) is not written: the user is reported, the taker keeps it.
func TestApplyEnableRechecksTheAddress(t *testing.T) {
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	x, err := m.User(ctx, dn("CN=Xavier Dupont,OU=Engineering,OU=Corp"))
	if err != nil {
		t.Fatal(err)
	}
	poolsList, _ := m.Pools(ctx)
	pools := poolsList.Pools
	plans, err := PlanEnable(ctx, m, []User{x}, pools[0], PatternMail, "corp.example")
	if err != nil || plans[0].Skip != "" {
		t.Fatalf("plan %+v, %v", plans, err)
	}
	// Someone gives the address to Ivan Petrov meanwhile.
	iv, _ := m.User(ctx, dn("CN=Ivan Petrov,OU=Sales,OU=Corp"))
	if _, _, err := Update(ctx, m, iv.DN, flags.Change{SIPAddress: flags.Some(plans[0].Address)}, 1); err != nil {
		t.Fatal(err)
	}
	rs := ApplyEnable(ctx, m, plans, nil)
	if rs[0].Err == nil || !strings.Contains(rs[0].Err.Error(), "was taken by CN=Ivan Petrov") {
		t.Fatalf("result %+v", rs[0])
	}
	if after, _ := m.User(ctx, x.DN); !reflect.DeepEqual(after.OCS, x.OCS) {
		t.Errorf("written anyway: %+v", after.OCS)
	}
}

// A value the change sets outright that another writer changed since the
// read is a conflict, never overwritten; bit deltas still rebase.
func TestUpdateFromDoesNotOverwriteAbsoluteValues(t *testing.T) {
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	x, _ := m.User(ctx, dn("CN=Xavier Dupont,OU=Engineering,OU=Corp"))
	poolsList, _ := m.Pools(ctx)
	pools := poolsList.Pools
	plans, err := PlanEnable(ctx, m, []User{x}, pools[0], PatternMail, "corp.example")
	if err != nil || plans[0].Skip != "" {
		t.Fatalf("plan %+v, %v", plans, err)
	}
	// Another admin gives Xavier a sign-in name of their choosing meanwhile.
	if _, _, err := Update(ctx, m, x.DN, flags.Change{SIPAddress: flags.Some("sip:xavier@corp.example")}, 1); err != nil {
		t.Fatal(err)
	}
	rs := ApplyEnable(ctx, m, plans, nil)
	if !errors.Is(rs[0].Err, ErrConflict) {
		t.Fatalf("result %+v, want a conflict", rs[0])
	}
	if got, _ := m.User(ctx, x.DN); got.OCS.SIPAddress.V != "sip:xavier@corp.example" {
		t.Fatalf("the other admin's sign-in name was overwritten: %+v", got.OCS)
	}
	// A delta on a value changed meanwhile still lands on top of it.
	iv, _ := m.User(ctx, dn("CN=Ivan Petrov,OU=Sales,OU=Corp"))
	if _, _, err := Update(ctx, m, iv.DN, flags.Change{Flags: flags.Delta{Clear: flags.PublicIM}}, 1); err != nil {
		t.Fatal(err)
	}
	_, after, err := UpdateFrom(ctx, m, iv, flags.Change{Flags: flags.Delta{Clear: flags.AnonymousParticipants}}, 3)
	if err != nil || after.OCS.OptionFlags.V != iv.OCS.OptionFlags.V&^flags.PublicIM&^flags.AnonymousParticipants {
		t.Fatalf("rebase of a delta: %v, %+v", err, after.OCS.OptionFlags)
	}
}
