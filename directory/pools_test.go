package directory

import (
	"strings"
	"testing"
)

func TestPoolSetUnknown(t *testing.T) {
	cfg := "CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=example"
	sys := "CN=Pools,CN=RTC Service,CN=Microsoft,CN=System,DC=example"
	pool01 := Pool{DN: "CN=pool01," + cfg, HomeServerDN: HomeServerPrefix + "CN=pool01," + cfg, Host: "pool01.example"}
	list := PoolList{Pools: []Pool{pool01}, Reader: "helpdesk@example", Places: []PoolPlace{
		{DN: cfg, Container: "Configuration", Read: true},
		{DN: sys, Container: "System", Why: "not on this DC"},
	}}
	s := NewPoolSetFrom(list)
	for _, tc := range []struct{ dn, want string }{
		{pool01.HomeServerDN, ""},
		{HomeServerPrefix + "CN=hidden," + cfg, "this account (helpdesk@example) cannot read the pool it names: it is not among the 1 pools"},
		{HomeServerPrefix + "CN=OCS," + sys, "the pools in the System container cannot be read with this account (helpdesk@example): not on this DC"},
		{"CN=LC Services,CN=Retired Servers,DC=example", ""},
		{`CN=LC Services\0ADEL:1,CN=Deleted Objects,CN=Configuration,DC=example`, ""},
	} {
		if got := s.Unknown(tc.dn); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("Unknown(%s) = %q, want %q", tc.dn, got, tc.want)
		}
	}
	// A complete list (the in-memory directory) knows what is not there.
	list.Places[0].Complete = true
	if got := NewPoolSetFrom(list).Unknown(HomeServerPrefix + "CN=hidden," + cfg); got != "" {
		t.Errorf("a complete place: %q", got)
	}
	if got := NewPoolSet(list.Pools).Unknown(HomeServerPrefix + "CN=OCS," + sys); got != "" {
		t.Errorf("NewPoolSet knows no places, so it is certain: %q", got)
	}
}

func TestGCURL(t *testing.T) {
	for _, tc := range []struct {
		url, gc  string
		isGC     bool
		want     string
		explicit bool
	}{
		{"ldaps://dc1.corp.example", "", true, "ldaps://dc1.corp.example:3269", false},
		{"ldap://dc1.corp.example:389", "", true, "ldap://dc1.corp.example:3268", false},
		{"ldap://dc1.corp.example", "", false, "", false},
		{"ldap://dc1.corp.example", "ldap://gc.corp.example:3268", false, "ldap://gc.corp.example:3268", true},
		{"ldaps://[::1]:636", "", true, "ldaps://[::1]:3269", false},
	} {
		u, err := parseLDAPURL(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		l := &LDAP{cfg: LDAPConfig{URL: tc.url, GC: tc.gc}, url: u, isGC: tc.isGC}
		if got, explicit := l.gcURL(); got != tc.want || explicit != tc.explicit {
			t.Errorf("%s (GC %q, isGC %v): %q, %v; want %q, %v", tc.url, tc.gc, tc.isGC, got, explicit, tc.want, tc.explicit)
		}
	}
}

func TestPoolSetNoneWhy(t *testing.T) {
	place := func(read, complete bool) PoolPlace {
		return PoolPlace{DN: "CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=example", Container: "Configuration", Read: read, Complete: complete, Why: "denied"}
	}
	for _, tc := range []struct {
		p    PoolPlace
		want string
	}{
		{place(true, true), "create the pool with the OCS tools first"},
		{place(true, false), "no OCS pool is visible to this account (helpdesk@example)"},
		{place(false, false), "cannot be read with this account (helpdesk@example): denied"},
	} {
		got := NewPoolSetFrom(PoolList{Reader: "helpdesk@example", Places: []PoolPlace{tc.p}}).NoneWhy()
		if !strings.Contains(got, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}
}
