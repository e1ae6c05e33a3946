package directory

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"ocsflags/flags"
)

// judged is a user's audit facts and the change marker of the user they
// were made on.
type judged struct {
	marker string
	facts  flags.Facts
}

// factsOf is every user's audit facts below base, by DN, read one way.
func factsOf(t *testing.T, d Directory, base string, scope Scope, held bool) map[string]flags.Facts {
	t.Helper()
	out := map[string]flags.Facts{}
	for k, j := range judge(t, d, base, scope, held) {
		out[k] = j.facts
	}
	return out
}

func judge(t *testing.T, d Directory, base string, scope Scope, held bool) map[string]judged {
	t.Helper()
	ctx := context.Background()
	list, err := d.Pools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	aud := &Auditor{Pools: NewPoolSetFrom(list), Scope: d.Info().SIPScope}
	out := map[string]judged{}
	each := func(x *SIPIndex, us []User) error {
		aud.SIP = x
		for _, u := range us {
			out[NormDN(u.DN)] = judged{u.ChangeMarker, aud.Facts(u)}
		}
		return nil
	}
	if held {
		err = ReadUsersAndSIPIndex(ctx, d, base, scope, nil, each)
	} else {
		err = UsersWithSIPIndex(ctx, d, base, scope, each)
	}
	if err != nil {
		t.Fatalf("users of %s: %v", base, err)
	}
	return out
}

// sameFacts fails t where the index read around a scope (taking the
// scope's own names from its users) judges any user otherwise than the
// index of every name does. On a live DC other tests write at the same
// time: a user added, removed or changed between the two reads is not
// compared (fewer than half of them may be: a small container such as
// CN=Users can see one or two of its eight change). It returns how many users had
// findings about duplicates, so a caller can check that the comparison
// was not vacuous.
func sameFacts(t *testing.T, d Directory, base string, scope Scope) int {
	t.Helper()
	whole := judge(t, d, base, scope, false)
	around := judge(t, d, base, scope, true)
	dups, skipped := 0, 0
	for k, w := range whole {
		a, ok := around[k]
		if !ok || a.marker != w.marker {
			skipped++
			continue
		}
		if !reflect.DeepEqual(w.facts, a.facts) {
			t.Errorf("%s (scope %v): %s judged otherwise:\nevery name: %v %+v\naround:     %v %+v", base, scope, k, w.facts.Verdict, w.facts.Findings, a.facts.Verdict, a.facts.Findings)
		}
		if slices.ContainsFunc(w.facts.Findings, func(f flags.Finding) bool { return f.ID == flags.FindingSIPAddressDuplicate }) {
			dups++
		}
	}
	if compared := len(whole) - skipped; compared*2 < len(whole) || len(around)*2 < len(whole) {
		t.Errorf("%s: %d users read with every name, %d around, %d not compared (changed between the reads)", base, len(whole), len(around), skipped)
	}
	return dups
}

