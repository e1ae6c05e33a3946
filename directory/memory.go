package directory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"ocsflags/flags"
	"ocsflags/termtext"
)

// Memory is a Directory held in this process: the built-in demo and LDIF
// files. It has AD's write semantics (compare-and-swap per user, TRUE/FALSE
// Booleans, signed 32-bit Integers, DN-valued attributes that must name an
// existing entry) so that what works here works against AD.
type Memory struct {
	mu       sync.RWMutex
	info     Info
	nc       NamingContexts
	entries  map[string]*entry   // by NormDN
	children map[string][]string // NormDN of parent -> NormDN of children, in load order
	// sips indexes msRTCSIP-PrimaryUserAddress: the lower-cased address
	// without sip: -> NormDN of the entries holding it, so a look-up is not
	// a scan of every entry (audit of an OU asks once per user).
	sips    map[string][]string
	usn     int64
	applied int // changes applied since it was opened
	// beforeApply runs under the write lock after a change passed its checks
	// and before it is applied; an error aborts the change (the LDIF
	// --changes-out file is written here so that a change is never applied
	// without being recorded).
	beforeApply func(Change) error
}

type entry struct {
	dn       string
	attrs    map[string][]string // lower-cased attribute name -> values
	implicit bool                // made up to hold entries whose parent the input lacked
	user     *User               // set for users and contacts
}

func newMemory(info Info) *Memory {
	return &Memory{info: info, entries: map[string]*entry{}, children: map[string][]string{}, sips: map[string][]string{}}
}

const sipAttr = "msrtcsip-primaryuseraddress"

// indexSIP adds (or, with remove, takes out) the entry key's sign-in names
// to the index. Callers hold the write lock.
func (m *Memory) indexSIP(key string, attrs map[string][]string, remove bool) {
	for _, v := range attrs[sipAttr] {
		k, _ := splitSIP(v)
		ks := m.sips[k]
		if remove {
			ks = slices.DeleteFunc(ks, func(x string) bool { return x == key })
			if len(ks) == 0 {
				delete(m.sips, k)
			} else {
				m.sips[k] = ks
			}
			continue
		}
		if !slices.Contains(ks, key) {
			m.sips[k] = append(ks, key)
		}
	}
}

