package ui

import (
	"context"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/browse"
	"ocsflags/ui/enable"
	"ocsflags/ui/session"
)

// A user whose pool this account cannot read may be on a working pool: the
// wizard leaves it alone, the list does not mark it broken, and the detail
// says why it cannot tell.
func TestPoolsThisAccountCannotRead(t *testing.T) {
	sys := "CN=Pools,CN=RTC Service,CN=Microsoft,CN=System,DC=example"
	cfg := "CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=example"
	pool01 := directory.Pool{DN: "CN=pool01," + cfg, HomeServerDN: directory.HomeServerPrefix + "CN=pool01," + cfg, Host: "pool01.example"}
	pools := directory.NewPoolSetFrom(directory.PoolList{Pools: []directory.Pool{pool01}, Reader: "helpdesk@example", Places: []directory.PoolPlace{
		{DN: cfg, Container: "Configuration", Read: true, Complete: true},
		{DN: sys, Container: "System", Why: "not on this DC"},
	}})
	home := directory.HomeServerPrefix + "CN=OCS2007-SE," + sys
	u := directory.User{DN: "CN=Farid,DC=corp,DC=example", OCS: flags.Settings{Enabled: flags.Some(true), SIPAddress: flags.Some("sip:farid@corp.example"),
		HomeServer: flags.Some(home), OptionFlags: flags.Some(flags.EnhancedPresence)}}

	if why := enable.SkipBefore(u, pools, pool01, false); !strings.Contains(why, "cannot tell whether its home server is a working pool") || !strings.Contains(why, "helpdesk@example") {
		t.Errorf("the wizard would rewrite the home server of a user whose pool it cannot read: skip %q", why)
	}
	if r := browse.MakeRow(u, browse.NewMemoPools(pools)); r.State != flags.VerdictUnverified {
		t.Errorf("list mark %v, want unverified: readiness needs a home server known to be a pool", r.State)
	}
	s := session.State{Pools: pools, User: u}
	if got := session.PoolText(s, u.OCS.HomeServer); !strings.Contains(got, "the pools cannot be read with this account") {
		t.Errorf("detail shows %q", got)
	}
	fs := s.Findings(u.OCS)
	if len(fs) != 1 || fs[0].ID != flags.FindingHomeServerUnchecked {
		t.Errorf("findings %+v", fs)
	}
	// Somewhere no pool can be: certainly broken, and the wizard repairs it.
	broken := u
	broken.OCS.HomeServer = flags.Some("CN=LC Services,CN=Retired Servers,DC=corp,DC=example")
	if why := enable.SkipBefore(broken, pools, pool01, false); why != "" {
		t.Errorf("a home server that is no pool is not repaired: %q", why)
	}
}

// hiddenPools is a directory as an account that may not read pool01 sees
// it over LDAP: the containers are searched, pool01 left out without a word.
type hiddenPools struct{ *directory.Memory }

func (h hiddenPools) Pools(ctx context.Context) (directory.PoolList, error) {
	l, err := h.Memory.Pools(ctx)
	for i := range l.Places {
		l.Places[i].Complete = false
	}
	var seen []directory.Pool
	for _, p := range l.Pools {
		if !strings.Contains(p.DN, "CN=pool01,") {
			seen = append(seen, p)
		}
	}
	l.Pools, l.Reader = seen, "helpdesk@corp.example"
	return l, err
}

// The audit screen offers no fix for a home server it could not check: f on
// either home-server rule stages nothing and opens no pool picker.
func TestAuditFixLeavesUncheckedPoolAlone(t *testing.T) {
	m, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	x := newHarness(t, Options{Dir: hiddenPools{m}}, 80, 24)
	x.openUser("bcole")
	if x.m.sess.Pools.Len() == 0 {
		t.Fatal("no pool left to offer: the test would prove nothing")
	}
	x.key("a")
	for _, id := range []string{flags.FindingNoHomeServer, flags.FindingHomeServerNotAPool} {
		x.focusRule(id)
		x.key("f")
		if x.audit().Picker != nil || x.confirm() != nil || x.m.sess.Pending.Get(x.m.browse.Detail.User.DN) != nil {
			t.Errorf("%s: f offered a fix (picker %v, confirm %v) for a home server this account cannot check", id, x.audit().Picker != nil, x.confirm() != nil)
		}
	}
}
