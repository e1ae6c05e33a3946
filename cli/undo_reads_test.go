package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
)

// countingDemo is the demo counting the reads a multi-user path must not
// make per user: sign-in-name searches, user reads, container listings.
type countingDemo struct {
	*directory.Memory
	holders, sipReads, userReads, listings atomic.Int32
}

func (c *countingDemo) SIPAddressHolders(ctx context.Context, addr string) ([]string, error) {
	c.holders.Add(1)
	return c.Memory.SIPAddressHolders(ctx, addr)
}

func (c *countingDemo) SIPAddresses(ctx context.Context, only []string, fn func(value, dn string) error) error {
	c.sipReads.Add(1)
	return c.Memory.SIPAddresses(ctx, only, fn)
}

func (c *countingDemo) User(ctx context.Context, dn string) (directory.User, error) {
	c.userReads.Add(1)
	return c.Memory.User(ctx, dn)
}

func (c *countingDemo) Users(ctx context.Context, base string, s directory.Scope, fn func(directory.Batch) error) error {
	c.listings.Add(1)
	return c.Memory.Users(ctx, base, s, fn)
}

func (c *countingDemo) reset() {
	c.holders.Store(0)
	c.sipReads.Store(0)
	c.userReads.Store(0)
	c.listings.Store(0)
}

// Undoing a bulk -enabled over 40 users puts 40 sign-in names back to use:
// the undo reads the users and the names once before the writes and the
// names once after, with no search and no read per user, and still
// refuses the one user whose name another object took meanwhile.
func TestUndoRunReadsOnceNotPerUser(t *testing.T) {
	ctx := context.Background()
	m, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	c := &countingDemo{Memory: m}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := directory.NewJournaled(c, path)
	if err != nil {
		t.Fatal(err)
	}
	d := &journaledDemo{m: m, j: j, journal: path}
	var dns []string
	var other string // a staff user outside the run, enabled or not
	m.Users(ctx, directory.StaffOU, directory.OneLevel, func(b directory.Batch) error {
		for _, u := range b.Users {
			switch {
			case len(dns) < 40 && u.OCS.Enabled.V && u.OCS.SIPAddress.Set:
				dns = append(dns, u.DN)
			case len(dns) >= 40 && other == "" && !u.OCS.Enabled.V:
				other = u.DN
			}
		}
		return nil
	})
	if len(dns) < 40 || other == "" {
		t.Fatalf("%d enabled staff users with a sign-in name, other %q", len(dns), other)
	}
	list := filepath.Join(t.TempDir(), "users.txt")
	os.WriteFile(list, []byte(strings.Join(dns, "\n")+"\n"), 0o600)
	if code, out, errs := d.run(t, "set", "--demo", "--users-from", list, "-enabled"); code != 0 {
		t.Fatalf("bulk set: exit %d\n%s\n%s", code, out[max(0, len(out)-500):], errs)
	}
	hs := historyJSON(t, d)
	run := runOf(t, hs)
	// Meanwhile another object takes the first user's sign-in name.
	first, _ := m.User(ctx, dns[0])
	taken := first.OCS.SIPAddress.V
	o, _ := m.User(ctx, other)
	if _, err := m.Apply(ctx, directory.Change{DN: other, Edits: []flags.AttrEdit{{Attr: flags.AttrPrimaryUserAddress, Old: flags.Opt[string]{Set: o.OCS.SIPAddress.Set, V: o.OCS.SIPAddress.V}, New: flags.Some(taken)}}}); err != nil {
		t.Fatal(err)
	}
	c.reset()
	code, out, errs := d.run(t, "undo", "--demo", run)
	if code != 1 || !strings.Contains(out, "39 writes undone, 1 refused") || !strings.Contains(out, taken+" is already the sign-in name of "+other) {
		t.Errorf("undo run: exit %d (want 1: one refused)\n%s\n%s", code, out[max(0, len(out)-800):], errs)
	}
	if n := c.holders.Load(); n != 0 {
		t.Errorf("the undo searched the sign-in names %d times (per user); want one index read before and one after", n)
	}
	if n := c.sipReads.Load(); n != 2 {
		t.Errorf("the undo read the sign-in names %d times, want 2 (before and after the writes)", n)
	}
	if n := c.listings.Load(); n != 0 {
		t.Errorf("the undo listed %d containers to read %d users", n, len(dns))
	}
	// Apply of the memory adapter reads nothing through User; the undo
	// itself reads no user by itself.
	if n := c.userReads.Load(); n > 0 {
		t.Errorf("the undo read %d users one by one", n)
	}
	for i, dn := range dns {
		u, _ := m.User(ctx, dn)
		if want := i != 0; u.OCS.Enabled.V != want {
			t.Errorf("%s: enabled %v after the undo, want %v", dn, u.OCS.Enabled.V, want)
		}
	}
	// The dry run reads as much, and says the same.
	c.reset()
	if code, out, _ := d.run(t, "undo", "--demo", "--dry-run", run); code != 1 || c.holders.Load() != 0 || c.sipReads.Load() > 1 {
		t.Errorf("dry run: exit %d, %d searches, %d index reads\n%s", code, c.holders.Load(), c.sipReads.Load(), out[max(0, len(out)-400):])
	}
}
