package directory

// The sign-in-name checks of many undos, where an undo may go, and the
// read of a run's users.

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"ocsflags/flags"
)

// UndoClaims are the sign-in-name checks of the undos of many writes (a
// run), made as the bulk engine makes them: one read of the holders of
// every name the undos could put to use before the writes, and one read of
// the names they did put to use after them (Confirm), never a search per
// user. Two undos claiming one name: the second is refused.
type UndoClaims struct {
	x *SIPIndex
	// read holds the names (splitSIP keys) the index was read for.
	read map[string]bool
	// claimedBy is the DN an undo of this batch put each name to use for.
	claimedBy map[string]string
	done      []undoneClaim
}

type undoneClaim struct {
	undoes, addr string
	sent         Change
	after        User
}

// ReadUndoClaims reads, in one read, the holders of every sign-in name an
// undo of writes could put to use on users (keyed by NormDN, as ReadUsers
// returns them): each user's name now, and each name a write replaced.
func ReadUndoClaims(ctx context.Context, d Directory, writes []JournalWrite, users map[string]User) (*UndoClaims, error) {
	c := &UndoClaims{x: NewSIPIndex(), read: map[string]bool{}, claimedBy: map[string]string{}}
	var names []string
	add := func(v string) {
		if v == "" {
			return
		}
		if k, _ := splitSIP(v); !c.read[k] {
			c.read[k] = true
			names = append(names, v)
		}
	}
	for _, w := range writes {
		if u, ok := users[NormDN(w.DN)]; ok && u.OCS.SIPAddress.Set {
			add(u.OCS.SIPAddress.V)
		}
		for _, e := range w.Edits {
			if strings.EqualFold(e.Attr, flags.AttrPrimaryUserAddress) && e.Old.Set {
				add(e.Old.V)
			}
		}
	}
	if len(names) == 0 {
		return c, nil
	}
	x, err := ReadSIPIndex(ctx, d, names)
	if err != nil {
		return nil, fmt.Errorf("read the sign-in names the undo could put back to use: %w", err)
	}
	c.x = x
	return c, nil
}

// covers reports whether the index answers for addr ("" needs no check).
func (c *UndoClaims) covers(addr string) bool {
	if addr == "" {
		return true
	}
	k, _ := splitSIP(addr)
	return c.read[k]
}

// check is ClaimSIP from the index and the claims of this batch so far.
func (c *UndoClaims) check(dn, addr string) error {
	if addr == "" {
		return nil
	}
	others := c.x.TakenBy(addr, dn)
	k, _ := splitSIP(addr)
	if by, ok := c.claimedBy[k]; ok && !SameDN(by, dn) && !slices.ContainsFunc(others, func(o string) bool { return SameDN(o, by) }) {
		others = append(others, by)
	}
	if len(others) > 0 {
		return &RefusedError{Refusals: []Refusal{sipTaken(dn, addr, others)}}
	}
	c.claim(dn, addr)
	return nil
}

func (c *UndoClaims) claim(dn, addr string) {
	if c == nil || addr == "" {
		return
	}
	k, _ := splitSIP(addr)
	c.claimedBy[k] = dn
}

func (c *UndoClaims) written(undoes, addr string, sent Change, after User) {
	if addr != "" {
		c.done = append(c.done, undoneClaim{undoes: undoes, addr: addr, sent: sent, after: after})
	}
}

// ClaimOutcome is what Confirm found for one undo that put a sign-in name
// to use: Err is a *ClaimConflictError when another object claimed it at
// the same time (Undone: the undo's claim was taken back, journaled as
// part of the undo of Undoes), or the read's error.
type ClaimOutcome struct {
	DN, Undoes, Addr string
	After            User
	Err              error
}

