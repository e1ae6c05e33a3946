package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ocsflags/directory"
	"ocsflags/flags"
)

// journaledDemo is one demo directory shared by several commands of a test,
// journaled as a DC is (the real demo is not: its changes vanish at exit).
type journaledDemo struct {
	m       *directory.Memory
	j       *directory.Journaled
	journal string
}

func newJournaledDemo(t *testing.T) *journaledDemo {
	t.Helper()
	m, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := directory.NewJournaled(m, path)
	if err != nil {
		t.Fatal(err)
	}
	return &journaledDemo{m: m, j: j, journal: path}
}

// run runs ocsflags on the journaled demo (--demo) with its journal.
func (d *journaledDemo) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	args = append(args, "--journal", d.journal)
	code := Main(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv:   func(k string) string { return map[string]string{"LDAPNOINIT": "1"}[k] },
		OpenDemo: func() (directory.Directory, error) { return d.j, nil },
	})
	return code, out.String(), errb.String()
}

func (d *journaledDemo) flagsOf(t *testing.T, dn string) flags.Value {
	t.Helper()
	u, err := d.m.User(context.Background(), dn)
	if err != nil {
		t.Fatal(err)
	}
	return u.OCS.OptionFlags.V
}

// otherWriter sets OptionFlags of dn to v behind ocsflags' back.
func (d *journaledDemo) otherWriter(t *testing.T, dn string, v flags.Value) {
	t.Helper()
	old := d.flagsOf(t, dn)
	c := directory.Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some(flags.FormatAD(old)), New: flags.Some(flags.FormatAD(v))}}}
	if _, err := d.m.Apply(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

// historyJSON is history --json, parsed.
func historyJSON(t *testing.T, d *journaledDemo, args ...string) []historyEntry {
	t.Helper()
	code, out, errs := d.run(t, append([]string{"history", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("history: exit %d %s", code, errs)
	}
	var hs []historyEntry
	if err := json.Unmarshal([]byte(out), &hs); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return hs
}

const leoDN = "CN=Leo Marsh,OU=Migrated-LCS2005,DC=corp,DC=example" // OptionFlags 1

// The bar: set +anonymous, someone else sets an undocumented bit, undo ID
// clears 64 only; the undo has an id of its own and can be undone.
func TestUndoOnDemoClearsOnly64(t *testing.T) {
	d := newJournaledDemo(t)
	if code, _, errs := d.run(t, "set", "--demo", "lmarsh", "+anonymous"); code != 0 {
		t.Fatalf("set: %d %s", code, errs)
	}
	d.otherWriter(t, leoDN, 1|64|1024)
	hs := historyJSON(t, d, "--user", "lmarsh")
	if len(hs) != 1 || hs[0].SAM != "lmarsh" {
		t.Errorf("--user lmarsh (the sAMAccountName journaled with the write): %+v", hs)
	}
	hs = historyJSON(t, d, "--user", "Leo Marsh")
	if len(hs) != 1 || hs[0].Outcome != "written" || len(hs[0].Changes) != 1 || len(hs[0].Changes[0].Set) != 1 || hs[0].Changes[0].Set[0].Name != "anonymous" {
		t.Fatalf("history: %+v", hs)
	}
	id := hs[0].ID
	code, out, errs := d.run(t, "undo", "--demo", id)
	if code != 0 {
		t.Fatalf("undo: exit %d\n%s\n%s", code, out, errs)
	}
	if v := d.flagsOf(t, leoDN); v != 1|1024 {
		t.Errorf("after undo OptionFlags = %d, want 1025 (1024 kept)", v)
	}
	if !strings.Contains(out, "1089 -> 1025") || !strings.Contains(out, "(-64 anonymous)") || !strings.Contains(out, "undone as write") {
		t.Errorf("undo output:\n%s", out)
	}
	// The undo is in the history as the undo of id, with an id of its own.
	hs = historyJSON(t, d)
	if len(hs) != 2 || hs[1].Undoes != id || hs[1].ID == id {
		t.Fatalf("history after undo: %+v", hs)
	}
	// Undoing the same write twice: the journal says it was taken back
	// already, by whom and when; nothing is written, exit 0.
	code, out, _ = d.run(t, "undo", "--demo", id)
	if code != 0 || !strings.Contains(out, "already undone by "+hs[1].ID+" at "+timeText(hs[1].Time)+"; nothing to do") ||
		strings.Contains(out, "refused") || !strings.Contains(out, "nothing to do: 1 already undone") {
		t.Errorf("second undo: exit %d\n%s", code, out)
	}
	if v := d.flagsOf(t, leoDN); v != 1|1024 {
		t.Errorf("the second undo changed OptionFlags to %d", v)
	}
	if n := len(historyJSON(t, d)); n != 2 {
		t.Errorf("the second undo journaled a write: %d writes", n)
	}
	// The undo undone: 64 is back, 1024 still there.
	if code, out, errs := d.run(t, "undo", "--demo", hs[1].ID); code != 0 {
		t.Fatalf("undo of the undo: %d\n%s%s", code, out, errs)
	}
	if v := d.flagsOf(t, leoDN); v != 1|64|1024 {
		t.Errorf("after the undo of the undo OptionFlags = %d, want 1089", v)
	}
}

// An undo after someone else already cleared 64 is refused with exit 1,
// names both values and changes nothing (nor journals anything).
func TestUndoOnDemoRefusedAfterOthersCleared(t *testing.T) {
	d := newJournaledDemo(t)
	if code, _, errs := d.run(t, "set", "--demo", "lmarsh", "+anonymous"); code != 0 {
		t.Fatalf("set: %d %s", code, errs)
	}
	d.otherWriter(t, leoDN, 1|1024)
	hs := historyJSON(t, d)
	before, _ := os.ReadFile(d.journal)
	code, out, _ := d.run(t, "undo", "--demo", hs[0].ID)
	if code != 1 {
		t.Fatalf("undo: exit %d\n%s", code, out)
	}
	for _, want := range []string{"refused", "65", "1025", "nothing written"} {
		if !strings.Contains(out, want) {
			t.Errorf("undo output lacks %q:\n%s", want, out)
		}
	}
	if v := d.flagsOf(t, leoDN); v != 1|1024 {
		t.Errorf("refused undo changed OptionFlags to %d", v)
	}
	if after, _ := os.ReadFile(d.journal); !bytes.Equal(before, after) {
		t.Errorf("a refused undo wrote to the journal:\n%s", after[len(before):])
	}
}

// A bulk run over 50 users (WithRun over 50 journaled writes, as the bulk
// engine makes them), undone by its run id, restores exactly those users.
func TestUndoRunOnDemo(t *testing.T) {
	d := newJournaledDemo(t)
	ctx := context.Background()
	var dns []string
	d.m.Users(ctx, directory.StaffOU, directory.OneLevel, func(b directory.Batch) error {
		for _, u := range b.Users {
			if len(dns) < 52 && !u.OCS.OptionFlags.V.Has(flags.AnonymousParticipants) {
				dns = append(dns, u.DN)
			}
		}
		return nil
	})
	if len(dns) < 52 {
		t.Fatalf("%d staff users", len(dns))
	}
	before := map[string]flags.Value{}
	for _, dn := range dns {
		before[dn] = d.flagsOf(t, dn)
	}
	run := directory.NewRunID()
	for _, dn := range dns[:50] {
		if _, _, err := directory.Update(directory.WithRun(ctx, run), d.j, dn, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants | flags.PublicIM}}, 1); err != nil {
			t.Fatal(err)
		}
	}
	// Outside the run: a write of its own, and a user someone else
	// changed inside the run's bits.
	if _, _, err := directory.Update(ctx, d.j, dns[50], flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 1); err != nil {
		t.Fatal(err)
	}
	code, out, errs := d.run(t, "history")
	if code != 0 || !strings.Contains(out, "run "+run+": 50 writes (50 written)") {
		t.Fatalf("history: %d %s\n%s", code, errs, out)
	}
	if code, out, errs = d.run(t, "undo", "--demo", run[:8]); code != 0 {
		t.Fatalf("undo run: exit %d\n%s\n%s", code, out, errs)
	}
	for _, dn := range dns[:50] {
		if v := d.flagsOf(t, dn); v != before[dn] {
			t.Errorf("%s: %d after the undo, %d before the run", dn, v, before[dn])
		}
	}
	if v := d.flagsOf(t, dns[50]); v != before[dns[50]]|flags.AnonymousParticipants {
		t.Errorf("the write outside the run was undone: %d", v)
	}
	if v := d.flagsOf(t, dns[51]); v != before[dns[51]] {
		t.Errorf("a user of no write changed: %d", v)
	}
	// The undo of the run is a run of its own, and undoing it redoes the
	// run.
	var undoRun string
	for _, h := range historyJSON(t, d) {
		if h.Undoes != "" {
			if undoRun != "" && h.Run != undoRun || h.Run == "" || h.Run == run {
				t.Fatalf("undo write outside one undo run: %+v", h)
			}
			undoRun = h.Run
		}
	}
	if !strings.Contains(out, "undo run "+undoRun+": 50 writes undone") {
		t.Errorf("undo output:\n%s", out[max(0, len(out)-400):])
	}
	// The run again: every write of it was taken back already.
	if code, out, _ := d.run(t, "undo", "--demo", run); code != 0 || strings.Count(out, "already undone by ") != 50 ||
		!strings.Contains(out, "nothing to do: 50 already undone") {
		t.Errorf("the run undone twice: exit %d\n%s", code, out[max(0, len(out)-400):])
	}
	if code, _, errs := d.run(t, "undo", "--demo", undoRun); code != 0 {
		t.Fatalf("undo of the undo run: %d %s", code, errs)
	}
	for _, dn := range dns[:50] {
		if v := d.flagsOf(t, dn); v != before[dn]|flags.AnonymousParticipants|flags.PublicIM {
			t.Errorf("%s: %d after undoing the undo", dn, v)
		}
	}
	// The undo undone puts the run's change back: it can be undone again.
	if code, out, _ := d.run(t, "undo", "--demo", run); code != 0 || !strings.Contains(out, "50 writes undone") {
		t.Errorf("the run undone after its undo was undone: exit %d\n%s", code, out[max(0, len(out)-400):])
	}
}

// A journal with a damaged line is still listed, the damaged line named on
// standard error, and the exit status says so (1).
func TestHistoryDamagedJournal(t *testing.T) {
	d := newJournaledDemo(t)
	if code, _, errs := d.run(t, "set", "--demo", "lmarsh", "+anonymous"); code != 0 {
		t.Fatalf("set: %d %s", code, errs)
	}
	f, _ := os.OpenFile(d.journal, os.O_APPEND|os.O_WRONLY, 0o600)
	f.WriteString("{\"v\":2,\"id\":\"zz\",\"phase\":\"intent\",\"time\":\"garbage\"}\nnot json at all\n")
	f.Close()
	if code, _, errs := d.run(t, "set", "--demo", "lmarsh", "+pic", "+ev"); code != 0 {
		t.Fatalf("set: %d %s", code, errs)
	}
	code, out, errs := d.run(t, "history")
	if code != 1 {
		t.Errorf("history of a damaged journal: exit %d", code)
	}
	if !strings.Contains(errs, "line 3 is damaged") || !strings.Contains(errs, "line 4 is damaged") || !strings.Contains(errs, "not JSON") {
		t.Errorf("damaged lines not named:\n%s", errs)
	}
	if n := strings.Count(out, leoDN); n != 2 || !strings.Contains(out, "(+64 anonymous)") || !strings.Contains(out, "(+128 ev)") {
		t.Errorf("history lists %d writes:\n%s", n, out)
	}
	// --json still prints the list, and says the damage the same way.
	code, out, errs = d.run(t, "history", "--json")
	var hs []historyEntry
	if code != 1 || json.Unmarshal([]byte(out), &hs) != nil || len(hs) != 2 || !strings.Contains(errs, "line 3") {
		t.Errorf("history --json: %d %d entries\n%s", code, len(hs), errs)
	}
	// undo still finds the writes on good lines.
	if code, out, errs := d.run(t, "undo", "--demo", hs[0].ID); code != 0 {
		t.Errorf("undo in a damaged journal: %d\n%s%s", code, out, errs)
	}
}

func TestUndoBadInput(t *testing.T) {
	d := newJournaledDemo(t)
	if code, _, errs := d.run(t, "set", "--demo", "lmarsh", "+anonymous"); code != 0 {
		t.Fatalf("set: %d %s", code, errs)
	}
	// A write that was not written: someone changed OptionFlags between
	// the read and the write (a conflict the set gave up on).
	u, _ := d.m.User(context.Background(), leoDN)
	stale := directory.Change{DN: leoDN, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("1"), New: flags.Some("3")}}}
	if _, err := d.j.Apply(context.Background(), stale); err == nil {
		t.Fatalf("stale write landed on %v", u.OCS.OptionFlags)
	}
	hs := historyJSON(t, d)
	if len(hs) != 2 || hs[1].Outcome != "not written" {
		t.Fatalf("history: %+v", hs)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown id", []string{"undo", "--demo", "feedfacecafe"}, 2, "no write or run feedfacecafe"},
		{"too short", []string{"undo", "--demo", "ab"}, 2, "at least 4 characters"},
		{"no id", []string{"undo", "--demo"}, 2, "usage: ocsflags undo"},
		{"no target", []string{"undo", hs[0].ID}, 2, "no directory to write to"},
		{"not written", []string{"undo", "--demo", hs[1].ID}, 1, "was not written"},
		{"dry run", []string{"undo", "--demo", "--dry-run", hs[0].ID}, 0, "dry run: nothing was written"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := d.run(t, tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Errorf("exit %d, want %d with %q:\n%s%s", code, tc.code, tc.want, out, errs)
			}
		})
	}
	if v := d.flagsOf(t, leoDN); v != 65 {
		t.Errorf("bad undos changed OptionFlags to %d", v)
	}
	if code, _, errs := run(t, "history", "--journal", filepath.Join(t.TempDir(), "none.jsonl")); code != 2 || !strings.Contains(errs, "none.jsonl") {
		t.Errorf("missing --journal: %d %s", code, errs)
	}
	if code, _, errs := run(t, "history", "--since", "yesterday"); code != 2 || !strings.Contains(errs, "--since yesterday") {
		t.Errorf("bad --since: %d %s", code, errs)
	}
}

