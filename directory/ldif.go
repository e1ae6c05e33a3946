package directory

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-ldap/ldif"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// LoadLDIF reads an LDIF export (ldifde -f, ldapsearch -LLL: folded lines,
// base64 values, comments, version: 1) into a read-write in-memory
// directory. name is what the console shows as the directory's name.
//
// go-ldap/ldif does the parsing: folding, base64 and URL values are where
// hand-written parsers go wrong. What it is handed is checked first: at most
// MaxLDIFSize bytes are read, UTF-8 with or without a byte order mark and
// UTF-16 with one (ldifde -u) are accepted, and a URL value (attr:< URL) is
// refused before the parser could open what it names: an export is read
// from its own bytes, never from another file on this machine.
func LoadLDIF(r io.Reader, name string) (*Memory, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxLDIFSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > MaxLDIFSize {
		return nil, tooBig(name)
	}
	if data, err = ldifText(data); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if line, attr := urlValueLine(data); line > 0 {
		return nil, fmt.Errorf("%s: line %d: %s takes its value from a URL (%s:<), which ocsflags refuses: it reads only the file it is given, never another file this LDIF names; put the value in the file itself (%s:: and base64 for binary values)", name, line, attr, attr, attr)
	}
	m := newMemory(Info{Kind: "ldif", Name: name, InMemory: true})
	if err := m.loadLDIF(data, name); err != nil {
		return nil, err
	}
	return m, nil
}

// MaxLDIFSize is the largest LDIF file read. The whole export is held in
// memory (a 1 GiB export is some 2 million users); the limit keeps
// /dev/zero or a runaway file from exhausting it.
var MaxLDIFSize int64 = 1 << 30

func tooBig(name string) error {
	return fmt.Errorf("%s is larger than %d MiB, the most ocsflags reads into memory: export one OU at a time (ldifde -d OU=...,DC=...)", name, MaxLDIFSize>>20)
}

// ldifText returns an export's bytes as UTF-8 without a byte order mark.
// ldifde writes UTF-16LE with a BOM when given -u; a file without BOM whose
// first two bytes pair a character with a NUL is UTF-16 too (LDIF text never
// starts with NUL). Everything else is taken as UTF-8 byte for byte, so a
// value that is not valid UTF-8 is kept as the file has it (and shown
// escaped), never replaced.
func ldifText(data []byte) ([]byte, error) {
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		enc = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		enc = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	case len(data) >= 2 && data[0] != 0 && data[1] == 0:
		enc = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case len(data) >= 2 && data[0] == 0 && data[1] != 0:
		enc = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	default:
		return data, nil
	}
	if len(data)%2 != 0 {
		return nil, errors.New("the file looks like UTF-16 (as ldifde -u writes) but has an odd number of bytes: it is cut short or not UTF-16; export it again")
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("the file looks like UTF-16 (as ldifde -u writes) but does not decode: %w", err)
	}
	return out, nil
}

// urlValueLine finds the first attribute whose value is a URL (attr:< URL)
// and returns the physical line it starts on and the attribute, or 0. It
// unfolds lines exactly as go-ldap/ldif does (a line starting with a space
// continues the previous one, a comment's continuations belong to the
// comment, a line is split at LF with trailing CR and LF trimmed), so that
// every value the parser would fetch is found here first.
func urlValueLine(data []byte) (int, string) {
	var line []byte
	start, physical := 0, 0
	isComment := false
	check := func() (int, string) {
		if i := bytes.IndexByte(line, ':'); i >= 0 && i+1 < len(line) && line[i+1] == '<' {
			return start, string(line[:i])
		}
		return 0, ""
	}
	for rest := data; len(rest) > 0; {
		physical++
		next := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			next, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = nil
		}
		next = bytes.TrimRight(next, "\r\n")
		switch {
		case len(next) == 0:
			if n, attr := check(); n > 0 {
				return n, attr
			}
			line = nil
		case next[0] == '#':
			isComment = true
		case next[0] == ' ':
			if !isComment {
				line = append(line, next[1:]...)
			}
		default:
			isComment = false
			if n, attr := check(); n > 0 {
				return n, attr
			}
			line, start = append(line[:0:0], next...), physical
		}
	}
	return check()
}

