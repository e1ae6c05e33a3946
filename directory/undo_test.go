package directory

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/flags"
)

// journaledDemo is the demo with a journal of its own, as a DC would be.
func journaledDemo(t *testing.T) (*Memory, *Journaled, string) {
	t.Helper()
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := NewJournaled(m, path)
	if err != nil {
		t.Fatal(err)
	}
	return m, j, path
}

// writesOf reads the journal at path back as writes, failing on damage.
func writesOf(t *testing.T, path string) []JournalWrite {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, damage, err := ReadJournalLines(f)
	if err != nil || len(damage) > 0 {
		t.Fatalf("read journal: %v %v", damage, err)
	}
	return Writes(lines)
}

// setBits writes OptionFlags of dn to v behind ocsflags' back (another
// admin's tool), bypassing the journal.
func setBits(t *testing.T, m *Memory, dn string, v flags.Value) {
	t.Helper()
	u, err := m.User(context.Background(), dn)
	if err != nil {
		t.Fatal(err)
	}
	old := flags.Opt[string]{}
	if u.OCS.OptionFlags.Set {
		old = flags.Some(flags.FormatAD(u.OCS.OptionFlags.V))
	}
	if _, err := m.Apply(context.Background(), Change{DN: dn, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: old, New: flags.Some(flags.FormatAD(v))}}}); err != nil {
		t.Fatal(err)
	}
}

const leo = "CN=Leo Marsh,OU=Migrated-LCS2005,DC=corp,DC=example" // OptionFlags 1

// +anonymous, then someone else sets the undocumented 1024: the undo
// clears 64 only, 1024 stays.
func TestUndoClearsOnlyTheBitsTheWriteSet(t *testing.T) {
	ctx := context.Background()
	m, j, path := journaledDemo(t)
	if _, _, err := Update(ctx, j, leo, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 1); err != nil {
		t.Fatal(err)
	}
	setBits(t, m, leo, 1|64|1024)
	ws := writesOf(t, path)
	if len(ws) != 1 {
		t.Fatalf("writes: %+v", ws)
	}
	cur, _ := j.User(ctx, leo)
	res := UndoWrite(ctx, j, ws[0], cur, UndoOptions{})
	if res.Err != nil || !res.Plan.Complete() {
		t.Fatalf("undo: %+v", res)
	}
	if got, _ := m.User(ctx, leo); got.OCS.OptionFlags.V != 1|1024 {
		t.Errorf("after undo OptionFlags = %d, want 1025", got.OCS.OptionFlags.V)
	}
	if e := res.Sent.Edits; len(e) != 1 || e[0].Old != flags.Some("1089") || e[0].New != flags.Some("1025") {
		t.Errorf("undo sent %+v", e)
	}
	// The undo is a write like any: journaled with its own id, as the
	// write's undo, and it can be undone in turn (64 comes back).
	ws = writesOf(t, path)
	if len(ws) != 2 || ws[1].ID != res.ID || ws[1].Undoes != ws[0].ID || !ws[1].Written() {
		t.Fatalf("journal after the undo: %+v (undo id %s)", ws, res.ID)
	}
	cur, _ = j.User(ctx, leo)
	if redo := UndoWrite(ctx, j, ws[1], cur, UndoOptions{}); redo.Err != nil || !redo.Plan.Complete() {
		t.Fatalf("undo of the undo: %+v", redo)
	}
	if got, _ := m.User(ctx, leo); got.OCS.OptionFlags.V != 1|64|1024 {
		t.Errorf("after undoing the undo OptionFlags = %d, want 1089", got.OCS.OptionFlags.V)
	}
}

