package cli

import (
	"context"
	"fmt"
	"os"
	"sync"
	"syscall"

	"ocsflags/ui"
)

// StopSignals are the signals that stop ocsflags politely: the write in
// flight ends (or times out) and its outcome is journaled first; a second
// one quits at once.
var StopSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// SignalExitCode is the shell's code for a program ended by sig: 128 + its
// number (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
func SignalExitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return ExitError
}

// watchSignals returns ctx cancelled at the first signal from env.Signals,
// and a function that says which signal came (nil if none). Cancelling
// stops reads and later writes; a write already sent is not cut off (the
// adapter's deadline ends it), so its outcome can still be told and
// journaled. A second signal exits at once.
func watchSignals(ctx context.Context, env Env) (context.Context, func() os.Signal) {
	if env.Signals == nil {
		return ctx, func() os.Signal { return nil }
	}
	ctx, cancel := context.WithCancel(ctx)
	var mu sync.Mutex
	var got os.Signal
	go func() {
		sig := <-env.Signals
		mu.Lock()
		got = sig
		mu.Unlock()
		name := ui.SignalName(sig)
		fmt.Fprintf(env.Stderr, "ocsflags: %s: stopping once the write in flight has ended and its outcome is journaled (%s again quits at once)\n", name, name)
		cancel()
		sig = <-env.Signals
		fmt.Fprintf(env.Stderr, "ocsflags: %s again: quitting at once; a write in flight stays in the journal as intended, outcome unknown\n", ui.SignalName(sig))
		env.exit(SignalExitCode(sig))
	}()
	return ctx, func() os.Signal {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
}

func (env Env) exit(code int) {
	if env.Exit != nil {
		env.Exit(code)
		return
	}
	os.Exit(code)
}
