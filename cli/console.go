package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/charmbracelet/x/term"

	"ocsflags/directory"
	"ocsflags/termtext"
	"ocsflags/ui"
)

func runConsole(ctx context.Context, args []string, env Env, sigs *signalRouter) error {
	fs := flag.NewFlagSet("ocsflags", flag.ContinueOnError)
	c := conn{console: true}
	c.register(fs)
	ou := fs.String("ou", "", "")
	user := fs.String("user", "", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("unexpected %s: the console takes options only (ocsflags help)", termtext.Quote(pos[0]))
	}
	// Checked before connecting, so nobody is asked for a password to be
	// told this afterwards.
	if !isTerminal(env.Stdin) || !isTerminal(env.Stdout) {
		return usageError("the console needs a terminal, and standard input or output is not one: " +
			"in scripts and pipes use the commands ocsflags audit, ocsflags set and ocsflags explain (ocsflags help)")
	}
	d, err := c.open(ctx, env)
	if err != nil {
		return err
	}
	defer d.Close()
	err = ui.Run(ctx, ui.Options{Dir: d, StartOU: *ou, User: *user, ReadOnly: c.readOnly, Signals: sigs.toUI()})
	if c.mem != nil && d.Info().InMemory {
		if n := c.mem.Applied(); n > 0 {
			printf(env.Stderr, "ocsflags: %s\n", vanished(n, d.Info()))
		}
	}
	return err
}

// vanished says that n changes written to an in-memory directory ended
// with the process: the console showed them as written.
func vanished(n int, info directory.Info) string {
	what, are := fmt.Sprintf("the %d changes", n), "are"
	if n == 1 {
		what, are = "the change", "is"
	}
	if info.Kind == "ldif" {
		return fmt.Sprintf("%s written to the LDIF export %s lived in memory only and %s gone now: the export is never modified; "+
			"open it with --changes-out FILE to keep the changes as LDIF to replay", what, info.Name, are)
	}
	return fmt.Sprintf("%s written to the demo directory lived in memory only and %s gone now", what, are)
}

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// isTerminal reports whether f is a terminal (an *os.File on a tty).
func isTerminal(f any) bool {
	fd, ok := f.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(fd.Fd())
}
