package directory

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/flags"
)

// An export as ldifde or ldapsearch -LLL writes it: comments, version line,
// a folded line, base64 values (non-ASCII and a leading space).
const export = `# extended LDIF
version: 1

# Ann, Sales
dn: OU=Sales,DC=fabrikam,DC=example
objectClass: organizationalUnit

dn: CN=Ann Lee,OU=Sales,DC=fabrikam,DC=example
objectClass: user
cn: Ann Lee
sAMAccountName: alee
description: a long description that ldifde folds because it is longer than s
 eventy-six characters
msRTCSIP-UserEnabled: TRUE
msRTCSIP-PrimaryUserAddress: sip:alee@fabrikam.example
msRTCSIP-OptionFlags: 1282

dn:: Q049SsO8cmdlbiBHcm/DnyxPVT1TYWxlcyxEQz1mYWJyaWthbSxEQz1leGFtcGxl
objectClass: user
cn:: SsO8cmdlbiBHcm/Dnw==
sAMAccountName: jgross
displayName:: IEr8cmdlbg==
msRTCSIP-OptionFlags: -1
`

func TestLDIFRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "export.ldif")
	out := filepath.Join(dir, "changes.ldif")
	if err := os.WriteFile(in, []byte(export), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := OpenLDIF(in, out)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	nc, _ := m.NamingContexts(ctx)
	if nc.Default != "DC=fabrikam,DC=example" {
		t.Errorf("naming context from an OU export = %q", nc.Default)
	}
	ann, err := m.User(ctx, "CN=Ann Lee,OU=Sales,DC=fabrikam,DC=example")
	if err != nil {
		t.Fatal(err)
	}
	j, err := m.User(ctx, "CN=Jürgen Groß,OU=Sales,DC=fabrikam,DC=example")
	if err != nil || j.Name != "Jürgen Groß" || j.OCS.OptionFlags.V != 0xFFFFFFFF {
		t.Fatalf("base64 entry: %+v %v", j, err)
	}
	if kids, _ := m.Children(ctx, nc.Default); len(kids) != 1 || kids[0].Users != 2 {
		t.Errorf("tree of an OU export: %+v", kids)
	}
	ch, _, err := Plan(ann, flags.Change{Flags: flags.Delta{Set: flags.PublicIM}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Apply(ctx, ch); err != nil {
		t.Fatal(err)
	}
	// A second change appends without a second version line.
	ch2, _, _ := Plan(j, flags.Change{Line: flags.Some("tel:+4930123")})
	if _, err := m.Apply(ctx, ch2); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(got)
	for _, want := range []string{
		"dn: CN=Ann Lee,OU=Sales,DC=fabrikam,DC=example\nchangetype: modify\ndelete: msRTCSIP-OptionFlags\nmsRTCSIP-OptionFlags: 1282\n-\nadd: msRTCSIP-OptionFlags\nmsRTCSIP-OptionFlags: 1283\n-\n",
		"changetype: modify\nadd: msRTCSIP-Line\nmsRTCSIP-Line: tel:+4930123\n-\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("changes file lacks\n%s\ngot:\n%s", want, text)
		}
	}
	if strings.Count(text, "version: 1") != 1 || !strings.HasPrefix(text, "version: 1\n") {
		t.Errorf("changes file must start with exactly one version line:\n%s", text)
	}
	// The changes file is valid LDIF that parses back into change records.
	if _, err := LoadLDIF(bytes.NewReader(got), "changes"); err == nil || !strings.Contains(err.Error(), "change record") {
		t.Errorf("loading a changes file as an export should name the problem: %v", err)
	}
	if after, _ := os.ReadFile(in); string(after) != export {
		t.Error("the input file was modified")
	}
	if _, err := OpenLDIF(in, in); err == nil {
		t.Error("--changes-out naming the input file was accepted")
	}
}

func TestLDIFMalformed(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"bad base64", "version: 1\n\ndn: CN=a,DC=x\nobjectClass: user\n\ndn: CN=b,DC=x\ncn:: ###\n", "line 6"},
		{"bad integer", "dn: CN=a,DC=x\nobjectClass: user\nmsRTCSIP-OptionFlags: 0385\n", "0385"},
		{"bad boolean", "dn: CN=a,DC=x\nobjectClass: user\n\ndn: CN=b,DC=x\nobjectClass: user\nmsRTCSIP-UserEnabled: yes\n", "line 4"},
		{"bad DN", "dn: this is not a DN\nobjectClass: user\n", "distinguished name"},
		{"duplicate", "dn: CN=a,DC=x\nobjectClass: user\n\ndn: cn=A,dc=x\nobjectClass: user\n", "twice"},
		{"empty", "# nothing\n", "no entries"},
		{"line without colon", "version: 1\n\ndn: CN=a,DC=x\nobjectClass: user\nthis is not ldif\n", "line 5"},
	}
	for _, tt := range tests {
		_, err := LoadLDIF(strings.NewReader(tt.text), "in.ldif")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "in.ldif") {
			t.Errorf("%s: error %v, want it to mention %q and the file", tt.name, err, tt.want)
		}
	}
}