// Someone else already cleared 64: the undo is refused, names both values
// and writes nothing.
func TestUndoRefusedWhenTheDirectoryMovedOn(t *testing.T) {
	ctx := context.Background()
	m, j, path := journaledDemo(t)
	if _, _, err := Update(ctx, j, leo, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 1); err != nil {
		t.Fatal(err)
	}
	setBits(t, m, leo, 1|1024)
	ws := writesOf(t, path)
	cur, _ := j.User(ctx, leo)
	res := UndoWrite(ctx, j, ws[0], cur, UndoOptions{})
	if res.Err != nil || res.Plan.Complete() || len(res.Sent.Edits) != 0 {
		t.Fatalf("undo: %+v", res)
	}
	if len(res.Plan.Parts) != 1 || res.Plan.Parts[0].Action != UndoRefused {
		t.Fatalf("parts: %+v", res.Plan.Parts)
	}
	why := res.Plan.Parts[0].Reason
	for _, want := range []string{"64 anonymous", "65", "1025"} {
		if !strings.Contains(why, want) {
			t.Errorf("refusal %q does not name %q", why, want)
		}
	}
	if got, _ := m.User(ctx, leo); got.OCS.OptionFlags.V != 1|1024 {
		t.Errorf("refused undo changed OptionFlags to %d", got.OCS.OptionFlags.V)
	}
	if n := len(writesOf(t, path)); n != 1 {
		t.Errorf("a refused undo journaled a write: %d writes", n)
	}
}

func TestPlanUndoValues(t *testing.T) {
	u := User{DN: leo, OCS: flags.Settings{
		Enabled: flags.Some(true), SIPAddress: flags.Some("sip:new@corp.example"),
		Federation: flags.Some(true), Line: flags.Some("tel:+1999"), OptionFlags: flags.Some[flags.Value](256 | 1),
	}}
	w := JournalWrite{ID: "w", DN: leo, Outcome: JournalWritten, Edits: []flags.AttrEdit{
		{Attr: flags.AttrPrimaryUserAddress, Old: flags.Some("sip:old@corp.example"), New: flags.Some("SIP:New@corp.example")},
		{Attr: flags.AttrFederationEnabled, New: flags.Some("TRUE")},
		{Attr: flags.AttrLine, Old: flags.Some("tel:+1000"), New: flags.Some("tel:+1001")},
		{Attr: flags.AttrOptionFlags, Old: flags.Some("0"), New: flags.Some("257")},
		{Attr: "msRTCSIP-UserPolicy", New: flags.Some("x")},
	}}
	p := PlanUndo(w, u)
	want := []struct {
		attr string
		act  UndoAction
	}{
		{flags.AttrPrimaryUserAddress, UndoRestored}, // compared as AD does, without case
		{flags.AttrFederationEnabled, UndoRestored},  // absent before: removed again
		{flags.AttrLine, UndoRefused},                // someone wrote tel:+1999 since
		{flags.AttrOptionFlags, UndoRestored},        // 1 cleared
		{flags.AttrOptionFlags, UndoKept},            // 256 stays
		{"msRTCSIP-UserPolicy", UndoRefused},         // not an attribute ocsflags writes
	}
	if len(p.Parts) != len(want) {
		t.Fatalf("parts: %+v", p.Parts)
	}
	for i, w := range want {
		if p.Parts[i].Attr != w.attr || p.Parts[i].Action != w.act {
			t.Errorf("part %d = %s %v (%s), want %s %v", i, p.Parts[i].Attr, p.Parts[i].Action, p.Parts[i].Reason, w.attr, w.act)
		}
	}
	if !strings.Contains(p.Parts[2].Reason, "tel:+1999") || !strings.Contains(p.Parts[2].Reason, "tel:+1001") {
		t.Errorf("refusal does not name both values: %s", p.Parts[2].Reason)
	}
	if !strings.Contains(p.Parts[4].Reason, "one-way") {
		t.Errorf("kept part: %s", p.Parts[4].Reason)
	}
	c := p.Change
	if c.SIPAddress != flags.Some("sip:old@corp.example") || c.Federation.Set || c.Remove != flags.RemoveFederation || c.Line.Set || c.Flags != (flags.Delta{Clear: 1}) {
		t.Errorf("change %+v", c)
	}
}

