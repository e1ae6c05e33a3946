package directory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// faultUser is a DC user of the test's own with OptionFlags 0, and what one
// write adds to its replication counters.
func faultUser(t *testing.T, env dcEnv, admin *LDAP) (User, int, bool) {
	t.Helper()
	tu := dctest.NewUser(t, env.DC, "ocsj", map[string]string{flags.AttrOptionFlags: "0"})
	ctx := context.Background()
	u, err := admin.User(ctx, tu.DN)
	if err != nil {
		t.Fatal(err)
	}
	c0, ok := writeCount(t, admin, u.DN)
	if u, err = admin.Apply(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{optionFlagsEdit(u, "64")}}); err != nil {
		t.Fatal(err)
	}
	c1, _ := writeCount(t, admin, u.DN)
	return u, c1 - c0, ok
}

// TestFaultsJournalOutcome writes through the LDAPS proxy while it kills or
// stalls the modify, with the journal on. Each case must end with the
// directory changed exactly once or not at all, and the journal's last word
// on the write saying which; a stalled write ends after the timeout.
func TestFaultsJournalOutcome(t *testing.T) {
	env := requireDC(t)
	admin := dialDC(t, env.adminConfig())
	ctx := context.Background()
	const timeout = 6 * time.Second
	for _, tc := range []struct {
		name    string
		fault   dctest.Fault
		armed   int32
		written bool
		unknown bool // Apply itself could not tell
	}{
		{"killed before it is sent", dctest.DropBeforeSend, 1, true, false},
		{"killed before it is sent, and its retry", dctest.DropBeforeSend, 2, false, true},
		{"killed after it was applied", dctest.DropAfterApply, 1, true, false},
		{"killed after it was applied, and its retry", dctest.DropAfterApply, 2, true, true},
		{"hangs before the DC sees it", dctest.Hang, 1, false, true},
		{"hangs after the DC applied it", dctest.HangAfterApply, 1, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, once, haveCount := faultUser(t, env, admin)
			p := dctest.NewProxy(t, env.DC)
			l := dialDC(t, LDAPConfig{URL: p.URL(), CACertFile: p.CAFile(), Bind: env.AdminUPN, Password: env.AdminPassword, Timeout: timeout})
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			j, err := NewJournaled(l, path)
			if err != nil {
				t.Fatal(err)
			}
			v0, _ := writeCount(t, admin, u.DN)
			p.Arm(tc.fault, tc.armed)
			start := time.Now()
			_, err = j.Apply(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{optionFlagsEdit(u, "65")}})
			took := time.Since(start)
			if p.Fired.Load() != tc.armed {
				t.Fatalf("the proxy faulted %d modifies, want %d", p.Fired.Load(), tc.armed)
			}
			var ue *UnknownOutcomeError
			if errors.As(err, &ue) != tc.unknown {
				t.Fatalf("Apply: %v; want unknown %v", err, tc.unknown)
			}
			if tc.unknown {
				if !strings.Contains(err.Error(), "unknown") || strings.Contains(strings.ToLower(err.Error()), "nothing was written") {
					t.Errorf("an unknown outcome must say unknown, never nothing written: %v", err)
				}
				if tc.fault == dctest.Hang || tc.fault == dctest.HangAfterApply {
					if took < timeout || took > timeout+5*time.Second {
						t.Errorf("the stalled write took %v, timeout %v", took, timeout)
					}
					if !strings.Contains(err.Error(), "did not answer within "+timeout.String()+" while writing "+u.DN) {
						t.Errorf("a timeout must name the DC and what it was doing: %v", err)
					}
				}
				by, _ := journalByID(t, path)
				if o := finalOutcome(by[ue.WriteID]); o != JournalUnknown {
					t.Errorf("journal before settling says %s", o)
				}
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				_, o, serr := Settle(sctx, j, ue)
				cancel()
				if o.Changed() != tc.written || o == OutcomeUnknown {
					t.Fatalf("settled as %v (%v), want written %v", o, serr, tc.written)
				}
				if tc.written != (serr == nil) {
					t.Errorf("settled error %v", serr)
				}
			} else if tc.written != (err == nil) {
				t.Fatalf("Apply: %v", err)
			}
			after, err := admin.User(ctx, u.DN)
			if err != nil {
				t.Fatal(err)
			}
			v1, _ := writeCount(t, admin, u.DN)
			want := flags.Value(64)
			if tc.written {
				want = 65
			}
			if after.OCS.OptionFlags.V != want {
				t.Errorf("the DC holds %d, want %d", after.OCS.OptionFlags.V, want)
			}
			if haveCount {
				if n := v1 - v0; tc.written && n != once || !tc.written && n != 0 {
					t.Errorf("the DC counted %d for this write; one write counts %d, written %v", n, once, tc.written)
				}
			}
			by, ids := journalByID(t, path)
			if len(ids) != 1 {
				t.Fatalf("journal has %d writes, want 1", len(ids))
			}
			lines := by[ids[0]]
			wantWord := JournalNotWritten
			if tc.written {
				wantWord = JournalWritten
			}
			if lines[0].Phase != PhaseIntent || finalOutcome(lines) != wantWord {
				t.Errorf("journal: %+v, want intent first and %s last", lines, wantWord)
			}
		})
	}
}

