package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"ocsflags/flags"
)

// aroundReader is a directory that can read the sign-in names of its SIP
// scope except those of the users a read of one scope returns: the users
// read brings those names itself, so reading them twice doubles what the
// server sends and what the client decodes for the common case, a big OU.
type aroundReader interface {
	// sipAddressesAround streams, as SIPAddresses does, the values of
	// every object in the SIP scope that Users(base, scope) does not
	// return (it may stream some it does return as well). It answers
	// false where it cannot tell the two apart (or would need too many
	// searches to): the caller then drops what it streamed and reads
	// every name.
	sipAddressesAround(ctx context.Context, base string, scope Scope, fn func(value, dn string) error) (bool, error)
}

// ReadUsersAndSIPIndex reads every user below base and then calls fn with
// those keep accepts (every one for a nil keep), a batch at a time, and
// the index of every sign-in name in scope. keep sees each user as the
// read delivers it, on the caller's goroutine.
// Unlike UsersWithSIPIndex it holds the users until their read has ended,
// so the index can take the scope's own names from them and the second
// read covers only what lies around the scope; a path that holds every
// user anyway (find, a bulk plan) loses nothing by it. Where the directory
// cannot read around a scope, the second read is of every name.
func ReadUsersAndSIPIndex(ctx context.Context, d Directory, base string, scope Scope, keep func(User) bool, fn func(x *SIPIndex, users []User) error) error {
	if _, ok := d.(aroundReader); !ok {
		return UsersWithSIPIndex(ctx, d, base, scope, func(x *SIPIndex, us []User) error {
			if keep != nil {
				us = slices.DeleteFunc(us, func(u User) bool { return !keep(u) })
			}
			return fn(x, us)
		})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var x *SIPIndex
	var xerr error
	around := false
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		x = NewSIPIndex()
		around, xerr = readAround(ctx, d, base, scope, func(v, dn string) error {
			x.Add(v, dn)
			return nil
		})
		if xerr == nil && !around {
			x, xerr = ReadSIPIndex(ctx, d, nil)
		}
		if xerr != nil {
			cancel()
		}
	}()
	// The scope's own names, from every user read, kept or not.
	var own []sipHolding
	var batches [][]User
	err := d.Users(ctx, base, scope, func(b Batch) error {
		us := b.Users
		for _, u := range us {
			own = appendSIPOf(own, u)
		}
		if keep != nil {
			if us = slices.DeleteFunc(us, func(u User) bool { return !keep(u) }); len(us) < len(b.Users) {
				// Not the page's array: what was left out is not held.
				us = slices.Clone(us)
			}
		}
		if len(us) > 0 {
			batches = append(batches, us)
		}
		return nil
	})
	// Values that do not decode leave their users in the batches (Users
	// says which, after the last); they are judged, then the error is.
	var undecoded error
	if de := (*DecodeError)(nil); errors.As(err, &de) {
		undecoded, err = err, nil
	}
	if err != nil {
		cancel()
	}
	<-ready
	if err != nil {
		if xerr != nil && !errors.Is(xerr, context.Canceled) {
			return fmt.Errorf("read the sign-in names: %w", xerr)
		}
		return err
	}
	if xerr != nil {
		return fmt.Errorf("read the sign-in names: %w", xerr)
	}
	if around {
		for _, h := range own {
			x.Add(h.value, h.dn)
		}
	}
	for i, us := range batches {
		batches[i] = nil
		if err := fn(x, us); err != nil {
			return err
		}
	}
	return undecoded
}

type sipHolding struct{ value, dn string }

// appendSIPOf appends the sign-in names u holds as stored: every value of
// a multi-valued attribute (a broken state that still claims each).
func appendSIPOf(hs []sipHolding, u User) []sipHolding {
	if vs, ok := u.OCS.MultiValued[flags.AttrPrimaryUserAddress]; ok {
		for _, v := range vs {
			hs = append(hs, sipHolding{v, u.DN})
		}
		return hs
	}
	if s := u.OCS.SIPAddress; s.Set {
		hs = append(hs, sipHolding{s.V, u.DN})
	}
	return hs
}

// readAround is d's sipAddressesAround, or false where d has none: the
// wrappers below pass the question on to what they wrap.
func readAround(ctx context.Context, d Directory, base string, scope Scope, fn func(value, dn string) error) (bool, error) {
	if r, ok := d.(aroundReader); ok {
		return r.sipAddressesAround(ctx, base, scope, fn)
	}
	return false, nil
}

func (j *Journaled) sipAddressesAround(ctx context.Context, base string, scope Scope, fn func(value, dn string) error) (bool, error) {
	return readAround(ctx, j.Directory, base, scope, fn)
}

func (r ReadOnly) sipAddressesAround(ctx context.Context, base string, scope Scope, fn func(value, dn string) error) (bool, error) {
	return readAround(ctx, r.Directory, base, scope, fn)
}
