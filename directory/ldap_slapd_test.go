package directory

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

func dialSlapd(t testing.TB) (*LDAP, slapdEnv) {
	t.Helper()
	env := requireSlapd(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := DialLDAP(ctx, env.config())
	if err != nil {
		t.Fatalf("DialLDAP(%s as %s): %v", env.URL, env.BindDN, err)
	}
	t.Cleanup(func() { l.Close() })
	return l, env
}

// The server really stops at 1000 entries without paging, so the complete
// listing below proves the paging loop and not a lenient server.
func TestLDAPSlapdSizeLimitWithoutPaging(t *testing.T) {
	env := requireSlapd(t)
	c, err := ldap.DialURL(env.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Bind(env.BindDN, env.Password); err != nil {
		t.Fatalf("bind as %s: %v", env.BindDN, err)
	}
	res, err := c.Search(ldap.NewSearchRequest(env.PagingOU, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=user)", []string{"cn"}, nil))
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		t.Fatalf("a search without paging: err = %v, want sizeLimitExceeded (is size.hard=1000 set?)", err)
	}
	if res == nil || len(res.Entries) > MaxPageSize {
		t.Fatalf("non-paged search returned %d entries", len(res.Entries))
	}
}

func TestLDAPSlapdPagingListsEveryUser(t *testing.T) {
	l, env := dialSlapd(t)
	if !l.PagingSupported() {
		t.Fatal("slapd did not announce the paged-results control")
	}
	seen := make(map[string]bool, env.PagingCount)
	batches, lastDone := 0, 0
	start := time.Now()
	var first time.Duration
	err := l.Users(context.Background(), env.PagingOU, OneLevel, func(b Batch) error {
		if batches == 0 {
			first = time.Since(start)
		}
		batches++
		if len(b.Users) > MaxPageSize {
			t.Errorf("batch of %d users, want at most %d", len(b.Users), MaxPageSize)
		}
		if b.Done != lastDone+len(b.Users) || b.Total != -1 {
			t.Errorf("batch Done=%d Total=%d after %d", b.Done, b.Total, lastDone)
		}
		lastDone = b.Done
		for _, u := range b.Users {
			k := NormDN(u.DN)
			if seen[k] {
				t.Errorf("%s delivered twice", u.DN)
			}
			seen[k] = true
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Users(%s): %v", env.PagingOU, err)
	}
	if len(seen) != env.PagingCount {
		t.Fatalf("listed %d users of %s, want %d", len(seen), env.PagingOU, env.PagingCount)
	}
	t.Logf("%d users in %d batches in %v; first batch after %v", len(seen), batches, time.Since(start), first)
}

func TestLDAPSlapdCancelStopsStream(t *testing.T) {
	l, env := dialSlapd(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := 0
	err := l.Users(ctx, env.PagingOU, OneLevel, func(b Batch) error {
		got += len(b.Users)
		if got >= 2*MaxPageSize {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Users after cancel: err = %v, want context.Canceled", err)
	}
	if got > 2*MaxPageSize {
		t.Fatalf("%d users delivered after cancelling at %d", got, 2*MaxPageSize)
	}
	// fn's own error stops the stream too, and the connection stays usable
	// (the abandoned paged search was released, not left blocking).
	stop := errors.New("enough")
	err = l.Users(context.Background(), env.PagingOU, OneLevel, func(b Batch) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("Users with failing fn: err = %v, want %v", err, stop)
	}
	us, err := l.Search(context.Background(), env.PagingOU, "", 5)
	if err != nil || len(us) != 5 {
		t.Fatalf("Search after the cancelled streams: %d users, %v", len(us), err)
	}
}

func TestLDAPSlapdSearchLimit(t *testing.T) {
	l, env := dialSlapd(t)
	us, err := l.Search(context.Background(), env.PagingOU, "", 1500)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 1500 {
		t.Fatalf("Search limit 1500 returned %d", len(us))
	}
}
