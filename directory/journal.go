package directory

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"ocsflags/flags"
)

// JournalVersion is the version of the journal's line format. Version 1
// lines (no "v" field) record only changes that were applied.
const JournalVersion = 2

// Journal phases and outcomes. A write is journaled before it is sent (an
// "intent" line per attribute) and again once its answer is in (an
// "outcome" line per attribute: written, not written or unknown). An
// unknown outcome is followed by "resolved" lines once the user was read
// again. The last line of a write id says where it stands; an intent with
// no line after it means the program ended before the answer: unknown.
const (
	PhaseIntent   = "intent"
	PhaseOutcome  = "outcome"
	PhaseResolved = "resolved"

	JournalWritten    = "written"
	JournalNotWritten = "not written"
	JournalUnknown    = "unknown"
)

// JournalEntry is one line of the change journal: one attribute of one
// write, at one phase.
type JournalEntry struct {
	// V is JournalVersion; 0 for a version 1 line.
	V int `json:"v,omitempty"`
	// ID names the write; every attribute and phase of it shares the id.
	ID    string `json:"id,omitempty"`
	Phase string `json:"phase,omitempty"`
	// Outcome is written, not written or unknown; empty on an intent.
	Outcome   string    `json:"outcome,omitempty"`
	Time      time.Time `json:"time"`
	Directory string    `json:"directory"`
	BoundAs   string    `json:"bound_as"`
	DN        string    `json:"dn"`
	// SAM is the user's sAMAccountName: optional, absent on the lines of
	// an older ocsflags and where the write did not know it.
	SAM       string `json:"sam_account_name,omitempty"`
	Attribute string `json:"attribute"`
	// Before and After are AD text; null means absent.
	Before *string `json:"before"`
	After  *string `json:"after"`
	// Error is why a write was not written or is unknown.
	Error string `json:"error,omitempty"`
	// Run groups the writes of one bulk run (or one undo of a run) under
	// one id, so history can list and undo them together; empty for a
	// single-user write.
	Run string `json:"run,omitempty"`
	// Undoes is the id of the write this one takes back (ocsflags undo),
	// empty for any other write.
	Undoes string `json:"undoes,omitempty"`
}

type runKey struct{}

// WithRun marks every write made with ctx as part of bulk run id; the
// journal records the id on each of their lines.
func WithRun(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, runKey{}, id)
}

// RunOf is the bulk run id WithRun put on ctx, or "".
func RunOf(ctx context.Context) string {
	id, _ := ctx.Value(runKey{}).(string)
	return id
}

// NewRunID is a fresh id for WithRun.
func NewRunID() string { return newWriteID() }

type undoKey struct{}

// WithUndo marks the writes made with ctx as the undo of the write id; the
// journal records it on each of their lines ("undoes").
func WithUndo(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, undoKey{}, id)
}

// UndoOf is the write id WithUndo put on ctx, or "".
func UndoOf(ctx context.Context) string {
	id, _ := ctx.Value(undoKey{}).(string)
	return id
}

type journaledKey struct{}

// OnJournaled has the journal call fn with the id of every write it
// records with ctx (before the write is sent), so a command can say the
// id under which its write can be found, and undone.
func OnJournaled(ctx context.Context, fn func(id string)) context.Context {
	return context.WithValue(ctx, journaledKey{}, fn)
}

// Written reports whether the entry records a value that is in the
// directory: a version 1 line, or an outcome or resolution "written".
func (e JournalEntry) Written() bool {
	return e.V == 0 || (e.Phase != PhaseIntent && e.Outcome == JournalWritten)
}

// DefaultJournalPath is $XDG_STATE_HOME/ocsflags/journal.jsonl, or
// ~/.local/state/ocsflags/journal.jsonl; on Windows
// %LOCALAPPDATA%\ocsflags\journal.jsonl (windowsJournalPath).
func DefaultJournalPath() (string, error) {
	if runtime.GOOS == "windows" && os.Getenv("XDG_STATE_HOME") == "" {
		return windowsJournalPath(os.Getenv)
	}
	base := os.Getenv("XDG_STATE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the journal directory: %w (set XDG_STATE_HOME)", err)
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "ocsflags", "journal.jsonl"), nil
}

