package cli

import (
	"context"
	"flag"

	"github.com/charmbracelet/x/term"

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
		return usageError("unexpected %q: the console takes options only (ocsflags help)", pos[0])
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
	return ui.Run(ctx, ui.Options{Dir: d, StartOU: *ou, User: *user, ReadOnly: c.readOnly, Signals: sigs.toUI()})
}

// isTerminal reports whether f is a terminal (an *os.File on a tty).
func isTerminal(f any) bool {
	fd, ok := f.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(fd.Fd())
}