// Confirm is ConfirmClaim for every undo of the batch that put a sign-in
// name to use, from one read of the holders of those names. Only the
// failed ones are returned. Call it with a context the caller's
// cancellation does not end.
func (c *UndoClaims) Confirm(ctx context.Context, d Directory) []ClaimOutcome {
	if len(c.done) == 0 {
		return nil
	}
	names := make([]string, 0, len(c.done))
	for _, u := range c.done {
		names = append(names, u.addr)
	}
	x, err := ReadSIPIndex(ctx, d, names)
	var out []ClaimOutcome
	for _, u := range c.done {
		o := ClaimOutcome{DN: u.sent.DN, Undoes: u.undoes, Addr: u.addr, After: u.after}
		if err != nil {
			o.Err = fmt.Errorf("%s was written to %s, but checking afterwards that no other object claimed it at the same time failed: %w; search for it before relying on it", u.addr, u.sent.DN, err)
			out = append(out, o)
			continue
		}
		after, cerr := undoClaim(WithUndo(ctx, u.undoes), d, u.addr, x.TakenBy(u.addr, u.sent.DN), u.sent, u.after)
		if cerr != nil {
			o.After, o.Err = after, cerr
			out = append(out, o)
		}
	}
	c.done = nil
	return out
}

// CheckUndoTarget says whether a write journaled for the directory named
// journaled may be undone in d: the same directory (an LDIF file by its
// path, the demo), or another DC of the domain the write's DN is in (the
// journal names the DC the write went to; its replicas hold the same
// users). note says when it is another DC.
func CheckUndoTarget(ctx context.Context, d Directory, journaled, dn string) (note string, err error) {
	info := d.Info()
	var nc NamingContexts
	if info.Kind == "ldap" && !strings.EqualFold(journaled, info.Name) {
		nc, _ = d.NamingContexts(ctx)
	}
	switch JournaledHere(info, nc, journaled, dn) {
	case HereSame:
		return "", nil
	case HereSameDomain:
		return fmt.Sprintf("written through %s, undone through %s (a DC of the same domain)", journaled, info.Name), nil
	}
	return "", &RefusedError{Refusals: []Refusal{{Rule: RuleUndoOtherDirectory, DN: dn,
		Reason: fmt.Sprintf("this write went to %s, not to %s: undo it there", journaled, info.Name)}}}
}

// Here is how a journaled write relates to the directory open now.
type Here int

const (
	HereOther      Here = iota // another directory
	HereSame                   // this directory
	HereSameDomain             // another DC of this DC's domain
)

// JournaledHere says whether the write to dn journaled for the directory
// named journaled was made in the directory info describes: by name (an
// LDIF export by its absolute path), or for a DC, another DC whose write's
// DN is in this DC's default naming context nc.Default.
func JournaledHere(info Info, nc NamingContexts, journaled, dn string) Here {
	here := info.Name
	if info.Kind == "ldif" {
		if abs, err := filepath.Abs(here); err == nil {
			here = abs
		}
	}
	if strings.EqualFold(journaled, here) {
		return HereSame
	}
	looksLDAP := journaled != "" && journaled != "demo" && !strings.ContainsAny(journaled, `/\`)
	if info.Kind == "ldap" && looksLDAP && nc.Default != "" && inSubtree(dn, nc.Default) {
		return HereSameDomain
	}
	return HereOther
}

// inSubtree reports whether dn is base or below it.
func inSubtree(dn, base string) bool {
	d, err1 := ParseDN(dn)
	b, err2 := ParseDN(base)
	if err1 != nil || err2 != nil || len(d.RDNs) < len(b.RDNs) {
		return false
	}
	tail := d.RDNs[len(d.RDNs)-len(b.RDNs):]
	for i := range tail {
		if !tail[i].EqualFold(b.RDNs[i]) {
			return false
		}
	}
	return true
}

// ReadUsers reads the users at dns at once, by DN, as set --users-from
// resolves its list (ResolveMany: one search per chunk of DNs over LDAP),
// never listing their containers nor reading per user. A DN that no
// longer names a user is missing from the map (keyed by NormDN).
func ReadUsers(ctx context.Context, d Directory, dns []string) (map[string]User, error) {
	out := map[string]User{}
	var ids []string
	seen := map[string]bool{}
	for _, dn := range dns {
		if k := NormDN(dn); !seen[k] {
			seen[k] = true
			ids = append(ids, dn)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	found, err := ResolveMany(ctx, d, ids)
	if err != nil {
		return out, fmt.Errorf("read the users: %w", err)
	}
	for i, us := range found {
		for _, u := range us {
			if SameDN(u.DN, ids[i]) {
				out[NormDN(ids[i])] = u
			}
		}
	}
	return out, nil
}
