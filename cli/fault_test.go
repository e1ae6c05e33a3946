package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// TestDCSetUnderFaults runs set through the LDAPS proxy while it kills or
// holds the modify. set, the journal and the DC must agree: written (the
// delta printed, exit 0) or not written (said, exit 2), and "unknown" said
// first whenever set could not tell at once.
func TestDCSetUnderFaults(t *testing.T) {
	dc := dctest.RequireDC(t)
	for _, tc := range []struct {
		name    string
		fault   dctest.Fault
		armed   int32
		written bool
		unknown bool
	}{
		{"killed before it is sent", dctest.DropBeforeSend, 1, true, false},
		{"killed before it is sent, twice", dctest.DropBeforeSend, 2, false, true},
		{"killed after it was applied", dctest.DropAfterApply, 1, true, false},
		{"killed after it was applied, twice", dctest.DropAfterApply, 2, true, true},
		{"hangs", dctest.Hang, 1, false, true},
		{"hangs after it was applied", dctest.HangAfterApply, 1, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := dctest.NewUser(t, dc, "ocsset", map[string]string{flags.AttrOptionFlags: "0"})
			p := dctest.NewProxy(t, dc)
			journal := filepath.Join(t.TempDir(), "journal.jsonl")
			p.Arm(tc.fault, tc.armed)
			code, out, errs := run(t, "set", u.SAM, "+pic", "--url", p.URL(), "--ca-cert", p.CAFile(), "--bind", dc.AdminUPN,
				"--password-file", dc.AdminPasswordFile, "--journal", journal, "--timeout", "6s")
			t.Logf("exit %d\n%s%s", code, out, errs)
			if p.Fired.Load() != tc.armed {
				t.Fatalf("the proxy faulted %d modifies, want %d", p.Fired.Load(), tc.armed)
			}
			if tc.unknown != strings.Contains(errs, "is unknown") {
				t.Errorf("unknown said %v, want %v", !tc.unknown, tc.unknown)
			}
			es, err := directory.ReadJournal(journal)
			if err != nil || len(es) == 0 {
				t.Fatalf("journal: %v", err)
			}
			last := es[len(es)-1]
			d, err := directory.DialLDAP(context.Background(), directory.LDAPConfig{URL: dc.LDAPSURL, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			now, err := d.User(context.Background(), u.DN)
			if err != nil {
				t.Fatal(err)
			}
			if tc.written {
				if code != 0 || !strings.Contains(out, "0 -> 1  (+1 pic)") || last.Outcome != directory.JournalWritten || now.OCS.OptionFlags.V != 1 {
					t.Errorf("want written everywhere: exit %d, journal %q, DC %v\n%s", code, last.Outcome, now.OCS.OptionFlags, out)
				}
			} else {
				if code != 2 || !strings.Contains(errs, "not written") || strings.Contains(out, "->") || last.Outcome != directory.JournalNotWritten || now.OCS.OptionFlags.V != 0 {
					t.Errorf("want not written everywhere: exit %d, journal %q, DC %v\n%s", code, last.Outcome, now.OCS.OptionFlags, errs)
				}
			}
		})
	}
}

// TestDCConcurrentSetsReportOwnDelta races four set commands on one user of
// the test's own, each for another setting. Each prints its own delta as
// what it wrote, and what the others wrote before its successful write
// apart, never as its own.
func TestDCConcurrentSetsReportOwnDelta(t *testing.T) {
	dc := dctest.RequireDC(t)
	u := dctest.NewUser(t, dc, "ocsown", map[string]string{flags.AttrOptionFlags: "0"})
	args := dcArgs(t)
	changes := map[string]string{ // change: the only attribute line it may print as its own
		"+pic":           flags.AttrOptionFlags,
		"+anonymous":     flags.AttrOptionFlags,
		"+federation":    flags.AttrFederationEnabled,
		"+remote-access": flags.AttrInternetAccess,
	}
	diffs := map[string]string{"+pic": "(+1 pic)", "+anonymous": "(+64 anonymous)"}
	sawOthers := 0
	for round := range 3 {
		type res struct {
			change, out, errs string
			code              int
		}
		results := make(chan res, len(changes))
		for change := range changes {
			go func() {
				code, out, errs := run(t, append([]string{"set", u.SAM, change}, args...)...)
				results <- res{change, out, errs, code}
			}()
		}
		for range changes {
			r := <-results
			if r.code != 0 {
				t.Errorf("round %d: set %s: exit %d %s", round, r.change, r.code, r.errs)
				continue
			}
			own, _, others := strings.Cut(r.out, "changed by another writer")
			own, _, _ = strings.Cut(own, "journaled as ")
			if others {
				sawOthers++
			}
			lines := strings.Split(strings.TrimSpace(own), "\n")
			if round > 0 {
				// Already set: nothing to write, and nothing claimed.
				if !strings.Contains(r.out, "nothing to change") {
					t.Errorf("round %d: set %s again:\n%s", round, r.change, r.out)
				}
				continue
			}
			if len(lines) != 2 || !strings.Contains(lines[1], changes[r.change]) || !strings.Contains(lines[1], diffs[r.change]) {
				t.Errorf("set %s printed as its own:\n%s", r.change, r.out)
			}
		}
	}
	t.Logf("%d of %d sets reported other writers' changes apart", sawOthers, len(changes))
	now := dcUser(t, u.DN)
	if now.OCS.OptionFlags.V != 65 || !now.OCS.Federation.V || !now.OCS.RemoteAccess.V {
		t.Errorf("after the racing sets: %+v", now.OCS)
	}
}

// TestDCConcurrentClaimsBySet: two set commands give one new sign-in name
// to two users at once, 20 rounds. At most one may hold it afterwards, and
// a command whose claim was undone says so and fails.
func TestDCConcurrentClaimsBySet(t *testing.T) {
	dc := dctest.RequireDC(t)
	a := dctest.NewUser(t, dc, "ocssa", nil)
	b := dctest.NewUser(t, dc, "ocssb", nil)
	args := dcArgs(t)
	d, err := directory.DialLDAP(context.Background(), directory.LDAPConfig{URL: dc.LDAPSURL, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	undone := 0
	for round := range 20 {
		addr := "sip:claim-" + dctest.Unique() + "@corp.example"
		type res struct {
			code      int
			out, errs string
		}
		ch := make(chan res, 2)
		for _, u := range []dctest.TestUser{a, b} {
			go func() {
				code, out, errs := run(t, append([]string{"set", u.SAM, "sip=" + addr}, args...)...)
				ch <- res{code, out, errs}
			}()
		}
		ok := 0
		for range 2 {
			r := <-ch
			switch {
			case r.code == 0:
				ok++
			case strings.Contains(r.errs, "was undone"):
				undone++
			case !strings.Contains(r.errs, "already the sign-in name"):
				t.Errorf("round %d: exit %d %s", round, r.code, r.errs)
			}
		}
		holders, err := d.SIPAddressHolders(context.Background(), addr)
		if err != nil {
			t.Fatal(err)
		}
		if len(holders) > 1 || ok > 1 {
			t.Errorf("round %d: %s is held by %v; %d commands succeeded", round, addr, holders, ok)
		}
		if ok != len(holders) {
			t.Errorf("round %d: %d commands said written, %d objects hold %s", round, ok, len(holders), addr)
		}
	}
	t.Logf("20 rounds: %d claims found racing and undone", undone)
}
