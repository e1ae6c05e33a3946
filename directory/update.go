package directory

import (
	"context"
	"errors"
	"fmt"

	"ocsflags/flags"
)

// Plan turns intent into a compare-and-swap change against what the user
// holds now. A change with no edits means nothing to write.
func Plan(u User, c flags.Change) (Change, flags.Settings, error) {
	after, err := u.OCS.Apply(c)
	if err != nil {
		return Change{}, u.OCS, fmt.Errorf("%s: %w", u.DN, err)
	}
	return Change{DN: u.DN, Edits: flags.Edits(u.OCS, after)}, after, nil
}

// Update applies c to the user at dn, re-reading and re-applying the same
// intent when someone else changed the user meanwhile (a rebase), up to
// tries attempts. Because c is a delta, the rebase keeps the other writer's
// changes. It returns the user before the successful write and after it.
func Update(ctx context.Context, d Directory, dn string, c flags.Change, tries int) (before, after User, err error) {
	cur, err := d.User(ctx, dn)
	if err != nil {
		return User{}, User{}, err
	}
	for attempt := 1; ; attempt++ {
		ch, _, err := Plan(cur, c)
		if err != nil {
			return cur, cur, err
		}
		if len(ch.Edits) == 0 {
			return cur, cur, nil
		}
		got, err := d.Apply(ctx, ch)
		if err == nil {
			return cur, got, nil
		}
		var ce *ConflictError
		if !errors.As(err, &ce) || attempt >= tries {
			return cur, cur, err
		}
		cur = ce.Current
	}
}
