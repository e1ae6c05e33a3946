package dctest

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TimeLDAPSearch runs the ldapsearch at path with args, its output thrown
// away as in the shell, outside b's timer, and says how long it took: the
// reference a benchmark of ours is compared with in the same run.
func TimeLDAPSearch(b *testing.B, path string, args []string) time.Duration {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	cmd := exec.Command(path, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("ldapsearch: %v\n%s", err, stderr.String())
	}
	return time.Since(start)
}