// NameChangedSince words the refusal from the part, never by finding its
// phrase in the text: a directory value holding the words stays as it is,
// and a part already back to before is not named as changed since.
func TestNameChangedSinceKeepsValues(t *testing.T) {
	const odd = "tel:+1999;x=someone changed it since"
	u := User{DN: leo, OCS: flags.Settings{Line: flags.Some(odd), LineServer: flags.Some(odd)}}
	w := JournalWrite{ID: "w1", DN: leo, Outcome: JournalWritten, Edits: []flags.AttrEdit{
		{Attr: flags.AttrLine, Old: flags.Some("tel:+1000"), New: flags.Some("tel:+1001")},
		{Attr: flags.AttrLineServer, Old: flags.Some(odd), New: flags.Some("sip:ls@corp.example")},
	}}
	later := JournalWrite{ID: "w2", DN: leo, Outcome: JournalWritten, Edits: []flags.AttrEdit{
		{Attr: flags.AttrLine, Old: flags.Some("tel:+1001"), New: flags.Some(odd)},
		{Attr: flags.AttrLineServer, Old: flags.Some("sip:ls@corp.example"), New: flags.Some(odd)},
	}}
	p := PlanUndo(w, u)
	if len(p.Parts) != 2 || !p.Parts[0].ChangedSince || p.Parts[1].ChangedSince {
		t.Fatalf("parts: %+v", p.Parts)
	}
	back := p.Parts[1].Reason
	p.NameChangedSince([]JournalWrite{later})
	line := p.Parts[0].Reason
	if !strings.Contains(line, odd) || !strings.Contains(line, "(changed since by write w2 ") || !strings.Contains(line, "ocsflags undo w2); left as it is") {
		t.Errorf("Line: %s", line)
	}
	if p.Parts[1].Reason != back {
		t.Errorf("LineServer, back to before, reworded:\n%s\nwas\n%s", p.Parts[1].Reason, back)
	}
}

// The write rules apply to an undo as to set: taking back the sign-in
// name an enabled user was given (it had none) is refused, and nothing is
// written.
func TestUndoGoesThroughTheWriteRules(t *testing.T) {
	ctx := context.Background()
	m, j, path := journaledDemo(t)
	u, _ := m.User(ctx, leo)
	if _, _, err := Update(ctx, j, leo, flags.Change{SIPAddress: flags.Some("sip:leo.new@corp.example")}, 1); err != nil {
		t.Fatal(err)
	}
	ws := writesOf(t, path)
	// Pretend the write gave the name to a user who had none.
	ws[0].Edits[0].Old = flags.Opt[string]{}
	cur, _ := j.User(ctx, leo)
	if !cur.OCS.Enabled.Or(false) {
		t.Skip("Leo Marsh is not enabled in the demo")
	}
	res := UndoWrite(ctx, j, ws[0], cur, UndoOptions{})
	var re *RefusedError
	if !errors.As(res.Err, &re) || re.First().Rule != RuleSIPRemovalEnabled {
		t.Fatalf("undo: %+v", res)
	}
	if got, _ := m.User(ctx, leo); got.OCS.SIPAddress != flags.Some("sip:leo.new@corp.example") {
		t.Errorf("refused undo wrote %v (was %v)", got.OCS.SIPAddress, u.OCS.SIPAddress)
	}
}

func TestUndoNotWritten(t *testing.T) {
	ctx := context.Background()
	_, j, _ := journaledDemo(t)
	cur, _ := j.User(ctx, leo)
	res := UndoWrite(ctx, j, JournalWrite{ID: "abc", DN: leo, Outcome: JournalNotWritten, Error: "conflict"}, cur, UndoOptions{})
	var re *RefusedError
	if !errors.As(res.Err, &re) || re.First().Rule != RuleUndoNotWritten || !strings.Contains(re.Error(), "abc") {
		t.Errorf("undo of a not-written write: %v", res.Err)
	}
}

