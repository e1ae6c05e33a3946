package directory

import (
	"errors"
	"fmt"
	"strings"
)

// Error kinds. Test with errors.Is(err, directory.ErrInsufficientRights).
var (
	ErrConflict           = errors.New("conflict: the directory holds another value than expected")
	ErrInsufficientRights = errors.New("insufficient rights")
	ErrNoSuchObject       = errors.New("no such object")
	ErrInvalidValue       = errors.New("invalid value")
	ErrUnavailable        = errors.New("directory unavailable")
	ErrAuthentication     = errors.New("authentication failed")
	ErrReadOnly           = errors.New("read-only")
	ErrAmbiguous          = errors.New("more than one object matches")
)

// Error is a directory failure in words an admin can act on.
type Error struct {
	// Kind is one of the Err* values above.
	Kind error
	DN   string
	Attr string
	// Msg says what happened and what to do.
	Msg string
	// Err is the underlying error (an *ldap.Error, say).
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	if e.Attr != "" {
		fmt.Fprintf(&b, " (attribute %s", e.Attr)
		if e.DN != "" {
			fmt.Fprintf(&b, " of %s", e.DN)
		}
		b.WriteString(")")
	} else if e.DN != "" {
		fmt.Fprintf(&b, " (%s)", e.DN)
	}
	return b.String()
}

func (e *Error) Is(target error) bool { return target == e.Kind }
func (e *Error) Unwrap() error        { return e.Err }

// ConflictError is returned by Apply when the directory no longer holds what
// the change expected. Nothing was written. Current is the user as it is now,
// so the caller can show it and re-apply its delta on top.
type ConflictError struct {
	DN string
	// Attrs are the attributes whose current value differs from the
	// expected one.
	Attrs   []string
	Current User
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("conflict on %s: %s changed in the directory since it was read; nothing was written", e.DN, strings.Join(e.Attrs, ", "))
}

func (e *ConflictError) Is(target error) bool { return target == ErrConflict }
