package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
)

// runDemo runs ocsflags on one demo directory the test keeps, with stdin.
func runDemo(t *testing.T, m *directory.Memory, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			if k == "LDAPNOINIT" {
				return "1"
			}
			return ""
		},
		OpenDemo: func() (directory.Directory, error) { return m, nil },
	})
	return code, out.String(), errb.String()
}

func openDemo(t *testing.T) *directory.Memory {
	t.Helper()
	m, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// decodeStream reads set --json: one object per user, then the summary.
func decodeStream(t *testing.T, out string) ([]bulkUserJSON, bulkSummaryJSON) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var users []bulkUserJSON
	var sum bulkSummaryJSON
	for {
		var raw map[string]json.RawMessage
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("not a stream of JSON objects: %v\n%s", err, out)
		}
		b, _ := json.Marshal(raw)
		if _, ok := raw["summary"]; ok {
			json.Unmarshal(b, &sum)
			continue
		}
		var u bulkUserJSON
		json.Unmarshal(b, &u)
		users = append(users, u)
	}
	return users, sum
}

func TestBulkSetOUJSONAndRerun(t *testing.T) {
	m := openDemo(t)
	ou := "--ou=" + directory.StaffOU
	// A batch leaves users not enabled for OCS alone (exit 1): select the
	// enabled ones.
	code, out, errs := runDemo(t, m, "", "set", "--demo", ou, "--where", "enabled=on", "--json", "+pic")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	users, sum := decodeStream(t, out)
	if len(users) != sum.Summary.Selected || sum.Summary.Read != directory.StaffCount || sum.Summary.Selected < 4000 || sum.Summary.Written == 0 || sum.Summary.Written+sum.Summary.Unchanged != sum.Summary.Selected || sum.Summary.Run == "" {
		t.Fatalf("%d users, summary %+v", len(users), sum.Summary)
	}
	for _, u := range users {
		if u.Outcome == "written" && (len(u.Changes) != 1 || u.Changes[0].Attribute != flags.AttrOptionFlags) {
			t.Fatalf("written user %+v", u)
		}
	}
	// Rerun: everyone unchanged, exit 0, and the text report says so.
	code, out, _ = runDemo(t, m, "", "set", "--demo", ou, "--where", "enabled=on", "+pic")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("0 written, %d unchanged, 0 skipped, 0 conflicts, 0 failed", sum.Summary.Selected)) {
		t.Fatalf("rerun: exit %d\n%s", code, tail(out))
	}
}

func tail(s string) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	if len(ls) > 8 {
		ls = ls[len(ls)-8:]
	}
	return strings.Join(ls, "\n")
}

func TestBulkSetDryRunWritesNothing(t *testing.T) {
	m := openDemo(t)
	code, out, errs := runDemo(t, m, "", "set", "--demo", "--ou", "OU=Corp,DC=corp,DC=example", "--subtree", "--dry-run", "pool=poolr2.corp.example")
	if m.Applied() != 0 {
		t.Fatalf("--dry-run wrote %d changes", m.Applied())
	}
	// Users on a working pool are refused: exit 1, with
	// the plan's table, the reasons and the LDIF.
	for _, want := range []string{"PLAN      USER", "skipped   Ann Lee", "write     ", "to write,", "# dry run: nothing was written", "changetype: modify", "add: msRTCSIP-PrimaryHomeServer"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q", want)
		}
	}
	if code != 1 {
		t.Fatalf("exit %d, want 1 (some users skipped): %s", code, errs)
	}
	code, out, _ = runDemo(t, m, "", "set", "--demo", "--ou", directory.StaffOU, "--where", "enabled=on", "--dry-run", "--json", "+pic")
	_, sum := decodeStream(t, out)
	if code != 0 || !sum.Summary.DryRun || sum.Summary.ToWrite == nil || *sum.Summary.ToWrite == 0 || m.Applied() != 0 {
		t.Fatalf("--dry-run --json: exit %d, %+v, %d applied", code, sum.Summary, m.Applied())
	}
}