// TestConcurrentClaims races two users for one new sign-in name, 20 rounds:
// each writes it after seeing it free, then checks with ConfirmClaim. At
// most one may hold it afterwards.
func TestConcurrentClaims(t *testing.T) {
	env := requireDC(t)
	a := dialDC(t, env.adminConfig())
	b := dialDC(t, env.adminConfig())
	ctx := context.Background()
	ua := dctest.NewUser(t, env.DC, "ocsca", nil)
	ub := dctest.NewUser(t, env.DC, "ocscb", nil)
	var both, undone int
	for round := range 20 {
		r := make([]byte, 4)
		rand.Read(r)
		addr := "sip:race-" + hex.EncodeToString(r) + "@corp.example"
		var ready, wg sync.WaitGroup
		ready.Add(2)
		errs := make([]error, 2)
		for i, w := range []struct {
			d  *LDAP
			dn string
		}{{a, ua.DN}, {b, ub.DN}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				others, err := SIPTakenBy(ctx, w.d, addr, w.dn)
				ready.Done()
				ready.Wait() // both have seen it free
				if err != nil || len(others) > 0 {
					errs[i] = errors.New("taken before the write")
					return
				}
				res, err := UpdateDetail(ctx, w.d, w.dn, flags.Change{SIPAddress: flags.Some(addr)}, 3)
				if err != nil {
					errs[i] = err
					return
				}
				_, errs[i] = ConfirmClaim(ctx, w.d, addr, res.Sent, res.After)
			}()
		}
		wg.Wait()
		holders, err := a.SIPAddressHolders(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		if len(holders) > 1 {
			t.Errorf("round %d: %s is held by %v", round, addr, holders)
		}
		var ce *ClaimConflictError
		for _, err := range errs {
			if errors.As(err, &ce) {
				if !ce.Undone {
					t.Errorf("round %d: claim conflict not undone: %v", round, err)
				}
				undone++
			} else if err != nil {
				t.Errorf("round %d: %v", round, err)
			}
		}
		if errs[0] == nil && errs[1] == nil {
			both++
		}
	}
	t.Logf("20 rounds: %d undone claims; %d rounds where both kept theirs (must be 0 duplicates above)", undone, both)
}

// TestSettleWaitsForTheDC: the modify gets no answer and then the DC stops
// answering reads too. Settle keeps reading until the DC answers again, and
// only then says not written; until then the outcome stays unknown.
func TestSettleWaitsForTheDC(t *testing.T) {
	env := requireDC(t)
	admin := dialDC(t, env.adminConfig())
	u, _, _ := faultUser(t, env, admin)
	p := dctest.NewProxy(t, env.DC)
	l := dialDC(t, LDAPConfig{URL: p.URL(), CACertFile: p.CAFile(), Bind: env.AdminUPN, Password: env.AdminPassword, Timeout: 2 * time.Second})
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := NewJournaled(l, path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p.Arm(dctest.Hang, 1)
	p.Silent.Store(false)
	go func() { <-p.SawModify; p.Silent.Store(true) }()
	_, err = j.Apply(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{optionFlagsEdit(u, "65")}})
	var ue *UnknownOutcomeError
	if !errors.As(err, &ue) {
		t.Fatalf("Apply: %v, want unknown", err)
	}
	// A short check while the DC is silent: still unknown, nothing new
	// journaled.
	sctx, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
	_, o, err := Settle(sctx, j, ue)
	cancel()
	if o != OutcomeUnknown || !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("settled while the DC was silent: %v %v", o, err)
	}
	by, _ := journalByID(t, path)
	if got := finalOutcome(by[ue.WriteID]); got != JournalUnknown {
		t.Errorf("journal says %s while nobody knows", got)
	}
	// The DC answers again after a while: the same check now tells.
	time.AfterFunc(2*time.Second, func() { p.Silent.Store(false) })
	start := time.Now()
	sctx, cancel = context.WithTimeout(ctx, 20*time.Second)
	_, o, err = Settle(sctx, j, ue)
	cancel()
	if o != OutcomeNotWritten || time.Since(start) < 2*time.Second {
		t.Fatalf("settled as %v (%v) after %v", o, err, time.Since(start))
	}
	by, _ = journalByID(t, path)
	if got := finalOutcome(by[ue.WriteID]); got != JournalNotWritten {
		t.Errorf("journal says %s, want not written", got)
	}
}
