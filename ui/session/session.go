// Package session is the one owner of the console's session state: the
// pending edits, the writes in flight, the OCS pools, the sign-in-name
// look-ups with their generation, and the display names of the objects
// users point at. Screens read it through the root's *Session; they change
// it only by sending its messages (StageMsg, WriteMsg, UndoMsg, ForgetMsg,
// …) to Update, so every change of the session goes through this package.
package session

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
)

// Session is the state that outlives any screen.
type Session struct {
	// Pending is every user's unwritten edits.
	Pending *Pending
	// Writes is the writes sent to the directory and not yet answered,
	// or answered with an unknown outcome (writes.go).
	Writes Writes

	// Pools are the OCS pools read at start; PoolsLoaded is set once the
	// answer came, PoolsErr when it was an error (home servers then cannot
	// be checked). PoolsHidden is set once a user's home server turned out
	// to be among pools this account cannot read ("? unchecked"): the
	// header says so from then on.
	Pools       directory.PoolSet
	PoolsLoaded bool
	PoolsErr    error
	PoolsHidden bool

	// Names are display names of policy and location profile objects, by
	// NormDN, filled as the open users' references are resolved.
	Names map[string]string

	look lookups // the sign-in-name look-ups (lookups.go)
}

// New returns an empty session.
func New() *Session {
	return &Session{Pending: NewPending(), Writes: Writes{}, Pools: directory.PoolSet{}, look: newLookups()}
}

// Note is what a change of the session has to say on the status line; an
// empty Text says nothing.
type Note struct {
	Text string
	Err  bool
}

// StageMsg asks to record an edit for User, unless a write rule refuses
// it; What names it on the status line.
type StageMsg struct {
	User   directory.User
	Change flags.Change
	What   string
	// Undoes is the journal id of the write the edit takes back (an undo
	// staged from the history screen), "" for any other edit.
	Undoes string
}

// Stage is the command that sends a StageMsg.
func Stage(u directory.User, c flags.Change, what string) tea.Cmd {
	return func() tea.Msg { return StageMsg{User: u, Change: c, What: what} }
}

// StageUndo is the command that stages c as the undo of write id.
func StageUndo(u directory.User, c flags.Change, what, id string) tea.Cmd {
	return func() tea.Msg { return StageMsg{User: u, Change: c, What: what, Undoes: id} }
}

// ReadMsg tells the session a user was read afresh from the directory.
type ReadMsg struct{ User directory.User }

// onRead takes a fresh read of a user with pending edits: the same values
// only move the change marker; other values mean someone else wrote the
// user after the edits were made. The edits keep the values they were
// made against, so the commit meets a conflict and the admin sees both
// before anything is written.
func (s *Session) onRead(u directory.User) Note {
	p := s.Pending.Get(u.DN)
	if p == nil {
		return Note{}
	}
	if len(flags.Edits(p.Base.OCS, u.OCS)) == 0 {
		s.Pending.Rebase(u)
		return Note{}
	}
	return Note{Text: u.Label() + " changed in the directory after you edited it: the review will show both values and ask before writing", Err: true}
}

// PoolsMsg is the answer to LoadPools.
type PoolsMsg struct {
	Pools directory.PoolList
	Err   error
}

// LoadPools reads the OCS pools.
func LoadPools(ctx context.Context, d directory.Directory, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		p, err := d.Pools(ctx)
		return PoolsMsg{Pools: p, Err: err}
	}
}

// Update applies one of the session's messages and says what it did; ok is
// false for a message that is not the session's.
func (s *Session) Update(msg tea.Msg) (note Note, ok bool) {
	switch msg := msg.(type) {
	case StageMsg:
		return s.stage(msg.User, Edit{Change: msg.Change, Undoes: msg.Undoes}, msg.What), true
	case ReadMsg:
		return s.onRead(msg.User), true
	case WriteMsg:
		s.Writes.set(msg.DN, msg.W)
		return Note{}, true
	case WrittenMsg:
		s.onWritten(msg.User, msg.Depth)
		return Note{}, true
	case RebaseMsg:
		s.Pending.Rebase(msg.User)
		return Note{}, true
	case DropMsg:
		s.Pending.Drop(msg.DN)
		return Note{}, true
	case UndoMsg:
		return s.undo(msg.DN, msg.Label), true
	case ForgetMsg:
		s.look = newLookups()
		return Note{}, true
	case NamesMsg:
		s.addNames(msg.Names)
		return Note{}, true
	case PoolsHiddenMsg:
		s.PoolsHidden = true
		return Note{}, true
	case HoldersMsg:
		return s.onHolders(msg), true
	case PoolsMsg:
		s.PoolsLoaded = true
		s.Pools = directory.NewPoolSetFrom(msg.Pools)
		if msg.Err != nil {
			s.PoolsErr = msg.Err
			return Note{Text: "cannot read the OCS pools, so home servers cannot be checked: " + msg.Err.Error(), Err: true}, true
		}
		return Note{}, true
	}
	return Note{}, false
}