func TestSinceFlag(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"90m":                       now.Add(-90 * time.Minute),
		"7d":                        now.Add(-7 * 24 * time.Hour),
		"2w":                        now.Add(-14 * 24 * time.Hour),
		"2026-11-30":                time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
		"2026-11-30T14:05":          time.Date(2026, 11, 30, 14, 5, 0, 0, time.UTC),
		"2026-11-30T14:05Z":         {},
		"2026-11-30T14:05:00+01:00": time.Date(2026, 11, 30, 13, 5, 0, 0, time.UTC),
	} {
		f := sinceFlag{now: func() time.Time { return now }}
		err := f.Set(in)
		if want.IsZero() {
			if err == nil {
				t.Errorf("%s: accepted as %v", in, f.t)
			}
			continue
		}
		if err != nil || !f.t.Equal(want) {
			t.Errorf("%s: %v %v, want %v", in, f.t, err, want)
		}
	}
	d := newJournaledDemo(t)
	d.run(t, "set", "--demo", "lmarsh", "+anonymous")
	if hs := historyJSON(t, d, "--since", "1h"); len(hs) != 1 {
		t.Errorf("--since 1h: %d", len(hs))
	}
	if hs := historyJSON(t, d, "--since", time.Now().UTC().Add(time.Hour).Format(time.RFC3339)); len(hs) != 0 {
		t.Errorf("--since in an hour: %d", len(hs))
	}
}