// Journaled wraps a Directory so that every write is journaled ahead: its
// intent before the modify is sent, its outcome once the answer is in.
type Journaled struct {
	Directory
	path   string
	notice string
	mu     sync.Mutex
	// session holds the lines of a journal kept in this process only
	// (NewSessionJournaled); path is then "".
	session *bytes.Buffer
}

// NewSessionJournaled journals the writes to d in memory, for this process
// only: the console on the demo or an LDIF export without --changes-out,
// whose changes vanish at exit, so its history and undo work while the
// admin's journal file never mixes make-believe with real changes.
func NewSessionJournaled(d Directory) *Journaled {
	return &Journaled{Directory: d, session: &bytes.Buffer{}}
}

// ReadLines reads the journal back: the file, or the session's lines.
func (j *Journaled) ReadLines() ([]JournalLine, []JournalDamage, error) {
	if j.session != nil {
		j.mu.Lock()
		data := bytes.Clone(j.session.Bytes())
		j.mu.Unlock()
		return ReadJournalLines(bytes.NewReader(data))
	}
	f, err := os.Open(j.path)
	if errors.Is(err, fs.ErrNotExist) {
		// Nothing written through it yet (NewJournaled creates it with
		// the first write).
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read the journal: %w", err)
	}
	defer f.Close()
	lines, damage, err := ReadJournalLines(f)
	if err != nil {
		err = fmt.Errorf("read the journal %s: %w", j.path, err)
	}
	return lines, damage, err
}

// NewJournaled opens the journal at path. A journal that others may read
// (it names users and their settings) is made 0600; Notice then says so.
// One that does not exist yet is created (mode 0600) by the first write,
// not here: a command that writes nothing (a dry run) leaves no empty
// journal behind. That it could be created is checked here, so a write is
// never sent to learn that its intent cannot be journaled.
func NewJournaled(d Directory, path string) (*Journaled, error) {
	j := &Journaled{Directory: d, path: path}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		if err := checkCreatable(path); err != nil {
			return nil, fmt.Errorf("open journal: %w", err)
		}
		return j, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			return nil, fmt.Errorf("the journal %s is readable by others (mode %04o) and cannot be made private: %w", path, fi.Mode().Perm(), err)
		}
		j.notice = fmt.Sprintf("the journal %s was readable by others (mode %04o); it is now readable by its owner only (0600)", path, fi.Mode().Perm())
	}
	return j, nil
}

