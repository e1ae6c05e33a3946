package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// dcJournal is the --journal file of dcArgs.
func dcJournal(args []string) string {
	for i, a := range args {
		if a == "--journal" {
			return args[i+1]
		}
	}
	return ""
}

// replaceFlags writes OptionFlags behind ocsflags' back, as another
// admin's tool does.
func replaceFlags(t *testing.T, c *ldap.Conn, dn string, v flags.Value) {
	t.Helper()
	req := ldap.NewModifyRequest(dn, nil)
	req.Replace(flags.AttrOptionFlags, []string{flags.FormatAD(v)})
	if err := c.Modify(req); err != nil {
		t.Fatalf("modify %s: %v", dn, err)
	}
}

// lastWriteID is the id of the newest write history shows for dn.
func lastWriteID(t *testing.T, journal, dn string) string {
	t.Helper()
	code, out, errs := run(t, "history", "--json", "--journal", journal, "--user", dn)
	var hs []historyEntry
	if code != 0 || json.Unmarshal([]byte(out), &hs) != nil || len(hs) == 0 {
		t.Fatalf("history: %d %s %s", code, out, errs)
	}
	return hs[len(hs)-1].ID
}

// The bar on the Samba DC: set +anonymous, someone else sets an
// undocumented bit, undo ID clears 64 only; an undo after someone else
// already cleared 64 is refused with exit 1 and changes nothing.
func TestDCUndoClearsOnly64(t *testing.T) {
	dc := dctest.RequireDC(t)
	args := dcArgs(t)
	journal := dcJournal(args)
	admin := dctest.Admin(t, dc)
	u := dctest.NewUser(t, dc, "ocsundo", map[string]string{flags.AttrOptionFlags: "256"})

	if code, _, errs := run(t, append([]string{"set", u.SAM, "+anonymous"}, args...)...); code != 0 {
		t.Fatalf("set: %d %s", code, errs)
	}
	id := lastWriteID(t, journal, u.DN)
	replaceFlags(t, admin, u.DN, 256|64|1024)
	code, out, errs := run(t, append([]string{"undo", id}, args...)...)
	if code != 0 {
		t.Fatalf("undo: exit %d\n%s\n%s", code, out, errs)
	}
	if got := dcUser(t, u.DN).OCS.OptionFlags.V; got != 256|1024 {
		t.Errorf("after undo: %d, want 1280 (64 cleared, 1024 kept)", got)
	}
	undoID := lastWriteID(t, journal, u.DN)
	if undoID == id || !strings.Contains(out, undoID) {
		t.Errorf("the undo's own id %s is not said:\n%s", undoID, out)
	}

	// Again: set +anonymous, then someone else clears 64.
	if code, _, errs := run(t, append([]string{"set", u.SAM, "+anonymous"}, args...)...); code != 0 {
		t.Fatalf("set: %d %s", code, errs)
	}
	id = lastWriteID(t, journal, u.DN)
	replaceFlags(t, admin, u.DN, 256|1024)
	code, out, _ = run(t, append([]string{"undo", id}, args...)...)
	if code != 1 || !strings.Contains(out, "refused") || !strings.Contains(out, "1344") || !strings.Contains(out, "1280") {
		t.Errorf("undo after 64 was cleared: exit %d\n%s", code, out)
	}
	if got := dcUser(t, u.DN).OCS.OptionFlags.V; got != 256|1024 {
		t.Errorf("refused undo changed OptionFlags to %d", got)
	}
	if lastWriteID(t, journal, u.DN) != id {
		t.Error("a refused undo journaled a write")
	}
}