func TestBulkSetUsersFrom(t *testing.T) {
	m := openDemo(t)
	list := "# sales\nalee\n\nsip:bcole@corp.example\r\nCN=Carla Diaz,OU=Sales,OU=Corp,DC=corp,DC=example\n"
	code, out, errs := runDemo(t, m, list, "set", "--demo", "--users-from", "-", "+anonymous")
	if code != 0 || strings.Count(out, "\nwritten ")+strings.Count(out, "written ") < 3 || !strings.Contains(out, "3 users named in the list") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	// An unknown and an ambiguous name: exit 2, every bad line named,
	// nothing written.
	before := m.Applied()
	file := filepath.Join(t.TempDir(), "users.txt")
	os.WriteFile(file, []byte("alee\nnosuchuser\n\nsip:alee@corp.example\n"), 0o600)
	code, _, errs = runDemo(t, m, "", "set", "--demo", "--users-from", file, "+pic")
	if code != 2 || !strings.Contains(errs, "line 2: \"nosuchuser\"") || !strings.Contains(errs, "line 4:") || !strings.Contains(errs, "nothing was written") || m.Applied() != before {
		t.Fatalf("exit %d, %d applied\n%s", code, m.Applied()-before, errs)
	}
	for _, tc := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"--users-from", filepath.Join(t.TempDir(), "missing.txt"), "+pic"}, "", "no such file"},
		{[]string{"--users-from", "-", "+pic"}, "\n# nobody\n", "names no users"},
		{[]string{"--users-from", "-", "+pic"}, "alee\x00\n", "line 1 is not text"},
		{[]string{"--users-from", "-", "--parallel", "0", "+pic"}, "alee\n", "--parallel 0: give how many users to write at once, from 1 to 16"},
		{[]string{"--users-from", "-", "--parallel", "x", "+pic"}, "alee\n", "--parallel x:"},
		{[]string{"--users-from", "-", "sip=sip:x@corp.example"}, "alee\n", "sip= would give every user the same sign-in name"},
		{[]string{"--users-from", "-", "-enabled", "sip="}, "alee\n", "does not take their sign-in names away"},
		{[]string{"--ou", directory.StaffOU, "line=tel:+15550100"}, "", "line= would give every user the same Line URI"},
		{[]string{"--ou", directory.StaffOU, "federation=off"}, "", "off with -federation"},
		{[]string{"--users-from", "-", "+pic", "-pic"}, "alee\n", "both change"},
		{[]string{"--users-from", "-", "alee", "+pic"}, "alee\n", "every argument is a change"},
		{[]string{"--users-from", "-"}, "alee\n", "name the changes"},
		{[]string{"--ou", directory.StaffOU, "--users-from", "-", "+pic"}, "alee\n", "not both"},
		{[]string{"--subtree", "alee", "+pic"}, "", "--subtree goes with --ou"},
		{[]string{"--json", "alee", "+pic"}, "", "--json goes with --ou DN or --users-from"},
		{[]string{"--ou", "not a dn", "+pic"}, "", "not a valid distinguished name"},
		{[]string{"--ou", directory.StaffOU, "--where", "tel=voice", "+pic"}, "", `"voice" is not a telephony mode`},
		{[]string{"--ou", directory.StaffOU, "-ep"}, "", "one-way"},
	} {
		code, _, errs := runDemo(t, m, tc.stdin, append([]string{"set", "--demo"}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
	if m.Applied() != before {
		t.Fatalf("bad input wrote %d changes", m.Applied()-before)
	}
}

func TestBulkSetWhereAndRepair(t *testing.T) {
	m := openDemo(t)
	// --where narrows: +pic only for Enterprise Voice users of Staff.
	code, out, _ := runDemo(t, m, "", "set", "--demo", "--ou", directory.StaffOU, "--where", "telephony=ev", "--where", "pic=off", "--json", "+pic")
	users, sum := decodeStream(t, out)
	if code != 0 || sum.Summary.Read != directory.StaffCount || sum.Summary.Selected == 0 || sum.Summary.Written != sum.Summary.Selected || len(users) != sum.Summary.Selected {
		t.Fatalf("exit %d, %+v", code, sum.Summary)
	}
	for _, u := range users {
		got, _ := m.User(context.Background(), u.DN)
		if got.OCS.OptionFlags.V&(flags.EnterpriseVoice|flags.PublicIM) != flags.EnterpriseVoice|flags.PublicIM {
			t.Errorf("%s: %d", u.DN, got.OCS.OptionFlags.V)
		}
	}
	// The bulk repair: only users whose home server is not a pool, and
	// those on a working pool skipped with the reason when not narrowed.
	code, out, errs := runDemo(t, m, "", "set", "--demo", "--ou", "DC=corp,DC=example", "--subtree", "--where", "finding=home-server-not-a-pool", "pool=pool01.corp.example")
	if code != 0 || !strings.Contains(out, "1 written, 0 unchanged") || !strings.Contains(out, "match --where") {
		t.Fatalf("repair: exit %d\n%s\n%s", code, tail(out), errs)
	}
	// Run again, the repair finds nothing to repair and says the users
	// hold the change already (Sam Taylor, repaired, matches no more).
	code, out, errs = runDemo(t, m, "", "set", "--demo", "--ou", "DC=corp,DC=example", "--subtree", "--where", "finding=home-server-not-a-pool", "pool=pool01.corp.example")
	if code != 0 || !strings.Contains(out, "0 match --where; ") || !strings.Contains(out, "of the others already hold this change (unchanged): nothing to do") {
		t.Fatalf("repair again: exit %d\n%s\n%s", code, tail(out), errs)
	}
	code, out, _ = runDemo(t, m, "", "set", "--demo", "--ou", "DC=corp,DC=example", "--subtree", "--where", "finding=home-server-not-a-pool", "pool=pool01.corp.example", "--json")
	if _, sum := decodeStream(t, out); code != 0 || sum.Summary.Selected != 0 || sum.Summary.AlreadyDone == 0 {
		t.Fatalf("repair again, --json: exit %d %+v", code, sum.Summary)
	}
	code, out, _ = runDemo(t, m, "alee\n", "set", "--demo", "--users-from", "-", "pool=poolr2.corp.example")
	if code != 1 || !strings.Contains(out, "skipped   Ann Lee") || !strings.Contains(out, "already on a working pool (pool01.corp.example)") {
		t.Fatalf("working pool: exit %d\n%s", code, out)
	}
}

// Turning enhanced presence on cannot be undone: set warns, for one user
// on its line, for many once with the count, never once a user.
func TestSetWarnsEnhancedPresenceOneWay(t *testing.T) {
	m := openDemo(t)
	code, _, errs := runDemo(t, m, "", "set", "--demo", "--dry-run", "jryan", "+ep")
	if code != 0 || !strings.Contains(errs, "one-way") || !strings.Contains(errs, "Communicator 2005") {
		t.Fatalf("single +ep: exit %d, stderr %q", code, errs)
	}
	code, out, errs := runDemo(t, m, "", "set", "--demo", "--ou", "OU=Migrated-LCS2005,DC=corp,DC=example", "--subtree", "--dry-run", "+ep")
	if n := strings.Count(errs, "one-way"); n != 1 || !strings.Contains(out, "to write") {
		t.Fatalf("bulk +ep: exit %d, %d warnings in stderr %q\n%s", code, n, errs, out)
	}
}

// A batch does not reach accounts never enabled for OCS, and every user
// on a working pool is skipped with the reason (review items 1, 3, 4).
func TestBulkSetSkipsNotEnabledAndWorkingPools(t *testing.T) {
	m := openDemo(t)
	code, out, _ := runDemo(t, m, "", "set", "--demo", "--ou", "DC=corp,DC=example", "--subtree", "--where", "finding=no-home-server", "pool=pool01.corp.example", "--dry-run")
	// 422 of the demo's users have no home server because they were never
	// enabled; the few enabled ones without one (Rosa Alvarez) are repaired.
	if w, off := strings.Count(out, "\nwrite "), strings.Count(out, "not enabled for OCS"); code != 1 || w == 0 || w > 10 || off < 400 || !strings.Contains(out, "write     Rosa Alvarez") {
		t.Fatalf("repair of no-home-server: exit %d\n%s", code, tail(out))
	}
	code, out, _ = runDemo(t, m, "", "set", "--demo", "--ou", "OU=Engineering,OU=Corp,DC=corp,DC=example", "pool=poolr2.corp.example", "--dry-run")
	var quinn string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "Quinn Harper") {
			quinn = l
		}
	}
	if code != 1 || !strings.HasPrefix(quinn, "skipped") || !strings.Contains(quinn, "already on a working pool") {
		t.Fatalf("pool= on Engineering: exit %d, Quinn Harper: %q", code, quinn)
	}
	code, _, _ = runDemo(t, m, "", "set", "--demo", "--ou", directory.StaffOU, "+pic")
	yann, _ := m.User(context.Background(), "CN=Yann Lambert 4998,OU=Staff,OU=Corp,DC=corp,DC=example")
	if code != 1 || yann.OCS.OptionFlags.Set {
		t.Fatalf("+pic on Staff: exit %d, Yann Lambert (never enabled) OptionFlags %v", code, yann.OCS.OptionFlags)
	}
}

