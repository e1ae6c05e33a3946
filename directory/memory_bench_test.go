package directory

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// BenchmarkMemoryStream100k streams 100,000 users and reports the time and
// bytes allocated per user (the batches handed to the caller), and how
// soon the first batch arrives.
func BenchmarkMemoryStream100k(b *testing.B) {
	const n = 100_000
	m := newMemory(Info{Kind: "demo"})
	m.nc = NamingContexts{Default: "DC=corp,DC=example", Configuration: "CN=Configuration,DC=corp,DC=example"}
	if err := m.Generate("OU=Big,DC=corp,DC=example", n); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var first time.Duration
	var before, after runtime.MemStats
	b.ReportAllocs()
	b.ResetTimer()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		start := time.Now()
		got := 0
		err := m.Users(ctx, "OU=Big,DC=corp,DC=example", OneLevel, func(bt Batch) error {
			if got == 0 {
				first += time.Since(start)
			}
			got += len(bt.Users)
			return nil
		})
		if err != nil || got != n {
			b.Fatalf("%d users, %v", got, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/user")
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/n, "B/user")
	b.ReportMetric(float64(first.Microseconds())/float64(b.N), "µs-to-first-batch")
}