// offendingLine finds the line the parser quotes in its message (go-ldap/ldif
// says "... in line `text`" but counts lines per record, unfolded), searching
// from the record's first line; 0 when the message quotes nothing or the text
// is not found, and the record's start is named instead.
func offendingLine(data []byte, start int, msg string) int {
	a := strings.IndexByte(msg, '`')
	b := strings.LastIndexByte(msg, '`')
	if a < 0 || b <= a+1 {
		return 0
	}
	quoted := msg[a+1 : b]
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for line := 1; sc.Scan(); line++ {
		if line < start {
			continue
		}
		t := strings.TrimRight(sc.Text(), "\r")
		if t == "" {
			break
		}
		// A folded line is quoted unfolded: its first physical line is a prefix.
		if t == quoted || strings.HasPrefix(quoted, t) && !strings.HasPrefix(t, " ") {
			return line
		}
	}
	return 0
}

// recordStarts returns the line number of each record's first line, so that
// an error about the n-th record can name where it starts.
func recordStarts(data []byte) []int {
	var starts []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	line, inRecord := 0, false
	for sc.Scan() {
		line++
		t := sc.Text()
		switch {
		case strings.TrimSpace(t) == "":
			inRecord = false
		case strings.HasPrefix(t, "#") || strings.HasPrefix(t, " "):
		case !inRecord && strings.HasPrefix(strings.ToLower(t), "version:"):
		case !inRecord:
			starts = append(starts, line)
			inRecord = true
		}
	}
	return starts
}

func (m *Memory) loadLDIF(data []byte, name string) error {
	starts := recordStarts(data)
	l := &ldif.LDIF{}
	i := 0
	for e, err := range ldif.UnmarshalEntries(bytes.NewReader(data), l) {
		if err != nil {
			var pe *ldif.ParseError
			if errors.As(err, &pe) {
				where := fmt.Sprintf("line %d", pe.Line)
				if i < len(starts) {
					where = fmt.Sprintf("the record starting at line %d", starts[i])
					if n := offendingLine(data, starts[i], pe.Message); n > 0 {
						where = fmt.Sprintf("line %d", n)
					}
				}
				return fmt.Errorf("%s: malformed LDIF in %s: %s", name, where, pe.Message)
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		at := fmt.Sprintf("%s: line %d", name, lineOf(starts, i))
		i++
		var dn string
		attrs := map[string][]string{}
		switch {
		case e.Entry != nil:
			dn = e.Entry.DN
			for _, a := range e.Entry.Attributes {
				k := strings.ToLower(a.Name)
				attrs[k] = append(attrs[k], a.Values...)
			}
		case e.Add != nil:
			dn = e.Add.DN
			for _, a := range e.Add.Attributes {
				k := strings.ToLower(a.Type)
				attrs[k] = append(attrs[k], a.Vals...)
			}
		default:
			return fmt.Errorf("%s: a change record (modify, delete or modrdn) where an export was expected; open an export made with ldifde -f or ldapsearch -LLL", at)
		}
		if err := m.add(dn, attrs); err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
	}
	if len(m.entries) == 0 {
		return fmt.Errorf("%s: no entries: is this an LDIF export?", name)
	}
	m.nc = guessNamingContexts(m)
	for _, e := range m.entries {
		if n, err := strconv.ParseInt(e.first("uSNChanged"), 10, 64); err == nil && n > m.usn {
			m.usn = n
		}
	}
	return nil
}

func lineOf(starts []int, i int) int {
	if i < len(starts) {
		return starts[i]
	}
	return 0
}

// guessNamingContexts takes the default naming context from the DC=
// components of the entries' DNs (an export of one OU has no domain entry).
func guessNamingContexts(m *Memory) NamingContexts {
	best := ""
	for _, e := range m.entries {
		d, err := ParseDN(e.dn)
		if err != nil || e.implicit {
			continue
		}
		n := len(d.RDNs)
		for n > 0 && strings.EqualFold(d.RDNs[n-1].Attributes[0].Type, "DC") {
			n--
		}
		if n == len(d.RDNs) {
			continue
		}
		s := FormatDN(d.RDNs[n:])
		if best == "" || len(s) < len(best) {
			best = s
		}
	}
	if best == "" {
		// No DC= components: the top of the first entry's path.
		for _, e := range m.entries {
			d, _ := ParseDN(e.dn)
			if d != nil && len(d.RDNs) > 0 {
				best = FormatDN(d.RDNs[len(d.RDNs)-1:])
				break
			}
		}
	}
	if e, ok := m.entries[NormDN(best)]; ok {
		best = e.dn
	}
	return NamingContexts{Default: best, Configuration: "CN=Configuration," + best, RootDomain: best}
}

// OpenLDIF opens an LDIF export as a read-write in-memory directory. The
// input file is never written. When changesOut is not empty every applied
// change is appended there, before it is applied, as LDIF change records.
func OpenLDIF(path, changesOut string) (*Memory, error) {
	// Stat first: opening a FIFO blocks until someone writes to it, and a
	// device such as /dev/zero never ends.
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open LDIF file: %w", err)
	}
	if err := regularLDIF(path, st); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open LDIF file: %w", err)
	}
	defer f.Close()
	// Again on what was opened, in case the name was swapped meanwhile.
	if st, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("open LDIF file: %w", err)
	}
	if err := regularLDIF(path, st); err != nil {
		return nil, err
	}
	if st.Size() > MaxLDIFSize {
		return nil, tooBig(path)
	}
	m, err := LoadLDIF(f, path)
	if err != nil {
		return nil, err
	}
	if changesOut != "" {
		if err := m.recordChangesTo(path, changesOut); err != nil {
			return nil, err
		}
		// Every change is kept in changesOut before it is applied: it
		// outlives this process, unlike the export's copy in memory.
		m.info.InMemory = false
	}
	return m, nil
}

