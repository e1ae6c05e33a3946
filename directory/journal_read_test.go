package directory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const journalSample = `{"v":2,"id":"a1","phase":"intent","time":"2026-11-30T10:00:00Z","directory":"dc1.corp.example","bound_as":"admin@corp.example","dn":"CN=Ann Lee,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-OptionFlags","before":"256","after":"320"}
{"v":2,"id":"a1","phase":"outcome","outcome":"written","time":"2026-11-30T10:00:01Z","directory":"dc1.corp.example","bound_as":"admin@corp.example","dn":"CN=Ann Lee,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-OptionFlags","before":"256","after":"320"}
{"v":2,"id":"b2","phase":"intent","time":"2026-11-30T10:05:00Z","directory":"dc1.corp.example","bound_as":"admin@corp.example","dn":"CN=Bo Chen,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-FederationEnabled","before":null,"after":"TRUE"
{"v":2,"id":"c3","phase":"intent","time":"2026-11-30T10:06:00Z","directory":"dc1.corp.example","bound_as":"admin@corp.example","dn":"CN=Bo Chen,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-OptionFlags","before":"0","after":"1"}
{"v":2,"id":"c3","phase":"outcome","outcome":"not written","error":"conflict","time":"2026-11-30T10:06:01Z","directory":"dc1.corp.example","bound_as":"admin@corp.example","dn":"CN=Bo Chen,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-OptionFlags","before":"0","after":"1"}

{"v":9,"id":"d4","phase":"intent","time":"2026-11-30T10:07:00Z","directory":"x","bound_as":"","dn":"CN=X","attribute":"a"}
{"time":"2026-11-29T09:00:00Z","directory":"dc1.corp.example","bound_as":"old@corp.example","dn":"CN=Cy Dunn,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-OptionFlags","before":"0","after":"1"}
{"time":"2026-11-29T09:00:00Z","directory":"dc1.corp.example","bound_as":"old@corp.example","dn":"CN=Cy Dunn,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-UserEnabled","before":null,"after":"TRUE"}
{"v":2,"id":"e5","phase":"intent","time":"2026-11-30T10:08:00Z","directory":"dc1.corp.example","bound_as":"","dn":"CN=Bo Chen,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-OptionFlags","before":"1","after":"lots"}
{"v":2,"id":"f6","phase":"intent","run":"r9","time":"2026-11-30T10:09:00Z","directory":"dc1.corp.example","bound_as":"","dn":"CN=Bo Chen,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-OptionFlags","before":"0","after":"64"}
{"v":2,"id":"f6","phase":"outcome","outcome":"maybe","time":"2026-11-30T10:09:00Z","directory":"dc1.corp.example","bound_as":"","dn":"CN=Bo Chen,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-OptionFlags","before":"0","after":"64"}
{"v":2,"id":"g7","phase":"intent","time":"2026-11-30T10:10:00Z","directory":"dc1.corp.example","bound_as":"","dn":"CN=Bo Chen,OU=Sales,DC=corp,DC=example","attribute":"msRTCSIP-OptionFlags","before":"0","after":"64"}
{"v":2,"id":"h8","phase":"intent","time":"2026-11-30T10:11:00Z","directory":"dc1.corp.exa`