func (e *entry) first(attr string) string {
	if v := e.attrs[strings.ToLower(attr)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (e *entry) hasClass(class string) bool {
	for _, c := range e.attrs["objectclass"] {
		if strings.EqualFold(c, class) {
			return true
		}
	}
	return false
}

// isListedUser mirrors the LDAP adapter's filter: users that are not
// computers, and contacts that carry a SIP address.
func (e *entry) isListedUser() bool {
	if e.hasClass("user") && !e.hasClass("computer") {
		return true
	}
	return e.hasClass("contact") && len(e.attrs["msrtcsip-primaryuseraddress"]) > 0
}

func (e *entry) containerKind() (ContainerKind, bool) {
	switch {
	case e.hasClass("organizationalUnit"):
		return KindOU, true
	case e.hasClass("domainDNS"), e.hasClass("domain"):
		return KindDomain, true
	case e.hasClass("container"), e.hasClass("builtinDomain"), e.implicit:
		return KindContainer, true
	}
	return 0, false
}

// add inserts an entry, creating implicit parents so that an export of one
// OU can still be browsed from its naming context.
func (m *Memory) add(dn string, attrs map[string][]string) error {
	d, err := ParseDN(dn)
	if err != nil {
		return err
	}
	key := NormDN(dn)
	if len(attrs["usnchanged"]) == 0 {
		// AD gives every object one; exports often leave it out.
		m.usn++
		attrs["usnchanged"] = []string{strconv.FormatInt(m.usn, 10)}
	}
	e := &entry{dn: dn, attrs: attrs}
	if old, ok := m.entries[key]; ok {
		if !old.implicit {
			return fmt.Errorf("%s appears twice", dn)
		}
		// The real entry arrived after a child made a placeholder for it.
		m.indexSIP(key, old.attrs, true)
		old.dn, old.attrs, old.implicit = dn, attrs, false
		e = old
	}
	m.indexSIP(key, attrs, false)
	if e.isListedUser() {
		u, err := m.decodeUser(e)
		if err != nil {
			return err
		}
		e.user = &u
	}
	if m.entries[key] == e {
		return nil
	}
	m.entries[key] = e
	if len(d.RDNs) > 1 {
		// Rebuild the parent from the parsed RDNs: splitting the text on the
		// first comma would break names like CN=Lee\, Ann.
		parent := FormatDN(d.RDNs[1:])
		pkey := NormDN(parent)
		if _, ok := m.entries[pkey]; !ok {
			if err := m.add(parent, map[string][]string{}); err != nil {
				return err
			}
			m.entries[pkey].implicit = true
		}
		m.children[pkey] = append(m.children[pkey], key)
	}
	return nil
}

func (m *Memory) decodeUser(e *entry) (User, error) {
	s, err := flags.Decode(func(a string) []string { return e.attrs[strings.ToLower(a)] })
	if err != nil {
		return User{}, fmt.Errorf("%s: %w", e.dn, err)
	}
	u := User{
		DN: e.dn, Name: e.first("cn"), DisplayName: e.first("displayName"), SAMAccountName: e.first("sAMAccountName"),
		UPN: e.first("userPrincipalName"), Mail: e.first("mail"), GivenName: e.first("givenName"), Surname: e.first("sn"),
		ChangeMarker: e.first("uSNChanged"), OCS: s,
	}
	if p := e.attrs[strings.ToLower(flags.AttrProxyAddresses)]; len(p) > 0 {
		u.ProxyAddresses = slices.Clone(p)
	}
	if e.hasClass("contact") {
		u.Kind = KindContact
	}
	if uac := e.first("userAccountControl"); uac != "" {
		n, err := flags.ParseADInt32(uac)
		if err != nil {
			return User{}, fmt.Errorf("%s: userAccountControl: %w", e.dn, err)
		}
		u.Disabled = n&2 != 0
	}
	return u, nil
}

func copyUser(u *User) User {
	c := *u
	c.OCS.Policies = slices.Clone(u.OCS.Policies)
	c.ProxyAddresses = slices.Clone(u.ProxyAddresses)
	if u.OCS.MultiValued != nil {
		c.OCS.MultiValued = maps.Clone(u.OCS.MultiValued)
	}
	return c
}

func (m *Memory) Info() Info { return m.info }

// Applied is how many changes were applied since the directory was opened:
// with Info().InMemory, the changes that vanish when the process ends.
func (m *Memory) Applied() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.applied
}

func (m *Memory) NamingContexts(ctx context.Context) (NamingContexts, error) { return m.nc, ctx.Err() }

func (m *Memory) Close() error { return nil }

func (m *Memory) lookup(dn string) (*entry, error) {
	if _, err := ParseDN(dn); err != nil {
		return nil, err
	}
	e, ok := m.entries[NormDN(dn)]
	if !ok {
		return nil, &Error{Kind: ErrNoSuchObject, DN: dn, Msg: "there is no object with this DN; it may have been moved, renamed or deleted"}
	}
	return e, nil
}

func (m *Memory) Children(ctx context.Context, dn string) ([]Container, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if _, err := m.lookup(dn); err != nil {
		return nil, err
	}
	var out []Container
	for _, ck := range m.children[NormDN(dn)] {
		c := m.entries[ck]
		kind, ok := c.containerKind()
		if !ok || strings.EqualFold(c.first("showInAdvancedViewOnly"), "TRUE") {
			continue
		}
		item := Container{DN: c.dn, Name: rdnValue(c.dn), Kind: kind}
		for _, gk := range m.children[ck] {
			g := m.entries[gk]
			if g.user != nil {
				item.Users++
			} else if _, ok := g.containerKind(); ok {
				item.HasChildren = true
			}
		}
		out = append(out, item)
	}
	slices.SortFunc(out, func(a, b Container) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, ctx.Err()
}

func rdnValue(dn string) string {
	d, err := ParseDN(dn)
	if err != nil || len(d.RDNs) == 0 || len(d.RDNs[0].Attributes) == 0 {
		return dn
	}
	return d.RDNs[0].Attributes[0].Value
}

// batchSize is how many users one Batch carries: small enough that the first
// rows show at once, large enough that 100k users are few messages.
const batchSize = 500

func (m *Memory) Users(ctx context.Context, base string, scope Scope, fn func(Batch) error) error {
	m.mu.RLock()
	if _, err := m.lookup(base); err != nil {
		m.mu.RUnlock()
		return err
	}
	// Only the keys are collected under the lock; users are copied batch by
	// batch so the first batch goes out before the whole set is built and
	// writers are not held off for the length of the stream.
	keys := make([]string, 0, len(m.children[NormDN(base)]))
	var walk func(string)
	walk = func(k string) {
		for _, ck := range m.children[k] {
			if m.entries[ck].user != nil {
				keys = append(keys, ck)
			}
			if scope == Subtree {
				walk(ck)
			}
		}
	}
	walk(NormDN(base))
	m.mu.RUnlock()

	done := 0
	for len(keys) > 0 || done == 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(batchSize, len(keys))
		b := Batch{Users: make([]User, 0, n), Total: done + len(keys)}
		m.mu.RLock()
		for _, k := range keys[:n] {
			if e, ok := m.entries[k]; ok && e.user != nil {
				b.Users = append(b.Users, copyUser(e.user))
			}
		}
		m.mu.RUnlock()
		keys = keys[n:]
		done += len(b.Users)
		b.Done = done
		if err := fn(b); err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	return nil
}

func (m *Memory) User(ctx context.Context, dn string) (User, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	e, err := m.lookup(dn)
	if err != nil {
		return User{}, err
	}
	if e.user == nil {
		return User{}, &Error{Kind: ErrNoSuchObject, DN: dn, Msg: "this object is not a user or a contact"}
	}
	return copyUser(e.user), ctx.Err()
}

// looksLikeDN tells a DN from the other identifiers Resolve accepts: those
// never contain "=" followed by a "," -separated path.
func looksLikeDN(id string) bool {
	_, err := ParseDN(id)
	return err == nil && strings.Contains(id, "=")
}

func (m *Memory) Resolve(ctx context.Context, id string) ([]User, error) {
	id = strings.TrimSpace(id)
	if looksLikeDN(id) {
		u, err := m.User(ctx, id)
		if err != nil {
			return nil, err
		}
		return []User{u}, nil
	}
	sip := id
	if !strings.HasPrefix(strings.ToLower(sip), "sip:") {
		sip = "sip:" + sip
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []User
	for _, e := range m.entries {
		u := e.user
		if u == nil {
			continue
		}
		if strings.EqualFold(u.SAMAccountName, id) || strings.EqualFold(u.UPN, id) || strings.EqualFold(u.Mail, id) ||
			(u.OCS.SIPAddress.Set && strings.EqualFold(u.OCS.SIPAddress.V, sip)) ||
			strings.EqualFold(u.DisplayName, id) || strings.EqualFold(u.Name, id) {
			out = append(out, copyUser(u))
		}
	}
	if len(out) == 0 {
		return nil, notFound(id, fmt.Sprintf("no user has sAMAccountName, userPrincipalName, mail, SIP address or name %s", termtext.Quote(id)))
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.DN, b.DN) })
	return out, ctx.Err()
}

func (m *Memory) Search(ctx context.Context, base, text string, limit int) ([]User, error) {
	var out []User
	needle := strings.ToLower(text)
	err := m.Users(ctx, base, Subtree, func(b Batch) error {
		for _, u := range b.Users {
			for _, f := range []string{u.Name, u.DisplayName, u.SAMAccountName, u.UPN, u.Mail, u.OCS.SIPAddress.V} {
				if strings.Contains(strings.ToLower(f), needle) {
					out = append(out, u)
					break
				}
			}
			if limit > 0 && len(out) >= limit {
				return errLimit
			}
		}
		return nil
	})
	if err == errLimit {
		err = nil
	}
	return out, err
}

var errLimit = fmt.Errorf("limit reached")

func (m *Memory) Pools(ctx context.Context) (PoolList, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out PoolList
	for _, pc := range PoolContainers(m.nc) {
		// Everything is in memory: what is not here does not exist.
		out.Places = append(out.Places, PoolPlace{DN: pc.DN, Container: pc.Label, Read: true, Complete: true})
		for _, k := range m.children[NormDN(pc.DN)] {
			e := m.entries[k]
			if !e.hasClass("msRTCSIP-Pool") {
				continue
			}
			out.Pools = append(out.Pools, Pool{DN: e.dn, HomeServerDN: HomeServerPrefix + e.dn, Host: e.first("dNSHostName"), Container: pc.Label})
		}
	}
	return out, ctx.Err()
}

// sipCandidates are the keys of the entries that may hold addr: those
// filed under its bare form, and for sip:sip:x those under x too (a value
// sip:x equals its bare form sip:x). Callers hold the lock.
func (m *Memory) sipCandidates(addr string) []string {
	bare, _ := splitSIP(addr)
	keys := m.sips[bare]
	if rest, ok := splitSIP(bare); ok {
		keys = append(slices.Clip(keys), m.sips[rest]...)
	}
	return keys
}

func (m *Memory) SIPAddressHolders(ctx context.Context, addr string) ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	forms := sipForms(addr)
	var out []string
	for _, k := range m.sipCandidates(addr) {
		e := m.entries[k]
		for _, v := range e.attrs[sipAttr] {
			if strings.EqualFold(v, forms[0]) || strings.EqualFold(v, forms[1]) {
				if !slices.Contains(out, e.dn) {
					out = append(out, e.dn)
				}
				break
			}
		}
	}
	slices.Sort(out)
	return out, ctx.Err()
}

// SIPAddresses implements Directory from the index. The pairs are
// collected under the read lock and handed to fn after it, so a slow fn
// does not hold off writers.
func (m *Memory) SIPAddresses(ctx context.Context, only []string, fn func(value, dn string) error) error {
	type pair struct{ v, dn string }
	var pairs []pair
	m.mu.RLock()
	seen := map[string]bool{}
	emit := func(k string) {
		if seen[k] {
			return
		}
		seen[k] = true
		e := m.entries[k]
		for _, v := range e.attrs[sipAttr] {
			pairs = append(pairs, pair{v, e.dn})
		}
	}
	if len(only) == 0 {
		pairs = make([]pair, 0, len(m.sips))
		for _, ks := range m.sips {
			for _, k := range ks {
				emit(k)
			}
		}
	} else {
		for _, a := range only {
			for _, k := range m.sipCandidates(a) {
				emit(k)
			}
		}
	}
	m.mu.RUnlock()
	for i, p := range pairs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(p.v, p.dn); err != nil {
			return err
		}
	}
	return ctx.Err()
}
