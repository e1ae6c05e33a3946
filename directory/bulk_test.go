package directory

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"ocsflags/flags"
)

func pic() flags.Change { return flags.Change{Flags: flags.Delta{Set: flags.PublicIM}} }

func demo(t *testing.T) *Memory {
	t.Helper()
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// staffWant is what +pic must leave on each Staff user: its value as read
// with bit 1 added, untouched where it had no OptionFlags only in that 1
// is now stored.
func planOrFail(t *testing.T, d Directory, r BulkRequest) *BulkPlan {
	t.Helper()
	p, err := PlanBulk(context.Background(), d, r)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBulkOUPlanApplyRerun(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	before := map[string]User{}
	m.Users(ctx, StaffOU, OneLevel, func(b Batch) error {
		for _, u := range b.Users {
			before[u.DN] = u
		}
		return nil
	})
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{OU: StaffOU}, Change: pic()})
	if p.Read != StaffCount || len(p.Items) != StaffCount {
		t.Fatalf("read %d, planned %d; want %d", p.Read, len(p.Items), StaffCount)
	}
	writes, unchanged, skipped := p.Count(BulkWrite), p.Count(BulkUnchanged), p.Count(BulkSkipped)
	if writes == 0 || unchanged == 0 || skipped == 0 || writes+unchanged+skipped != StaffCount {
		t.Fatalf("plan: %d write, %d unchanged, %d skipped", writes, unchanged, skipped)
	}
	notEnabled := map[string]bool{}
	for _, it := range p.Items {
		had := it.User.OCS.OptionFlags
		hasPIC := had.Set && had.V.Has(flags.PublicIM)
		// A user never enabled for OCS is left alone by a batch (as OCS's
		// Configure Users does), unless it holds the setting already.
		off := !it.User.OCS.Enabled.Or(false) && !hasPIC
		if off {
			notEnabled[it.User.DN] = true
		}
		if (it.Outcome == BulkUnchanged) != hasPIC || (it.Outcome == BulkSkipped) != off ||
			off && it.Refusal.Rule != RuleNotEnabled {
			t.Errorf("%s: %s with OptionFlags %v, enabled %v", it.User.DN, it.Outcome, had, it.User.OCS.Enabled)
		}
	}
	if m.Applied() != 0 {
		t.Fatalf("planning wrote %d changes", m.Applied())
	}
	var mu sync.Mutex
	calls := 0
	rep := ApplyBulk(ctx, m, p, BulkOptions{Parallel: 4, Progress: func(r BulkResult, done, total int) {
		mu.Lock()
		calls++
		mu.Unlock()
		if done != calls || total != StaffCount {
			t.Errorf("progress %d/%d after %d calls", done, total, calls)
		}
	}})
	if calls != StaffCount || rep.Count(BulkWritten) != writes || rep.Count(BulkUnchanged) != unchanged || rep.Count(BulkSkipped) != skipped || rep.Done() || rep.Run == "" {
		t.Fatalf("report: %d calls, %d written, %d unchanged, %d skipped, done %v, run %q", calls, rep.Count(BulkWritten), rep.Count(BulkUnchanged), rep.Count(BulkSkipped), rep.Done(), rep.Run)
	}
	for dn, u := range before {
		got, err := m.User(ctx, dn)
		if err != nil {
			t.Fatal(err)
		}
		if notEnabled[dn] {
			if len(flags.Edits(u.OCS, got.OCS)) != 0 {
				t.Fatalf("%s, not enabled for OCS, was written: %v", dn, flags.Edits(u.OCS, got.OCS))
			}
			continue
		}
		want := u.OCS.OptionFlags.V | flags.PublicIM
		if !got.OCS.OptionFlags.Set || got.OCS.OptionFlags.V != want {
			t.Fatalf("%s: OptionFlags %v, want %d", dn, got.OCS.OptionFlags, want)
		}
		u.OCS.OptionFlags, got.OCS.OptionFlags = flags.Opt[flags.Value]{}, flags.Opt[flags.Value]{}
		if !slices.Equal(flags.Edits(u.OCS, got.OCS), nil) {
			t.Fatalf("%s: +pic changed more: %v", dn, flags.Edits(u.OCS, got.OCS))
		}
	}
	// The same command again: everyone is already there.
	again := ApplyBulk(ctx, m, planOrFail(t, m, BulkRequest{Select: BulkSelection{OU: StaffOU}, Change: pic()}), BulkOptions{})
	if again.Count(BulkUnchanged) != StaffCount-skipped || again.Count(BulkSkipped) != skipped {
		t.Fatalf("rerun: %d unchanged, %d skipped of %d", again.Count(BulkUnchanged), again.Count(BulkSkipped), StaffCount)
	}
}

