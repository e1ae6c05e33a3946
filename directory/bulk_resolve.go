package directory

// Resolving a list of identifiers (set --users-from) in one pass: one
// search per chunk of identifiers over LDAP, one walk of the entries in
// memory, never a search per line.

import (
	"context"
	"errors"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// manyResolver is an adapter that resolves many identifiers at once.
type manyResolver interface {
	resolveMany(ctx context.Context, ids []string) ([][]User, error)
}

// ResolveMany is Resolve for many identifiers: for each, in order, the
// users it names (none, one, or several for the caller to refuse). An
// adapter that cannot do it at once (a test double) is asked per
// identifier. Users whose msRTCSIP values did not decode are returned with
// them absent, along with an *Error whose Err is a *DecodeError naming
// them, as Users does.
func ResolveMany(ctx context.Context, d Directory, ids []string) ([][]User, error) {
	inner := d
	for unwrapped := false; !unwrapped; {
		switch x := inner.(type) {
		case *Journaled:
			inner = x.Directory
		case ReadOnly:
			inner = x.Directory
		default:
			unwrapped = true
		}
	}
	if m, ok := inner.(manyResolver); ok {
		return m.resolveMany(ctx, ids)
	}
	out := make([][]User, len(ids))
	var probs []DecodeProblem
	for i, id := range ids {
		us, err := d.Resolve(ctx, id)
		var de *DecodeError
		switch {
		case errors.As(err, &de):
			probs = append(probs, de.Problems...)
		case err != nil && !isNoSuchObject(err):
			return nil, err
		}
		out[i] = us
	}
	return out, decodeError(probs)
}

func isNoSuchObject(err error) bool { return errors.Is(err, ErrNoSuchObject) }

// idMatch is one identifier prepared for matching as Resolve matches:
// a DN by DN; otherwise sAMAccountName, userPrincipalName, mail (without a
// sip: typed before them), the sign-in name with sip: added when missing
// or as typed, displayName and cn, case-insensitively.
type idMatch struct {
	id, bare, sip string
	dn            bool
}

func newIDMatch(id string) idMatch {
	id = strings.TrimSpace(id)
	m := idMatch{id: id, bare: id, dn: looksLikeDN(id)}
	if len(id) > 4 && strings.EqualFold(id[:4], "sip:") {
		m.bare = id[4:]
	}
	m.sip = "sip:" + m.bare
	return m
}

func (m idMatch) byDN(u User) bool { return m.dn && SameDN(u.DN, m.id) }

func (m idMatch) byName(u User) bool {
	eq := strings.EqualFold
	s := u.OCS.SIPAddress
	return eq(u.SAMAccountName, m.bare) || eq(u.UPN, m.bare) || eq(u.Mail, m.bare) ||
		s.Set && (eq(s.V, m.sip) || eq(s.V, m.id)) ||
		eq(u.DisplayName, m.id) || eq(u.Name, m.id)
}

// pick is what Resolve answers for m among candidates: the user with that
// DN when there is one, else every user the name matches.
func (m idMatch) pick(cands []User) []User {
	var out []User
	for _, u := range cands {
		if m.byDN(u) {
			return []User{u}
		}
	}
	for _, u := range cands {
		if m.byName(u) && !containsDN(out, u.DN) {
			out = append(out, u)
		}
	}
	return out
}

func containsDN(us []User, dn string) bool {
	for _, u := range us {
		if SameDN(u.DN, dn) {
			return true
		}
	}
	return false
}

// resolveChunk is how many identifiers one LDAP search looks up: each
// adds eight terms to the filter, and a filter of a few hundred terms is
// well inside what AD accepts in one request.
const resolveChunk = 64

func (l *LDAP) resolveMany(ctx context.Context, ids []string) ([][]User, error) {
	out := make([][]User, len(ids))
	var probs []DecodeProblem
	q := ldap.EscapeFilter
	dnAttr := "entryDN"
	if l.ad {
		dnAttr = "distinguishedName"
	}
	for start := 0; start < len(ids); start += resolveChunk {
		chunk := ids[start:min(start+resolveChunk, len(ids))]
		ms := make([]idMatch, len(chunk))
		var b strings.Builder
		b.WriteString("(&" + l.usersFilter() + "(|")
		for i, id := range chunk {
			m := newIDMatch(id)
			ms[i] = m
			if m.id == "" {
				continue
			}
			if m.dn {
				b.WriteString("(" + dnAttr + "=" + q(m.id) + ")")
			}
			for _, t := range []string{"sAMAccountName=" + q(m.bare), "userPrincipalName=" + q(m.bare), "mail=" + q(m.bare),
				"msRTCSIP-PrimaryUserAddress=" + q(m.sip), "msRTCSIP-PrimaryUserAddress=" + q(m.id),
				"displayName=" + q(m.id), "cn=" + q(m.id)} {
				b.WriteString("(" + t + ")")
			}
		}
		b.WriteString("))")
		us, err := l.searchUsers(ctx, l.base, ldap.ScopeWholeSubtree, b.String(), 0)
		var de *DecodeError
		if err != nil && !errors.As(err, &de) {
			return nil, err
		}
		picked := map[string]bool{}
		for i, m := range ms {
			if m.id != "" {
				out[start+i] = m.pick(us)
				for _, u := range out[start+i] {
					picked[NormDN(u.DN)] = true
				}
			}
		}
		// A user delivered with a value that did not decode is shown
		// with it absent: planning a write on that is planning on a value
		// the directory does not hold. As a listing does, say so; only
		// for the users the list names, not the other candidates a name
		// matched.
		if de != nil {
			for _, p := range de.Problems {
				if picked[NormDN(p.DN)] {
					probs = append(probs, p)
				}
			}
		}
	}
	return out, decodeError(probs)
}

func (m *Memory) resolveMany(ctx context.Context, ids []string) ([][]User, error) {
	// One walk of the entries, indexing each by the keys a name matches.
	m.mu.RLock()
	byKey := map[string][]*User{}
	add := func(k string, u *User) {
		if k != "" {
			k = strings.ToLower(k)
			byKey[k] = append(byKey[k], u)
		}
	}
	for _, e := range m.entries {
		u := e.user
		if u == nil {
			continue
		}
		add("dn:"+NormDN(u.DN), u)
		for _, v := range []string{u.SAMAccountName, u.UPN, u.Mail, u.DisplayName, u.Name} {
			add("n:"+v, u)
		}
		if u.OCS.SIPAddress.Set {
			add("n:"+u.OCS.SIPAddress.V, u)
		}
	}
	out := make([][]User, len(ids))
	for i, id := range ids {
		mt := newIDMatch(id)
		if mt.id == "" {
			continue
		}
		var cands []User
		for _, k := range []string{"dn:" + NormDN(mt.id), "n:" + mt.id, "n:" + mt.bare, "n:" + mt.sip} {
			for _, u := range byKey[strings.ToLower(k)] {
				if !containsDN(cands, u.DN) {
					cands = append(cands, copyUser(u))
				}
			}
		}
		out[i] = mt.pick(cands)
	}
	m.mu.RUnlock()
	return out, ctx.Err()
}
