package session

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
)

// lookups caches the sign-in-name look-ups (the one readiness rule that
// needs the directory): lower-cased address → DNs holding it. A missing key
// means not looked up yet; asked marks look-ups in flight; errs the ones
// that failed, which are not asked again until the cache is forgotten (a
// directory that is down is not hammered).
type lookups struct {
	holders map[string][]string
	asked   map[string]bool
	errs    map[string]error
	gen     int64
}

// lookupGen numbers the caches, so an answer to a look-up asked before a
// write (or for another user) is not cached as current.
var lookupGen atomic.Int64

func newLookups() lookups {
	return lookups{holders: map[string][]string{}, asked: map[string]bool{}, errs: map[string]error{}, gen: lookupGen.Add(1)}
}

// HoldersMsg answers one sign-in-name look-up.
type HoldersMsg struct {
	Addr string // lower-cased
	DNs  []string
	Err  error
	Gen  int64 // the cache generation that asked; older answers are not cached
}

// LookupHolders asks the directory who holds addr, for the cache of
// generation gen (Session.Gen).
func LookupHolders(ctx context.Context, d directory.Directory, addr string, gen int64, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		dns, err := d.SIPAddressHolders(ctx, addr)
		return HoldersMsg{Addr: addr, DNs: dns, Err: err, Gen: gen}
	}
}

// Gen is the generation of the current cache.
func (s *Session) Gen() int64 { return s.look.gen }

// Holders is who holds addr as far as the directory answered; answered is
// false before the answer (or after a failed look-up).
func (s *Session) Holders(addr string) (dns []string, answered bool) {
	dns, answered = s.look.holders[strings.ToLower(addr)]
	return dns, answered
}

// Asking reports whether the look-up of addr is in flight.
func (s *Session) Asking(addr string) bool { return s.look.asked[strings.ToLower(addr)] }

// LookupErr is why the look-up of addr failed, nil if it did not.
func (s *Session) LookupErr(addr string) error { return s.look.errs[strings.ToLower(addr)] }

// OtherHolders are the objects other than self that hold addr, as far as
// the look-up has answered.
func (s *Session) OtherHolders(addr, self string) []string {
	dns, _ := s.Holders(addr)
	return directory.OtherThan(dns, self)
}

// Lookup starts the look-ups of the addresses not yet known, asked or
// failed.
func (s *Session) Lookup(ctx context.Context, d directory.Directory, timeout time.Duration, addrs ...string) tea.Cmd {
	var cmds []tea.Cmd
	for _, a := range addrs {
		a = strings.ToLower(a)
		if _, done := s.look.holders[a]; done || s.look.asked[a] || s.look.errs[a] != nil {
			continue
		}
		s.look.asked[a] = true
		cmds = append(cmds, LookupHolders(ctx, d, a, s.look.gen, timeout))
	}
	return tea.Batch(cmds...)
}

// onHolders caches an answer of the current generation.
func (s *Session) onHolders(msg HoldersMsg) Note {
	if msg.Gen != s.look.gen {
		return Note{} // asked before the cache was cleared: may be out of date
	}
	delete(s.look.asked, msg.Addr)
	if msg.Err != nil {
		s.look.errs[msg.Addr] = msg.Err
		return Note{Text: "cannot check that " + msg.Addr + " is unique: " + msg.Err.Error(), Err: true}
	}
	delete(s.look.errs, msg.Addr)
	s.look.holders[msg.Addr] = msg.DNs
	return Note{}
}
