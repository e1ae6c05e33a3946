package directory

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"ocsflags/flags"
)

// contract is what every Directory implementation must do. It runs against
// a directory holding the demo organisation (demo/demo.ldif) plus a large OU,
// and it may run again and again against the same live DC: every write test
// starts from whatever the directory holds now.
type contract struct {
	dir      Directory
	bigOU    string // an OU with bigCount users, for streaming
	bigCount int
	writers  int // goroutines in the concurrent-writers test
	// configNC is the configuration naming context; "" means the demo's,
	// CN=Configuration,DC=corp,DC=example (a child domain has its forest
	// root's).
	configNC string
	// openLDAP is set for OpenLDAP standing in for AD (the simulated
	// forest): it keeps no uSNChanged and does not check that a DN value
	// names an existing object, so those two checks are AD's alone.
	openLDAP bool
}

const demoBase = "DC=corp,DC=example"

func dn(rel string) string { return rel + "," + demoBase }

func runContract(t *testing.T, c contract) {
	ctx := context.Background()
	d := c.dir

	t.Run("naming contexts", func(t *testing.T) {
		nc, err := d.NamingContexts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		config := c.configNC
		if config == "" {
			config = "CN=Configuration," + demoBase
		}
		if !SameDN(nc.Default, demoBase) || !SameDN(nc.Configuration, config) {
			t.Errorf("naming contexts = %+v", nc)
		}
	})

	t.Run("the index around a scope", func(t *testing.T) { contractIndexAround(t, c) })

	t.Run("children", func(t *testing.T) {
		kids, err := d.Children(ctx, demoBase)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]ContainerKind{}
		for _, k := range kids {
			names[k.Name] = k.Kind
		}
		for _, want := range []string{"Corp", "Migrated-LCS2005", "Disabled", "Partners", "Users", "Empty"} {
			if _, ok := names[want]; !ok {
				t.Errorf("children of %s lack %s: %v", demoBase, want, names)
			}
		}
		if names["Corp"] != KindOU || names["Users"] != KindContainer {
			t.Errorf("kinds wrong: %v", names)
		}
		for _, hidden := range []string{"System", "Configuration"} {
			if _, ok := names[hidden]; ok {
				t.Errorf("%s is shown, but AD hides it (showInAdvancedViewOnly)", hidden)
			}
		}
		corp, err := d.Children(ctx, dn("OU=Corp"))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, k := range corp {
			got = append(got, k.Name)
		}
		if !slices.Equal(got, []string{"Engineering", "Finance", "Sales", "Staff"}) {
			t.Errorf("children of OU=Corp = %v", got)
		}
		if _, err := d.Children(ctx, dn("OU=Nowhere")); !errors.Is(err, ErrNoSuchObject) {
			t.Errorf("children of a missing OU: %v", err)
		}
	})

	t.Run("users one level and subtree", func(t *testing.T) {
		count := func(base string, scope Scope) map[string]User {
			t.Helper()
			out := map[string]User{}
			if err := d.Users(ctx, base, scope, func(b Batch) error {
				for _, u := range b.Users {
					out[u.SAMAccountName+u.Mail] = u
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if n := len(count(dn("OU=Sales,OU=Corp"), OneLevel)); n != 12 {
			t.Errorf("OU=Sales has %d users, want 12", n)
		}
		if n := len(count(dn("OU=Engineering,OU=Corp"), OneLevel)); n != 17 {
			t.Errorf("OU=Engineering has %d users one level, want 17", n)
		}
		if n := len(count(dn("OU=Engineering,OU=Corp"), Subtree)); n != 22 {
			t.Errorf("OU=Engineering has %d users in its subtree, want 22", n)
		}
		partners := count(dn("OU=Partners"), OneLevel)
		if len(partners) != 3 {
			t.Errorf("OU=Partners lists %d contacts, want the 3 with a SIP address", len(partners))
		}
		for _, u := range partners {
			if u.Kind != KindContact {
				t.Errorf("%s is not a contact", u.DN)
			}
		}
		if n := len(count(dn("OU=Empty"), Subtree)); n != 0 {
			t.Errorf("OU=Empty has %d users", n)
		}
	})

	t.Run("stream and cancel", func(t *testing.T) {
		n, batches := 0, 0
		if err := d.Users(ctx, c.bigOU, OneLevel, func(b Batch) error {
			n += len(b.Users)
			batches++
			if b.Done != n {
				t.Fatalf("batch Done = %d after %d users", b.Done, n)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n != c.bigCount || batches < 2 {
			t.Errorf("streamed %d users in %d batches, want %d in several", n, batches, c.bigCount)
		}
		cctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := d.Users(cctx, c.bigOU, OneLevel, func(b Batch) error {
			calls++
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) || calls != 1 {
			t.Errorf("after cancel: err %v, %d batches delivered", err, calls)
		}
		stop := errors.New("enough")
		calls = 0
		err = d.Users(ctx, c.bigOU, OneLevel, func(Batch) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("callback error: err %v, %d batches", err, calls)
		}
	})

	t.Run("read one user", func(t *testing.T) {
		u, err := d.User(ctx, dn("CN=Ivan Petrov,OU=Sales,OU=Corp"))
		if err != nil {
			t.Fatal(err)
		}
		if u.OCS.OptionFlags != flags.Some(flags.Value(961)) || !u.OCS.Enabled.V || u.SAMAccountName != "ipetrov" || u.OCS.Archiving != flags.Some(flags.Value(8)) {
			t.Errorf("Ivan Petrov = %+v", u)
		}
		if u.ChangeMarker == "" {
			t.Error("no change marker (uSNChanged)")
		}
		// Case and spacing of a DN do not matter.
		if _, err := d.User(ctx, "cn=ivan petrov, ou=sales,ou=corp,dc=CORP,dc=example"); err != nil {
			t.Errorf("DN in other case: %v", err)
		}
		mia, _ := d.User(ctx, dn("CN=Mia Wong,OU=Engineering,OU=Corp"))
		if mia.OCS.OptionFlags.V != 0x80000101 {
			t.Errorf("bit 31 value read as %d", mia.OCS.OptionFlags.V)
		}
		uma, _ := d.User(ctx, dn("CN=Uma Shah,OU=Engineering,OU=Corp"))
		if uma.OCS.Enabled.Set || uma.OCS.OptionFlags.Set || uma.OCS.SIPAddress.Set || uma.OCS.HomeServer.Set {
			t.Errorf("never-provisioned user has OCS attributes: %+v", uma.OCS)
		}
		jack, _ := d.User(ctx, dn("CN=Jack Ryan,OU=Migrated-LCS2005"))
		if jack.OCS.OptionFlags != flags.Some(flags.Value(0)) {
			t.Errorf("LCS user at 0 read as %+v (0 must stay distinct from absent)", jack.OCS.OptionFlags)
		}
		ursula, _ := d.User(ctx, dn("CN=Ursula Kent,OU=Disabled"))
		if !ursula.Disabled {
			t.Error("disabled account not marked")
		}
		j, err := d.User(ctx, dn("CN=Jürgen Groß,OU=Engineering,OU=Corp"))
		if err != nil || j.GivenName != "Jürgen" {
			t.Errorf("non-ASCII user: %+v %v", j, err)
		}
		lee, err := d.User(ctx, dn(`CN=Lee\, Ann,OU=Sales,OU=Corp`))
		if err != nil || lee.DisplayName != "Lee, Ann" {
			t.Errorf("user with a comma: %+v %v", lee, err)
		}
		if _, err := d.User(ctx, dn("CN=Nobody,OU=Sales,OU=Corp")); !errors.Is(err, ErrNoSuchObject) {
			t.Errorf("missing user: %v", err)
		}
		if _, err := d.User(ctx, "not a dn"); err == nil {
			t.Error("malformed DN accepted")
		}
	})

	t.Run("resolve", func(t *testing.T) {
		one := func(id, wantSAM string) {
			t.Helper()
			us, err := d.Resolve(ctx, id)
			if err != nil || len(us) != 1 || us[0].SAMAccountName != wantSAM {
				t.Errorf("Resolve(%q) = %d users, %v; want %s", id, len(us), err, wantSAM)
			}
		}
		one("ipetrov", "ipetrov")
		one("IPETROV", "ipetrov")
		one("ipetrov@corp.example", "ipetrov")
		one("sip:ipetrov@corp.example", "ipetrov")
		one("bea.novak@contractors.corp.example", "bnovak")
		one("b.novak@corp.example", "bnovak")
		one(dn("CN=Ivan Petrov,OU=Sales,OU=Corp"), "ipetrov")
		// The name ADUC shows: displayName, or cn, exactly.
		one("ivan petrov", "ipetrov")
		one("Lee, Ann", "annlee2")
		us, err := d.Resolve(ctx, "sip:alee@corp.example")
		if err != nil || len(us) != 2 {
			t.Errorf("shared SIP address resolves to %d users, %v; want 2", len(us), err)
		}
		if _, err := d.Resolve(ctx, "nobody-here"); !errors.Is(err, ErrNoSuchObject) {
			t.Errorf("unknown user: %v", err)
		}
		// Meant as a DN, mistyped: say so rather than "no such user".
		if _, err := d.Resolve(ctx, dn("CN=Ivan Petrov,,OU=Sales,OU=Corp")); !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), "not a valid distinguished name") {
			t.Errorf("malformed DN: %v", err)
		}
	})

	t.Run("search escaping", func(t *testing.T) {
		tests := []struct {
			text string
			want []string
		}{
			{"*", []string{"zmiller"}},
			{"(", []string{"ycosta"}},
			{"(Contractor)", []string{"ycosta"}},
			{`\`, nil},
			{")(cn=*", nil},
			{"jürgen", []string{"jgross"}},
			{"Groß", []string{"jgross"}},
			{"PETROV", []string{"ipetrov"}},
			{"sip:gstacy@", []string{"gstacy"}},
		}
		for _, tt := range tests {
			us, err := d.Search(ctx, demoBase, tt.text, 50)
			if err != nil {
				t.Errorf("Search(%q): %v", tt.text, err)
				continue
			}
			var got []string
			for _, u := range us {
				got = append(got, u.SAMAccountName)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.text, got, tt.want)
			}
		}
		if us, _ := d.Search(ctx, demoBase, "corp.example", 5); len(us) != 5 {
			t.Errorf("limit 5 gave %d", len(us))
		}
	})

	t.Run("pools", func(t *testing.T) {
		poolsList, err := d.Pools(ctx)
		pools := poolsList.Pools
		if err != nil {
			t.Fatal(err)
		}
		hosts := map[string]string{}
		for _, p := range pools {
			hosts[p.Host] = p.Container
			if !SameDN(p.HomeServerDN, HomeServerPrefix+p.DN) {
				t.Errorf("pool %s home-server DN %s", p.DN, p.HomeServerDN)
			}
		}
		want := map[string]string{"pool01.corp.example": "Configuration", "poolr2.corp.example": "Configuration", "ocs2007-se.corp.example": "System"}
		for h, c := range want {
			if hosts[h] != c {
				t.Errorf("pool %s in %q, want %q (pools %v)", h, hosts[h], c, hosts)
			}
		}
	})

	t.Run("SIP address holders", func(t *testing.T) {
		got, err := d.SIPAddressHolders(ctx, "SIP:ALEE@corp.example")
		if err != nil || len(got) != 2 {
			t.Errorf("holders of sip:alee = %v, %v", got, err)
		}
		if got, _ := d.SIPAddressHolders(ctx, "sip:nobody@corp.example"); len(got) != 0 {
			t.Errorf("holders of an unused address: %v", got)
		}
		// Pat Quinn's address is stored without sip:; it still claims it.
		if got, err := d.SIPAddressHolders(ctx, "sip:PQUINN@corp.example"); err != nil || len(got) != 1 || !SameDN(got[0], dn("CN=Pat Quinn,OU=Engineering,OU=Corp")) {
			t.Errorf("holders of sip:pquinn (stored as pquinn@corp.example) = %v, %v", got, err)
		}
	})

	t.Run("SIP addresses index", func(t *testing.T) {
		// The index a multi-user audit reads once must answer as
		// SIPAddressHolders does, over the same scope: read whole, and
		// read for a list of names.
		asks := []string{"SIP:ALEE@corp.example", "sip:nobody@corp.example", "sip:PQUINN@corp.example", "pquinn@CORP.example"}
		whole, err := ReadSIPIndex(ctx, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		listed, err := ReadSIPIndex(ctx, d, asks)
		if err != nil {
			t.Fatal(err)
		}
		if whole.Len() < c.bigCount/2 {
			t.Errorf("the whole index holds %d addresses; the big OU alone has about %d", whole.Len(), c.bigCount)
		}
		if listed.Len() > 3 {
			t.Errorf("the index read for %d names holds %d addresses", len(asks), listed.Len())
		}
		for _, a := range asks {
			want, err := d.SIPAddressHolders(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			for name, x := range map[string]*SIPIndex{"whole": whole, "listed": listed} {
				if got := x.Holders(a); !sameDNSet(got, want) {
					t.Errorf("%s index: holders of %s = %v, SIPAddressHolders says %v", name, a, got, want)
				}
			}
		}
		// A sample of the big OU: every user's own address is held by it.
		checked := 0
		err = d.Users(ctx, c.bigOU, OneLevel, func(b Batch) error {
			for _, u := range b.Users {
				if !u.OCS.SIPAddress.Set || checked >= 20 {
					continue
				}
				checked++
				if hs := whole.Holders(u.OCS.SIPAddress.V); !slices.ContainsFunc(hs, func(h string) bool { return SameDN(h, u.DN) }) {
					t.Errorf("the index does not have %s holding %s: %v", u.DN, u.OCS.SIPAddress.V, hs)
				}
			}
			return nil
		})
		if err != nil || checked == 0 {
			t.Errorf("checked %d users of %s: %v", checked, c.bigOU, err)
		}
		stop := errors.New("stop")
		if err := d.SIPAddresses(ctx, nil, func(string, string) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("SIPAddresses with a failing fn: %v, want its error", err)
		}
	})

	t.Run("readiness of every demo state", func(t *testing.T) { checkDemoReadiness(t, d) })

	t.Run("forest attributes and policy names", func(t *testing.T) {
		// The resource-forest account: disabled, its OriginatorSid read from
		// the binary SID AD stores, its policies named by their objects.
		rhea, err := d.User(ctx, dn("CN=Rhea Stone,OU=Resource-Forest"))
		if err != nil {
			t.Fatal(err)
		}
		if !rhea.Disabled || rhea.OCS.OriginatorSid.V != "S-1-5-21-3623811015-3361044348-30300820-1014" {
			t.Errorf("Rhea Stone: disabled %v, OriginatorSid %+v", rhea.Disabled, rhea.OCS.OriginatorSid)
		}
		refs := ReferencedDNs(rhea.OCS)
		if len(refs) != 2 {
			t.Fatalf("policies of Rhea Stone: %v", rhea.OCS.Policies)
		}
		n, ok := d.(Namer)
		if !ok {
			t.Skip("this adapter reads no object names")
		}
		names, err := n.ObjectNames(ctx, append(refs, dn("CN=Nothing Here,CN=Users")))
		if err != nil {
			t.Fatal(err)
		}
		if names[NormDN(refs[0])] != "Meetings without recording" || names[NormDN(refs[1])] != "Local and long distance" || len(names) != 2 {
			t.Errorf("policy names: %v", names)
		}
		yusuf, _ := d.User(ctx, dn("CN=Yusuf Ali,OU=Partners"))
		if yusuf.Kind != KindContact || !yusuf.OCS.OriginatorSid.Set || !slices.Contains(yusuf.ProxyAddresses, "sip:yusuf@partner.example") {
			t.Errorf("Yusuf Ali: kind %v, OriginatorSid %+v, proxyAddresses %v", yusuf.Kind, yusuf.OCS.OriginatorSid, yusuf.ProxyAddresses)
		}
	})

	// The write tests use users no read test looks at.
	julia := dn("CN=Julia Roberts,OU=Sales,OU=Corp")

	t.Run("compare-and-swap", func(t *testing.T) {
		before, err := d.User(ctx, julia)
		if err != nil {
			t.Fatal(err)
		}
		ch, want, err := Plan(before, flags.Change{Flags: flags.Toggle(before.OCS.OptionFlags.V, flags.PublicIM)})
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Apply(ctx, ch)
		if err != nil {
			t.Fatal(err)
		}
		if got.OCS.OptionFlags != want.OptionFlags {
			t.Errorf("after Apply: %v, want %v", got.OCS.OptionFlags, want.OptionFlags)
		}
		if got.ChangeMarker == before.ChangeMarker && !c.openLDAP {
			t.Error("change marker did not move")
		}
		again, _ := d.User(ctx, julia)
		if again.OCS.OptionFlags != want.OptionFlags || again.OCS.OptionFlags.V^before.OCS.OptionFlags.V != flags.PublicIM {
			t.Errorf("re-read %v, before %v: exactly bit 1 must differ", again.OCS.OptionFlags, before.OCS.OptionFlags)
		}

		// Stale: the same change again expects the old value.
		_, err = d.Apply(ctx, ch)
		var ce *ConflictError
		if !errors.As(err, &ce) || !errors.Is(err, ErrConflict) {
			t.Fatalf("stale CAS: %v", err)
		}
		if ce.Current.OCS.OptionFlags != want.OptionFlags || !slices.Contains(ce.Attrs, flags.AttrOptionFlags) {
			t.Errorf("conflict carries %+v / %v", ce.Current.OCS.OptionFlags, ce.Attrs)
		}
		if now, _ := d.User(ctx, julia); now.OCS.OptionFlags != want.OptionFlags {
			t.Errorf("stale CAS changed the value to %v", now.OCS.OptionFlags)
		}

		// Someone set it meanwhile: expecting absent when it is present.
		line := "tel:+14255550199"
		cur, _ := d.User(ctx, julia)
		if cur.OCS.Line.Set {
			if _, err := d.Apply(ctx, Change{DN: julia, Edits: []flags.AttrEdit{{Attr: flags.AttrLine, Old: flags.Some(cur.OCS.Line.V)}}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Apply(ctx, Change{DN: julia, Edits: []flags.AttrEdit{{Attr: flags.AttrLine, New: flags.Some(line)}}}); err != nil {
			t.Fatal(err)
		}
		_, err = d.Apply(ctx, Change{DN: julia, Edits: []flags.AttrEdit{{Attr: flags.AttrLine, New: flags.Some("tel:+1999")}}})
		if !errors.As(err, &ce) {
			t.Errorf("adding a value someone set meanwhile: %v", err)
		}
		if now, _ := d.User(ctx, julia); now.OCS.Line.V != line {
			t.Errorf("Line is %q after a refused add", now.OCS.Line.V)
		}
	})

	t.Run("all or nothing", func(t *testing.T) {
		before, _ := d.User(ctx, julia)
		stale := flags.FormatAD(before.OCS.OptionFlags.V ^ flags.AnonymousParticipants)
		ch := Change{DN: julia, Edits: []flags.AttrEdit{
			{Attr: flags.AttrFederationEnabled, Old: flags.Some(flags.FormatADBool(before.OCS.Federation.V)), New: flags.Some(flags.FormatADBool(!before.OCS.Federation.V))},
			{Attr: flags.AttrOptionFlags, Old: flags.Some(stale), New: flags.Some("256")},
		}}
		if !before.OCS.Federation.Set {
			ch.Edits[0].Old = flags.Opt[string]{}
		}
		if _, err := d.Apply(ctx, ch); !errors.Is(err, ErrConflict) {
			t.Fatalf("half-stale change: %v", err)
		}
		after, _ := d.User(ctx, julia)
		if after.OCS.Federation != before.OCS.Federation || after.OCS.OptionFlags != before.OCS.OptionFlags {
			t.Errorf("a refused change wrote part of itself: %+v -> %+v", before.OCS, after.OCS)
		}
	})

	t.Run("typed errors", func(t *testing.T) {
		before, _ := d.User(ctx, julia)
		enabled := flags.Some(flags.FormatADBool(before.OCS.Enabled.V))
		if _, err := d.Apply(ctx, Change{DN: dn("CN=Nobody,OU=Sales,OU=Corp"), Edits: []flags.AttrEdit{{Attr: flags.AttrLine, New: flags.Some("tel:+1")}}}); !errors.Is(err, ErrNoSuchObject) {
			t.Errorf("write to a missing user: %v", err)
		}
		for _, bad := range []flags.AttrEdit{
			{Attr: flags.AttrUserEnabled, Old: enabled, New: flags.Some("true")},
			{Attr: flags.AttrOptionFlags, Old: flags.Some(flags.FormatAD(before.OCS.OptionFlags.V)), New: flags.Some("abc")},
			{Attr: flags.AttrPrimaryHomeServer, Old: flags.Some(before.OCS.HomeServer.V), New: flags.Some("pool01.corp.example")},
		} {
			_, err := d.Apply(ctx, Change{DN: julia, Edits: []flags.AttrEdit{bad}})
			var de *Error
			if !errors.Is(err, ErrInvalidValue) || !errors.As(err, &de) || !strings.Contains(err.Error(), bad.Attr) {
				t.Errorf("%s = %q: %v", bad.Attr, bad.New.V, err)
			}
		}
		// A DN that names nothing: AD refuses it (no such object or invalid
		// value, depending on the DC); either way nothing is written.
		_, err := d.Apply(ctx, Change{DN: julia, Edits: []flags.AttrEdit{{Attr: flags.AttrPrimaryHomeServer, Old: flags.Some(before.OCS.HomeServer.V), New: flags.Some(HomeServerPrefix + dn("CN=gone,CN=Users"))}}})
		if !errors.Is(err, ErrInvalidValue) && !errors.Is(err, ErrNoSuchObject) && !c.openLDAP {
			t.Errorf("home server naming nothing: %v", err)
		}
		if err == nil {
			// OpenLDAP took it: put the value back for the check below.
			cur, _ := d.User(ctx, julia)
			if _, err := d.Apply(ctx, Change{DN: julia, Edits: flags.Edits(cur.OCS, before.OCS)}); err != nil {
				t.Errorf("put the home server back: %v", err)
			}
		}
		if after, _ := d.User(ctx, julia); !maps.Equal(encodeDNs(after.OCS), encodeDNs(before.OCS)) {
			t.Errorf("refused writes changed the user: %v, want %v", encodeDNs(after.OCS), encodeDNs(before.OCS))
		}
	})

	t.Run("enable, disable, re-enable", func(t *testing.T) {
		xavier := dn("CN=Xavier Dupont,OU=Engineering,OU=Corp")
		before, err := d.User(ctx, xavier)
		if err != nil {
			t.Fatal(err)
		}
		// Put Xavier back as the demo has him (never enabled), so the
		// readiness test of the next run against the same DC still holds.
		t.Cleanup(func() {
			cur, err := d.User(ctx, xavier)
			if err != nil {
				t.Error(err)
				return
			}
			if eds := flags.Edits(cur.OCS, before.OCS); len(eds) > 0 {
				if _, err := d.Apply(ctx, Change{DN: xavier, Edits: eds}); err != nil {
					t.Errorf("restore %s: %v", xavier, err)
				}
			}
		})
		poolsList, err := d.Pools(ctx)
		pools := poolsList.Pools
		if err != nil {
			t.Fatal(err)
		}
		var pool Pool // the OCS 2007 pool in the System container
		for _, p := range pools {
			if p.Host == "ocs2007-se.corp.example" {
				pool = p
			}
		}
		if pool.DN == "" {
			t.Fatalf("no ocs2007-se pool among %+v", pools)
		}
		// A second user whose mail is already someone's sign-in name: the
		// check must find the holder in the directory, not in the batch.
		clash := before
		clash.DN, clash.Mail = dn("CN=Clash,OU=Engineering,OU=Corp"), "ipetrov@corp.example"
		plans, err := PlanEnable(ctx, d, []User{before, clash}, pool, PatternMail, "corp.example")
		if err != nil {
			t.Fatal(err)
		}
		if plans[0].Skip != "" || plans[0].Address != "sip:xdupont@corp.example" {
			t.Fatalf("plan for xdupont: %+v", plans[0])
		}
		if !strings.Contains(plans[1].Skip, "Ivan Petrov") {
			t.Errorf("an address held in the directory is not skipped: %+v", plans[1])
		}
		res := ApplyEnable(ctx, d, plans[:1], nil)
		if res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		enabled, _ := d.User(ctx, xavier)
		fs, err := Audit(ctx, d, enabled, NewPoolSetFrom(poolsList))
		if err != nil || !flags.Ready(fs) {
			t.Errorf("not ready after enabling (%v): %+v", err, fs)
		}
		if want := before.OCS.OptionFlags.V | flags.EnhancedPresence; enabled.OCS.OptionFlags.V != want || !SameDN(enabled.OCS.HomeServer.V, pool.HomeServerDN) {
			t.Errorf("enabled as %+v; want OptionFlags %d on %s", enabled.OCS, want, pool.HomeServerDN)
		}

		// Disable touches UserEnabled alone; re-enable gives back the user
		// exactly as enabled.
		if _, _, err := Update(ctx, d, xavier, flags.Change{Enabled: flags.Some(false)}, 3); err != nil {
			t.Fatal(err)
		}
		disabled, _ := d.User(ctx, xavier)
		want := enabled.OCS.Encode()
		want[flags.AttrUserEnabled] = "FALSE"
		if got := disabled.OCS.Encode(); !maps.Equal(got, want) {
			t.Errorf("disable: %v, want %v", got, want)
		}
		if _, _, err := Update(ctx, d, xavier, flags.Change{Enabled: flags.Some(true)}, 3); err != nil {
			t.Fatal(err)
		}
		if again, _ := d.User(ctx, xavier); !maps.Equal(again.OCS.Encode(), enabled.OCS.Encode()) {
			t.Errorf("re-enable: %v, want %v", again.OCS.Encode(), enabled.OCS.Encode())
		}
	})

	t.Run("concurrent writers lose no update", func(t *testing.T) {
		ada := dn("CN=Ada Lovelace,CN=Users")
		start, err := d.User(ctx, ada)
		if err != nil {
			t.Fatal(err)
		}
		// Each writer touches one bit: writers on even bits set them, on odd
		// bits clear them. Bit 8 (one-way) is left alone.
		var bits []flags.Value
		for b := range 32 {
			if b != 8 {
				bits = append(bits, 1<<b)
			}
		}
		want := start.OCS.OptionFlags.V
		var wg sync.WaitGroup
		errs := make(chan error, c.writers)
		for i := range c.writers {
			b := bits[i%len(bits)]
			delta := flags.Delta{Set: b}
			if flags.BitIndex(b)%2 == 1 {
				delta = flags.Delta{Clear: b}
			}
			want, _ = delta.Apply(want)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := Update(ctx, d, ada, flags.Change{Flags: delta}, 1000); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		end, _ := d.User(ctx, ada)
		if end.OCS.OptionFlags.V != want {
			t.Errorf("after %d racing writers: %d (%s), want %d (%s)", c.writers, end.OCS.OptionFlags.V, end.OCS.OptionFlags.V.Binary(), want, want.Binary())
		}
		// Put the even bits back so a re-run starts from a similar state.
		restore := flags.Diff(end.OCS.OptionFlags.V, start.OCS.OptionFlags.V|flags.EnhancedPresence)
		if _, _, err := Update(ctx, d, ada, flags.Change{Flags: flags.Delta{Clear: restore.Clear &^ flags.EnhancedPresence, Set: restore.Set}}, 10); err != nil {
			t.Error(err)
		}
	})
}

// encodeDNs is Settings.Encode with DN values in one canonical form: a
// server may write a DN it stores with other letter case (OpenLDAP:
// cn=, dc=), which names the same object.
func encodeDNs(s flags.Settings) map[string]string {
	m := s.Encode()
	for k, v := range m {
		if flags.AttributeSyntax(k) == flags.SyntaxDN {
			m[k] = NormDN(v)
		}
	}
	return m
}

// sameDNSet reports whether a and b name the same objects, in any order.
func sameDNSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y string) bool { return SameDN(x, y) }) {
			return false
		}
	}
	return true
}
