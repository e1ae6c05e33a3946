//go:build unix

package cli

import (
	"syscall"
	"time"
)

// cpuTimes are the CPU seconds (user and system) this process and its
// finished children have used: on a machine shared with other work they
// vary far less than wall-clock time, so the benchmarks report them next
// to it.
func cpuTimes() (self, children time.Duration) {
	var s, c syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &s)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &c)
	tv := func(r syscall.Rusage) time.Duration {
		return time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	return tv(s), tv(c)
}
