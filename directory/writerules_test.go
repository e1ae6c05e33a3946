package directory

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ocsflags/flags"
)

// The rules the table test of set and the console cannot reach on the
// demo directory: pools this account cannot read, a deleted pool, pending
// claims, and what staging may leave to a later edit.
func TestPlanWriteRules(t *testing.T) {
	const (
		cfg     = "CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"
		sys     = "CN=Pools,CN=RTC Service,CN=Microsoft,CN=System,DC=corp,DC=example"
		working = "CN=LC Services,CN=Microsoft,CN=pool01," + cfg
		hidden  = "CN=LC Services,CN=Microsoft,CN=hidden," + sys
		deleted = "CN=LC Services\\0ADEL:0f1e2d3c-aaaa-bbbb-cccc-000000000001,CN=Deleted Objects,CN=Configuration,DC=corp,DC=example"
		target  = "CN=LC Services,CN=Microsoft,CN=pool02," + cfg
		dn      = "CN=Ann,OU=Sales,DC=corp,DC=example"
	)
	pools := NewPoolSetFrom(PoolList{
		Pools: []Pool{{DN: "CN=pool01," + cfg, HomeServerDN: working, Host: "pool01.corp.example"}, {DN: "CN=pool02," + cfg, HomeServerDN: target, Host: "pool02.corp.example"}},
		Places: []PoolPlace{{DN: cfg, Container: "Configuration", Read: true, Complete: true},
			{DN: sys, Container: "System", Why: "insufficient access"}},
		Reader: "helpdesk@corp.example",
	})
	user := func(enabled bool, sip, home string) User {
		s := flags.Settings{Enabled: flags.Some(enabled)}
		if sip != "" {
			s.SIPAddress = flags.Some(sip)
		}
		if home != "" {
			s.HomeServer = flags.Some(home)
		}
		return User{DN: dn, OCS: s}
	}
	move := flags.Change{HomeServer: flags.Some(target)}
	for _, tt := range []struct {
		name    string
		req     WriteRequest
		rule    Rule
		says    string
		staging bool // Refused(…, true) lets it through
	}{
		{"working pool", WriteRequest{User: user(true, "sip:ann@corp.example", working), Change: move}, RuleWorkingPool, "OCS tools", false},
		{"a pool this account cannot read is not broken", WriteRequest{User: user(true, "sip:ann@corp.example", hidden), Change: move}, RulePoolUnknown, "cannot be read with this account (helpdesk@corp.example)", false},
		{"a deleted pool is repairable", WriteRequest{User: user(true, "sip:ann@corp.example", deleted), Change: move}, "", "", false},
		{"not a pool at all is repairable", WriteRequest{User: user(true, "sip:ann@corp.example", "CN=gone,DC=corp,DC=example"), Change: move}, "", "", false},
		{"enabling before the pool is given", WriteRequest{User: user(false, "sip:ann@corp.example", ""), Change: flags.Change{Enabled: flags.Some(true)}}, RuleEnableIncomplete, "a sign-in name and a pool", true},
		{"correcting the sign-in name of a user already enabled without a pool", WriteRequest{User: user(true, "sip:ann@corp", ""), Change: flags.Change{SIPAddress: flags.Some("sip:ann@corp.example")}}, "", "", false},
		{"a pending claim of the same name", WriteRequest{User: user(false, "", ""), Change: flags.Change{SIPAddress: flags.Some("sip:Bob@corp.example")},
			Pending: Holders{"sip:bob@corp.example": {dn, "CN=Bob,DC=corp,DC=example"}}}, RuleSIPPending, "another pending user (CN=Bob,DC=corp,DC=example)", false},
		{"a holder in the directory", WriteRequest{User: user(true, "", working), Change: flags.Change{SIPAddress: flags.Some("sip:bob@corp.example")},
			Holders: Holders{"sip:bob@corp.example": {"CN=Bob,DC=corp,DC=example"}}}, RuleSIPTaken, "already the sign-in name of CN=Bob", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Pools = pools
			_, rs := PlanWrite(tt.req)
			if tt.rule == "" {
				if len(rs) > 0 {
					t.Fatalf("refused: %+v", rs)
				}
				return
			}
			if len(rs) == 0 || rs[0].Rule != tt.rule || !strings.Contains(rs[0].Reason, tt.says) {
				t.Fatalf("refusals %+v, want %s saying %q", rs, tt.rule, tt.says)
			}
			if got := Refused(rs, true) == nil; got != tt.staging {
				t.Errorf("staging lets it through: %v, want %v", got, tt.staging)
			}
			var re *RefusedError
			if err := Refused(rs, false); !errors.As(err, &re) || re.First().Rule != tt.rule {
				t.Errorf("Refused: %v", err)
			}
		})
	}
}

func TestClaimSIP(t *testing.T) {
	ctx := context.Background()
	d, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	if err := ClaimSIP(ctx, d, "CN=Nobody,DC=corp,DC=example", ""); err != nil {
		t.Errorf("no claim: %v", err)
	}
	if err := ClaimSIP(ctx, d, "CN=Nobody,DC=corp,DC=example", "sip:nobody.at.all@corp.example"); err != nil {
		t.Errorf("a free name: %v", err)
	}
	var re *RefusedError
	err = ClaimSIP(ctx, d, "CN=Nobody,DC=corp,DC=example", "SIP:alee@corp.example")
	if !errors.As(err, &re) || re.First().Rule != RuleSIPTaken || !strings.Contains(err.Error(), "CN=Ann Lee") {
		t.Errorf("a held name: %v", err)
	}
}

// A home server that names the stored pool in another case is no edit: the
// set, console and wizard paths plan nothing for it.
func TestPlanHomeServerSameDNOtherCase(t *testing.T) {
	home := HomeServerPrefix + "CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"
	u := User{DN: "CN=Brian Cole,DC=corp,DC=example", OCS: flags.Settings{Enabled: flags.Some(true), SIPAddress: flags.Some("sip:bcole@corp.example"),
		HomeServer: flags.Some(home), OptionFlags: flags.Some(flags.EnhancedPresence)}}
	pools := NewPoolSet([]Pool{{DN: strings.TrimPrefix(home, HomeServerPrefix), HomeServerDN: home, Host: "pool01.corp.example"}})
	c := flags.Change{HomeServer: flags.Some(strings.ToLower(home))}
	if ch, refusals := PlanWrite(WriteRequest{User: u, Change: c, Pools: pools}); len(refusals) > 0 || len(ch.Edits) > 0 {
		t.Errorf("PlanWrite: edits %+v, refusals %+v; want nothing to write", ch.Edits, refusals)
	}
	if ch, _, err := Plan(u, c); err != nil || len(ch.Edits) > 0 {
		t.Errorf("Plan: %v, edits %+v; want nothing to write", err, ch.Edits)
	}
	// Another pool is still an edit (and refused by the pool rule).
	other := flags.Change{HomeServer: flags.Some(strings.Replace(home, "pool01", "pool02", 1))}
	if ch, _, _ := Plan(u, other); len(ch.Edits) != 1 {
		t.Errorf("another pool: edits %+v", ch.Edits)
	}
}
