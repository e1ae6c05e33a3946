package directory

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"ocsflags/flags"
)

// Reading the journal back. A journal is appended to by every ocsflags
// process of an account, over years; a line may be cut off (the machine lost
// power while it was written), edited by hand, or written by a newer
// version. Reading never stops at such a line: it is named (its number and
// what is wrong with it) and every other line is still read.

// maxJournalLine is the longest journal line read; a line is a few hundred
// bytes, so anything near this is not a journal line.
const maxJournalLine = 1 << 20

// JournalLine is one entry with the number (from 1) of the line it was read
// from.
type JournalLine struct {
	N     int
	Entry JournalEntry
}

// JournalDamage is a line that is not a journal entry this version reads.
type JournalDamage struct {
	Line int
	Why  string
}

func (d JournalDamage) String() string { return fmt.Sprintf("line %d: %s", d.Line, d.Why) }

// JournalDamageError says which lines of a journal could not be read; the
// other lines were.
type JournalDamageError struct {
	Path  string
	Lines []JournalDamage
}

func (e *JournalDamageError) Error() string {
	var parts []string
	for _, d := range e.Lines {
		parts = append(parts, d.String())
	}
	return fmt.Sprintf("journal %s: %d damaged line(s), left out: %s", e.Path, len(e.Lines), strings.Join(parts, "; "))
}

// ReadJournal reads every entry of a journal file. When some lines are
// damaged it returns every other entry and a *JournalDamageError naming the
// damaged ones.
func ReadJournal(path string) ([]JournalEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	defer f.Close()
	lines, damage, err := ReadJournalLines(f)
	out := make([]JournalEntry, len(lines))
	for i, l := range lines {
		out[i] = l.Entry
	}
	if err != nil {
		return out, fmt.Errorf("read journal %s: %w", path, err)
	}
	if len(damage) > 0 {
		return out, &JournalDamageError{Path: path, Lines: damage}
	}
	return out, nil
}

// ReadJournalLines reads a journal line by line: the entries, and the lines
// that are damaged. The error is only for failing to read r.
func ReadJournalLines(r io.Reader) ([]JournalLine, []JournalDamage, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var lines []JournalLine
	var damage []JournalDamage
	for n := 1; ; n++ {
		line, long, err := readLine(br)
		if err != nil && err != io.EOF {
			return lines, damage, err
		}
		if len(line) == 0 && err == io.EOF && !long {
			return lines, damage, nil
		}
		switch {
		case long:
			damage = append(damage, JournalDamage{n, fmt.Sprintf("longer than %d KiB, which no journal line is", maxJournalLine>>10)})
		case len(bytes.TrimSpace(line)) == 0:
			// A blank line (an editor's last newline) says nothing.
		default:
			e, why := parseJournalLine(line, err == io.EOF)
			if why != "" {
				damage = append(damage, JournalDamage{n, why})
			} else {
				lines = append(lines, JournalLine{N: n, Entry: e})
			}
		}
		if err == io.EOF {
			return lines, damage, nil
		}
	}
}

// readLine reads one line without its newline; a line longer than
// maxJournalLine is skipped to its end and reported long.
func readLine(br *bufio.Reader) (line []byte, long bool, err error) {
	for {
		part, err := br.ReadSlice('\n')
		if !long {
			line = append(line, part...)
			if len(line) > maxJournalLine {
				long, line = true, nil
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")), long, err
	}
}

// parseJournalLine decodes and checks one line; why says what is wrong.
// last is set for a final line without its newline, which is most likely
// cut off.
func parseJournalLine(line []byte, last bool) (JournalEntry, string) {
	var e JournalEntry
	if err := json.Unmarshal(line, &e); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return e, fmt.Sprintf("field %q is a JSON %s, not a %s", te.Field, te.Value, jsonKind(te.Type.Kind().String()))
		case errors.As(err, &se) || strings.Contains(err.Error(), "unexpected end"):
			if last && !json.Valid(line) && strings.HasPrefix(strings.TrimSpace(string(line)), "{") {
				return e, "cut off (the last line, not complete JSON): ocsflags most likely stopped while writing it"
			}
			return e, "not JSON: " + err.Error()
		}
		return e, "not a journal entry: " + err.Error()
	}
	var missing []string
	if e.Time.IsZero() {
		missing = append(missing, "time")
	}
	if e.DN == "" {
		missing = append(missing, "dn")
	}
	if e.Attribute == "" {
		missing = append(missing, "attribute")
	}
	if e.V >= 2 && e.ID == "" {
		missing = append(missing, "id")
	}
	switch {
	case e.V > JournalVersion:
		return e, fmt.Sprintf("version %d, newer than this ocsflags reads (up to %d): read it with a newer ocsflags", e.V, JournalVersion)
	case e.V < 0:
		return e, fmt.Sprintf("version %d is no journal version", e.V)
	case len(missing) > 0:
		return e, "no " + strings.Join(missing, ", no ")
	}
	if e.V >= 2 {
		switch e.Phase {
		case PhaseIntent:
			if e.Outcome != "" {
				return e, fmt.Sprintf("an intent with the outcome %q (an intent has none)", e.Outcome)
			}
		case PhaseOutcome, PhaseResolved:
			if e.Outcome != JournalWritten && e.Outcome != JournalNotWritten && e.Outcome != JournalUnknown {
				return e, fmt.Sprintf("outcome %q is none of written, not written, unknown", e.Outcome)
			}
		default:
			return e, fmt.Sprintf("phase %q is none of intent, outcome, resolved", e.Phase)
		}
	}
	if flags.AttributeSyntax(e.Attribute) == flags.SyntaxInteger {
		for _, v := range []struct {
			name string
			p    *string
		}{{"before", e.Before}, {"after", e.After}} {
			if v.p != nil {
				if _, err := flags.ParseAD(*v.p); err != nil {
					return e, fmt.Sprintf("%s of %s is %q, not a number", v.name, e.Attribute, *v.p)
				}
			}
		}
	}
	return e, ""
}