// Plan is the write rules (directory.PlanWrite) on u's pending edits with c
// after them.
func (s *Session) Plan(u directory.User, c flags.Change) []directory.Refusal {
	base, all := u, c
	if p := s.Pending.Get(u.DN); p != nil {
		base, all = p.Base, p.Change().Then(c)
	}
	_, refusals := directory.PlanWrite(directory.WriteRequest{User: base, Change: all, Pools: s.Pools})
	return refusals
}

// stage records an edit for u (the open user or a list row), refusing one
// that could not be written: the write rules on the user's pending edits
// with this one. A rule a later edit can satisfy (enabling before the
// sign-in name is given) is left to the review.
func (s *Session) stage(u directory.User, e Edit, what string) Note {
	if n, ok := s.undoAlone(u, e); !ok {
		return n
	}
	if err := directory.Refused(s.Plan(u, e.Change), true); err != nil {
		return Note{Text: "refused: " + err.Error(), Err: true}
	}
	s.Pending.PushEdit(u, e)
	if !s.Pending.Get(u.DN).HasEdits() {
		// The edit took the user back to what the directory holds.
		return Note{Text: what + " — as in the directory again: nothing pending for " + u.Label()}
	}
	return Note{Text: what + " — pending: c reviews and commits, u undoes"}
}

// undoAlone keeps an undo alone on its user's stack: the write is
// journaled as the undo of one write, so it must be that undo and nothing
// else. Combined with other edits, the journal would call them part of
// the undo, or, when a later edit cancels it, call a write that takes
// nothing back the undo (and ocsflags undo would then say "already
// undone" of a write still in effect). Edits that cancelled out, with no
// write on its way, are forgotten to make room for an undo.
func (s *Session) undoAlone(u directory.User, e Edit) (Note, bool) {
	p := s.Pending.Get(u.DN)
	if p == nil || len(p.Stack) == 0 {
		return Note{}, true
	}
	const first = "commit or undo the pending edits of this user first (c commits, u undoes)"
	have := p.undoIn()
	switch {
	case have != "" && e.Undoes != "" && have != e.Undoes:
		return Note{Text: "refused: the pending edits of " + u.Label() + " already take back write " + have +
			": commit them (c) or undo them (u) before taking back " + e.Undoes, Err: true}, false
	case have != "" && e.Undoes != "":
		return Note{Text: "refused: the pending edits of " + u.Label() + " already take back write " + have +
			"; nothing more to stage for it", Err: true}, false
	case have != "":
		return Note{Text: "refused: the pending edits of " + u.Label() + " take back write " + have +
			", and that write is journaled as its undo alone: " + first + ", then make this edit", Err: true}, false
	case e.Undoes == "":
		return Note{}, true
	}
	if _, busy := s.Writes.InFlight(u.DN); !busy && !p.HasEdits() {
		s.Pending.Drop(u.DN)
		return Note{}, true
	}
	return Note{Text: "refused: " + u.Label() + " has pending edits, and the undo of write " + e.Undoes +
		" is written alone: " + first, Err: true}, false
}

// addNames records display names read with a user.
func (s *Session) addNames(names map[string]string) {
	if len(names) == 0 {
		return
	}
	if s.Names == nil {
		s.Names = map[string]string{}
	}
	for k, v := range names {
		s.Names[k] = v
	}
}

// State is u as the console shows it: as read and with its pending edits,
// judged with the pools and the sign-in-name look-ups so far.
func (s *Session) State(u directory.User, scope flags.SearchScope) State {
	st := State{Pools: s.Pools, PoolsUnknown: s.PoolsErr != nil, User: u, Names: s.Names, SIPScope: scope,
		Others: func(addr string) []string { return s.OtherHolders(addr, u.DN) }}
	if p := s.Pending.Get(u.DN); p != nil {
		st.Base = p.Base.OCS
		st.After, st.ApplyErr = p.After()
		if st.ApplyErr != nil {
			st.After = st.Base
		}
		st.Pending = true
		return st
	}
	st.Base, st.After = u.OCS, u.OCS
	return st
}