func TestBulkSubtreeAndList(t *testing.T) {
	m := demo(t)
	one := planOrFail(t, m, BulkRequest{Select: BulkSelection{OU: "OU=Corp,DC=corp,DC=example"}, Change: pic()})
	sub := planOrFail(t, m, BulkRequest{Select: BulkSelection{OU: "OU=Corp,DC=corp,DC=example", Scope: Subtree}, Change: pic()})
	if one.Read >= sub.Read || sub.Read < StaffCount {
		t.Fatalf("one level read %d, subtree %d", one.Read, sub.Read)
	}
	// Every kind of identifier, a duplicate line, and the order kept.
	ids := []string{"alee", "sip:bcole@corp.example", "CN=Carla Diaz,OU=Sales,OU=Corp,DC=corp,DC=example", "alee", "bcole@corp.example"}
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: ids}, Change: pic()})
	var got []string
	for _, it := range p.Items {
		got = append(got, it.User.SAMAccountName)
	}
	if !slices.Equal(got, []string{"alee", "bcole", "cdiaz"}) {
		t.Fatalf("list planned %v", got)
	}
	_, err := PlanBulk(context.Background(), m, BulkRequest{Select: BulkSelection{IDs: []string{"alee", "nosuchuser", "Ann Lee"}}, Change: pic()})
	var ue *UnresolvedError
	if !errors.As(err, &ue) || len(ue.Problems) < 1 || ue.Problems[0].Index != 1 {
		t.Fatalf("unknown name: %v", err)
	}
	if m.Applied() != 0 {
		t.Fatal("planning wrote")
	}
}

func TestResolveManyAgreesWithResolve(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	ids := []string{"alee", "ALEE", "sip:alee@corp.example", "alee@corp.example", "Ann Lee", "Lee, Ann", "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example",
		"nobody", "Aaron Adams 0001", "aadams0001"}
	many, err := ResolveMany(ctx, m, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		one, err := m.Resolve(ctx, id)
		if err != nil && !errors.Is(err, ErrNoSuchObject) && id != "" {
			t.Fatal(err)
		}
		var a, b []string
		for _, u := range one {
			a = append(a, u.DN)
		}
		for _, u := range many[i] {
			b = append(b, u.DN)
		}
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%q: Resolve %v, ResolveMany %v", id, a, b)
		}
	}
}

// homeRepair is the bulk repair's selection: the users whose home server
// is not a pool (or a deleted one), or who have none.
func homeRepair(ids ...string) Where {
	return WhereFunc(func(u User, a *Auditor) bool {
		for _, f := range flags.Audit(a.Input(u)) {
			if slices.Contains(ids, f.ID) {
				return true
			}
		}
		return false
	})
}

func TestBulkRepairHomeServers(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	pl, _ := m.Pools(ctx)
	target := pl.Pools[0]
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{OU: "DC=corp,DC=example", Scope: Subtree},
		Where:  homeRepair(flags.FindingHomeServerNotAPool),
		Change: flags.Change{HomeServer: flags.Some(target.HomeServerDN)}})
	if p.Selected == 0 || p.Selected >= p.Read {
		t.Fatalf("selected %d of %d", p.Selected, p.Read)
	}
	ps := NewPoolSetFrom(pl)
	for _, it := range p.Items {
		if h := it.User.OCS.HomeServer; h.Set && ps.IsPool(h.V) {
			t.Errorf("%s is on a working pool and was selected", it.User.DN)
		}
		if it.Outcome != BulkWrite {
			t.Errorf("%s: %s %v", it.User.DN, it.Outcome, it.Refusal)
		}
	}
	rep := ApplyBulk(ctx, m, p, BulkOptions{})
	if !rep.Done() {
		t.Fatalf("not done: %+v", rep.Results)
	}
	for _, r := range rep.Results {
		u, _ := m.User(ctx, r.DN)
		if !SameDN(u.OCS.HomeServer.V, target.HomeServerDN) {
			t.Errorf("%s: home server %v", r.DN, u.OCS.HomeServer)
		}
	}
	// Without --where, a user on a working pool is skipped with the reason.
	all := planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{"alee"}},
		Change: flags.Change{HomeServer: flags.Some(pl.Pools[1].HomeServerDN)}})
	if it := all.Items[0]; it.Outcome != BulkSkipped || it.Refusal.Rule != RuleWorkingPool {
		t.Fatalf("alee on a working pool: %s %+v", it.Outcome, it.Refusal)
	}
}

