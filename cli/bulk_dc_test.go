package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// The bulk repair against the Samba DC, as an admin types it: in
// an OU where some users' home servers are broken (missing, not a pool, a
// deleted pool), set --where finding=… pool=HOST changes exactly those
// users, only their home server, and nothing else in the OU.
func TestDCBulkRepairHomeServers(t *testing.T) {
	dc := dctest.RequireDC(t)
	admin := dctest.Admin(t, dc)
	u := dctest.Unique()
	ou := dctest.OU(t, admin, dc, "CLIRepair")
	_, working := dctest.Pool(t, admin, dc, "cw"+u)
	_, target := dctest.Pool(t, admin, dc, "ct"+u)
	gonePool, gone := dctest.Pool(t, admin, dc, "cg"+u)
	sub := "OU=Sub," + ou
	if err := admin.Add(addOU(sub)); err != nil {
		t.Fatal(err)
	}
	users := map[string]string{
		"ok":        dctest.OUUser(t, admin, ou, "cok"+u, working, "257"),
		"ok2":       dctest.OUUser(t, admin, sub, "cok2"+u, working, "256"),
		"missing":   dctest.OUUser(t, admin, ou, "cmis"+u, "", "256"),
		"notpool":   dctest.OUUser(t, admin, sub, "cnp"+u, ou, "2342"),
		"deleted":   dctest.OUUser(t, admin, ou, "cdel"+u, gone, "385"),
		"deleted-2": dctest.OUUser(t, admin, sub, "cdl2"+u, gone, "1280"),
	}
	if err := dctest.DeleteTree(admin, gonePool); err != nil {
		t.Fatal(err)
	}
	before := map[string]directory.User{}
	for k, dn := range users {
		before[k] = dcUser(t, dn)
	}
	host := "ct" + u + ".corp.example"
	args := append([]string{"set"}, dcArgs(t)...)
	args = append(args, "--ou", ou, "--subtree", "--json")
	code, out, errs := run(t, append(args, "--where", "finding=home-server-not-a-pool", "pool="+host)...)
	res, sum := decodeStream(t, out)
	if code != 0 || sum.Summary.Read != 6 || sum.Summary.Selected != 3 || sum.Summary.Written != 3 {
		t.Fatalf("not-a-pool repair: exit %d, %+v\n%s", code, sum.Summary, errs)
	}
	code, out, errs = run(t, append(args, "--where", "finding=no-home-server", "pool="+host)...)
	res2, sum := decodeStream(t, out)
	if code != 0 || sum.Summary.Selected != 1 || sum.Summary.Written != 1 {
		t.Fatalf("no-home-server repair: exit %d, %+v\n%s", code, sum.Summary, errs)
	}
	repaired := map[string]bool{}
	for _, r := range append(res, res2...) {
		repaired[directory.NormDN(r.DN)] = true
	}
	for k, dn := range users {
		after := dcUser(t, dn)
		edits := flags.Edits(before[k].OCS, after.OCS)
		if strings.HasPrefix(k, "ok") {
			if len(edits) != 0 || repaired[directory.NormDN(dn)] {
				t.Errorf("%s, on a working pool, changed: %v", k, edits)
			}
			continue
		}
		if len(edits) != 1 || edits[0].Attr != flags.AttrPrimaryHomeServer || !directory.SameDN(after.OCS.HomeServer.V, target) {
			t.Errorf("%s: %v; want only the home server, set to %s", k, edits, target)
		}
	}
	// Without --where the users on a working pool are named, with why
	// they are left alone; the others are there already: exit 1.
	code, out, _ = run(t, append(append([]string{"set"}, dcArgs(t)...), "--ou", ou, "--subtree", "pool="+host)...)
	if code != 1 || strings.Count(out, "already on a working pool (cw"+u+".corp.example)") != 2 || !strings.Contains(out, "0 written, 4 unchanged, 2 skipped") {
		t.Fatalf("unnarrowed rerun: exit %d\n%s", code, out)
	}
}

// SIGINT in the middle of a bulk set on the DC: the writes in flight
// finish, the report comes, every user written is in the journal under
// the run, and the users not reached are untouched.
func TestDCBulkSetSIGINT(t *testing.T) {
	dc := dctest.RequireDC(t)
	admin := dctest.Admin(t, dc)
	u := dctest.Unique()
	ou := dctest.OU(t, admin, dc, "CLIStop")
	_, home := dctest.Pool(t, admin, dc, "cs"+u)
	var dns []string
	for i := range 30 {
		dns = append(dns, dctest.OUUser(t, admin, ou, fmt.Sprintf("cs%s%02d", u, i), home, "256"))
	}
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	args := []string{"set", "--url", dc.URL, "--start-tls", "--ca-cert", dc.CACert, "--bind", dc.AdminUPN, "--password-file", dc.AdminPasswordFile,
		"--journal", journal, "--ou", ou, "--parallel", "2", "+pic"}
	sigs := make(chan os.Signal, 1)
	out := &signalAfter{lines: 3, sig: sigs}
	var errb bytes.Buffer
	code := Main(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: &errb, Signals: sigs,
		Getenv: func(k string) string { return map[string]string{"LDAPNOINIT": "1"}[k] }, Exit: func(int) { t.Error("exited at once") }})
	if code != 130 {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, out.String(), errb.String())
	}
	text := out.String()
	if !strings.Contains(text, "stopped: the writes in flight were finished") || !strings.Contains(errb.String(), "stopped by SIGINT") {
		t.Fatalf("report:\n%s\n%s", text, errb.String())
	}
	entries, err := directory.ReadJournal(journal)
	if err != nil {
		t.Fatal(err)
	}
	journaled := map[string]bool{}
	for _, e := range entries {
		if e.Run == "" {
			t.Errorf("journal line without the run: %+v", e)
		}
		if e.Phase == directory.PhaseOutcome && e.Outcome == directory.JournalWritten {
			journaled[directory.NormDN(e.DN)] = true
		}
	}
	written := 0
	for _, dn := range dns {
		got := dcUser(t, dn).OCS.OptionFlags.V
		switch got {
		case 257:
			written++
			if !journaled[directory.NormDN(dn)] {
				t.Errorf("%s written, not journaled", dn)
			}
		case 256:
			if journaled[directory.NormDN(dn)] {
				t.Errorf("%s journaled written, but untouched", dn)
			}
		default:
			t.Errorf("%s: OptionFlags %d", dn, got)
		}
	}
	if written < 3 || written == len(dns) || written != len(journaled) || strings.Count(text, "written   ") != written {
		t.Fatalf("%d written, %d journaled, report:\n%s", written, len(journaled), text)
	}
}

// signalAfter is standard output that sends SIGINT once it has seen a
// number of lines, as an admin pressing ^C while the report scrolls.
type signalAfter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines int
	sig   chan os.Signal
	sent  bool
}

func (s *signalAfter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	if !s.sent && strings.Count(s.buf.String(), "\n") >= s.lines {
		s.sent = true
		s.sig <- syscall.SIGINT
	}
	return len(p), nil
}

func (s *signalAfter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func addOU(dn string) *ldap.AddRequest {
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"organizationalUnit"})
	return req
}