func regularLDIF(path string, st os.FileInfo) error {
	if st.Mode().IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch m := st.Mode(); {
	case m.IsDir():
		what = "a directory"
	case m&os.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&os.ModeDevice != 0:
		what = "a device"
	case m&os.ModeSocket != 0:
		what = "a socket"
	}
	return fmt.Errorf("--ldif %s is %s: ocsflags reads an LDIF export from a regular file; save the export to a file first", path, what)
}

func (m *Memory) recordChangesTo(input, out string) error {
	ai, err1 := filepath.Abs(input)
	ao, err2 := filepath.Abs(out)
	if err1 == nil && err2 == nil && ai == ao {
		return fmt.Errorf("--changes-out %s is the input file: the export is never modified; name another file", out)
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return fmt.Errorf("--changes-out %s is a directory: name a file", out)
	}
	cw := &changeWriter{path: out}
	m.beforeApply = cw.write
	return nil
}

// changeWriter appends LDIF change records, opening the file per record so
// that each one is on disk (synced) before the change it records is applied.
type changeWriter struct {
	mu   sync.Mutex
	path string
}

func (w *changeWriter) write(c Change) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	text, err := ChangeLDIF(c)
	if err != nil {
		return fmt.Errorf("render change for %s: %w", w.path, err)
	}
	f, err := os.OpenFile(w.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("write changes file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("write changes file: %w", err)
	}
	// ldif.Marshal starts every rendering with "version: 1"; only the first
	// record of the file may carry it.
	text = strings.TrimPrefix(text, "version: 1\n")
	var b strings.Builder
	if st.Size() == 0 {
		b.WriteString("version: 1\n")
	}
	fmt.Fprintf(&b, "\n# %s ocsflags: replay with ldapmodify -f or ldifde -i; each record deletes the value it expects, so it fails instead of overwriting a newer value\n", time.Now().UTC().Format(time.RFC3339))
	b.WriteString(strings.TrimLeft(text, "\n"))
	if _, err := f.WriteString(b.String()); err != nil {
		return fmt.Errorf("write changes file %s: %w", w.path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write changes file %s: %w", w.path, err)
	}
	return nil
}