// Reading never stops at a damaged line: each is named with its number
// and what is wrong, and every other line is read.
func TestReadJournalDamagedLines(t *testing.T) {
	lines, damage, err := ReadJournalLines(strings.NewReader(journalSample))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		3:  "not JSON",                   // no closing brace, another line follows
		7:  "version 9, newer",           // written by a newer ocsflags
		10: `"lots", not a number`,       // OptionFlags that is no number
		12: `outcome "maybe" is none of`, // unknown outcome
		14: "cut off",                    // the last line, without its end
	}
	if len(damage) != len(want) {
		t.Fatalf("damage = %+v", damage)
	}
	for _, d := range damage {
		if w, ok := want[d.Line]; !ok || !strings.Contains(d.Why, w) {
			t.Errorf("line %d: %q, want %q", d.Line, d.Why, w)
		}
	}
	var nums []int
	for _, l := range lines {
		nums = append(nums, l.N)
	}
	if got := fmt.Sprint(nums); got != "[1 2 4 5 8 9 11 13]" {
		t.Errorf("lines read: %s", got)
	}

	ws := Writes(lines)
	type sum struct{ id, outcome, run string }
	var got []sum
	for _, w := range ws {
		got = append(got, sum{w.ID, w.Outcome, w.Run})
	}
	if len(ws) != 5 {
		t.Fatalf("writes: %+v", got)
	}
	// Oldest first: the version 1 write, a day older, though further
	// down the journal. Its two lines of one time and DN are one write
	// with a derived id, written.
	if ws[1].ID != "a1" || ws[1].Outcome != JournalWritten || len(ws[1].Edits) != 1 || ws[1].Edits[0].New.V != "320" {
		t.Errorf("a1: %+v", ws[1])
	}
	if ws[2].ID != "c3" || ws[2].Outcome != JournalNotWritten || ws[2].Error != "conflict" {
		t.Errorf("c3: %+v", ws[2])
	}
	if v1 := ws[0]; !strings.HasPrefix(v1.ID, "v1-") || v1.Outcome != JournalWritten || len(v1.Edits) != 2 || v1.Edits[1].Old.Set {
		t.Errorf("v1: %+v", v1)
	}
	// Its outcome line damaged, the intent of f6 is all there is:
	// unknown; the run id is kept.
	if ws[3].ID != "f6" || ws[3].Outcome != JournalUnknown || ws[3].Run != "r9" {
		t.Errorf("f6: %+v", ws[3])
	}
	if ws[4].ID != "g7" || ws[4].Outcome != JournalUnknown {
		t.Errorf("g7: %+v", ws[4])
	}
	// The derived id is stable: the same journal read again gives it.
	again, _, _ := ReadJournalLines(strings.NewReader(journalSample))
	if Writes(again)[0].ID != ws[0].ID {
		t.Error("the version 1 id changed between two reads")
	}
}

func TestReadJournalFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	if err := os.WriteFile(path, []byte(journalSample), 0o600); err != nil {
		t.Fatal(err)
	}
	es, err := ReadJournal(path)
	var de *JournalDamageError
	if !errors.As(err, &de) || len(de.Lines) != 5 || len(es) != 8 || !strings.Contains(err.Error(), "line 3:") {
		t.Errorf("ReadJournal: %d entries, %v", len(es), err)
	}
	// A line far too long is named, and the next one still read.
	long := strings.Repeat("x", maxJournalLine+10) + "\n" + strings.SplitN(journalSample, "\n", 2)[0] + "\n"
	lines, damage, err := ReadJournalLines(strings.NewReader(long))
	if err != nil || len(damage) != 1 || damage[0].Line != 1 || !strings.Contains(damage[0].Why, "longer than") || len(lines) != 1 || lines[0].N != 2 {
		t.Errorf("long line: %+v %+v %v", lines, damage, err)
	}
}

// Whatever the bytes, reading a journal neither fails nor panics, and
// every line that is not blank is either read or named damaged, in order.
func FuzzReadJournalLines(f *testing.F) {
	f.Add([]byte(journalSample))
	f.Add([]byte("\n\n{}\n{\"v\":2}\r\n"))
	f.Add([]byte(`{"v":2,"id":"a","phase":"intent","time":"2026-01-01T00:00:00Z","dn":"CN=A","attribute":"msRTCSIP-OptionFlags","before":"-1","after":"4294967295"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, damage, err := ReadJournalLines(strings.NewReader(string(data)))
		if err != nil {
			t.Fatal(err)
		}
		nonBlank := 0
		for _, l := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(l) != "" {
				nonBlank++
			}
		}
		if len(lines)+len(damage) != nonBlank {
			t.Fatalf("%d read + %d damaged, %d lines", len(lines), len(damage), nonBlank)
		}
		prev := 0
		for _, l := range lines {
			if l.N <= prev {
				t.Fatalf("line numbers out of order: %d after %d", l.N, prev)
			}
			prev = l.N
		}
		for _, w := range Writes(lines) {
			if w.ID == "" || len(w.Lines) == 0 || len(w.Edits) == 0 {
				t.Fatalf("write without id, lines or edits: %+v", w)
			}
		}
	})
}