// rival is another admin: before the nth write of the run reaches the
// directory, it changes that user itself.
type rival struct {
	*Memory
	n      int32
	calls  atomic.Int32
	change func(u User) Change
}

// flagsRival is a rival whose write, just before our first, sets the
// user's OptionFlags to what to makes of the stored value.
func flagsRival(m *Memory, to func(flags.Value) flags.Value) *rival {
	return &rival{Memory: m, n: 1, change: func(u User) Change {
		v := u.OCS.OptionFlags.V
		return Change{DN: u.DN, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags,
			Old: flags.Some(flags.FormatAD(v)), New: flags.Some(flags.FormatAD(to(v)))}}}
	}}
}

func (r *rival) Apply(ctx context.Context, c Change) (User, error) {
	if r.calls.Add(1) == r.n {
		u, _ := r.Memory.User(ctx, c.DN)
		if _, err := r.Memory.Apply(ctx, r.change(u)); err != nil {
			panic(err)
		}
	}
	return r.Memory.Apply(ctx, c)
}

func TestBulkConflictReappliesDelta(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	dn := "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example"
	// Unknown and reserved bits (2, 32, 2048) on the user, kept by all.
	u, _ := m.User(ctx, dn)
	if _, err := m.Apply(ctx, Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags,
		Old: flags.Some(flags.FormatAD(u.OCS.OptionFlags.V)), New: flags.Some("2342")}}}); err != nil { // 2048+256+32+4+2
		t.Fatal(err)
	}
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{dn}}, Change: pic()})
	r := flagsRival(m, func(v flags.Value) flags.Value { return v | flags.AnonymousParticipants })
	rep := ApplyBulk(ctx, r, p, BulkOptions{})
	res := rep.Results[0]
	if res.Outcome != BulkWritten || res.Attempts != 2 || len(res.Others) != 1 {
		t.Fatalf("result %+v", res)
	}
	got, _ := m.User(ctx, dn)
	if want := flags.Value(2342) | flags.AnonymousParticipants | flags.PublicIM; got.OCS.OptionFlags.V != want {
		t.Fatalf("OptionFlags %d, want %d (the rival's 64, our 1, the reserved and unknown bits)", got.OCS.OptionFlags.V, want)
	}

	// A value set outright (the home server) that another writer changed
	// is theirs: a conflict, not overwritten.
	pl, _ := m.Pools(ctx)
	bad := "CN=Xavier Dupont,OU=Engineering,OU=Corp,DC=corp,DC=example"
	bu, _ := m.User(ctx, bad)
	// Xavier is not enabled for OCS, which a batch leaves alone: enable him.
	on := bu.OCS
	on.Enabled = flags.Some(true)
	bu, err := m.Apply(ctx, Change{DN: bad, Edits: flags.Edits(bu.OCS, on)})
	if err != nil {
		t.Fatal(err)
	}
	p = planOrFail(t, m, BulkRequest{Select: BulkSelection{Users: []User{bu}}, Change: flags.Change{HomeServer: flags.Some(pl.Pools[0].HomeServerDN)}})
	if p.Items[0].Outcome != BulkWrite {
		t.Fatalf("plan for %s: %s %+v", bad, p.Items[0].Outcome, p.Items[0].Refusal)
	}
	theirs := pl.Pools[1].HomeServerDN
	r = &rival{Memory: m, n: 1, change: func(u User) Change {
		return Change{DN: u.DN, Edits: []flags.AttrEdit{{Attr: flags.AttrPrimaryHomeServer, Old: u.OCS.HomeServer, New: flags.Some(theirs)}}}
	}}
	rep = ApplyBulk(ctx, r, p, BulkOptions{})
	if rep.Results[0].Outcome != BulkConflict || rep.Done() {
		t.Fatalf("result %+v", rep.Results[0])
	}
	if got, _ := m.User(ctx, bad); !SameDN(got.OCS.HomeServer.V, theirs) {
		t.Fatalf("the other writer's home server was overwritten: %v", got.OCS.HomeServer)
	}
}

