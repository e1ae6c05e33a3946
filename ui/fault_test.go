package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/flags"
	"ocsflags/ui/browse"
	"ocsflags/ui/review"
)

// TestReviewUnderFaults commits through the LDAPS proxy while it kills or
// holds the modify. The review says "unknown" while it cannot tell (never
// "nothing was written"), then what reading the user again found; the
// journal and the DC say the same.
func TestReviewUnderFaults(t *testing.T) {
	dc := dctest.RequireDC(t)
	ctx := context.Background()
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
			u := dctest.NewUser(t, dc, "ocsrev", map[string]string{flags.AttrOptionFlags: "0"})
			p := dctest.NewProxy(t, dc)
			l, err := directory.DialLDAP(ctx, directory.LDAPConfig{URL: p.URL(), CACertFile: p.CAFile(), Bind: dc.AdminUPN,
				Password: dctest.Password(t, dc.AdminPasswordFile), Timeout: 6 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			j, err := directory.NewJournaled(l, path)
			if err != nil {
				t.Fatal(err)
			}
			x := newHarness(t, Options{Dir: j, User: u.SAM}, 120, 40)
			if !x.m.browse.Detail.Has {
				t.Fatalf("the console did not open %s: %s", u.SAM, x.m.frame.Status)
			}
			x.focusItem(browse.ItBit, flags.PublicIM)
			x.key("space", "c")
			p.Arm(tc.fault, tc.armed)

			// Run the write up to its answer, and look before any check
			// of an unknown outcome runs.
			_, cmd := x.m.Update(keyMsg("enter"))
			var settle tea.Cmd
			queue := []tea.Cmd{cmd}
			for len(queue) > 0 {
				c := queue[0]
				queue = queue[1:]
				if c == nil {
					continue
				}
				switch msg := c().(type) {
				case nil, spinner.TickMsg:
				case tea.BatchMsg:
					queue = append(queue, msg...)
				case review.CommitMsg:
					_, settle = x.m.Update(msg)
				default:
					_, next := x.m.Update(msg)
					queue = append(queue, next)
				}
			}
			scr := x.screen()
			if tc.unknown {
				mustContain(t, scr, "? outcome unknown", "reading the user again")
				if strings.Contains(strings.ToLower(scr), "nothing was written") {
					t.Errorf("the review says nothing was written while the outcome is unknown:\n%s", scr)
				}
			}
			x.run(settle)
			scr = x.screen()
			es, err := directory.ReadJournal(path)
			if err != nil || len(es) == 0 {
				t.Fatalf("journal: %v", err)
			}
			last := es[len(es)-1]
			d, err := directory.DialLDAP(ctx, directory.LDAPConfig{URL: dc.LDAPSURL, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			held, err := d.User(ctx, u.DN)
			if err != nil {
				t.Fatal(err)
			}
			if tc.written {
				mustContain(t, scr, "✓ written")
				if last.Outcome != directory.JournalWritten || held.OCS.OptionFlags.V != 1 || x.m.sess.Pending.Get(u.DN) != nil {
					t.Errorf("want written everywhere: journal %q, DC %v, pending %v\n%s", last.Outcome, held.OCS.OptionFlags, x.m.sess.Pending.Get(u.DN) != nil, scr)
				}
			} else {
				mustContain(t, scr, "✗ not written")
				if last.Outcome != directory.JournalNotWritten || held.OCS.OptionFlags.V != 0 || !x.m.sess.Pending.Get(u.DN).HasEdits() {
					t.Errorf("want not written everywhere, edits kept: journal %q, DC %v\n%s", last.Outcome, held.OCS.OptionFlags, scr)
				}
			}
		})
	}
}