// A bulk run over 50 users, undone, restores exactly those users; a write
// of the same journal outside the run stays.
func TestUndoRun(t *testing.T) {
	ctx := context.Background()
	m, j, path := journaledDemo(t)
	var dns []string
	err := m.Users(ctx, StaffOU, OneLevel, func(b Batch) error {
		for _, u := range b.Users {
			if len(dns) < 51 && !u.OCS.OptionFlags.V.Has(flags.AnonymousParticipants) && u.OCS.Enabled.Or(false) {
				dns = append(dns, u.DN)
			}
		}
		return nil
	})
	if err != nil || len(dns) < 51 {
		t.Fatalf("%d staff users: %v", len(dns), err)
	}
	before := map[string]flags.Settings{}
	for _, dn := range dns {
		u, _ := m.User(ctx, dn)
		before[dn] = u.OCS
	}
	run := NewRunID()
	rctx := WithRun(ctx, run)
	for _, dn := range dns[:50] {
		if _, _, err := Update(rctx, j, dn, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}, Federation: flags.Some(true)}, 1); err != nil {
			t.Fatal(err)
		}
	}
	outside := dns[50]
	if _, _, err := Update(ctx, j, outside, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 1); err != nil {
		t.Fatal(err)
	}
	var inRun []JournalWrite
	var runDNs []string
	for _, w := range writesOf(t, path) {
		if w.Run == run {
			inRun = append(inRun, w)
			runDNs = append(runDNs, w.DN)
		}
	}
	if len(inRun) != 50 {
		t.Fatalf("%d writes in the run", len(inRun))
	}
	users, err := ReadUsers(ctx, j, runDNs)
	if err != nil || len(users) != 50 {
		t.Fatalf("ReadUsers: %d, %v", len(users), err)
	}
	undoRun := NewRunID()
	uctx := WithRun(ctx, undoRun)
	for i := len(inRun) - 1; i >= 0; i-- {
		w := inRun[i]
		if res := UndoWrite(uctx, j, w, users[NormDN(w.DN)], UndoOptions{}); res.Err != nil {
			t.Fatalf("undo %s: %v", w.DN, res.Err)
		}
	}
	for _, dn := range dns[:50] {
		u, _ := m.User(ctx, dn)
		b := before[dn]
		if u.OCS.OptionFlags != b.OptionFlags || u.OCS.Federation.Or(false) != b.Federation.Or(false) {
			t.Errorf("%s: %v/%v after the undo, %v/%v before", dn, u.OCS.OptionFlags, u.OCS.Federation, b.OptionFlags, b.Federation)
		}
	}
	if u, _ := m.User(ctx, outside); !u.OCS.OptionFlags.V.Has(flags.AnonymousParticipants) {
		t.Errorf("the write outside the run was undone too")
	}
	n := 0
	for _, w := range writesOf(t, path) {
		if w.Run == undoRun {
			n++
		}
	}
	if n != 50 {
		t.Errorf("%d undo writes under the undo's run id, want 50", n)
	}
}

func TestCheckUndoTarget(t *testing.T) {
	ctx := context.Background()
	m, _ := OpenDemo()
	if note, err := CheckUndoTarget(ctx, m, "demo", leo); err != nil || note != "" {
		t.Errorf("same directory: %q %v", note, err)
	}
	var re *RefusedError
	if _, err := CheckUndoTarget(ctx, m, "dc1.corp.example", leo); !errors.As(err, &re) || !strings.Contains(err.Error(), "dc1.corp.example") {
		t.Errorf("another directory: %v", err)
	}
}

