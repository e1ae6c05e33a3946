package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// SIPIndex is the sign-in names of a scope and the objects holding them,
// held in memory so that a multi-user path (audit --ou, several users)
// decides duplicates and free names without a search per user. It answers
// exactly as SIPAddressHolders does: case-insensitively, a value stored
// with or without its sip: scheme claiming the same address.
type SIPIndex struct {
	// byBare maps the lower-cased address without its scheme to its
	// holders. Most addresses have one holder, so a slice of one is the
	// common case.
	byBare map[string][]sipHolder
}

type sipHolder struct {
	dn string
	// scheme is set when the stored value starts with sip:.
	scheme bool
}

// NewSIPIndex is an empty index.
func NewSIPIndex() *SIPIndex { return &SIPIndex{byBare: map[string][]sipHolder{}} }

// splitSIP is a stored value's index key (lower-cased, without sip:) and
// whether it carried the scheme.
func splitSIP(v string) (string, bool) {
	if len(v) >= 4 && strings.EqualFold(v[:4], "sip:") {
		return strings.ToLower(v[4:]), true
	}
	return strings.ToLower(v), false
}

// Add records that dn holds the stored value v. The same object reported
// twice (by the Global Catalog and by the DC) counts once.
func (x *SIPIndex) Add(v, dn string) {
	if v == "" {
		return
	}
	k, scheme := splitSIP(v)
	hs := x.byBare[k]
	for _, h := range hs {
		if h.scheme == scheme && (strings.EqualFold(h.dn, dn) || SameDN(h.dn, dn)) {
			return
		}
	}
	x.byBare[k] = append(hs, sipHolder{dn: dn, scheme: scheme})
}

// Len is the number of distinct addresses indexed.
func (x *SIPIndex) Len() int { return len(x.byBare) }

// Holders is SIPAddressHolders answered from the index: the DNs whose
// stored value equals "sip:"+bare or bare (case-insensitive), bare being
// addr without its scheme, sorted, each once.
func (x *SIPIndex) Holders(addr string) []string {
	if addr == "" {
		return nil
	}
	bare, _ := splitSIP(addr)
	var out []string
	add := func(dn string) {
		if !slices.ContainsFunc(out, func(o string) bool { return SameDN(o, dn) }) {
			out = append(out, dn)
		}
	}
	// Stored as sip:<bare> or as <bare>: both are under bare's key.
	for _, h := range x.byBare[bare] {
		add(h.dn)
	}
	// addr was sip:sip:…: a value stored as sip:<rest> equals its bare form.
	if rest, ok := splitSIP(bare); ok {
		for _, h := range x.byBare[rest] {
			if h.scheme {
				add(h.dn)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TakenBy is the holders of addr other than self: empty when self may use
// it (SIPTakenBy from the index).
func (x *SIPIndex) TakenBy(addr, self string) []string {
	hs := x.Holders(addr)
	if len(hs) == 1 && strings.EqualFold(hs[0], self) {
		// The common case, without parsing both DNs.
		return nil
	}
	return OtherThan(hs, self)
}

// ReadSIPIndex reads the sign-in names in d's scope (Info().SIPScope) into
// an index with one read: all of them when only is empty, else just those
// held under one of the addresses in only.
func ReadSIPIndex(ctx context.Context, d Directory, only []string) (*SIPIndex, error) {
	x := NewSIPIndex()
	err := d.SIPAddresses(ctx, only, func(v, dn string) error {
		x.Add(v, dn)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// UsersWithSIPIndex streams the users below base to fn with the index of
// every sign-in name in scope, reading both at once on two connections:
// the names are one attribute of each object, so their read ends well
// before the users' does, and the users that arrive first wait for it
// (on a slow link, at most what the users' read delivered meanwhile).
// fn runs on the caller's goroutine, with the index complete; its error,
// or either read's, stops both and is returned.
func UsersWithSIPIndex(ctx context.Context, d Directory, base string, scope Scope, fn func(x *SIPIndex, users []User) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var x *SIPIndex
	var xerr error
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		x, xerr = ReadSIPIndex(ctx, d, nil)
		if xerr != nil {
			cancel()
		}
	}()
	var waiting [][]User
	flush := func() error {
		<-ready
		if xerr != nil {
			return xerr
		}
		for len(waiting) > 0 {
			us := waiting[0]
			waiting[0] = nil
			waiting = waiting[1:]
			if err := fn(x, us); err != nil {
				return err
			}
		}
		return nil
	}
	err := d.Users(ctx, base, scope, func(b Batch) error {
		waiting = append(waiting, b.Users)
		select {
		case <-ready:
			return flush()
		default:
			return nil
		}
	})
	if err != nil {
		cancel()
		<-ready
		if xerr != nil && !errors.Is(xerr, context.Canceled) {
			return fmt.Errorf("read the sign-in names: %w", xerr)
		}
		return err
	}
	if <-ready; xerr != nil {
		return fmt.Errorf("read the sign-in names: %w", xerr)
	}
	return flush()
}
