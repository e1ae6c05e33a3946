// Command ocsflags is a terminal console for the msRTCSIP-OptionFlags and
// other Office Communications Server 2007 / R2 user settings in Active
// Directory. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"

	"ocsflags/cli"
)

func main() {
	// SIGINT, SIGTERM and SIGHUP never kill ocsflags mid-write: the command
	// (or the console) lets the write in flight end, journals its outcome
	// and exits 128+signal; a second one quits at once.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, cli.StopSignals...)
	os.Exit(cli.Main(context.Background(), os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		TTYPassword: cli.TerminalPassword, Signals: sigs,
	}))
}