// stopAfter cancels the run once n writes have been applied.
type stopAfter struct {
	Directory
	n      int32
	calls  atomic.Int32
	cancel context.CancelFunc
}

func (s *stopAfter) Apply(ctx context.Context, c Change) (User, error) {
	u, err := s.Directory.Apply(ctx, c)
	if s.calls.Add(1) == s.n {
		s.cancel()
	}
	return u, err
}

func TestBulkStopLeavesRestUntouched(t *testing.T) {
	m := demo(t)
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := NewJournaled(m, path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{OU: StaffOU}, Change: pic()})
	s := &stopAfter{Directory: j, n: 50, cancel: cancel}
	rep := ApplyBulk(ctx, s, p, BulkOptions{Parallel: 4})
	if !rep.Stopped {
		t.Fatal("not stopped")
	}
	written := rep.Count(BulkWritten)
	// The writes in flight when it stopped finish: at most one each more.
	if written < 50 || written > 50+4 || int(s.calls.Load()) != written {
		t.Fatalf("%d written, %d applied", written, s.calls.Load())
	}
	entries, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	journaled := map[string]bool{}
	for _, e := range entries {
		if e.Run != rep.Run {
			t.Fatalf("journal line of run %q, want %q", e.Run, rep.Run)
		}
		if e.Phase == PhaseOutcome && e.Outcome == JournalWritten {
			journaled[e.DN] = true
		}
	}
	ctx2 := context.Background()
	for i, r := range rep.Results {
		u, _ := m.User(ctx2, r.DN)
		before := p.Items[i].User
		switch r.Outcome {
		case BulkWritten:
			if !journaled[r.DN] {
				t.Errorf("%s written, not journaled", r.DN)
			}
		case BulkSkipped:
			if r.Refusal.Rule != RuleStopped && (p.Items[i].Outcome != BulkSkipped || r.Refusal.Rule != RuleNotEnabled) {
				t.Errorf("%s skipped: %v", r.DN, r.Refusal)
			}
			if len(flags.Edits(before.OCS, u.OCS)) != 0 || journaled[r.DN] {
				t.Errorf("%s not written, but changed or journaled", r.DN)
			}
		}
	}
	if len(journaled) != written {
		t.Fatalf("%d users journaled written, %d written", len(journaled), written)
	}
}

func TestBulkPendingAndRules(t *testing.T) {
	m := demo(t)
	// The console's users with edits of their own are skipped; clearing
	// enhanced presence is refused for everyone by the write rules, one
	// rule for every surface.
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{"alee", "bcole"}}, Change: pic(),
		Pending: func(dn string) bool { return strings.HasPrefix(dn, "CN=Ann Lee,") }})
	if p.Items[0].Outcome != BulkSkipped || p.Items[0].Refusal.Rule != RulePending || p.Items[1].Outcome == BulkSkipped {
		t.Fatalf("pending: %+v", p.Items)
	}
	p = planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{"alee"}}, Change: flags.Change{Flags: flags.Delta{Clear: flags.EnhancedPresence}}})
	if it := p.Items[0]; it.Outcome != BulkSkipped || it.Refusal.Rule != RuleEnhancedPresence {
		t.Fatalf("-ep: %+v", it)
	}
	// Telephony as a radio option: an inconsistent user is refused.
	p = planOrFail(t, m, BulkRequest{Select: BulkSelection{OU: "DC=corp,DC=example", Scope: Subtree}, Change: flags.Change{Flags: flags.Delta{Set: flags.RemoteCallControl}}})
	if p.Count(BulkSkipped) == 0 {
		t.Fatal("+rcc alone refused nobody")
	}
}

