package ui

import (
	"fmt"
	"os"
	"sync"
	"syscall"

	tea "charm.land/bubbletea/v2"
)

// SignalError is what Run returns when a signal ended the console: the
// caller exits 128 + the signal's number.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string {
	return "the console was stopped by " + SignalName(e.Signal)
}

// SignalName is a signal as admins write it: SIGTERM, not "terminated".
func SignalName(sig os.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return fmt.Sprint(sig)
}

// signalMsg is a stop signal (SIGINT, SIGTERM, SIGHUP) the console got.
type signalMsg struct{ sig os.Signal }

// signalRelay hands the signals of sigs to the program: the first as a
// message, so a write in flight ends and is journaled before the console
// quits; the second kills the program at once (the terminal is restored).
type signalRelay struct {
	mu  sync.Mutex
	got os.Signal
}

func (r *signalRelay) run(p *tea.Program, sigs <-chan os.Signal, done <-chan struct{}) {
	if sigs == nil {
		return
	}
	for n := 0; ; n++ {
		var sig os.Signal
		select {
		case sig = <-sigs:
		case <-done:
			return
		}
		r.mu.Lock()
		if r.got == nil {
			r.got = sig
		}
		r.mu.Unlock()
		if n == 0 {
			p.Send(signalMsg{sig: sig})
			continue
		}
		p.Kill()
		return
	}
}

func (r *signalRelay) signal() os.Signal {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got
}

// onSignal quits now when nothing is being written, else once the writes
// in flight have ended and their outcomes are journaled. Edits still
// pending are not asked about: after SIGHUP there is nobody to ask.
func (m *Model) onSignal(msg signalMsg) tea.Cmd {
	m.signal = msg.sig
	if !m.writing() {
		m.browse.List.Stop()
		return tea.Quit
	}
	m.quitting = true
	m.stack.stop()
	name := SignalName(msg.sig)
	m.setStatus(name + ": quitting once the write in flight has ended and its outcome is journaled; " + name + " again quits at once")
	return nil
}
