package directory

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// The bulk repair on the DC: in an OU where some users' home servers are
// broken (missing, not a pool, a pool since deleted), exactly those users
// get the pool, their other settings (reserved and unknown bits included)
// untouched, and nothing else in the OU changes; a rerun is all
// "unchanged".
func TestBulkDCRepairHomeServers(t *testing.T) {
	env := requireDC(t)
	admin := dctest.Admin(t, env.DC)
	ctx := context.Background()
	u := dctest.Unique()
	ou := dctest.OU(t, admin, env.DC, "BulkRepair")
	_, working := dctest.Pool(t, admin, env.DC, "bw"+u)
	targetDN, target := dctest.Pool(t, admin, env.DC, "bt"+u)
	gonePool, gone := dctest.Pool(t, admin, env.DC, "bg"+u)
	users := map[string]string{
		"ok":      dctest.OUUser(t, admin, ou, "bok"+u, working, "257"),
		"missing": dctest.OUUser(t, admin, ou, "bmis"+u, "", "256"),
		"notpool": dctest.OUUser(t, admin, ou, "bnp"+u, ou, "2342"), // reserved 2, 4 and 32, unknown 2048
		"deleted": dctest.OUUser(t, admin, ou, "bdel"+u, gone, "385"),
	}
	if err := dctest.DeleteTree(admin, gonePool); err != nil {
		t.Fatal(err)
	}
	l := dialDC(t, LDAPConfig{URL: env.LDAPSURL, CACertFile: env.CACert, Bind: env.AdminUPN, Password: env.AdminPassword})
	j, err := NewJournaled(l, filepath.Join(t.TempDir(), "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]User{}
	for k, dn := range users {
		if before[k], err = l.User(ctx, dn); err != nil {
			t.Fatal(err)
		}
	}
	if !flags.IsDeletedReference(before["deleted"].OCS.HomeServer.V) {
		t.Fatalf("the deleted pool's user reads %q", before["deleted"].OCS.HomeServer.V)
	}
	req := BulkRequest{Select: BulkSelection{OU: ou, Scope: Subtree},
		Where:  homeRepair(flags.FindingNoHomeServer, flags.FindingHomeServerNotAPool),
		Change: flags.Change{HomeServer: flags.Some(target)}}
	p, err := PlanBulk(ctx, j, req)
	if err != nil {
		t.Fatal(err)
	}
	if p.Read != 4 || p.Selected != 3 || p.Count(BulkWrite) != 3 {
		t.Fatalf("read %d, selected %d, %d to write: %+v", p.Read, p.Selected, p.Count(BulkWrite), p.Items)
	}
	rep := ApplyBulk(ctx, j, p, BulkOptions{Parallel: 3})
	if !rep.Done() || rep.Count(BulkWritten) != 3 {
		for _, r := range rep.Results {
			t.Logf("%s: %s %s", r.DN, r.Outcome, r.Reason())
		}
		t.Fatal("not every broken user was repaired")
	}
	for k, dn := range users {
		got, err := l.User(ctx, dn)
		if err != nil {
			t.Fatal(err)
		}
		edits := flags.Edits(before[k].OCS, got.OCS)
		if k == "ok" {
			if len(edits) != 0 {
				t.Errorf("the user on a working pool changed: %v", edits)
			}
			continue
		}
		if len(edits) != 1 || edits[0].Attr != flags.AttrPrimaryHomeServer || !SameDN(got.OCS.HomeServer.V, target) {
			t.Errorf("%s: %v, want only the home server set to %s", k, edits, targetDN)
		}
	}
	// The same command again changes nothing: all three are there.
	p, err = PlanBulk(ctx, j, BulkRequest{Select: req.Select, Change: req.Change})
	if err != nil {
		t.Fatal(err)
	}
	if p.Count(BulkUnchanged) != 3 || p.Count(BulkSkipped) != 1 || p.Count(BulkWrite) != 0 {
		t.Fatalf("rerun without --where: %d unchanged, %d skipped, %d to write", p.Count(BulkUnchanged), p.Count(BulkSkipped), p.Count(BulkWrite))
	}
	for _, it := range p.Items {
		if it.Outcome == BulkSkipped && (it.Refusal.Rule != RuleWorkingPool || !SameDN(it.User.DN, users["ok"])) {
			t.Errorf("skipped %s: %+v", it.User.DN, it.Refusal)
		}
	}
}

// A list of users on the DC, resolved in one pass; a user another admin
// changes between the plan and the write gets this run's delta on top of
// theirs; a run stopped after some writes leaves every written user
// journaled and the others untouched.
func TestBulkDCListConflictAndStop(t *testing.T) {
	env := requireDC(t)
	admin := dctest.Admin(t, env.DC)
	ctx := context.Background()
	u := dctest.Unique()
	ou := dctest.OU(t, admin, env.DC, "BulkList")
	_, home := dctest.Pool(t, admin, env.DC, "bl"+u)
	var dns []string
	for i := range 12 {
		dns = append(dns, dctest.OUUser(t, admin, ou, fmt.Sprintf("bl%s%02d", u, i), home, "256"))
	}
	l := dialDC(t, LDAPConfig{URL: env.LDAPSURL, CACertFile: env.CACert, Bind: env.AdminUPN, Password: env.AdminPassword})

	ids := []string{dns[0], fmt.Sprintf("bl%s01", u), fmt.Sprintf("sip:bl%s02@corp.example", u), fmt.Sprintf("bl%s03@corp.example", u), "nosuch" + u}
	found, err := ResolveMany(ctx, l, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if len(found[i]) != 1 || !SameDN(found[i][0].DN, dns[i]) {
			t.Errorf("%q resolved to %v", ids[i], found[i])
		}
	}
	if len(found[4]) != 0 {
		t.Errorf("an unknown name resolved to %v", found[4])
	}

	// The rival sets 64 on the first user after the plan read it.
	p, err := PlanBulk(ctx, l, BulkRequest{Select: BulkSelection{IDs: ids[:4]}, Change: pic()})
	if err != nil {
		t.Fatal(err)
	}
	mod := ldap.NewModifyRequest(dns[0], nil)
	mod.Replace("msRTCSIP-OptionFlags", []string{"320"})
	if err := admin.Modify(mod); err != nil {
		t.Fatal(err)
	}
	rep := ApplyBulk(ctx, l, p, BulkOptions{})
	if !rep.Done() || rep.Results[0].Attempts != 2 || len(rep.Results[0].Others) != 1 {
		t.Fatalf("results %+v", rep.Results)
	}
	if got, _ := l.User(ctx, dns[0]); got.OCS.OptionFlags.V != 321 {
		t.Fatalf("OptionFlags %d, want 321: the other admin's 64 and this run's 1", got.OCS.OptionFlags.V)
	}

	// Stopped after 5 writes of the 8 left, two at a time.
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := NewJournaled(l, path)
	if err != nil {
		t.Fatal(err)
	}
	p, err = PlanBulk(ctx, j, BulkRequest{Select: BulkSelection{OU: ou}, Change: pic()})
	if err != nil {
		t.Fatal(err)
	}
	if p.Count(BulkWrite) != 8 || p.Count(BulkUnchanged) != 4 {
		t.Fatalf("%d to write, %d unchanged", p.Count(BulkWrite), p.Count(BulkUnchanged))
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &stopAfter{Directory: j, n: 5, cancel: cancel}
	rep = ApplyBulk(sctx, s, p, BulkOptions{Parallel: 2})
	written := rep.Count(BulkWritten)
	if !rep.Stopped || written < 5 || written > 7 {
		t.Fatalf("stopped %v, %d written", rep.Stopped, written)
	}
	entries, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	journaled := map[string]bool{}
	for _, e := range entries {
		if e.Run == rep.Run && e.Phase == PhaseOutcome && e.Outcome == JournalWritten {
			journaled[NormDN(e.DN)] = true
		}
	}
	for _, r := range rep.Results {
		got, _ := l.User(ctx, r.DN)
		switch {
		case r.Outcome == BulkWritten:
			if !journaled[NormDN(r.DN)] || got.OCS.OptionFlags.V != 257 {
				t.Errorf("%s written: journaled %v, OptionFlags %d", r.DN, journaled[NormDN(r.DN)], got.OCS.OptionFlags.V)
			}
		case r.Outcome == BulkSkipped:
			if journaled[NormDN(r.DN)] || got.OCS.OptionFlags.V != 256 {
				t.Errorf("%s not written: journaled %v, OptionFlags %d", r.DN, journaled[NormDN(r.DN)], got.OCS.OptionFlags.V)
			}
		}
	}
}