// A session journal (the console on the demo) records and reads back like
// a file journal, and writes no file.
func TestSessionJournal(t *testing.T) {
	ctx := context.Background()
	m, _ := OpenDemo()
	j := NewSessionJournaled(m)
	if j.Path() != "" || !j.Info().InMemory {
		t.Errorf("session journal: path %q, info %+v", j.Path(), j.Info())
	}
	if _, _, err := Update(ctx, j, leo, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 1); err != nil {
		t.Fatal(err)
	}
	lines, damage, err := j.ReadLines()
	ws := Writes(lines)
	if err != nil || len(damage) > 0 || len(ws) != 1 || !ws[0].Written() || ws[0].Directory != "demo" {
		t.Fatalf("session journal: %+v %v %v", ws, damage, err)
	}
	cur, _ := j.User(ctx, leo)
	if res := UndoWrite(ctx, j, ws[0], cur, UndoOptions{}); res.Err != nil || res.ID == "" {
		t.Fatalf("undo: %+v", res)
	}
	if u, _ := m.User(ctx, leo); u.OCS.OptionFlags.V != 1 {
		t.Errorf("after undo: %d", u.OCS.OptionFlags.V)
	}
}

const uma = "CN=Uma Shah,OU=Engineering,OU=Corp,DC=corp,DC=example" // no OptionFlags

// A write that created OptionFlags (+pic on a user without it) is taken
// back to absent while the directory holds exactly what it wrote: a
// compare-and-swap delete of that value, not a 0 written. Federation, a
// Boolean the same write created, goes back to absent too.
func TestUndoOfAWriteThatCreatedAnAttributeRemovesIt(t *testing.T) {
	ctx := context.Background()
	m, j, path := journaledDemo(t)
	if u, _ := m.User(ctx, uma); u.OCS.OptionFlags.Set || u.OCS.Federation.Set {
		t.Fatalf("the demo's Uma Shah has OptionFlags or federation: %+v", u.OCS)
	}
	if _, _, err := Update(ctx, j, uma, flags.Change{Flags: flags.Delta{Set: flags.PublicIM}, Federation: flags.Some(true)}, 1); err != nil {
		t.Fatal(err)
	}
	ws := writesOf(t, path)
	cur, _ := j.User(ctx, uma)
	res := UndoWrite(ctx, j, ws[0], cur, UndoOptions{})
	if res.Err != nil || !res.Plan.Complete() {
		t.Fatalf("undo: %+v", res)
	}
	for _, e := range res.Sent.Edits {
		if e.New.Set || !e.Old.Set {
			t.Errorf("the undo wrote %s %v -> %v, want a delete of the value written", e.Attr, e.Old, e.New)
		}
	}
	back, _ := m.User(ctx, uma)
	if back.OCS.OptionFlags.Set || back.OCS.Federation.Set {
		t.Errorf("after the undo: OptionFlags %v, federation %v; want both absent", back.OCS.OptionFlags, back.OCS.Federation)
	}
	ws = writesOf(t, path)
	if got := ws[len(ws)-1]; got.Undoes != ws[0].ID || len(got.Edits) != 2 || got.Edits[0].New.Set {
		t.Errorf("the undo's journal: %+v", got)
	}
}

// When another writer set a bit since, the attribute the write created
// stays: its bit is taken back, theirs kept, and the undo says why.
func TestUndoOfAWriteThatCreatedOptionFlagsKeepsItWhenOthersChangedIt(t *testing.T) {
	ctx := context.Background()
	m, j, path := journaledDemo(t)
	if _, _, err := Update(ctx, j, uma, flags.Change{Flags: flags.Delta{Set: flags.PublicIM}}, 1); err != nil {
		t.Fatal(err)
	}
	setBits(t, m, uma, 1|1024)
	cur, _ := j.User(ctx, uma)
	res := UndoWrite(ctx, j, writesOf(t, path)[0], cur, UndoOptions{})
	if res.Err != nil || !res.Plan.Complete() {
		t.Fatalf("undo: %+v", res)
	}
	back, _ := m.User(ctx, uma)
	if back.OCS.OptionFlags != flags.Some[flags.Value](1024) {
		t.Errorf("OptionFlags after the undo: %v, want 1024", back.OCS.OptionFlags)
	}
	if why := res.Plan.Parts[0].Reason; !strings.Contains(why, "absent before") || !strings.Contains(why, "stays") {
		t.Errorf("the undo does not say why the attribute stays: %q", why)
	}
}