// The console's "pool for broken home servers": only the users whose home
// server is missing or broken get it; the others get the rest of the change.
func TestBulkRepairHomeOnlyWhereBroken(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	pl, _ := m.Pools(ctx)
	var target Pool
	for _, p := range pl.Pools {
		if p.Host == "poolr2.corp.example" {
			target = p
		}
	}
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{"alee", "staylor", "ralvarez"}}, Change: pic(), RepairHome: target.HomeServerDN})
	rep := ApplyBulk(ctx, m, p, BulkOptions{})
	for _, r := range rep.Results {
		u, _ := m.User(ctx, r.DN)
		moved := SameDN(u.OCS.HomeServer.V, target.HomeServerDN)
		if r.Outcome != BulkWritten || !u.OCS.OptionFlags.V.Has(flags.PublicIM) || moved != (u.SAMAccountName != "alee") {
			t.Errorf("%s: %s, OptionFlags %d, home %s", u.SAMAccountName, r.Outcome, u.OCS.OptionFlags.V, u.OCS.HomeServer.V)
		}
		if r.After.DN == "" {
			t.Errorf("%s: the user as stored is not in the result", r.DN)
		}
	}
}

// countSIP counts the reads of every sign-in name.
type countSIP struct {
	*Memory
	reads atomic.Int32
}

func (c *countSIP) SIPAddresses(ctx context.Context, only []string, fn func(value, dn string) error) error {
	c.reads.Add(1)
	return c.Memory.SIPAddresses(ctx, only, fn)
}

// An OU plan reads the sign-in names once when something asks about them
// (a --where, a change that enables) and not at all otherwise.
func TestBulkReadsSignInNamesOnlyWhenAsked(t *testing.T) {
	for _, tc := range []struct {
		where  Where
		change flags.Change
		reads  int32
	}{
		{nil, pic(), 0},
		{homeRepair(flags.FindingSIPAddressDuplicate), pic(), 1},
		{nil, flags.Change{Enabled: flags.Some(true)}, 1},
	} {
		c := &countSIP{Memory: demo(t)}
		planOrFail(t, c, BulkRequest{Select: BulkSelection{OU: "DC=corp,DC=example", Scope: Subtree}, Where: tc.where, Change: tc.change})
		if got := c.reads.Load(); got != tc.reads {
			t.Errorf("where %v, change %+v: %d reads of the sign-in names, want %d", tc.where != nil, tc.change, got, tc.reads)
		}
	}
}

// A batch works on users enabled for OCS only (review items 1 and 3): the
// repair of missing home servers from the domain root writes no pool, and
// +pic no OptionFlags, onto an account never enabled; disabling alone is
// not held back.
func TestBulkLeavesNotEnabledAlone(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	pl, _ := m.Pools(ctx)
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{OU: "DC=corp,DC=example", Scope: Subtree},
		Where:  homeRepair(flags.FindingNoHomeServer),
		Change: flags.Change{HomeServer: flags.Some(pl.Pools[0].HomeServerDN)}})
	off := 0
	for _, it := range p.Items {
		if it.User.OCS.Enabled.Or(false) {
			continue
		}
		off++
		if it.Outcome != BulkSkipped || it.Refusal.Rule != RuleNotEnabled || !strings.Contains(it.Refusal.Reason, "Enable Users") {
			t.Fatalf("%s, not enabled for OCS: %s %+v", it.User.DN, it.Outcome, it.Refusal)
		}
	}
	if off < 400 || p.Count(BulkWrite) > p.Selected-off {
		t.Fatalf("%d not enabled of %d selected, %d to write", off, p.Selected, p.Count(BulkWrite))
	}
	yann := "CN=Yann Lambert 4998,OU=Staff,OU=Corp,DC=corp,DC=example"
	yu, err := m.User(ctx, yann)
	if err != nil || yu.OCS.Enabled.Or(false) || yu.OCS.OptionFlags.Set {
		t.Fatalf("demo changed: %+v %v", yu.OCS, err)
	}
	p = planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{yann}}, Change: pic()})
	rep := ApplyBulk(ctx, m, p, BulkOptions{})
	if r := rep.Results[0]; r.Outcome != BulkSkipped || r.Refusal.Rule != RuleNotEnabled || m.Applied() != 0 {
		t.Fatalf("+pic on a never-enabled user: %+v, %d written", r, m.Applied())
	}
	// Disabling is what a batch may do to anyone; enabling goes by the
	// enabling rules (a sign-in name and a pool), not this one.
	for _, c := range []flags.Change{{Enabled: flags.Some(false)}, {Enabled: flags.Some(true)}} {
		_, rs := PlanWrite(WriteRequest{User: yu, Change: c, Bulk: true})
		for _, r := range rs {
			if r.Rule == RuleNotEnabled {
				t.Errorf("%+v refused: %s", c, r.Reason)
			}
		}
	}
	// One user at a time, set may still write a user not enabled.
	if _, rs := PlanWrite(WriteRequest{User: yu, Change: pic()}); len(rs) > 0 {
		t.Errorf("single +pic refused: %v", rs)
	}
}

