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
	return Change{DN: u.DN, Edits: Edits(u.OCS, after), SAM: u.SAMAccountName}, after, nil
}

// Edits is flags.Edits with DN values compared as DNs, as AD matches them:
// a home server that names the pool already stored, spelled in another
// case (CN=pool01 and cn=pool01), is no edit, so nothing is written for it.
func Edits(before, after flags.Settings) []flags.AttrEdit {
	var out []flags.AttrEdit
	for _, e := range flags.Edits(before, after) {
		if e.Old.Set && e.New.Set && flags.AttributeSyntax(e.Attr) == flags.SyntaxDN && SameDN(e.Old.V, e.New.V) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Update applies c to the user at dn, re-reading and re-applying the same
// intent when someone else changed the user meanwhile (a rebase), up to
// tries attempts. Because c is a delta, the rebase keeps the other writer's
// changes. It returns the user before the successful write and after it.
func Update(ctx context.Context, d Directory, dn string, c flags.Change, tries int) (before, after User, err error) {
	r, err := UpdateDetail(ctx, d, dn, c, tries)
	return r.Before, r.After, err
}

// UpdateResult is what an update did, so that a report can tell this
// write's own delta from what others changed meanwhile.
type UpdateResult struct {
	// Read is the user as first read; Before is the read the successful
	// write was made on (a later one after a rebase), so the edits from
	// Read to Before are other writers'; After is the user read back.
	Read, Before, After User
	// Sent is the change written: this write's own delta. It has no edits
	// when the directory already held the intent.
	Sent Change
	// Attempts is how many writes were tried.
	Attempts int
}

// UpdateDetail is Update, saying what was written.
func UpdateDetail(ctx context.Context, d Directory, dn string, c flags.Change, tries int) (UpdateResult, error) {
	cur, err := d.User(ctx, dn)
	if err != nil {
		return UpdateResult{}, err
	}
	return UpdateFromDetail(ctx, d, cur, c, tries)
}

// UpdateFrom is Update from a read the caller already made (a plan shown to
// the admin): the first write expects what that read saw. A conflict is
// rebased only where c is a delta (bit masks) or where the attributes c sets
// outright still hold what was read; when another writer changed a value c
// sets outright (a sign-in name, a pool, a line), writing c would overwrite
// theirs, so the conflict is returned instead.
func UpdateFrom(ctx context.Context, d Directory, cur User, c flags.Change, tries int) (before, after User, err error) {
	r, err := UpdateFromDetail(ctx, d, cur, c, tries)
	return r.Before, r.After, err
}

// UpdateFromDetail is UpdateFrom, saying what was written. On an error,
// Before and After are the last read and Sent the last change tried.
func UpdateFromDetail(ctx context.Context, d Directory, cur User, c flags.Change, tries int) (UpdateResult, error) {
	r := UpdateResult{Read: cur}
	for attempt := 1; ; attempt++ {
		r.Before, r.After = cur, cur
		ch, _, err := Plan(cur, c)
		if err != nil {
			return r, err
		}
		r.Sent = ch
		if len(ch.Edits) == 0 {
			return r, nil
		}
		r.Attempts = attempt
		got, err := d.Apply(ctx, ch)
		if err == nil {
			r.After = got
			return r, nil
		}
		var ce *ConflictError
		if !errors.As(err, &ce) || attempt >= tries || absoluteChanged(c, cur.OCS, ce.Current.OCS) {
			return r, err
		}
		cur = ce.Current
	}
}

// absoluteChanged reports whether an attribute c sets to a value (not a
// bit delta) differs between two reads.
func absoluteChanged(c flags.Change, a, b flags.Settings) bool {
	removes := func(r flags.Removal) bool { return c.Remove&r != 0 }
	return (c.Enabled.Set || removes(flags.RemoveEnabled)) && a.Enabled != b.Enabled ||
		(c.Federation.Set || removes(flags.RemoveFederation)) && a.Federation != b.Federation ||
		(c.RemoteAccess.Set || removes(flags.RemoveRemoteAccess)) && a.RemoteAccess != b.RemoteAccess ||
		c.SIPAddress.Set && a.SIPAddress != b.SIPAddress ||
		c.HomeServer.Set && a.HomeServer != b.HomeServer ||
		c.Line.Set && a.Line != b.Line ||
		c.LineServer.Set && a.LineServer != b.LineServer
}