// --read-only refuses a bulk change before reading, exit 2 as for one
// user (it used to read the OU and "fail" every user, exit 1).
func TestBulkSetReadOnlyRefusedBeforeReading(t *testing.T) {
	m := openDemo(t)
	code, out, errs := runDemo(t, m, "", "set", "--demo", "--read-only", "--ou", "OU=Sales,OU=Corp,DC=corp,DC=example", "+pic")
	if code != 2 || out != "" || !strings.Contains(errs, "--read-only") || m.Applied() != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// A dry run writes nothing, so --read-only does not stand in its way.
	if code, _, errs := runDemo(t, m, "", "set", "--demo", "--read-only", "--dry-run", "--ou", "OU=Sales,OU=Corp,DC=corp,DC=example", "--where", "enabled=on", "+pic"); code != 0 {
		t.Fatalf("--read-only --dry-run: exit %d: %s", code, errs)
	}
}

// set --json is JSON Lines: one compact object a line, the summary last
// on its own, camelCase like find and audit; a real run that selects
// nobody is not reported as a dry run (review-cli item 7, review-code).
func TestBulkSetJSONLines(t *testing.T) {
	m := openDemo(t)
	code, out, errs := runDemo(t, m, "alee\nbcole\n", "set", "--demo", "--users-from", "-", "--json", "+anonymous")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || len(lines) != 3 {
		t.Fatalf("exit %d, %d lines: %s\n%s", code, len(lines), out, errs)
	}
	for i, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil || !strings.HasPrefix(l, "{") {
			t.Fatalf("line %d is not one JSON object: %q", i+1, l)
		}
		if _, ok := v["summary"]; ok != (i == 2) {
			t.Fatalf("summary on line %d: %q", i+1, l)
		}
	}
	if !strings.Contains(lines[2], `"dryRun":false`) || strings.Contains(out, "dry_run") {
		t.Fatalf("summary %s", lines[2])
	}
	code, out, _ = runDemo(t, m, "", "set", "--demo", "--ou", "OU=Sales,OU=Corp,DC=corp,DC=example", "--where", "pool=none", "--where", "enabled=on", "--json", "+pic")
	if code != 0 || !strings.Contains(out, `"dryRun":false`) || strings.Count(out, "\n") != 1 {
		t.Fatalf("nobody selected: exit %d %q", code, out)
	}
}

