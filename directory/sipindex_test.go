package directory

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"ocsflags/flags"
)

// The index and the memory adapter's SIPAddressHolders must agree with
// the rule SIPAddressHolders states, spelling by spelling, including the
// odd ones (a stored value without sip:, sip:sip:, case).
func TestSIPIndexMatchesHolders(t *testing.T) {
	m := newMemory(Info{Kind: "demo"})
	base := "DC=corp,DC=example"
	m.nc = NamingContexts{Default: base}
	stored := map[string]string{
		"CN=A,DC=corp,DC=example": "sip:ann@corp.example",
		"CN=B,DC=corp,DC=example": "ANN@corp.example",
		"CN=C,DC=corp,DC=example": "sip:sip:ann@corp.example",
		"CN=D,DC=corp,DC=example": "SIP:bob@corp.example",
		"CN=E,DC=corp,DC=example": "sip:x",
		"CN=F,DC=corp,DC=example": "x",
	}
	if err := m.add(base, map[string][]string{"objectclass": {"domainDNS"}}); err != nil {
		t.Fatal(err)
	}
	for dn, v := range stored {
		if err := m.add(dn, map[string][]string{"objectclass": {"user"}, "cn": {dn[3:4]}, sipAttr: {v}}); err != nil {
			t.Fatal(err)
		}
	}
	x, err := ReadSIPIndex(context.Background(), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ask := range []string{"sip:ann@corp.example", "ann@corp.example", "SIP:ANN@CORP.EXAMPLE", "sip:sip:ann@corp.example",
		"sip:bob@corp.example", "bob@corp.example", "sip:x", "x", "sip:sip:x", "sip:nobody@corp.example", "sip:"} {
		forms := sipForms(ask)
		var want []string
		for dn, v := range stored {
			if strings.EqualFold(v, forms[0]) || strings.EqualFold(v, forms[1]) {
				want = append(want, dn)
			}
		}
		slices.Sort(want)
		got, err := m.SIPAddressHolders(context.Background(), ask)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("memory holders of %q = %v, %v; want %v", ask, got, err, want)
		}
		if got := x.Holders(ask); !slices.Equal(got, want) {
			t.Errorf("index holders of %q = %v, want %v", ask, got, want)
		}
		only, err := ReadSIPIndex(context.Background(), m, []string{ask})
		if err != nil {
			t.Fatal(err)
		}
		if got := only.Holders(ask); !slices.Equal(got, want) {
			t.Errorf("index read for %q: holders %v, want %v", ask, got, want)
		}
	}
	// The same object reported twice (Global Catalog and DC) is one holder.
	x.Add("sip:bob@corp.example", "cn=d,dc=corp,dc=example")
	if got := x.Holders("bob@corp.example"); len(got) != 1 {
		t.Errorf("an object added twice: holders %v", got)
	}
}

// A write moves a sign-in name in the memory adapter's index.
func TestMemorySIPIndexFollowsWrites(t *testing.T) {
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pat := dn("CN=Pat Quinn,OU=Engineering,OU=Corp")
	u, err := m.User(ctx, pat)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Apply(ctx, Change{DN: pat, Edits: []flags.AttrEdit{{Attr: flags.AttrPrimaryUserAddress, Old: u.OCS.SIPAddress, New: flags.Some("sip:pat.quinn@corp.example")}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.SIPAddressHolders(ctx, "sip:pquinn@corp.example"); len(got) != 0 {
		t.Errorf("the old name is still held: %v", got)
	}
	if got, _ := m.SIPAddressHolders(ctx, "PAT.QUINN@corp.example"); len(got) != 1 || !SameDN(got[0], pat) {
		t.Errorf("the new name: holders %v", got)
	}
	x, err := ReadSIPIndex(ctx, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.Holders("sip:pat.quinn@corp.example"); len(got) != 1 || len(x.Holders("sip:pquinn@corp.example")) != 0 {
		t.Errorf("index after the write: %v", got)
	}
}

// The Auditor, deciding from one read, gives every demo user exactly the
// findings (and offered free sign-in names) of the per-user look-ups.
func TestAuditorAgreesWithPerUserLookups(t *testing.T) {
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pl, err := m.Pools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pools := NewPoolSetFrom(pl)
	whole, err := ReadSIPIndex(ctx, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = m.Users(ctx, demoBase, Subtree, func(b Batch) error {
		for _, u := range b.Users {
			n++
			want, err := Audit(ctx, m, u, pools)
			if err != nil {
				return err
			}
			listed, err := ReadSIPIndex(ctx, m, SIPNamesFor(u))
			if err != nil {
				return err
			}
			for name, x := range map[string]*SIPIndex{"whole": whole, "listed": listed} {
				a := &Auditor{Pools: pools, SIP: x, Scope: m.Info().SIPScope}
				in := a.Input(u)
				a.AddSIPOffers(u, &in)
				if got := flags.Audit(in); !reflect.DeepEqual(got, want) {
					t.Errorf("%s (%s index):\n got %+v\nwant %+v", u.DN, name, got, want)
				}
			}
		}
		return nil
	})
	if err != nil || n < 100 {
		t.Fatalf("audited %d demo users: %v", n, err)
	}
}

// sipDown is a directory whose sign-in names cannot be read.
type sipDown struct{ *Memory }

var errSIPDown = errors.New("the names are down")

func (sipDown) SIPAddresses(context.Context, []string, func(string, string) error) error {
	return errSIPDown
}

// UsersWithSIPIndex hands every user over with a complete index, and a
// failure of either read, or of fn, is the error.
func TestUsersWithSIPIndex(t *testing.T) {
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n := 0
	err = UsersWithSIPIndex(ctx, m, StaffOU, OneLevel, func(x *SIPIndex, us []User) error {
		if x == nil || x.Len() < StaffCount/2 {
			t.Fatalf("index of %v addresses", x)
		}
		n += len(us)
		return nil
	})
	if err != nil || n != StaffCount {
		t.Errorf("%d users, %v", n, err)
	}
	if err := UsersWithSIPIndex(ctx, sipDown{m}, StaffOU, OneLevel, func(*SIPIndex, []User) error {
		t.Error("fn ran without an index")
		return nil
	}); !errors.Is(err, errSIPDown) {
		t.Errorf("the names' read failed: %v", err)
	}
	stop := errors.New("stop")
	if err := UsersWithSIPIndex(ctx, m, StaffOU, OneLevel, func(*SIPIndex, []User) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("fn failed: %v", err)
	}
	if err := UsersWithSIPIndex(ctx, m, dn("OU=Nowhere"), OneLevel, func(*SIPIndex, []User) error { return nil }); !errors.Is(err, ErrNoSuchObject) {
		t.Errorf("a missing OU: %v", err)
	}
}
