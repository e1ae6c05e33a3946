package ui

import (
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
)

// pendingUser is one user's unwritten edits. They are kept as the stack of
// intents the admin made (for undo) and composed into one flags.Change only
// when needed, so a rebase re-applies intent, never a literal value.
type pendingUser struct {
	// base is the user as last read from the directory; the compare-and-swap
	// expects exactly its values.
	base  directory.User
	stack []flags.Change
}

// change composes the stack. A Boolean edited back to the value it has in
// base is dropped, so toggling twice leaves nothing to write (AD has no
// "unchanged" for a Boolean that was written again).
func (p *pendingUser) change() flags.Change {
	var c flags.Change
	for _, s := range p.stack {
		c = c.Then(s)
	}
	same := func(o *flags.Opt[bool], base flags.Opt[bool]) {
		if o.Set && o.V == base.Or(false) {
			*o = flags.Opt[bool]{}
		}
	}
	same(&c.Enabled, p.base.OCS.Enabled)
	same(&c.Federation, p.base.OCS.Federation)
	same(&c.RemoteAccess, p.base.OCS.RemoteAccess)
	return c
}

// after is what the user will hold once written.
func (p *pendingUser) after() (flags.Settings, error) {
	return p.base.OCS.Apply(p.change())
}

// edits is the attribute-level write, each edit carrying the value it
// expects in the directory now.
func (p *pendingUser) edits() ([]flags.AttrEdit, error) {
	a, err := p.after()
	if err != nil {
		return nil, err
	}
	return flags.Edits(p.base.OCS, a), nil
}

// afterOr is what the user will hold with p's edits, or base when there
// are none (p nil).
func (p *pendingUser) afterOr(base flags.Settings) (flags.Settings, error) {
	if p == nil {
		return base, nil
	}
	return p.after()
}

// hasEdits reports whether p would write anything; nil has nothing. Edits
// that cannot apply count, so they are not forgotten.
func (p *pendingUser) hasEdits() bool {
	if p == nil {
		return false
	}
	e, err := p.edits()
	return err != nil || len(e) > 0
}

// sipClaims maps each sign-in name (lower-cased) that pending edits put to
// use (flags.ClaimedSIP) to the DNs of the users whose edits claim it, in
// edit order: such a name is as taken as one held in the directory.
func (s *pendingStore) sipClaims() map[string][]string {
	out := map[string][]string{}
	for _, p := range s.list() {
		if !p.hasEdits() {
			continue
		}
		if a, err := p.after(); err == nil {
			if addr := flags.ClaimedSIP(p.base.OCS, a); addr != "" {
				k := strings.ToLower(addr)
				out[k] = append(out[k], p.base.DN)
			}
		}
	}
	return out
}

// dirChange is the compare-and-swap write for directory.Apply.
func (p *pendingUser) dirChange() (directory.Change, error) {
	e, err := p.edits()
	return directory.Change{DN: p.base.DN, Edits: e}, err
}

// pendingStore holds every user's pending edits, keyed by normalised DN, in
// the order they were first edited (the review screen's order).
type pendingStore struct {
	users map[string]*pendingUser
	order []string
}

func newPendingStore() *pendingStore { return &pendingStore{users: map[string]*pendingUser{}} }

func (s *pendingStore) get(dn string) *pendingUser { return s.users[directory.NormDN(dn)] }

// push records one edit made while looking at u.
func (s *pendingStore) push(u directory.User, c flags.Change) {
	k := directory.NormDN(u.DN)
	p, ok := s.users[k]
	if !ok {
		p = &pendingUser{base: u}
		s.users[k] = p
		s.order = append(s.order, k)
	}
	p.stack = append(p.stack, c)
}

// undo removes the last edit of dn; false when there was none.
func (s *pendingStore) undo(dn string) bool {
	k := directory.NormDN(dn)
	p, ok := s.users[k]
	if !ok || len(p.stack) == 0 {
		return false
	}
	p.stack = p.stack[:len(p.stack)-1]
	if len(p.stack) == 0 {
		s.drop(dn)
	}
	return true
}

// drop forgets every pending edit of dn.
func (s *pendingStore) drop(dn string) {
	k := directory.NormDN(dn)
	delete(s.users, k)
	for i, o := range s.order {
		if o == k {
			s.order = append(s.order[:i:i], s.order[i+1:]...)
			break
		}
	}
}

// rebase makes u the state the edits apply to: after a fresh read, or
// after a conflict when the admin chose to re-apply on top.
func (s *pendingStore) rebase(u directory.User) {
	if p := s.get(u.DN); p != nil {
		p.base = u
	}
}

// list returns the users with pending edits in review order.
func (s *pendingStore) list() []*pendingUser {
	out := make([]*pendingUser, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, s.users[k])
	}
	return out
}

// counts is the number of attribute edits that would be written and the
// number of users they touch; a user whose edits cancel out counts for
// nothing, a user whose edits cannot apply counts as one edit so that it is
// not silently forgotten.
func (s *pendingStore) counts() (edits, users int) {
	for _, p := range s.users {
		e, err := p.edits()
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