func TestJournalAndUndo(t *testing.T) {
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state", "ocsflags", "journal.jsonl")
	j, err := NewJournaled(m, path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	target := "CN=Leo Marsh,OU=Migrated-LCS2005,DC=corp,DC=example"
	_, after, err := Update(ctx, j, target, flags.Change{Flags: flags.Delta{Set: flags.EnhancedPresence}, Federation: flags.Some(true)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if after.OCS.OptionFlags.V != 257 {
		t.Fatalf("after = %v", after.OCS.OptionFlags)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("journal mode: %v %v", st, err)
	}
	all, err := ReadJournal(path)
	if err != nil || len(all) != 4 || all[0].Phase != PhaseIntent || all[1].Phase != PhaseIntent {
		t.Fatalf("journal = %+v, %v (want two intents, then two outcomes)", all, err)
	}
	var entries []JournalEntry
	for _, e := range all {
		if e.Written() {
			entries = append(entries, e)
		}
	}
	if len(entries) != 2 {
		t.Fatalf("written entries = %+v", entries)
	}
	fe := entries[0]
	if fe.DN != target || fe.Attribute != flags.AttrOptionFlags || *fe.Before != "1" || *fe.After != "257" {
		t.Errorf("journal entry = %+v", fe)
	}
	if entries[1].Before != nil || *entries[1].After != "TRUE" {
		t.Errorf("absent before must be null: %+v", entries[1])
	}
	// The undo of the write is a CAS on what it wrote: federation goes
	// back (to absent, as before the write), enhanced presence
	// stays (one-way), and the undo is journaled as the write's undo.
	f, _ := os.Open(path)
	lines, damage, err := ReadJournalLines(f)
	f.Close()
	ws := Writes(lines)
	if err != nil || len(damage) > 0 || len(ws) != 1 || !ws[0].Written() {
		t.Fatalf("writes = %+v, %v, %v", ws, damage, err)
	}
	cur, _ := j.User(ctx, target)
	res := UndoWrite(ctx, j, ws[0], cur, UndoOptions{})
	if res.Err != nil || res.ID == "" || res.Plan.Complete() {
		t.Fatalf("undo: %+v", res)
	}
	back, _ := m.User(ctx, target)
	if back.OCS.OptionFlags.V != 257 || back.OCS.Federation.Set {
		t.Errorf("after undo: %+v", back.OCS)
	}
	all, _ = ReadJournal(path)
	if last := all[len(all)-1]; last.Undoes != ws[0].ID || last.ID != res.ID {
		t.Errorf("the undo's journal line: %+v", last)
	}
	// Undoing again is refused instead of overwriting: federation no
	// longer holds what the write wrote.
	again := UndoWrite(ctx, j, ws[0], back, UndoOptions{})
	if again.Err != nil || len(again.Sent.Edits) != 0 || again.Plan.Complete() {
		t.Errorf("second undo: %+v", again)
	}
}

func TestReadOnly(t *testing.T) {
	m, _ := OpenDemo()
	ro := ReadOnly{m}
	if !ro.Info().ReadOnly {
		t.Error("Info does not say read-only")
	}
	u, _ := ro.User(context.Background(), "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example")
	if _, _, err := Update(context.Background(), ro, u.DN, flags.Change{Flags: flags.Delta{Set: 1}}, 1); !errors.Is(err, ErrReadOnly) {
		t.Errorf("write through read-only: %v", err)
	}
	if again, _ := m.User(context.Background(), u.DN); again.OCS.OptionFlags != u.OCS.OptionFlags {
		t.Error("read-only directory was written")
	}
}
