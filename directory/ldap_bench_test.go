package directory

import (
	"context"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"ocsflags/directory/dctest"
)

// BenchmarkLDAPStream100k streams the 100k-user OU of the slapd test server
// and reports, per full stream: seconds, milliseconds to the first batch,
// the heap retained per user when the caller keeps every user, and the ratio
// to `ldapsearch -E pr=1000/noprompt` fetching the same attributes (the bar
// is 1.3, first batch under 250 ms, under 1024 bytes per user).
func BenchmarkLDAPStream100k(b *testing.B) {
	l, env := dialSlapd(b)
	ctx := context.Background()

	// ldapsearch runs after each stream, with the timer stopped, so both see
	// the same machine (slapd shares its two cores with the Samba DC and
	// this process).
	ldapsearch, _ := exec.LookPath("ldapsearch")
	args := []string{"-x", "-H", env.URL, "-D", env.BindDN, "-y", env.PasswordFile, "-b", env.PagingOU,
		"-s", "one", "-E", "pr=1000/noprompt", "(objectClass=user)"}
	args = append(args, UserAttributes...)

	var total, first, reference time.Duration
	for i := 0; i < b.N; i++ {
		n := 0
		start := time.Now()
		err := l.Users(ctx, env.PagingOU, OneLevel, func(bt Batch) error {
			if n == 0 {
				first += time.Since(start)
			}
			n += len(bt.Users)
			return nil
		})
		total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if n != env.PagingCount {
			b.Fatalf("streamed %d users, want %d", n, env.PagingCount)
		}
		if ldapsearch != "" {
			reference += dctest.TimeLDAPSearch(b, ldapsearch, args)
		}
	}
	b.StopTimer()
	perStream := total.Seconds() / float64(b.N)
	b.ReportMetric(perStream, "s/stream")
	b.ReportMetric(float64(first.Microseconds())/1000/float64(b.N), "ms-first-batch")
	b.ReportMetric(retainedPerUser(b, l, env), "retained-B/user")
	if ldapsearch != "" {
		ref := reference.Seconds() / float64(b.N)
		b.ReportMetric(ref, "ldapsearch-s")
		b.ReportMetric(perStream/ref, "x-ldapsearch")
	} else {
		b.Log("ldapsearch not installed: no comparison")
	}
}

// retainedPerUser streams once more keeping every user, and measures the
// live heap that adds, after garbage collection, per user.
func retainedPerUser(b *testing.B, l *LDAP, env slapdEnv) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	var kept [][]User
	n := 0
	err := l.Users(context.Background(), env.PagingOU, OneLevel, func(bt Batch) error {
		kept = append(kept, bt.Users)
		n += len(bt.Users)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}
