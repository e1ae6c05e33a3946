package cli

import (
	"context"
	"flag"

	"ocsflags/ui"
)

func runConsole(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("ocsflags", flag.ContinueOnError)
	var c conn
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
	d, err := c.open(ctx, env)
	if err != nil {
		return err
	}
	defer d.Close()
	return ui.Run(ctx, ui.Options{Dir: d, StartOU: *ou, User: *user, ReadOnly: c.readOnly})
}