// contractIndexAround: find and a bulk plan judge every user as the
// streaming audit does, whether the directory reads the names around the
// scope or all of them; the LDAP adapter reads around it.
func contractIndexAround(t *testing.T, c contract) {
	d := c.dir
	dups := 0
	for _, s := range []struct {
		base  string
		scope Scope
	}{
		{demoBase, OneLevel}, {demoBase, Subtree}, {dn("OU=Corp"), OneLevel}, {dn("OU=Corp"), Subtree},
		{dn("OU=Sales,OU=Corp"), OneLevel}, {dn("CN=Users"), OneLevel}, {c.bigOU, OneLevel},
	} {
		dups += sameFacts(t, d, s.base, s.scope)
	}
	if dups == 0 {
		t.Error("no user has a duplicate sign-in name: the comparison proves little")
	}
	n := 0
	ok, err := readAround(context.Background(), d, c.bigOU, OneLevel, func(string, string) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	switch _, isLDAP := unwrapLDAP(d); {
	case isLDAP && !ok:
		t.Errorf("the LDAP adapter did not read the names around %s", c.bigOU)
	case isLDAP && d.Info().GC == "" && n >= c.bigCount:
		// (A Global Catalog's names are read whole: no base on it leaves
		// this domain's scope out.)
		t.Errorf("the read around %s streamed %d names for its %d users: the scope's own were read again", c.bigOU, n, c.bigCount)
	case !isLDAP && ok:
		t.Errorf("%T read around a scope: it has no such read", d)
	}
}

func unwrapLDAP(d Directory) (*LDAP, bool) {
	switch v := d.(type) {
	case *LDAP:
		return v, true
	case *Journaled:
		return unwrapLDAP(v.Directory)
	case ReadOnly:
		return unwrapLDAP(v.Directory)
	}
	return nil, false
}

// add puts an entry into the fake, as loaded data would be.
func (f *fakeDC) add(dn string, attrs map[string][]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	lower := map[string][]string{"usnchanged": {"1"}}
	for k, v := range attrs {
		lower[strings.ToLower(k)] = v
	}
	if rdn, _, _ := strings.Cut(dn, ","); strings.HasPrefix(strings.ToUpper(rdn), "CN=") {
		lower["cn"] = []string{rdn[3:]}
	}
	k := NormDN(dn)
	f.entries[k] = &fakeEntry{dn: dn, attrs: lower, guid: fmt.Sprintf("feed%04x-0000-4000-8000-000000000000", len(f.order))}
	f.order = append(f.order, k)
}

// The read around a scope finds every holder the users read does not
// return: beside the path to the scope, below it one level down, a
// computer in it, an object directly in the domain; and where there are
// too many containers to search, it leaves the answer to one read of
// every name.
func TestReadAroundInProcess(t *testing.T) {
	f := startFakeDC(t, 0)
	sales := dn("OU=Sales,OU=Corp")
	user := func(cls ...string) map[string][]string {
		return map[string][]string{"objectClass": append([]string{"top", "person", "organizationalPerson", "user"}, cls...)}
	}
	with := func(a map[string][]string, sip string) map[string][]string {
		a[flags.AttrPrimaryUserAddress] = []string{sip}
		return a
	}
	ou := map[string][]string{"objectClass": {"top", "organizationalUnit"}}
	f.add(dn("CN=Beside,OU=Finance,OU=Corp"), with(user(), "sip:bcole@corp.example"))
	f.add(dn("OU=Team,OU=Sales,OU=Corp"), ou)
	f.add(dn("CN=Below,OU=Team,OU=Sales,OU=Corp"), with(user(), "cdiaz@corp.example"))
	f.add(dn("CN=PC01,OU=Sales,OU=Corp"), with(user("computer"), "sip:DPatel@corp.example"))
	f.add(dn("CN=At The Top"), with(user(), "sip:ewalsh@corp.example"))
	for i := range maxAroundSearches + 1 {
		f.add(dn(fmt.Sprintf("OU=Box %d,OU=Empty", i)), ou)
	}
	f.add(dn("CN=Boxed,OU=Empty"), with(user(), "sip:fhaddad@corp.example"))
	l := f.dial(t)

	for _, scope := range []Scope{OneLevel, Subtree} {
		around := factsOf(t, l, sales, scope, true)
		sameFacts(t, l, sales, scope)
		want := map[string]bool{"Brian Cole": true, "Dev Patel": true, "Erin Walsh": true, "Carla Diaz": true}
		for name, dup := range want {
			fs := around[NormDN("CN="+name+","+sales)]
			got := slices.ContainsFunc(fs.Findings, func(f flags.Finding) bool { return f.ID == flags.FindingSIPAddressDuplicate })
			if got != dup {
				t.Errorf("scope %v: %s a duplicate = %v, want %v (%+v)", scope, name, got, dup, fs.Findings)
			}
		}
	}
	sameFacts(t, l, demoBase, OneLevel)
	sameFacts(t, l, demoBase, Subtree)
	sameFacts(t, l, dn("OU=Team,OU=Sales,OU=Corp"), OneLevel)

	ok, err := l.sipAddressesAround(context.Background(), dn("OU=Empty"), OneLevel, func(string, string) error { return nil })
	if err != nil || ok {
		t.Errorf("around a scope with %d containers below it: %v, %v; want the read of every name instead", maxAroundSearches+1, ok, err)
	}
	sameFacts(t, l, dn("OU=Empty"), OneLevel)
	// What the read around had streamed before it gave up is not the
	// index: Farid Haddad's holder is found by the read of every name.
	boxed := factsOf(t, l, dn("OU=Empty"), OneLevel, true)[NormDN(dn("CN=Boxed,OU=Empty"))]
	if !slices.ContainsFunc(boxed.Findings, func(f flags.Finding) bool { return f.ID == flags.FindingSIPAddressDuplicate }) {
		t.Errorf("a user around a scope read whole is not a duplicate of Farid Haddad: %+v", boxed.Findings)
	}
}

// A value that does not decode is reported after every user has been
// judged, as the streaming read reports it; an error of fn stops the read.
func TestReadAroundUndecodable(t *testing.T) {
	f := startFakeDC(t, 0)
	sales := dn("OU=Sales,OU=Corp")
	f.add("CN=Bad Flags,"+sales, map[string][]string{"objectClass": {"top", "person", "organizationalPerson", "user"},
		flags.AttrPrimaryUserAddress: {"sip:bad@corp.example"}, flags.AttrOptionFlags: {"lots"}})
	l := f.dial(t)
	ctx := context.Background()
	n := 0
	err := ReadUsersAndSIPIndex(ctx, l, sales, OneLevel, nil, func(x *SIPIndex, us []User) error {
		n += len(us)
		if len(x.Holders("sip:bad@corp.example")) != 1 {
			t.Errorf("the undecodable user's sign-in name is not indexed")
		}
		return nil
	})
	all := 0
	l.Users(ctx, sales, OneLevel, func(b Batch) error { all += len(b.Users); return nil })
	var de *DecodeError
	if !errors.As(err, &de) || len(de.Problems) != 1 || n != all || n < 10 {
		t.Errorf("%d users judged, error %v; want every user, then the one that does not decode", n, err)
	}
	stop := errors.New("stop")
	if err := ReadUsersAndSIPIndex(ctx, l, sales, OneLevel, nil, func(*SIPIndex, []User) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("fn failed: %v", err)
	}
}

// Holders below classes other than OUs and containers (an organization
// in the domain, a locality in an OU), one not kept by find's --where,
// two values of a broken multi-valued name, and the same on a server
// without AD's schema, read level by level.
func TestReadAroundOtherClassesInProcess(t *testing.T) {
	f := startFakeDC(t, 0)
	sales := dn("OU=Sales,OU=Corp")
	contact := func(sip ...string) map[string][]string {
		return map[string][]string{"objectClass": {"top", "person", "organizationalPerson", "contact"}, flags.AttrPrimaryUserAddress: sip}
	}
	f.add(dn("O=Partners"), map[string][]string{"objectClass": {"top", "organization"}})
	f.add(dn("CN=Org Contact,O=Partners"), contact("sip:bcole@corp.example"))
	f.add(dn("L=Paris,OU=Corp"), map[string][]string{"objectClass": {"top", "locality"}})
	f.add(dn("O=Vendors,L=Paris,OU=Corp"), map[string][]string{"objectClass": {"top", "organization"}})
	f.add(dn("CN=Vendor,O=Vendors,L=Paris,OU=Corp"), contact("sip:DPatel@corp.example"))
	f.add(dn("CN=Twice,OU=Finance,OU=Corp"), contact("sip:Twice@corp.example", "sip:ewalsh@corp.example"))
	twice := contact("sip:twice@corp.example")
	twice[flags.AttrUserEnabled] = []string{"TRUE"}
	f.add("CN=Twice Too,"+sales, twice)
	ad := f.dial(t)
	other := f.dial(t)
	other.ad = false
	for name, l := range map[string]*LDAP{"AD": ad, "without AD's schema": other} {
		for _, scope := range []Scope{OneLevel, Subtree} {
			sameFacts(t, l, sales, scope)
			var kept []string
			err := ReadUsersAndSIPIndex(context.Background(), l, sales, scope, func(u User) bool { return u.Name != "Carla Diaz" }, func(x *SIPIndex, us []User) error {
				aud := &Auditor{Pools: NewPoolSetFrom(mustPools(t, l)), Scope: l.Info().SIPScope, SIP: x}
				for _, u := range us {
					if slices.ContainsFunc(aud.Facts(u).Findings, func(f flags.Finding) bool { return f.ID == flags.FindingSIPAddressDuplicate }) {
						kept = append(kept, u.Name)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(kept)
			// Ann Lee twice (the demo's), Brian Cole and Dev Patel (the
			// organizations'), Erin Walsh (a second value), Twice Too (a
			// first value); Carla Diaz is not kept.
			want := []string{"Ann Lee", "Brian Cole", "Dev Patel", "Erin Walsh", "Lee, Ann", "Twice Too"}
			if !slices.Equal(kept, want) {
				t.Errorf("%s, scope %v: duplicates %v, want %v", name, scope, kept, want)
			}
		}
	}
}

func mustPools(t *testing.T, d Directory) PoolList {
	t.Helper()
	list, err := d.Pools(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}
