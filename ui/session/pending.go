package session

import (
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
)

// Edits is one user's unwritten edits. They are kept as the stack of
// intents the admin made (for undo) and composed into one flags.Change only
// when needed, so a rebase re-applies intent, never a literal value.
type Edits struct {
	// Base is the user as last read from the directory; the compare-and-swap
	// expects exactly its values.
	Base  directory.User
	Stack []Edit
}

// Edit is one edit the admin made. Undoes is the journal id of the write
// it takes back (an undo staged from the history screen), "" for any
// other edit: the commit journals it as that write's undo, as ocsflags
// undo does.
type Edit struct {
	Change flags.Change
	Undoes string
}

// Undoes is the id of the write the stacked edits take back: only when
// the stack is that one undo, so the write is the undo and nothing else
// (the session refuses other edits next to an undo); "" otherwise.
func (p *Edits) Undoes() string {
	if p == nil || len(p.Stack) != 1 {
		return ""
	}
	return p.Stack[0].Undoes
}

// undoIn is the id of an undo anywhere in the stack, "" when none.
func (p *Edits) undoIn() string {
	if p == nil {
		return ""
	}
	for _, e := range p.Stack {
		if e.Undoes != "" {
			return e.Undoes
		}
	}
	return ""
}

// Change composes the stack. A Boolean edited back to the value it has in
// base is dropped, so toggling twice leaves nothing to write (AD has no
// "unchanged" for a Boolean that was written again).
func (p *Edits) Change() flags.Change {
	var c flags.Change
	for _, s := range p.Stack {
		c = c.Then(s.Change)
	}
	same := func(o *flags.Opt[bool], base flags.Opt[bool]) {
		if o.Set && o.V == base.Or(false) {
			*o = flags.Opt[bool]{}
		}
	}
	same(&c.Enabled, p.Base.OCS.Enabled)
	same(&c.Federation, p.Base.OCS.Federation)
	same(&c.RemoteAccess, p.Base.OCS.RemoteAccess)
	return c
}

// After is what the user will hold once written.
func (p *Edits) After() (flags.Settings, error) {
	return p.Base.OCS.Apply(p.Change())
}

// AttrEdits is the attribute-level write, each edit carrying the value it
// expects in the directory now.
func (p *Edits) AttrEdits() ([]flags.AttrEdit, error) {
	a, err := p.After()
	if err != nil {
		return nil, err
	}
	return flags.Edits(p.Base.OCS, a), nil
}

// AfterOr is what the user will hold with p's edits, or base when there
// are none (p nil).
func (p *Edits) AfterOr(base flags.Settings) (flags.Settings, error) {
	if p == nil {
		return base, nil
	}
	return p.After()
}

// HasEdits reports whether p would write anything; nil has nothing. Edits
// that cannot apply count, so they are not forgotten.
func (p *Edits) HasEdits() bool {
	if p == nil {
		return false
	}
	e, err := p.AttrEdits()
	return err != nil || len(e) > 0
}

// SIPClaims maps each sign-in name (lower-cased) that pending edits put to
// use (flags.ClaimedSIP) to the DNs of the users whose edits claim it, in
// edit order: such a name is as taken as one held in the directory.
func (s *Pending) SIPClaims() map[string][]string {
	out := map[string][]string{}
	for _, p := range s.List() {
		if !p.HasEdits() {
			continue
		}
		if a, err := p.After(); err == nil {
			if addr := flags.ClaimedSIP(p.Base.OCS, a); addr != "" {
				k := strings.ToLower(addr)
				out[k] = append(out[k], p.Base.DN)
			}
		}
	}
	return out
}

// DirChange is the compare-and-swap write for directory.Apply.
func (p *Edits) DirChange() (directory.Change, error) {
	e, err := p.AttrEdits()
	return directory.Change{DN: p.Base.DN, Edits: e, SAM: p.Base.SAMAccountName}, err
}

// Pending holds every user's pending edits, keyed by normalised DN, in
// the order they were first edited (the review screen's order).
type Pending struct {
	Users map[string]*Edits
	Order []string
}

func NewPending() *Pending { return &Pending{Users: map[string]*Edits{}} }

func (s *Pending) Get(dn string) *Edits { return s.Users[directory.NormDN(dn)] }

// Push records one edit made while looking at u.
func (s *Pending) Push(u directory.User, c flags.Change) { s.PushEdit(u, Edit{Change: c}) }

// PushEdit records one edit, an undo or not, made while looking at u.
func (s *Pending) PushEdit(u directory.User, e Edit) {
	k := directory.NormDN(u.DN)
	p, ok := s.Users[k]
	if !ok {
		p = &Edits{Base: u}
		s.Users[k] = p
		s.Order = append(s.Order, k)
	}
	p.Stack = append(p.Stack, e)
}

// Undo removes the last edit of dn; false when there was none.
func (s *Pending) Undo(dn string) bool {
	k := directory.NormDN(dn)
	p, ok := s.Users[k]
	if !ok || len(p.Stack) == 0 {
		return false
	}
	p.Stack = p.Stack[:len(p.Stack)-1]
	if len(p.Stack) == 0 {
		s.Drop(dn)
	}
	return true
}

// Drop forgets every pending edit of dn.
func (s *Pending) Drop(dn string) {
	k := directory.NormDN(dn)
	delete(s.Users, k)
	for i, o := range s.Order {
		if o == k {
			s.Order = append(s.Order[:i:i], s.Order[i+1:]...)
			break
		}
	}
}

// Rebase makes u the state the edits apply to: after a fresh read, or
// after a conflict when the admin chose to re-apply on top.
func (s *Pending) Rebase(u directory.User) {
	if p := s.Get(u.DN); p != nil {
		p.Base = u
	}
}

// List returns the users with pending edits in review order.
func (s *Pending) List() []*Edits {
	out := make([]*Edits, 0, len(s.Order))
	for _, k := range s.Order {
		out = append(out, s.Users[k])
	}
	return out
}

// Counts is the number of attribute edits that would be written and the
// number of users they touch; a user whose edits cancel out Counts for
// nothing, a user whose edits cannot apply Counts as one edit so that it is
// not silently forgotten.
func (s *Pending) Counts() (edits, users int) {
	for _, p := range s.Users {
		e, err := p.AttrEdits()
		n := len(e)
		if err != nil {
			n = 1
		}
		if n > 0 {
			edits += n
			users++
		}
	}
	return edits, users
}