// A batch never moves a user off a working pool, with a sign-in name or
// without (review item 4: Quinn Harper has none and was moved).
func TestBulkPoolSkipsEveryoneOnAWorkingPool(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	pl, _ := m.Pools(ctx)
	ps := NewPoolSetFrom(pl)
	var target Pool
	for _, p := range pl.Pools {
		if p.Host == "poolr2.corp.example" {
			target = p
		}
	}
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{OU: "OU=Engineering,OU=Corp,DC=corp,DC=example"},
		Change: flags.Change{HomeServer: flags.Some(target.HomeServerDN)}})
	quinn := false
	for _, it := range p.Items {
		h := it.User.OCS.HomeServer
		if !h.Set || !ps.IsPool(h.V) || SameDN(h.V, target.HomeServerDN) || !it.User.OCS.Enabled.Or(false) {
			continue
		}
		if it.User.SAMAccountName == "qharper" {
			quinn = true
		}
		if it.Outcome != BulkSkipped || it.Refusal.Rule != RuleWorkingPool || it.Refusal.Pool == "" {
			t.Errorf("%s on working pool %s: %s %+v", it.User.DN, h.V, it.Outcome, it.Refusal)
		}
	}
	if !quinn {
		t.Fatal("Quinn Harper (enabled, no sign-in name, on pool01) not in the plan")
	}
}

// Turning enhanced presence on is one-way: every surface warns
// (review item 2).
func TestWriteWarnsEnhancedPresenceOneWay(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	us, _ := m.Resolve(ctx, "jryan")
	u := us[0]
	if u.OCS.OptionFlags.V.Has(flags.EnhancedPresence) {
		t.Fatal("jryan has enhanced presence in the demo")
	}
	ep := flags.Change{Flags: flags.Delta{Set: flags.EnhancedPresence}}
	found := false
	for _, w := range WriteWarnings(u, ep) {
		if w.Rule == WarnEnhancedPresenceOneWay && strings.Contains(w.Reason, "Communicator 2005") && strings.Contains(w.Reason, "undo") {
			found = true
		}
	}
	if !found {
		t.Fatalf("+ep warnings: %v", WriteWarnings(u, ep))
	}
	// Already on: nothing is turned on, nothing to warn about.
	u.OCS.OptionFlags = flags.Some(u.OCS.OptionFlags.V | flags.EnhancedPresence)
	for _, w := range WriteWarnings(u, ep) {
		if w.Rule == WarnEnhancedPresenceOneWay {
			t.Fatal("warned for a user who has enhanced presence already")
		}
	}
}

// claimTrouble makes the check after the writes go wrong: its second read
// of the sign-in names fails, or shows another holder of addr; and every
// write after the first fails (the claim cannot be taken back).
type claimTrouble struct {
	*Memory
	addr        string
	failRead    bool
	reads, sent atomic.Int32
}

func (c *claimTrouble) SIPAddresses(ctx context.Context, only []string, fn func(value, dn string) error) error {
	if c.reads.Add(1) == 2 {
		if c.failRead {
			return errors.New("server down")
		}
		if err := fn(c.addr, "CN=Someone Else,OU=Sales,OU=Corp,DC=corp,DC=example"); err != nil {
			return err
		}
	}
	return c.Memory.SIPAddresses(ctx, only, fn)
}

func (c *claimTrouble) Apply(ctx context.Context, ch Change) (User, error) {
	if c.sent.Add(1) > 1 {
		return User{}, errors.New("insufficient access rights")
	}
	return c.Memory.Apply(ctx, ch)
}