// A journal is a file: a DN, a value or a damaged line holding terminal
// controls is shown escaped, in text and JSON alike.
func TestHistoryHostileJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	e := directory.JournalEntry{V: 2, ID: "abcd1234", Phase: "intent", Time: time.Now().UTC(), Directory: "dc1\x1b]0;x\x07",
		BoundAs: "a\u202eb", DN: hostileDN, Attribute: flags.AttrLine}
	v := hostileLine
	e.After = &v
	line, _ := json.Marshal(e)
	bad := "{\"v\":2,\"phase\":\"\x1b[2J\u009b\"}\n\x1b[31m\u202e garbage\n"
	if err := os.WriteFile(path, append(append(line, '\n'), bad...), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "history", "--journal", path)
	if code != 1 || !strings.Contains(out, "abcd1234") || !strings.Contains(errs, "line 2") || !strings.Contains(errs, "line 3") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	checkText(t, "history", out)
	checkText(t, "history's damage", errs)
	code, out, _ = run(t, "history", "--journal", path, "--json")
	checkText(t, "history --json", out)
	var hs []historyEntry
	if code != 1 || json.Unmarshal([]byte(out), &hs) != nil || len(hs) != 1 || hs[0].DN != hostileDN {
		t.Errorf("--json: exit %d, %+v", code, hs)
	}
}