func jsonKind(k string) string {
	switch k {
	case "ptr":
		return "string or null"
	case "struct":
		return "time"
	}
	return k
}

// JournalWrite is one write as the journal tells it: what it changed,
// attribute by attribute, and where it stands.
type JournalWrite struct {
	// ID is the write id (for a version 1 write, one derived from its time,
	// directory and DN: "v1-…").
	ID string
	// Run is the bulk run (or undo of a run) the write belongs to; Undoes
	// the write it takes back.
	Run, Undoes string
	// Time is when it was sent (its first line).
	Time                   time.Time
	Directory, BoundAs, DN string
	// SAM is the user's sAMAccountName, when the journal has it.
	SAM string
	// Edits are the attributes: Old what it expected (before), New what
	// it wrote (after).
	Edits []flags.AttrEdit
	// Outcome is written, not written or unknown: what its last line says
	// (an intent with nothing after it is unknown: ocsflags ended before
	// the answer).
	Outcome string
	// Error is why it was not written or is unknown.
	Error string
	// Lines are the journal lines it was read from.
	Lines []int
}

// Written reports whether the write is in the directory.
func (w JournalWrite) Written() bool { return w.Outcome == JournalWritten }

// Writes groups journal lines into writes, oldest first by the time of
// their first line (processes writing at once may append a little out of
// order), in journal order at equal times.
func Writes(lines []JournalLine) []JournalWrite {
	out := groupWrites(lines)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}

func groupWrites(lines []JournalLine) []JournalWrite {
	var out []JournalWrite
	at := map[string]int{}
	for _, l := range lines {
		e := l.Entry
		id := e.ID
		if e.V == 0 || id == "" {
			// Version 1: the lines of one write are consecutive and share
			// its time, directory and DN.
			h := sha256.Sum256([]byte(e.Time.UTC().Format(time.RFC3339Nano) + "\x00" + e.Directory + "\x00" + NormDN(e.DN)))
			id = "v1-" + hex.EncodeToString(h[:8])
		}
		i, ok := at[id]
		if !ok {
			i = len(out)
			at[id] = i
			out = append(out, JournalWrite{ID: id, Time: e.Time, Directory: e.Directory, BoundAs: e.BoundAs, DN: e.DN})
		}
		w := &out[i]
		w.Lines = append(w.Lines, l.N)
		if w.Run == "" {
			w.Run = e.Run
		}
		if w.Undoes == "" {
			w.Undoes = e.Undoes
		}
		if w.SAM == "" {
			w.SAM = e.SAM
		}
		// What the write expected and wrote is its intent; an outcome line
		// repeats it, and stands in for an intent lost to damage.
		if !hasEdit(w.Edits, e.Attribute) {
			w.Edits = append(w.Edits, flags.AttrEdit{Attr: e.Attribute, Old: optOf(e.Before), New: optOf(e.After)})
		}
		switch {
		case e.V == 0:
			w.Outcome = JournalWritten
		case e.Phase == PhaseIntent:
			if w.Outcome == "" {
				w.Outcome = JournalUnknown
			}
		default:
			w.Outcome, w.Error = e.Outcome, e.Error
		}
	}
	return out
}

// RetryWindow bounds how far apart two writes of one user without a run
// (set --tries) may be to count as tries of one change.
const RetryWindow = time.Minute

// FoldRetries takes out of writes each try that was not written and was
// tried again: the next write of the same user, in the same run (or,
// both without a run, within RetryWindow), of the same undo, to the same
// directory, that was written. retried lists, by the id of the written
// try, the earlier tries it replaced, oldest first. writes are oldest
// first (Writes). A compare-and-swap try refused as a conflict and then
// tried again is one change, not two: history (the command and the
// console's screen) shows it once, with a note naming the earlier tries;
// history --json keeps every try, with its outcome.
func FoldRetries(writes []JournalWrite) ([]JournalWrite, map[string][]JournalWrite) {
	next := make([]int, len(writes)) // the index of the next write of the same user, or -1
	last := map[string]int{}
	for i := len(writes) - 1; i >= 0; i-- {
		k := NormDN(writes[i].DN)
		if j, ok := last[k]; ok {
			next[i] = j
		} else {
			next[i] = -1
		}
		last[k] = i
	}
	sameChange := func(a, b JournalWrite) bool {
		if a.Run != b.Run || a.Undoes != b.Undoes || !strings.EqualFold(a.Directory, b.Directory) {
			return false
		}
		return a.Run != "" || b.Time.Sub(a.Time) <= RetryWindow
	}
	// replacedBy follows a chain of not-written tries to the written one.
	replacedBy := func(i int) int {
		for j := i; ; {
			n := next[j]
			if n < 0 || writes[j].Outcome != JournalNotWritten || !sameChange(writes[j], writes[n]) {
				return -1
			}
			if writes[n].Written() {
				return n
			}
			j = n
		}
	}
	var out []JournalWrite
	retried := map[string][]JournalWrite{}
	for i, x := range writes {
		if n := replacedBy(i); n >= 0 {
			retried[writes[n].ID] = append(retried[writes[n].ID], x)
			continue
		}
		out = append(out, x)
	}
	return out, retried
}

func hasEdit(edits []flags.AttrEdit, attr string) bool {
	for _, e := range edits {
		if strings.EqualFold(e.Attr, attr) {
			return true
		}
	}
	return false
}

func optOf(p *string) flags.Opt[string] {
	if p == nil {
		return flags.Opt[string]{}
	}
	return flags.Some(*p)
}