// The plan and the report name each user by the name ADUC shows and by
// its sAMAccountName, so two users of one display name are told apart; a
// contact, without an account name, gets its DN on a line of its own.
func TestBulkSetTablesNameTheAccount(t *testing.T) {
	m := openDemo(t)
	list := "alee\nannlee2\nXena Warrior\n"
	for _, args := range [][]string{
		{"set", "--demo", "--users-from", "-", "+anonymous", "--dry-run"},
		{"set", "--demo", "--users-from", "-", "+anonymous"},
	} {
		code, out, errs := runDemo(t, m, list, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, errs)
		}
		rows := map[string]string{}
		for _, l := range strings.Split(out, "\n") {
			for _, who := range []string{"Ann Lee ", "Lee, Ann ", "Xena Warrior "} {
				if strings.Contains(l, " "+who) {
					rows[who] = l
				}
			}
		}
		if f := strings.Fields(rows["Ann Lee "]); len(f) < 4 || f[3] != "alee" {
			t.Errorf("%v: Ann Lee's row %q has no account alee", args, rows["Ann Lee "])
		}
		if f := strings.Fields(rows["Lee, Ann "]); len(f) < 4 || f[3] != "annlee2" {
			t.Errorf("%v: Lee, Ann's row %q has no account annlee2", args, rows["Lee, Ann "])
		}
		if !strings.Contains(out, "\n          dn: CN=Xena Warrior,OU=Partners,DC=corp,DC=example\n") {
			t.Errorf("%v: the contact's DN is not on a line of its own:\n%s", args, out)
		}
		if strings.Contains(args[len(args)-1], "dry") && !strings.Contains(out, "ACCOUNT") {
			t.Errorf("no ACCOUNT column:\n%s", out)
		}
	}
	if _, out, _ := runDemo(t, m, list, "set", "--demo", "--users-from", "-", "+anonymous", "--json"); !strings.Contains(out, `"name":"Lee, Ann","sAMAccountName":"annlee2"`) {
		t.Errorf("--json has no sAMAccountName:\n%s", out)
	}
}

// A list naming a user twice is planned once, and set says so: a count
// that looks short is explained.
func TestBulkSetUsersFromSaysRepeats(t *testing.T) {
	m := openDemo(t)
	code, out, errs := runDemo(t, m, "alee\n# a comment\n\nstaylor\nALEE\n", "set", "--demo", "--users-from", "-", "+anonymous", "--dry-run")
	if code != 0 || !strings.Contains(errs, "3 of its lines name 2 users (line 5 repeats line 1); each user is planned once") ||
		!strings.Contains(out, "2 users: 2 to write") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if _, _, errs := runDemo(t, m, "alee\nstaylor\n", "set", "--demo", "--users-from", "-", "+anonymous", "--dry-run"); strings.Contains(errs, "planned once") {
		t.Fatalf("a list without repeats got the notice:\n%s", errs)
	}
}

// A dry run that selects nobody prints no empty table: what was read and
// that nobody is left.
func TestBulkSetDryRunOfNobody(t *testing.T) {
	m := openDemo(t)
	code, out, errs := runDemo(t, m, "", "set", "--demo", "--ou", directory.StaffOU, "--where", "pool=nosuch", "+pic", "--dry-run")
	if code != 0 || strings.Contains(out, "PLAN") || !strings.Contains(out, "0 match --where: nothing to do") || !strings.Contains(out, "# dry run: nothing was written") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}