// A user whose sign-in name may be held twice after the run is not in the
// target state (review-code: bulk set exited 0 with a duplicate).
func TestBulkClaimCheckTroubleIsNotDone(t *testing.T) {
	for _, failRead := range []bool{false, true} {
		addr := "sip:claim-trouble@corp.example"
		d := &claimTrouble{Memory: demo(t), addr: addr, failRead: failRead}
		// A change to many users gives none of them a sign-in name
		// (RuleOneUserValue): the claim is Ann Lee's own name, put to use
		// again by enabling her.
		const alee = "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example"
		u, _ := d.Memory.User(context.Background(), alee)
		off := u.OCS
		off.Enabled, off.SIPAddress = flags.Some(false), flags.Some(addr)
		if _, err := d.Memory.Apply(context.Background(), Change{DN: alee, Edits: flags.Edits(u.OCS, off)}); err != nil {
			t.Fatal(err)
		}
		p := planOrFail(t, d, BulkRequest{Select: BulkSelection{IDs: []string{"alee"}}, Change: flags.Change{Enabled: flags.Some(true)}})
		if p.Items[0].Outcome != BulkWrite || p.Items[0].Claim == "" {
			t.Fatalf("plan: %+v", p.Items[0])
		}
		rep := ApplyBulk(context.Background(), d, p, BulkOptions{})
		if r := rep.Results[0]; r.Outcome != BulkFailed || r.Err == nil || rep.Done() {
			t.Errorf("failRead %v: %s %v, done %v", failRead, r.Outcome, r.Err, rep.Done())
		}
	}
}

// A user another writer moves out of the selection between the plan and
// the write is skipped with the reason, not written: the --where was the
// admin's judgement on the user as read.
func TestBulkConflictRechecksWhere(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	dn := "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example"
	noAnon := WhereFunc(func(u User, a *Auditor) bool {
		return !u.OCS.OptionFlags.V.Has(flags.AnonymousParticipants)
	})
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{dn}}, Where: noAnon, Change: pic()})
	if p.Selected != 1 || p.Items[0].Outcome != BulkWrite {
		t.Fatalf("plan: selected %d, %+v", p.Selected, p.Items)
	}
	r := flagsRival(m, func(v flags.Value) flags.Value { return v | flags.AnonymousParticipants })
	rep := ApplyBulk(ctx, r, p, BulkOptions{})
	res := rep.Results[0]
	if res.Outcome != BulkSkipped || res.Refusal == nil || res.Refusal.Rule != RuleNoLongerSelected || rep.Done() {
		t.Fatalf("result %+v", res)
	}
	if !strings.Contains(res.Reason(), "no longer matches") || len(res.Others) != 1 {
		t.Fatalf("reason %q, others %v", res.Reason(), res.Others)
	}
	got, _ := m.User(ctx, dn)
	if v := got.OCS.OptionFlags.V; v.Has(flags.PublicIM) || !v.Has(flags.AnonymousParticipants) {
		t.Fatalf("OptionFlags %d: want the other writer's 64 and not our 1", v)
	}

	// A change that leaves the user in the selection is re-applied on top.
	p = planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{dn}}, Where: WhereFunc(func(u User, a *Auditor) bool {
		return !u.OCS.OptionFlags.V.Has(flags.PublicIM)
	}), Change: pic()})
	r = flagsRival(m, func(v flags.Value) flags.Value { return v &^ flags.AnonymousParticipants })
	if rep := ApplyBulk(ctx, r, p, BulkOptions{}); rep.Results[0].Outcome != BulkWritten {
		t.Fatalf("still selected: %+v", rep.Results[0])
	}
}

