package directory

// Writing to the in-memory directory with AD's semantics.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"ocsflags/flags"
	"ocsflags/termtext"
)

// equalValue compares two attribute values with the attribute's matching
// rule, as AD does when a modify deletes a specific value.
func equalValue(attr, a, b string) bool {
	switch flags.AttributeSyntax(attr) {
	case flags.SyntaxInteger:
		x, err1 := flags.ParseAD(a)
		y, err2 := flags.ParseAD(b)
		return err1 == nil && err2 == nil && x == y
	case flags.SyntaxBoolean:
		return a == b
	case flags.SyntaxDN:
		return SameDN(a, b)
	}
	return strings.EqualFold(a, b)
}

// normalizeValue validates v for attr and returns the form AD would store.
func (m *Memory) normalizeValue(dn, attr, v string) (string, error) {
	invalid := func(msg string) error {
		return &Error{Kind: ErrInvalidValue, DN: dn, Attr: attr, Msg: msg}
	}
	switch flags.AttributeSyntax(attr) {
	case flags.SyntaxInteger:
		n, err := flags.ParseAD(v)
		if err != nil {
			return "", invalid(err.Error())
		}
		return flags.FormatAD(n), nil
	case flags.SyntaxBoolean:
		if _, err := flags.ParseADBool(v); err != nil {
			return "", invalid(err.Error())
		}
	case flags.SyntaxDN:
		if _, err := ParseDN(v); err != nil {
			return "", invalid(fmt.Sprintf("%s is not a distinguished name; a home server is written as CN=LC Services,CN=Microsoft,<pool DN>, never as a host name", termtext.Quote(v)))
		}
		if e, ok := m.entries[NormDN(v)]; !ok || e.implicit {
			return "", invalid(fmt.Sprintf("%s does not name an existing object", termtext.Quote(v)))
		}
	case flags.SyntaxOther:
		return "", invalid("this attribute cannot be written by ocsflags")
	default:
		if v == "" {
			return "", invalid("empty values are not allowed; remove the attribute instead")
		}
	}
	return v, nil
}

func (m *Memory) Apply(ctx context.Context, c Change) (User, error) {
	if m.info.ReadOnly {
		return User{}, &Error{Kind: ErrReadOnly, DN: c.DN, Msg: "this directory was opened read-only"}
	}
	if err := ctx.Err(); err != nil {
		return User{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.lookup(c.DN)
	if err != nil {
		return User{}, err
	}
	if e.user == nil {
		return User{}, &Error{Kind: ErrNoSuchObject, DN: c.DN, Msg: "this object is not a user or a contact"}
	}
	newVals := map[string][]string{}
	seen := map[string]bool{}
	var conflicts []string
	for _, ed := range c.Edits {
		attr := strings.ToLower(ed.Attr)
		if seen[attr] {
			return User{}, &Error{Kind: ErrInvalidValue, DN: c.DN, Attr: ed.Attr, Msg: "the change edits this attribute twice"}
		}
		seen[attr] = true
		cur := e.attrs[attr]
		if len(cur) > 1 {
			// Replacing the values with one would drop the others
			// (Settings.Apply refuses first; this is the last line).
			return User{}, &Error{Kind: ErrInvalidValue, DN: c.DN, Attr: ed.Attr, Msg: (&flags.MultiValuedError{Attr: ed.Attr, Values: slices.Clone(cur)}).Error()}
		}
		switch {
		case ed.Old.Set && !slices.ContainsFunc(cur, func(v string) bool { return equalValue(attr, v, ed.Old.V) }):
			conflicts = append(conflicts, ed.Attr)
		case !ed.Old.Set && len(cur) > 0:
			conflicts = append(conflicts, ed.Attr)
		}
		if ed.New.Set {
			v, err := m.normalizeValue(c.DN, ed.Attr, ed.New.V)
			if err != nil {
				return User{}, err
			}
			newVals[attr] = []string{v}
		} else {
			newVals[attr] = nil
		}
	}
	if len(conflicts) > 0 {
		return User{}, &ConflictError{DN: e.dn, Attrs: conflicts, Current: copyUser(e.user)}
	}
	if m.beforeApply != nil {
		if err := m.beforeApply(Change{DN: e.dn, Edits: c.Edits}); err != nil {
			return User{}, err
		}
	}
	attrs := make(map[string][]string, len(e.attrs)+len(newVals))
	for k, v := range e.attrs {
		attrs[k] = v
	}
	for k, v := range newVals {
		if v == nil {
			delete(attrs, k)
		} else {
			attrs[k] = v
		}
	}
	m.usn++
	m.applied++
	attrs["usnchanged"] = []string{strconv.FormatInt(m.usn, 10)}
	attrs["whenchanged"] = []string{time.Now().UTC().Format("20060102150405.0Z")}
	next := &entry{dn: e.dn, attrs: attrs}
	u, err := m.decodeUser(next)
	if err != nil {
		return User{}, &Error{Kind: ErrInvalidValue, DN: c.DN, Msg: err.Error()}
	}
	next.user = &u
	key := NormDN(e.dn)
	m.indexSIP(key, e.attrs, true)
	m.indexSIP(key, next.attrs, false)
	// Replace the entry rather than mutate it: readers that copied the old
	// *User under the read lock keep a consistent snapshot.
	m.entries[NormDN(e.dn)] = next
	return copyUser(next.user), nil
}
