package ui_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"ocsflags/cli"
	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui"
)

// rulesLDIF is the demo directory with two users no demo user is: one whose
// OptionFlags holds two values, one not enabled whose sign-in name is
// malformed.
func rulesLDIF() []byte {
	const pool01 = "CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"
	extra := `
dn: CN=Rules Multi,OU=Sales,OU=Corp,DC=corp,DC=example
objectClass: user
cn: Rules Multi
sAMAccountName: rmulti
msRTCSIP-UserEnabled: TRUE
msRTCSIP-PrimaryUserAddress: sip:rmulti@corp.example
msRTCSIP-PrimaryHomeServer: ` + pool01 + `
msRTCSIP-OptionFlags: 256
msRTCSIP-OptionFlags: 257

dn: CN=Rules Badsip,OU=Sales,OU=Corp,DC=corp,DC=example
objectClass: user
cn: Rules Badsip
sAMAccountName: rbadsip
msRTCSIP-UserEnabled: FALSE
msRTCSIP-PrimaryUserAddress: sip:rbadsip
msRTCSIP-PrimaryHomeServer: ` + pool01 + `
msRTCSIP-OptionFlags: 256
`
	return append(bytes.TrimRight(directory.DemoLDIF(), "\n"), []byte("\n"+extra)...)
}

// One home for the write rules: set and the console's review refuse the
// same changes, for the same rule, saying the same reason, which is the one
// directory.PlanWrite (or ClaimSIP, just before the write) gives. Each row
// is set's arguments and the edit the console stages for them; where set
// can read the arguments, they must read as that edit.
func TestSetAndConsoleRefuseAlike(t *testing.T) {
	in := filepath.Join(t.TempDir(), "rules.ldif")
	if err := os.WriteFile(in, rulesLDIF(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		user   string
		args   []string
		change flags.Change // HomeServer: a pool's host name, resolved below
		rule   directory.Rule
	}{
		{"reserved bit set", "ipetrov", []string{"+2"}, flags.Change{Flags: flags.Delta{Set: 2}}, directory.RuleReservedBit},
		{"undocumented bit cleared", "ipetrov", []string{"-1024"}, flags.Change{Flags: flags.Delta{Clear: 1024}}, directory.RuleReservedBit},
		{"unknown bit", "ipetrov", []string{"+1048576"}, flags.Change{Flags: flags.Delta{Set: 1 << 20}}, directory.RuleUnknownBit},
		{"enhanced presence cleared", "knguyen", []string{"-ep"}, flags.Change{Flags: flags.Delta{Clear: flags.EnhancedPresence}}, directory.RuleEnhancedPresence},
		{"telephony outside the radio group", "jryan", []string{"+pbx"}, flags.Change{Flags: flags.Delta{Set: flags.PBXIntegration}}, directory.RuleTelephony},
		{"off a working pool", "ipetrov", []string{"pool=poolr2.corp.example"}, flags.Change{HomeServer: flags.Some("poolr2.corp.example")}, directory.RuleWorkingPool},
		{"enabling without a pool", "ushah", []string{"+enabled"}, flags.Change{Enabled: flags.Some(true)}, directory.RuleEnableIncomplete},
		{"enabling a malformed sign-in name", "rbadsip", []string{"+enabled"}, flags.Change{Enabled: flags.Some(true)}, directory.RuleEnableBadSIP},
		{"sign-in name of an enabled user removed", "ipetrov", []string{"sip="}, flags.Change{SIPAddress: flags.Some("")}, directory.RuleSIPRemovalEnabled},
		{"sign-in name someone holds", "knguyen", []string{"sip=sip:alee@corp.example"}, flags.Change{SIPAddress: flags.Some("sip:alee@corp.example")}, directory.RuleSIPTaken},
		{"multi-valued OptionFlags", "rmulti", []string{"+pic"}, flags.Change{Flags: flags.Delta{Set: flags.PublicIM}}, directory.RuleCannotApply},
		// A change both write, so the table can tell a refusal from a write.
		{"allowed", "ipetrov", []string{"+pic"}, flags.Change{Flags: flags.Delta{Set: flags.PublicIM}}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			d, err := directory.LoadLDIF(bytes.NewReader(rulesLDIF()), "rules.ldif")
			if err != nil {
				t.Fatal(err)
			}
			pl, err := d.Pools(ctx)
			if err != nil {
				t.Fatal(err)
			}
			c := tt.change
			if c.HomeServer.Set {
				for _, p := range pl.Pools {
					if strings.EqualFold(p.Host, c.HomeServer.V) {
						c.HomeServer = flags.Some(p.HomeServerDN)
					}
				}
			}
			if parsed, _, err := cli.ParseChanges(tt.args); err == nil && !c.HomeServer.Set && !reflect.DeepEqual(parsed, c) {
				t.Fatalf("set reads %v as %+v, the row stages %+v", tt.args, parsed, c)
			}
			us, err := d.Resolve(ctx, tt.user)
			if err != nil || len(us) != 1 {
				t.Fatalf("resolve %s: %v %v", tt.user, us, err)
			}
			u := us[0]
			// The one function's answer, with the holders the write's
			// claim would find.
			holders := directory.Holders{}
			if addr := directory.Claimed(u, c); addr != "" {
				dns, err := d.SIPAddressHolders(ctx, addr)
				if err != nil {
					t.Fatal(err)
				}
				holders[strings.ToLower(addr)] = dns
			}
			_, refusals := directory.PlanWrite(directory.WriteRequest{User: u, Change: c, Pools: directory.NewPoolSetFrom(pl), Holders: holders})
			var want directory.Refusal
			if len(refusals) > 0 {
				want = refusals[0]
			}
			if want.Rule != tt.rule {
				t.Fatalf("PlanWrite: rule %q (%s), want %q", want.Rule, want.Reason, tt.rule)
			}

			var out, errb bytes.Buffer
			code := cli.Main(ctx, append([]string{"set", "--ldif", in, "--changes-out", filepath.Join(t.TempDir(), "c.ldif"), "--journal", filepath.Join(t.TempDir(), "j"), tt.user}, tt.args...), cli.Env{
				Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
				Getenv: func(k string) string {
					if k == "LDAPNOINIT" {
						return "1"
					}
					return ""
				},
			})
			console := ui.ConsoleWrite(t, d, tt.user, c)
			if tt.rule == "" {
				if code != 0 || console != "" {
					t.Fatalf("refused an allowed change: set exit %d %s; console %q", code, errb.String(), console)
				}
				return
			}
			if code == 0 || !strings.Contains(errb.String(), want.Reason) {
				t.Errorf("set: exit %d, stderr %q lacks the reason %q", code, errb.String(), want.Reason)
			}
			if console == "" || !strings.Contains(console, want.Reason) {
				t.Errorf("console: %q lacks the reason %q", console, want.Reason)
			}
		})
	}
}
