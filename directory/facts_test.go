package directory

import (
	"context"
	"reflect"
	"testing"

	"ocsflags/flags"
)

// Facts are the Auditor's judgement of a user plus the pool's host: for
// every demo user the findings and verdict are the rules' on the Auditor's
// input, and the pool is the host of the pool the home server names.
func TestAuditorFacts(t *testing.T) {
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
	a := &Auditor{Pools: pools, Scope: m.Info().SIPScope}
	n, pooled, unpooled := 0, 0, 0
	err = UsersWithSIPIndex(ctx, m, demoBase, Subtree, func(x *SIPIndex, us []User) error {
		a.SIP = x
		for _, u := range us {
			n++
			f := a.Facts(u)
			want := flags.Audit(a.Input(u))
			if !reflect.DeepEqual(f.Findings, want) || f.Verdict != flags.Judge(want) || !reflect.DeepEqual(f.Settings, u.OCS) {
				t.Errorf("%s: facts %+v, want findings %+v", u.DN, f, want)
			}
			p, ok := pools.ByHomeServer(u.OCS.HomeServer.V)
			switch {
			case ok && f.Pool != p.Host:
				t.Errorf("%s: pool %q, want %q", u.DN, f.Pool, p.Host)
			case !ok && f.Pool != "":
				t.Errorf("%s: home server %q is no pool, but pool %q", u.DN, u.OCS.HomeServer.V, f.Pool)
			case ok:
				pooled++
			case u.OCS.HomeServer.Set:
				unpooled++
			}
		}
		return nil
	})
	if err != nil || n < 90 || pooled == 0 || unpooled == 0 {
		t.Fatalf("%d users (%d on a pool, %d on something else): %v", n, pooled, unpooled, err)
	}
}
