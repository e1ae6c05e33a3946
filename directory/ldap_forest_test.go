package directory

import (
	"context"
	"slices"
	"strings"
	"testing"

	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// forestConfig connects to the simulated forest's child-domain DC with
// StartTLS; gc names its Global Catalog ("" for none).
func forestConfig(t testing.TB, gc string) (LDAPConfig, dctest.Forest) {
	f := dctest.RequireForest(t)
	return LDAPConfig{URL: f.ChildURL, StartTLS: true, CACertFile: f.CACert, Bind: f.BindDN, Password: dctest.Password(t, f.PasswordFile), GC: gc}, f
}

// The contract holds on a DC of a child domain too, whose pools are in the
// forest root's System container (read through the Global Catalog) and its
// configuration container.
func TestLDAPForestContract(t *testing.T) {
	f := dctest.RequireForest(t)
	cfg, _ := forestConfig(t, f.GCURL)
	l := dialDC(t, cfg)
	runContract(t, contract{dir: l, bigOU: f.BigOU, bigCount: f.BigCount, writers: 10, configNC: "CN=Configuration," + f.Root, openLDAP: true})
}

func TestLDAPForestChildDC(t *testing.T) {
	f := dctest.RequireForest(t)
	ctx := context.Background()
	farid := "CN=Farid Haddad,OU=Sales,OU=Corp," + f.Child // homed on the root domain's System-container pool
	systemPool := HomeServerPrefix + "CN=OCS2007-SE,CN=Pools,CN=RTC Service,CN=Microsoft,CN=System," + f.Root

	t.Run("with the Global Catalog", func(t *testing.T) {
		cfg, _ := forestConfig(t, f.GCURL)
		l := dialDC(t, cfg)
		if nc, _ := l.NamingContexts(ctx); !SameDN(nc.RootDomain, f.Root) || !SameDN(nc.Default, f.Child) {
			t.Fatalf("naming contexts %+v", nc)
		}
		if i := l.Info(); i.SIPScope != flags.ScopeForest || i.GC == "" {
			t.Errorf("Info() = %+v, want the forest searched through %s", i, f.GCURL)
		}
		list, err := l.Pools(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pools := NewPoolSetFrom(list)
		if p, ok := pools.ByHomeServer(systemPool); !ok || p.Host != "ocs2007-se.corp.example" || p.Container != "System" {
			t.Fatalf("the root domain's System pool is not found: %+v (places %+v)", list.Pools, list.Places)
		}
		u, err := l.User(ctx, farid)
		if err != nil {
			t.Fatal(err)
		}
		if !SameDN(u.OCS.HomeServer.V, systemPool) {
			t.Fatalf("%s is homed on %s: the test would prove nothing", farid, u.OCS.HomeServer.V)
		}
		fs, err := Audit(ctx, l, u, pools)
		if err != nil || len(fs) != 0 {
			t.Errorf("a child-domain user on a root-domain pool: %v, findings %+v; want ready, no findings", err, fs)
		}
		holders, err := l.SIPAddressHolders(ctx, f.RootSIP)
		if err != nil || len(holders) != 1 || !strings.Contains(strings.ToLower(holders[0]), strings.ToLower(f.Root)) || isUnder(holders[0], f.Child) {
			t.Errorf("holders of %s (a root-domain user's) = %v, %v", f.RootSIP, holders, err)
		}
		dup := u
		dup.OCS.SIPAddress = flags.Some(f.RootSIP)
		fs, _ = Audit(ctx, l, dup, pools)
		if !slices.ContainsFunc(fs, func(f flags.Finding) bool { return f.ID == flags.FindingSIPAddressDuplicate }) {
			t.Errorf("a sign-in name held in the other domain is not a duplicate: %+v", fs)
		}
	})

	t.Run("without a Global Catalog", func(t *testing.T) {
		cfg, _ := forestConfig(t, "")
		l := dialDC(t, cfg)
		if i := l.Info(); i.SIPScope != flags.ScopeDomain || i.GC != "" || i.GCProblem == "" {
			t.Errorf("Info() = %+v, want this domain only, saying why", i)
		}
		list, err := l.Pools(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var system PoolPlace
		for _, p := range list.Places {
			if p.Container == "System" {
				system = p
			}
		}
		if system.Read || !strings.Contains(system.Why, "not on this domain controller") {
			t.Errorf("the System place on a child DC without a GC: %+v", system)
		}
		u, err := l.User(ctx, farid)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := Audit(ctx, l, u, NewPoolSetFrom(list))
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].ID != flags.FindingHomeServerUnchecked || fs[0].Severity != flags.Warning ||
			!strings.Contains(fs[0].Problem, "cannot be read with this account ("+cfg.Bind+")") {
			t.Errorf("findings %+v; want only the warning that the pools cannot be read, naming the account", fs)
		}
		if v := flags.Judge(fs); v != flags.VerdictUnverified || flags.Ready(fs) {
			t.Errorf("a user whose pool cannot be read is judged %v (ready %v); want unverified, not ready", v, flags.Ready(fs))
		}
		if got := flags.RuleTitle(flags.Rules[3], l.Info().SIPScope); !strings.Contains(got, "checked in this domain only") || strings.Contains(got, "forest") {
			t.Errorf("the uniqueness rule without a GC is titled %q", got)
		}
	})

	t.Run("a Global Catalog named with --gc must answer", func(t *testing.T) {
		cfg, _ := forestConfig(t, "ldap://127.0.0.1:1")
		if _, err := DialLDAP(ctx, cfg); err == nil || !strings.Contains(err.Error(), "Global Catalog") {
			t.Errorf("an unreachable --gc: %v", err)
		}
	})
}
