package directory

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// ErrOutcomeUnknown marks a write that was sent but whose answer never came
// (the connection dropped after sending, or the DC did not answer in time):
// the directory may or may not hold it. Test with errors.Is; Settle finds
// out.
var ErrOutcomeUnknown = errors.New("outcome unknown")

// ErrWrittenUnread is the kind of the error of a write that landed but
// whose user could not be read back: the change is in the directory,
// whatever else the error says.
var ErrWrittenUnread = errors.New("written, not read back")

// UnknownOutcomeError is returned by Apply when a write was sent and no
// answer came. Nothing may be said about it but "unknown" until Settle has
// read the user again.
type UnknownOutcomeError struct {
	// Change is the write as sent.
	Change Change
	// WriteID is the write's id in the journal ("" when not journaled).
	WriteID string
	// Err is what happened (a timeout, a dropped connection).
	Err error
	// Checked is set when Settle read the user and found neither the
	// values written nor those expected: someone else changed it, and
	// whether this write landed first cannot be told.
	Checked bool
}

func (e *UnknownOutcomeError) Error() string {
	if e.Checked {
		return fmt.Sprintf("whether the change to %s was written is unknown: %s, and the user now holds neither the values written nor those it held before (someone else changed them); reload the user and check it", e.Change.DN, Cause(e.Err))
	}
	return fmt.Sprintf("whether the change to %s was written is unknown: %s; reading the user again tells", e.Change.DN, Cause(e.Err))
}

// Cause is the words of an error without its kind and attribute: "dc1 did
// not answer within 30s while writing CN=…", to be put in a sentence.
func Cause(err error) string {
	var de *Error
	if errors.As(err, &de) && de.Msg != "" {
		return de.Msg
	}
	if err == nil {
		return "no answer"
	}
	return err.Error()
}

func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

func (e *UnknownOutcomeError) Is(target error) bool { return target == ErrOutcomeUnknown }

// settleTimeout bounds how long a caller that cannot ask the admin keeps
// trying to read a user whose write's outcome is unknown.
const settleTimeout = time.Minute

// outcomeApplier is a Directory that can say what an Apply did.
type outcomeApplier interface {
	ApplyWithOutcome(ctx context.Context, c Change) (User, WriteOutcome, error)
}

// applyWithOutcome applies c on d and says what happened. A directory that
// cannot tell (the in-memory ones) is definite by construction: no error
// means written, an error not written, unless it says unknown.
func applyWithOutcome(ctx context.Context, d Directory, c Change) (User, WriteOutcome, error) {
	if oa, ok := d.(outcomeApplier); ok {
		return oa.ApplyWithOutcome(ctx, c)
	}
	u, err := d.Apply(ctx, c)
	switch {
	case err == nil:
		return u, OutcomeWritten, nil
	case errors.Is(err, ErrOutcomeUnknown):
		return u, OutcomeUnknown, err
	}
	return u, OutcomeNotWritten, err
}

// settler is a Directory that settles unknown outcomes itself (the journal,
// which records the answer).
type settler interface {
	Settle(ctx context.Context, ue *UnknownOutcomeError) (User, WriteOutcome, error)
}

// Settle finds out what became of a write whose outcome is unknown, by
// reading the user again once the directory answers (it keeps trying until
// ctx ends): if the user holds exactly the values written, the write landed
// (OutcomeFoundWritten, nil error); if it still holds the values the write
// expected, it did not (OutcomeNotWritten, an error saying so); anything
// else is still OutcomeUnknown, with an *UnknownOutcomeError that says
// someone else changed the user. A journaled directory records the answer.
func Settle(ctx context.Context, d Directory, ue *UnknownOutcomeError) (User, WriteOutcome, error) {
	if s, ok := d.(settler); ok {
		return s.Settle(ctx, ue)
	}
	return settleRead(ctx, d, ue)
}

// settleRead is Settle without the journal.
func settleRead(ctx context.Context, d Directory, ue *UnknownOutcomeError) (User, WriteOutcome, error) {
	c := ue.Change
	attrs := make([]string, len(c.Edits))
	for i, e := range c.Edits {
		attrs[i] = e.Attr
	}
	var (
		u   User
		raw map[string][]string
		err error
	)
	for wait := 200 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		u, raw, err = readRaw(ctx, d, c.DN, attrs)
		var de *DecodeError
		if err == nil || errors.As(err, &de) {
			break
		}
		if !errors.Is(err, ErrUnavailable) && !isNetworkError(err) {
			return User{}, OutcomeUnknown, &UnknownOutcomeError{Change: c, WriteID: ue.WriteID, Err: fmt.Errorf("%v; reading the user again failed too: %w", ue.Err, err)}
		}
		select {
		case <-ctx.Done():
			return User{}, OutcomeUnknown, &UnknownOutcomeError{Change: c, WriteID: ue.WriteID, Err: fmt.Errorf("%v; the directory did not answer a read either: %w", ue.Err, err)}
		case <-time.After(wait):
		}
	}
	holdsNew, holdsOld := true, true
	for _, e := range c.Edits {
		v := raw[strings.ToLower(e.Attr)]
		holdsNew = holdsNew && holds(e.Attr, v, e.New)
		holdsOld = holdsOld && holds(e.Attr, v, e.Old)
	}
	switch {
	case holdsNew:
		return u, OutcomeFoundWritten, nil
	case holdsOld:
		return u, OutcomeNotWritten, &Error{Kind: ErrUnavailable,
			Msg: fmt.Sprintf("not written: %s; read again afterwards, %s still holds the values it held before", Cause(ue.Err), c.DN), Err: ue.Err}
	}
	return u, OutcomeUnknown, &UnknownOutcomeError{Change: c, WriteID: ue.WriteID, Err: ue.Err, Checked: true}
}

// readRaw reads a user and the values of attrs as stored: raw from LDAP
// (so a second value is seen), encoded from the settings elsewhere.
func readRaw(ctx context.Context, d Directory, dn string, attrs []string) (User, map[string][]string, error) {
	if l, ok := d.(*LDAP); ok {
		return l.readUser(ctx, dn, attrs)
	}
	u, err := d.User(ctx, dn)
	enc := u.OCS.Encode()
	raw := map[string][]string{}
	for _, a := range attrs {
		if v, ok := enc[a]; ok {
			raw[strings.ToLower(a)] = []string{v}
		}
	}
	return u, raw, err
}

// isTimeout reports whether err is a deadline that passed waiting for the
// network.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
