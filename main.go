// Command ocsflags is a terminal console for the msRTCSIP-OptionFlags and
// other Office Communications Server 2007 / R2 user settings in Active
// Directory. See README.md.
package main

import (
	"context"
	"os"

	"ocsflags/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		TTYPassword: cli.TerminalPassword,
	}))
}
