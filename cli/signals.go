package cli

import (
	"context"
	"errors"
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

// signalRouter takes env.Signals for the whole run. While the console
// runs they go to it (it shows what it waits for and restores the
// terminal); otherwise the first cancels the command's context, which stops
// reads, a password prompt and later writes, but not a write already sent
// (the adapter's deadline ends it), so its outcome can still be told and
// journaled; a second exits at once.
type signalRouter struct {
	env    Env
	cancel context.CancelFunc
	mu     sync.Mutex
	got    os.Signal
	ui     chan os.Signal
}

// routeSignals starts the router; without env.Signals it does nothing.
func routeSignals(ctx context.Context, env Env) (context.Context, *signalRouter) {
	ctx, cancel := context.WithCancel(ctx)
	r := &signalRouter{env: env, cancel: cancel}
	if env.Signals != nil {
		go r.run()
	}
	return ctx, r
}

func (r *signalRouter) run() {
	for sig := range r.env.Signals {
		r.mu.Lock()
		first, toUI := r.got == nil, r.ui
		if first {
			r.got = sig
		}
		r.mu.Unlock()
		name := ui.SignalName(sig)
		switch {
		case toUI != nil:
			select {
			case toUI <- sig:
			default:
			}
		case first:
			fmt.Fprintf(r.env.Stderr, "ocsflags: %s: stopping; a write already sent is finished and its outcome journaled first (%s again quits at once)\n", name, name)
			r.cancel()
		default:
			fmt.Fprintf(r.env.Stderr, "ocsflags: %s again: quitting at once; a write in flight stays in the journal as intended, outcome unknown\n", name)
			r.env.exit(SignalExitCode(sig))
			return
		}
	}
}

// toUI hands the signals to the console from now on; nil without signals.
func (r *signalRouter) toUI() <-chan os.Signal {
	if r.env.Signals == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ui = make(chan os.Signal, 2)
	return r.ui
}

// received is the first signal that came, or nil.
func (r *signalRouter) received() os.Signal {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got
}

func (env Env) exit(code int) {
	if env.Exit != nil {
		env.Exit(code)
		return
	}
	os.Exit(code)
}

// stoppedAfterWrite is a write that landed and whose reading back a signal
// stopped: nothing failed, and Main names the signal.
type stoppedAfterWrite struct{ dn string }

func (e *stoppedAfterWrite) Error() string {
	return e.dn + ": stopped after the write was applied: written; not read back"
}

// stoppedText says what a signal stopped, for Main.
func stoppedText(err error, sig os.Signal) (string, bool) {
	var sw *stoppedAfterWrite
	if !errors.As(err, &sw) {
		return "", false
	}
	return fmt.Sprintf("%s: stopped by %s after the write was applied: written; not read back", sw.dn, ui.SignalName(sig)), true
}