// A rival that makes our change while the user was selected by a term the
// change decides (pic off, change +pic) leaves the user unchanged, not
// skipped: the run is done.
func TestBulkConflictSameChangeIsUnchanged(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	dn := "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example"
	noPIC := WhereFunc(func(u User, a *Auditor) bool {
		return !u.OCS.OptionFlags.V.Has(flags.PublicIM)
	})
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{dn}}, Where: noPIC, Change: pic()})
	if p.Selected != 1 || p.Items[0].Outcome != BulkWrite {
		t.Fatalf("plan: selected %d, %+v", p.Selected, p.Items)
	}
	r := flagsRival(m, func(v flags.Value) flags.Value { return v | flags.PublicIM })
	rep := ApplyBulk(ctx, r, p, BulkOptions{})
	res := rep.Results[0]
	if res.Outcome != BulkUnchanged || res.Refusal != nil || !rep.Done() {
		t.Fatalf("outcome %v, done %v, reason %q", res.Outcome, rep.Done(), res.Reason())
	}
	if len(res.Others) != 1 {
		t.Fatalf("others %v: want the other writer's edit shown", res.Others)
	}
	got, _ := m.User(ctx, dn)
	if !got.OCS.OptionFlags.V.Has(flags.PublicIM) {
		t.Fatalf("OptionFlags %d: want PublicIM", got.OCS.OptionFlags.V)
	}
}

// A user whose OptionFlags does not decode stops the plan, whether it is
// selected by its OU or by a list: never planned on the value shown as
// absent.
func TestBulkStopsOnUndecodableValueAlike(t *testing.T) {
	f := startFakeDC(t, 0)
	dn := "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example"
	f.mu.Lock()
	f.entries[NormDN(dn)].attrs["msrtcsip-optionflags"] = []string{"lots"}
	f.mu.Unlock()
	l := f.dial(t)
	ctx := context.Background()
	for _, sel := range []BulkSelection{
		{OU: "OU=Sales,OU=Corp,DC=corp,DC=example"},
		{IDs: []string{"alee"}},
		{IDs: []string{"staylor", "Ann Lee"}},
	} {
		p, err := PlanBulk(ctx, l, BulkRequest{Select: sel, Change: pic()})
		var de *DecodeError
		if err == nil || !errors.As(err, &de) || !slices.Contains(de.DNs(), dn) ||
			!strings.Contains(err.Error(), "nothing was planned or written") || !strings.Contains(err.Error(), "lots") {
			t.Errorf("%+v: planned %v, error %v", sel, p != nil, err)
		}
	}
	// The other users of a list are planned as ever.
	if _, err := PlanBulk(ctx, l, BulkRequest{Select: BulkSelection{IDs: []string{"staylor"}}, Change: pic()}); err != nil {
		t.Errorf("staylor alone: %v", err)
	}
}

// The same sign-in name or Line URI for many users, or taking their
// sign-in names away, is refused by the engine before anything is read,
// whoever calls it and however few users the selection names.
func TestBulkRefusesOneUserValues(t *testing.T) {
	m := demo(t)
	ctx := context.Background()
	alee := "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example"
	for _, c := range []flags.Change{
		{SIPAddress: flags.Some("sip:shared@corp.example")},
		{Line: flags.Some("tel:+15550100")},
		{Flags: flags.Delta{Set: flags.PublicIM}, Line: flags.Some("tel:+15550100")},
		{Enabled: flags.Some(false), SIPAddress: flags.Some("")},
	} {
		for _, sel := range []BulkSelection{{IDs: []string{alee}}, {OU: StaffOU}} {
			p, err := PlanBulk(ctx, m, BulkRequest{Select: sel, Change: c})
			var re *RefusedError
			if !errors.As(err, &re) || re.First().Rule != RuleOneUserValue || re.First().Attr == "" || p != nil {
				t.Errorf("%+v over %+v: plan %v, error %v", c, sel, p != nil, err)
			}
		}
	}
	if m.Applied() != 0 {
		t.Fatal("wrote")
	}
	// A Server URI is shared by the users of one RCC server, and a line
	// may be taken away from many.
	p := planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{alee}}, Change: flags.Change{Line: flags.Some("")}})
	if p.Items[0].Outcome != BulkUnchanged {
		t.Fatalf("line removal: %s %+v", p.Items[0].Outcome, p.Items[0].Refusal)
	}
	p = planOrFail(t, m, BulkRequest{Select: BulkSelection{IDs: []string{alee}}, Change: flags.Change{LineServer: flags.Some("sip:rcc.corp.example;transport=tcp")}})
	if p.Items[0].Outcome != BulkWrite {
		t.Fatalf("line-server: %s %+v", p.Items[0].Outcome, p.Items[0].Refusal)
	}
}