// A bulk run over 50 DC users (WithRun over 50 journaled writes, as the
// bulk engine makes them), undone by its run id, restores exactly those
// users: a user written outside the run keeps its change.
func TestDCUndoRun(t *testing.T) {
	dc := dctest.RequireDC(t)
	if testing.Short() {
		t.Skip("creates 51 users on the DC")
	}
	args := dcArgs(t)
	journal := dcJournal(args)
	ctx := context.Background()
	var users []dctest.TestUser
	for range 51 {
		users = append(users, dctest.NewUser(t, dc, "ocsrun", map[string]string{flags.AttrOptionFlags: "1024"}))
	}
	l, err := directory.DialLDAP(ctx, directory.LDAPConfig{URL: dc.URL, StartTLS: true, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	j, err := directory.NewJournaled(l, journal)
	if err != nil {
		t.Fatal(err)
	}
	run_ := directory.NewRunID()
	for _, u := range users[:50] {
		if _, _, err := directory.Update(directory.WithRun(ctx, run_), j, u.DN, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants | flags.PublicIM}, Federation: flags.Some(true)}, 3); err != nil {
			t.Fatal(err)
		}
	}
	outside := users[50]
	if _, _, err := directory.Update(ctx, j, outside.DN, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 3); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, append([]string{"undo", run_}, args...)...)
	if code != 0 {
		t.Fatalf("undo run: exit %d\n%s\n%s", code, out, errs)
	}
	var dns []string
	for _, u := range users {
		dns = append(dns, u.DN)
	}
	got, err := directory.ReadUsers(ctx, l, dns)
	if err != nil || len(got) != 51 {
		t.Fatalf("read back %d users: %v", len(got), err)
	}
	for _, u := range users[:50] {
		s := got[directory.NormDN(u.DN)].OCS
		if s.OptionFlags.V != 1024 || s.Federation.Or(false) {
			t.Errorf("%s after the undo: OptionFlags %d, federation %v; want 1024 and not federated", u.SAM, s.OptionFlags.V, s.Federation)
		}
	}
	if s := got[directory.NormDN(outside.DN)].OCS; s.OptionFlags.V != 1024|64 {
		t.Errorf("the user outside the run: %d, want 1088", s.OptionFlags.V)
	}
	if !strings.Contains(out, "50 writes undone") {
		t.Errorf("undo summary:\n%s", out[max(0, len(out)-300):])
	}
}

// On the Samba DC: +pic and +federation on a user who had neither, undone,
// leave both absent again (a compare-and-swap delete of what was written,
// not 0 and FALSE); the same undo again says who undid it already and
// writes nothing, exit 0; history --user takes the sAMAccountName.
func TestDCUndoRestoresAbsentAndSaysAlreadyUndone(t *testing.T) {
	dc := dctest.RequireDC(t)
	args := dcArgs(t)
	journal := dcJournal(args)
	u := dctest.NewUser(t, dc, "ocsabs", nil)

	code, out, errs := run(t, append([]string{"set", u.SAM, "+pic", "+federation"}, args...)...)
	if code != 0 || !strings.Contains(out, "(absent) -> 1  (+1 pic)") || !strings.Contains(out, "journaled as ") {
		t.Fatalf("set: %d\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, "history", "--json", "--journal", journal, "--user", u.SAM)
	var hs []historyEntry
	if code != 0 || json.Unmarshal([]byte(out), &hs) != nil || len(hs) != 1 || hs[0].SAM != u.SAM || !strings.Contains(out, hs[0].ID) {
		t.Fatalf("history --user %s: %d %s %s", u.SAM, code, out, errs)
	}
	id := hs[0].ID
	code, out, errs = run(t, append([]string{"undo", id}, args...)...)
	if code != 0 || !strings.Contains(out, "1 -> (absent)") || !strings.Contains(out, "TRUE -> (absent)") {
		t.Fatalf("undo: exit %d\n%s\n%s", code, out, errs)
	}
	if s := dcUser(t, u.DN).OCS; s.OptionFlags.Set || s.Federation.Set {
		t.Errorf("after the undo: OptionFlags %v, federation %v; want both absent", s.OptionFlags, s.Federation)
	}
	undoID := lastWriteID(t, journal, u.DN)
	code, out, _ = run(t, append([]string{"undo", id}, args...)...)
	if code != 0 || !strings.Contains(out, "already undone by "+undoID) || !strings.Contains(out, "nothing to do: 1 already undone") || strings.Contains(out, "refused") {
		t.Errorf("the second undo: exit %d\n%s", code, out)
	}
	if got := lastWriteID(t, journal, u.DN); got != undoID {
		t.Errorf("the second undo journaled a write %s", got)
	}
}