// checkCreatable reports why a file could not be created at path, without
// creating it or its directories: the nearest directory that exists must
// let this process make a file (tried with a temporary one, removed at
// once) and must be a directory.
func checkCreatable(path string) error {
	dir := filepath.Dir(path)
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("%s is not a directory", dir)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		up := filepath.Dir(dir)
		if up == dir {
			return err
		}
		dir = up
	}
	f, err := os.CreateTemp(dir, ".ocsflags-journal-check-*")
	if err != nil {
		return fmt.Errorf("cannot create the journal %s: %w", path, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// Path is where the journal is written; "" for a session journal.
func (j *Journaled) Path() string { return j.path }

// Notice is what opening the journal changed that the admin should be told
// (its mode tightened), or "".
func (j *Journaled) Notice() string { return j.notice }

func optPtr(o flags.Opt[string]) *string {
	if !o.Set {
		return nil
	}
	v := o.V
	return &v
}

func newWriteID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// record appends one line per edit of c at phase with outcome, synced.
func (j *Journaled) record(ctx context.Context, id, phase, outcome string, c Change, cause error) error {
	info := j.Directory.Info()
	where := info.Name
	if info.Kind == "ldif" {
		// A relative name says nothing once the journal is read from
		// another directory.
		if abs, err := filepath.Abs(where); err == nil {
			where = abs
		}
	}
	now := time.Now().UTC()
	msg := ""
	if cause != nil {
		msg = cause.Error()
	}
	var buf []byte
	for _, e := range c.Edits {
		line, _ := json.Marshal(JournalEntry{
			V: JournalVersion, ID: id, Phase: phase, Outcome: outcome,
			Time: now, Directory: where, BoundAs: info.BoundAs, DN: c.DN, SAM: c.SAM, Attribute: e.Attr,
			Before: optPtr(e.Old), After: optPtr(e.New), Error: msg, Run: RunOf(ctx), Undoes: UndoOf(ctx),
		})
		buf = append(append(buf, line...), '\n')
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.session != nil {
		j.session.Write(buf)
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(j.path), 0o700); err != nil {
		return fmt.Errorf("create journal directory: %w", err)
	}
	f, err := os.OpenFile(j.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err == nil {
		_, err = f.Write(buf)
		if serr := f.Sync(); err == nil {
			err = serr
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// outcomeWord is how the journal says o.
func outcomeWord(o WriteOutcome) string {
	switch {
	case o.Changed():
		return JournalWritten
	case o == OutcomeUnknown:
		return JournalUnknown
	}
	return JournalNotWritten
}

// Apply implements Directory. See ApplyWithOutcome.
func (j *Journaled) Apply(ctx context.Context, c Change) (User, error) {
	u, _, err := j.ApplyWithOutcome(ctx, c)
	return u, err
}

// ApplyWithOutcome journals c's intent, applies it and journals the
// outcome. When the intent cannot be journaled nothing is sent. An unknown
// outcome comes back as an *UnknownOutcomeError carrying the write's id,
// for Settle. A journal failure after the write is reported as an error
// that says whether the change was applied, never hidden.
func (j *Journaled) ApplyWithOutcome(ctx context.Context, c Change) (User, WriteOutcome, error) {
	var edits []flags.AttrEdit
	for _, e := range c.Edits {
		if e.Old.Set || e.New.Set {
			edits = append(edits, e)
		}
	}
	if len(edits) == 0 {
		return applyWithOutcome(ctx, j.Directory, c)
	}
	if err := ctx.Err(); err != nil {
		// Stopped before sending (a signal, say): no intent to record.
		return User{}, OutcomeNotWritten, err
	}
	jc := Change{DN: c.DN, Edits: edits, SAM: c.SAM}
	id := newWriteID()
	if err := j.record(ctx, id, PhaseIntent, "", jc, nil); err != nil {
		return User{}, OutcomeNotWritten, fmt.Errorf("nothing was written to %s: the journal %s cannot record the change first: %w", c.DN, j.path, err)
	}
	if fn, ok := ctx.Value(journaledKey{}).(func(string)); ok {
		fn(id)
	}
	u, o, err := applyWithOutcome(ctx, j.Directory, c)
	var ue *UnknownOutcomeError
	if o == OutcomeUnknown {
		if !errors.As(err, &ue) {
			ue = &UnknownOutcomeError{Change: jc, Err: err}
		}
		ue.WriteID = id
		err = ue
	}
	if jerr := j.record(ctx, id, PhaseOutcome, outcomeWord(o), jc, err); jerr != nil {
		switch {
		case o.Changed():
			return u, o, fmt.Errorf("the change to %s WAS applied, but writing the journal %s failed: %w", c.DN, j.path, jerr)
		case err == nil:
			err = fmt.Errorf("the change to %s was not written, and writing the journal %s failed: %w", c.DN, j.path, jerr)
		}
	}
	return u, o, err
}

// Settle implements the package's Settle and journals the answer as the
// write's resolution.
func (j *Journaled) Settle(ctx context.Context, ue *UnknownOutcomeError) (User, WriteOutcome, error) {
	u, o, err := settleRead(ctx, j.Directory, ue)
	if o == OutcomeUnknown && ue.WriteID != "" {
		var still *UnknownOutcomeError
		if errors.As(err, &still) && !still.Checked {
			// The directory did not answer: nothing new to record.
			return u, o, err
		}
	}
	if ue.WriteID != "" {
		if jerr := j.record(ctx, ue.WriteID, PhaseResolved, outcomeWord(o), ue.Change, err); jerr != nil {
			return u, o, fmt.Errorf("the change to %s was found %s, but writing the journal %s failed: %w", ue.Change.DN, outcomeWord(o), j.path, jerr)
		}
	}
	return u, o, err
}

// ReadOnly wraps a Directory so that every write is refused.
type ReadOnly struct{ Directory }

func (r ReadOnly) Info() Info {
	i := r.Directory.Info()
	i.ReadOnly = true
	return i
}

func (r ReadOnly) Apply(ctx context.Context, c Change) (User, error) {
	return User{}, &Error{Kind: ErrReadOnly, DN: c.DN, Msg: "ocsflags was started with --read-only; nothing was written"}
}
