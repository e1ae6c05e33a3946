package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"ocsflags/flags"
)

// JournalEntry is one line of the change journal: one attribute of one
// applied change.
type JournalEntry struct {
	Time      time.Time `json:"time"`
	Directory string    `json:"directory"`
	BoundAs   string    `json:"bound_as"`
	DN        string    `json:"dn"`
	Attribute string    `json:"attribute"`
	// Before and After are AD text; null means absent.
	Before *string `json:"before"`
	After  *string `json:"after"`
}

// DefaultJournalPath is $XDG_STATE_HOME/ocsflags/journal.jsonl, or
// ~/.local/state/ocsflags/journal.jsonl.
func DefaultJournalPath() (string, error) {
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

// Journaled wraps a Directory so that every applied change is appended to a
// journal file before success is reported to the caller.
type Journaled struct {
	Directory
	path string
	mu   sync.Mutex
}

// NewJournaled opens (creating, mode 0600) the journal at path.
func NewJournaled(d Directory, path string) (*Journaled, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create journal directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	f.Close()
	return &Journaled{Directory: d, path: path}, nil
}

// Path is where the journal is written.
func (j *Journaled) Path() string { return j.path }

func optPtr(o flags.Opt[string]) *string {
	if !o.Set {
		return nil
	}
	v := o.V
	return &v
}

// Apply applies the change and journals it. The change is in the directory
// once the inner Apply returns, so a journal write failure is reported as an
// error that says the change was applied, never hidden.
func (j *Journaled) Apply(ctx context.Context, c Change) (User, error) {
	u, err := j.Directory.Apply(ctx, c)
	if err != nil {
		return u, err
	}
	info := j.Directory.Info()
	now := time.Now().UTC()
	var buf []byte
	for _, e := range c.Edits {
		line, _ := json.Marshal(JournalEntry{
			Time: now, Directory: info.Name, BoundAs: info.BoundAs, DN: c.DN, Attribute: e.Attr,
			Before: optPtr(e.Old), After: optPtr(e.New),
		})
		buf = append(append(buf, line...), '\n')
	}
	j.mu.Lock()
	defer j.mu.Unlock()
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
	if err != nil {
		return u, fmt.Errorf("the change to %s WAS applied, but writing the journal %s failed: %w", c.DN, j.path, err)
	}
	return u, nil
}

// ReadJournal reads every entry of a journal file.
func ReadJournal(path string) ([]JournalEntry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	var out []JournalEntry
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var e JournalEntry
		if err := dec.Decode(&e); err != nil {
			return out, fmt.Errorf("journal %s entry %d: %w", path, len(out)+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// Undo is the compare-and-swap change that takes a journal entry back: it
// expects "after" and writes "before", so it fails if the value moved on.
func (e JournalEntry) Undo() Change {
	var ed flags.AttrEdit
	ed.Attr = e.Attribute
	if e.After != nil {
		ed.Old = flags.Some(*e.After)
	}
	if e.Before != nil {
		ed.New = flags.Some(*e.Before)
	}
	return Change{DN: e.DN, Edits: []flags.AttrEdit{ed}}
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