// A single set says the id it journaled, the one history shows and undo
// takes, and names the bits it changed as history and undo do.
func TestSetSaysItsJournalID(t *testing.T) {
	d := newJournaledDemo(t)
	code, out, errs := d.run(t, "set", "--demo", "lmarsh", "+anonymous")
	if code != 0 {
		t.Fatalf("set: %d %s", code, errs)
	}
	hs := historyJSON(t, d)
	if len(hs) != 1 {
		t.Fatalf("history: %+v", hs)
	}
	if !strings.Contains(out, "journaled as "+hs[0].ID+"; ocsflags undo "+hs[0].ID+" takes it back") || !strings.Contains(out, "(+64 anonymous)") {
		t.Errorf("set output:\n%s", out)
	}
}

// --user takes a sAMAccountName: the one journaled with the write, or, for
// the lines of an older ocsflags that journaled none, the user looked up in
// the directory the connection options name. Under --user a run's header
// says how much of the run is shown.
func TestHistoryUserBySAMAccountName(t *testing.T) {
	d := newJournaledDemo(t)
	ctx := context.Background()
	run := directory.NewRunID()
	for _, sam := range []string{"lmarsh", "alee", "staylor"} {
		us, err := d.j.Resolve(ctx, sam)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := directory.Update(directory.WithRun(ctx, run), d.j, us[0].DN, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 1); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := d.run(t, "history", "--user", "alee")
	if code != 0 || !strings.Contains(out, "run "+run+": 1 of the run's 3 writes (1 written)") || !strings.Contains(out, "CN=Ann Lee") || strings.Contains(out, "Leo Marsh") {
		t.Errorf("history --user alee: exit %d\n%s%s", code, out, errs)
	}
	if _, out, _ := d.run(t, "history", "--user", `CORP\alee`); !strings.Contains(out, "CN=Ann Lee") {
		t.Errorf("--user CORP\\alee:\n%s", out)
	}
	if _, out, _ := d.run(t, "history"); !strings.Contains(out, "run "+run+": 3 writes (3 written)") {
		t.Errorf("history:\n%s", out)
	}
	// An older ocsflags journaled no sAMAccountName.
	old, _ := os.ReadFile(d.journal)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(old)), "\n") {
		var e directory.JournalEntry
		json.Unmarshal([]byte(l), &e)
		e.SAM = ""
		b, _ := json.Marshal(e)
		lines = append(lines, string(b))
	}
	os.WriteFile(d.journal, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	if code, out, errs := d.run(t, "history", "--user", "alee"); code != 0 || out != "" || !strings.Contains(errs, "give the connection options") {
		t.Errorf("--user alee in an old journal: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = d.run(t, "history", "--user", "alee", "--demo")
	if code != 0 || !strings.Contains(out, "CN=Ann Lee") || strings.Contains(out, "Leo Marsh") || !strings.Contains(errs, "not journaled to a file") {
		t.Errorf("--user alee --demo in an old journal: exit %d\n%s%s", code, out, errs)
	}
}

// A history entry fits 80 columns: the DN and each attribute's change on
// lines of their own, the directory and account said once above.
func TestHistoryFits80Columns(t *testing.T) {
	d := newJournaledDemo(t)
	if code, _, errs := d.run(t, "set", "--demo", "lmarsh", "+anonymous", "+federation"); code != 0 {
		t.Fatalf("set: %d %s", code, errs)
	}
	_, out, _ := d.run(t, "history")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "writes to demo") || lines[3] != "    "+leoDN ||
		!strings.HasPrefix(lines[4], "    msRTCSIP-OptionFlags 1 -> 65 (+64 anonymous)") || !strings.HasPrefix(lines[5], "    msRTCSIP-FederationEnabled") {
		t.Errorf("history:\n%s", out)
	}
	for _, l := range lines {
		if len(l) > 80 {
			t.Errorf("wider than 80 columns: %q", l)
		}
	}
}

// The demo's changes vanish at exit: set says so when --journal is given
// rather than ignore it, a dry run says it is one, and history accepts
// --demo and says where the demo's history is.
func TestDemoSaysWhyNotJournaled(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "j.jsonl")
	code, _, errs := run(t, "set", "--demo", "--journal", journal, "alee", "+anonymous")
	if code != 0 || !strings.Contains(errs, "--journal "+journal+" is not used") || !strings.Contains(errs, "not journaled") {
		t.Errorf("set --demo --journal: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(journal); err == nil {
		t.Errorf("set --demo created %s", journal)
	}
	code, _, errs = run(t, "set", "--demo", "--dry-run", "alee", "+anonymous")
	if code != 0 || !strings.Contains(errs, "dry run on the built-in demo") || strings.Contains(errs, "changing the built-in demo") {
		t.Errorf("set --demo --dry-run: exit %d\n%s", code, errs)
	}
	code, _, errs = run(t, "history", "--demo", "--journal", journal)
	if code != 2 || !strings.Contains(errs, "not journaled to a file") {
		t.Errorf("history --demo: exit %d\n%s", code, errs)
	}
}
