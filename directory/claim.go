package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ocsflags/flags"
)

// ClaimConflictError says that once a write had put a sign-in name to use,
// another object was found holding it too.
type ClaimConflictError struct {
	DN     string
	Addr   string
	Others []string
	// Undone is set when this write's claim was taken back; otherwise
	// UndoErr says why it could not be.
	Undone  bool
	UndoErr error
}

func (e *ClaimConflictError) Error() string {
	others := strings.Join(e.Others, " and ")
	if e.Undone {
		return fmt.Sprintf("%s was claimed at the same time by %s: this write of it to %s was undone, so at most one object holds it; choose another sign-in name", e.Addr, others, e.DN)
	}
	return fmt.Sprintf("%s is now also the sign-in name of %s, and undoing this write of it to %s failed (%v): two objects hold it and neither signs in reliably; give one of them another sign-in name", e.Addr, others, e.DN, e.UndoErr)
}

func (e *ClaimConflictError) Unwrap() error { return e.UndoErr }

// claimAttrs are the attributes through which a write puts a sign-in name
// to use (flags.ClaimedSIP): the name itself and the enabled flag.
var claimAttrs = []string{flags.AttrPrimaryUserAddress, flags.AttrUserEnabled}

// ConfirmClaim is the check after every write that put the sign-in name
// addr to use (flags.ClaimedSIP): the check before the write cannot see a
// claim racing it. It searches for addr again; when an object other than
// the written user holds it too, it undoes what sent did to claim the name
// (its edits of the sign-in name and of the enabled flag, nothing else) as
// a compare-and-swap expecting the values sent, journaled like any write,
// and returns a *ClaimConflictError with the user as it is then. The rule,
// whoever sees another holder after its own write undoes its own, keeps two
// racing claims from both staying: at most one remains (possibly none).
// Call it with a context the caller's cancellation does not end: it is part
// of finishing the write. after is the user as the write left it.
func ConfirmClaim(ctx context.Context, d Directory, addr string, sent Change, after User) (User, error) {
	if addr == "" {
		return after, nil
	}
	others, err := SIPTakenBy(ctx, d, addr, sent.DN)
	if err != nil {
		return after, fmt.Errorf("%s was written to %s, but checking afterwards that no other object claimed it at the same time failed: %w; search for it before relying on it", addr, sent.DN, err)
	}
	return undoClaim(ctx, d, addr, others, sent, after)
}

// undoClaim is ConfirmClaim once the other holders of addr are known (a
// bulk run reads them for all its claims at once): nothing to do without
// others, else the claim taken back.
func undoClaim(ctx context.Context, d Directory, addr string, others []string, sent Change, after User) (User, error) {
	if len(others) == 0 {
		return after, nil
	}
	ce := &ClaimConflictError{DN: sent.DN, Addr: addr, Others: others}
	undo := Change{DN: sent.DN, SAM: sent.SAM}
	for _, e := range sent.Edits {
		for _, a := range claimAttrs {
			if strings.EqualFold(e.Attr, a) {
				undo.Edits = append(undo.Edits, flags.AttrEdit{Attr: e.Attr, Old: e.New, New: e.Old})
			}
		}
	}
	if len(undo.Edits) == 0 {
		ce.UndoErr = errors.New("the write did not set the sign-in name or the enabled flag")
		return after, ce
	}
	u, err := d.Apply(ctx, undo)
	var cf *ConflictError
	switch {
	case err == nil:
		ce.Undone = true
		return u, ce
	case errors.As(err, &cf) && !holdsAddr(cf.Current, addr):
		// Changed again meanwhile, and no longer to this name: the claim
		// is gone all the same, and the other writer's value stays.
		ce.Undone = true
		return cf.Current, ce
	}
	ce.UndoErr = err
	return after, ce
}

func holdsAddr(u User, addr string) bool {
	f := sipForms(addr)
	v := u.OCS.SIPAddress
	return v.Set && (strings.EqualFold(v.V, f[0]) || strings.EqualFold(v.V, f[1]))
}
