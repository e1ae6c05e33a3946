package directory

import (
	"context"
	"testing"
)

func TestDemoLoads(t *testing.T) {
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	nc, _ := m.NamingContexts(context.Background())
	if nc.Default != "DC=corp,DC=example" {
		t.Errorf("default NC = %q", nc.Default)
	}
	n := 0
	if err := m.Users(context.Background(), nc.Default, Subtree, func(b Batch) error { n += len(b.Users); return nil }); err != nil {
		t.Fatal(err)
	}
	if n != StaffCount+59 {
		t.Errorf("demo has %d users and contacts, want %d", n, StaffCount+59)
	}
	poolsList, _ := m.Pools(context.Background())
	pools := poolsList.Pools
	if len(pools) != 3 {
		t.Errorf("pools = %+v", pools)
	}
}
