package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// runOf is the one run id history --json shows for the journal's writes
// that undo nothing.
func runOf(t *testing.T, hs []historyEntry) string {
	t.Helper()
	run := ""
	for _, h := range hs {
		if h.Undoes == "" && h.Run != "" {
			if run != "" && h.Run != run {
				t.Fatalf("two runs: %s and %s", run, h.Run)
			}
			run = h.Run
		}
	}
	if run == "" {
		t.Fatal("no run in the history")
	}
	return run
}

// A run made by set --users-from over 50 demo users, undone by its run id,
// restores exactly those users.
func TestUndoBulkSetOnDemo(t *testing.T) {
	d := newJournaledDemo(t)
	ctx := context.Background()
	var dns []string
	d.m.Users(ctx, directory.StaffOU, directory.OneLevel, func(b directory.Batch) error {
		for _, u := range b.Users {
			if len(dns) < 51 && u.OCS.Enabled.Or(false) && !u.OCS.OptionFlags.V.Has(flags.AnonymousParticipants) {
				dns = append(dns, u.DN)
			}
		}
		return nil
	})
	before := map[string]flags.Value{}
	for _, dn := range dns {
		before[dn] = d.flagsOf(t, dn)
	}
	list := filepath.Join(t.TempDir(), "users.txt")
	os.WriteFile(list, []byte(strings.Join(dns[:50], "\n")+"\n"), 0o600)
	if code, out, errs := d.run(t, "set", "--demo", "--users-from", list, "+anonymous"); code != 0 {
		t.Fatalf("bulk set: exit %d\n%s\n%s", code, out[max(0, len(out)-500):], errs)
	}
	hs := historyJSON(t, d)
	run := runOf(t, hs)
	if len(hs) != 50 {
		t.Fatalf("%d writes journaled, want 50", len(hs))
	}
	d.otherWriter(t, dns[0], d.flagsOf(t, dns[0])|1024)
	if code, out, errs := d.run(t, "undo", "--demo", run); code != 0 {
		t.Fatalf("undo run: exit %d\n%s\n%s", code, out[max(0, len(out)-500):], errs)
	}
	for i, dn := range dns {
		want := before[dn]
		if i == 0 {
			want |= 1024 // someone else's bit stays
		}
		if got := d.flagsOf(t, dn); got != want {
			t.Errorf("%s: %d after the undo, want %d", dn, got, want)
		}
	}
}

// The same through set --ou on the Samba DC: 50 users of an OU of their
// own, one changed by someone else meanwhile; the undo of the run restores
// exactly what the run changed.
func TestDCUndoBulkSet(t *testing.T) {
	dc := dctest.RequireDC(t)
	if testing.Short() {
		t.Skip("creates 50 users on the DC")
	}
	admin := dctest.Admin(t, dc)
	ou := dctest.OU(t, admin, dc, "ocsundo")
	var dns []string
	for i := range 50 {
		dns = append(dns, dctest.OUUser(t, admin, ou, fmt.Sprintf("u%02d%s", i, dctest.Unique()[:6]), "", "256"))
	}
	args := dcArgs(t)
	journal := dcJournal(args)
	start := time.Now()
	code, out, errs := run(t, append([]string{"set", "--ou", ou, "+anonymous"}, args...)...)
	t.Logf("set --ou: %v", time.Since(start))
	if code != 0 {
		t.Fatalf("set --ou: exit %d\n%s\n%s", code, out[max(0, len(out)-500):], errs)
	}
	code, out, errs = run(t, "history", "--json", "--journal", journal)
	var hs []historyEntry
	if code != 0 || json.Unmarshal([]byte(out), &hs) != nil || len(hs) != 50 {
		t.Fatalf("history: exit %d, %d writes, %s", code, len(hs), errs)
	}
	runID := runOf(t, hs)
	replaceFlags(t, admin, dns[7], 256|64|1024)
	start = time.Now()
	code, out, errs = run(t, append([]string{"undo", runID}, args...)...)
	t.Logf("undo: %v", time.Since(start))
	if code != 0 {
		t.Fatalf("undo run: exit %d\n%s\n%s", code, out[max(0, len(out)-500):], errs)
	}
	l, err := directory.DialLDAP(context.Background(), directory.LDAPConfig{URL: dc.URL, StartTLS: true, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got, err := directory.ReadUsers(context.Background(), l, dns)
	if err != nil || len(got) != 50 {
		t.Fatalf("read back %d users: %v", len(got), err)
	}
	for i, dn := range dns {
		want := flags.Value(256)
		if i == 7 {
			want |= 1024
		}
		if got := got[directory.NormDN(dn)].OCS.OptionFlags.V; got != want {
			t.Errorf("%s: %d after the undo, want %d", dn, got, want)
		}
	}
}
