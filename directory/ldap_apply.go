package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
	"ocsflags/termtext"
)

// WriteOutcome says what an Apply did to the directory. Apply's rule is:
// a nil error means the change is in the directory, written exactly once; a
// *ConflictError or any other error means this call wrote nothing, except
// for OutcomeUnknown.
type WriteOutcome int

const (
	// OutcomeNotWritten: nothing was written (an error, a conflict, or a
	// change with no edits).
	OutcomeNotWritten WriteOutcome = iota
	// OutcomeWritten: written on the first attempt.
	OutcomeWritten
	// OutcomeWrittenOnRetry: the connection dropped before the server
	// answered; the first attempt had not landed and the retry on a new
	// connection wrote the change.
	OutcomeWrittenOnRetry
	// OutcomeFoundWritten: the connection dropped before the server
	// answered; the retry was refused as a conflict and the directory held
	// exactly the new values, so the first attempt had landed.
	OutcomeFoundWritten
	// OutcomeUnknown: the connection dropped under the write and under its
	// retry too; the user must be re-read to know. The error says so.
	OutcomeUnknown
)

func (o WriteOutcome) String() string {
	switch o {
	case OutcomeWritten:
		return "written"
	case OutcomeWrittenOnRetry:
		return "written on retry after the connection dropped"
	case OutcomeFoundWritten:
		return "found written after the connection dropped"
	case OutcomeUnknown:
		return "unknown: the connection dropped twice"
	}
	return "not written"
}

// Changed reports whether the directory holds the change as a result of the
// call.
func (o WriteOutcome) Changed() bool {
	return o == OutcomeWritten || o == OutcomeWrittenOnRetry || o == OutcomeFoundWritten
}

// Apply implements Directory. See ApplyWithOutcome.
func (l *LDAP) Apply(ctx context.Context, c Change) (User, error) {
	u, _, err := l.ApplyWithOutcome(ctx, c)
	return u, err
}

// ApplyWithOutcome writes c as one LDAP modify (delete the expected value,
// add the new one) and returns the user as stored afterwards, with what
// happened. Values are checked against AD's syntaxes first, so a bad value
// is refused without contacting the server. When the connection drops before
// the answer, the modify is sent once more on a new connection: being a
// compare-and-swap, it cannot apply twice, and a refusal of the retry with
// the directory holding exactly the new values means the first one landed.
func (l *LDAP) ApplyWithOutcome(ctx context.Context, c Change) (User, WriteOutcome, error) {
	if l.cfg.ReadOnly {
		return User{}, OutcomeNotWritten, &Error{Kind: ErrReadOnly, DN: c.DN, Msg: "connected read-only (--read-only): nothing is written"}
	}
	c, err := normalizeChange(c)
	if err != nil {
		return User{}, OutcomeNotWritten, err
	}
	if len(c.Edits) == 0 {
		u, err := l.User(ctx, c.DN)
		return u, OutcomeNotWritten, err
	}
	if err := ctx.Err(); err != nil {
		return User{}, OutcomeNotWritten, err
	}
	op := l.op(opWrite, c.DN)
	for _, e := range c.Edits {
		op.attrs = append(op.attrs, e.Attr)
		if e.New.Set {
			op.values = append(op.values, fmt.Sprintf("%s=%s", e.Attr, termtext.Quote(e.New.V)))
		}
	}
	req, err := l.casRequest(ctx, c)
	if err != nil {
		return User{}, OutcomeNotWritten, err
	}

	w, err := l.get(ctx, false)
	if err != nil {
		return User{}, OutcomeNotWritten, err
	}
	err = w.modify(req)
	l.put(w)
	switch {
	case err == nil:
		return l.readBack(ctx, c, OutcomeWritten)
	case isCASRefusal(err):
		return l.conflict(ctx, c, err, op, false)
	case !isNetworkError(err):
		return User{}, OutcomeNotWritten, mapLDAPError(err, op)
	case isTimeout(err):
		// Sent, and no answer in time: sending it again would wait as
		// long again. Settle reads the user once the DC answers.
		return User{}, OutcomeUnknown, &UnknownOutcomeError{Change: c, Err: mapLDAPError(err, op)}
	}

	// The connection dropped: the modify may or may not have been applied.
	// Finish the job even if the caller gave up meanwhile, so that the
	// outcome can be told.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.dialTimeout+l.reqTimeout)
	defer cancel()
	w, err = l.get(rctx, true)
	if err == nil {
		err = w.modify(req)
		l.put(w)
		switch {
		case err == nil:
			return l.readBack(rctx, c, OutcomeWrittenOnRetry)
		case isCASRefusal(err):
			return l.conflict(rctx, c, err, op, true)
		case !isNetworkError(err):
			return User{}, OutcomeNotWritten, mapLDAPError(err, op)
		}
	}
	if isTimeout(err) {
		return User{}, OutcomeUnknown, &UnknownOutcomeError{Change: c, Err: mapLDAPError(err, op)}
	}
	return User{}, OutcomeUnknown, &UnknownOutcomeError{Change: c, Err: &Error{Kind: ErrUnavailable, DN: c.DN, Attr: strings.Join(op.attrs, ", "),
		Msg: fmt.Sprintf("the connection to %s dropped during the write and again during its retry, so whether the change was written is unknown: reload the user before trying again", l.url.text), Err: err}}
}

// casRequest is ModifyRequest(c), except that a DN value it deletes that
// refers to a deleted object is named by the GUID of that object, where the
// server tells GUIDs. A home server whose pool was deleted reads as
// CN=LC Services\0ADEL:<guid>,CN=Deleted Objects,…; deleting that text
// fails (no such value) on every try, so such a user could never be
// repaired. The current values are read with the extended-DN control and,
// where one is the DN the change expects, the delete names it as
// <GUID=…>. It stays a compare-and-swap: the expected DN is checked on the
// read, and the delete still fails if the value has moved on to another
// object since.
func (l *LDAP) casRequest(ctx context.Context, c Change) (*ldap.ModifyRequest, error) {
	req := ModifyRequest(c)
	if !l.extDN {
		return req, nil
	}
	var attrs []string
	for _, e := range c.Edits {
		// Only a reference to a deleted object fails when deleted as text:
		// a live DN matches as it is read, so it costs no read first.
		if e.Old.Set && flags.AttributeSyntax(e.Attr) == flags.SyntaxDN && flags.IsDeletedReference(e.Old.V) {
			attrs = append(attrs, e.Attr)
		}
	}
	if len(attrs) == 0 {
		return req, nil
	}
	var cur map[string][]string
	err := l.withStream(ctx, l.op(opRead, c.DN), func(w *wire) (bool, error) {
		cur = nil
		spec := searchSpec{base: c.DN, scope: ldap.ScopeBaseObject, filter: "(objectClass=*)", attrs: attrs, controls: []ldap.Control{extendedDNControl}}
		_, err := stream(ctx, l, w, spec, func(e *ldap.Entry) (*ldap.Entry, *DecodeProblem, bool) { return e, nil, true },
			func(es []*ldap.Entry, _ []DecodeProblem) error {
				for _, e := range es {
					cur = map[string][]string{}
					for _, a := range attrs {
						cur[strings.ToLower(a)] = e.GetEqualFoldAttributeValues(a)
					}
				}
				return nil
			})
		return false, err
	})
	if errors.Is(err, ErrNoSuchObject) {
		// The modify says so in its own words.
		return req, nil
	}
	if err != nil {
		return nil, err
	}
	for i := range req.Changes {
		ch := &req.Changes[i]
		if ch.Operation != ldap.DeleteAttribute || len(ch.Modification.Vals) != 1 {
			continue
		}
		for _, v := range cur[strings.ToLower(ch.Modification.Type)] {
			if guid, dn := splitExtendedDN(v); guid != "" && SameDN(dn, ch.Modification.Vals[0]) {
				ch.Modification.Vals = []string{"<GUID=" + guid + ">"}
				break
			}
		}
	}
	return req, nil
}

// isCASRefusal is true for the result codes with which AD refuses a modify
// whose expected values are not there: 16 (the value to delete is absent),
// 20 (adding to a single-valued attribute that is set) and 19.
func isCASRefusal(err error) bool {
	return ldap.IsErrorAnyOf(err, ldap.LDAPResultNoSuchAttribute, ldap.LDAPResultAttributeOrValueExists, ldap.LDAPResultConstraintViolation)
}

// readBack re-reads the user after a successful write.
func (l *LDAP) readBack(ctx context.Context, c Change, o WriteOutcome) (User, WriteOutcome, error) {
	u, _, err := l.readUser(ctx, c.DN, nil)
	var de *DecodeError
	if err != nil && !errors.As(err, &de) {
		return User{}, o, &Error{Kind: ErrWrittenUnread, DN: c.DN, Msg: "the change was written, but reading the user back failed: reload it", Err: err}
	}
	return u, o, nil
}

// conflict re-reads the user after a refused compare-and-swap and names the
// attributes that no longer hold the expected values. afterDrop is set when
// this was the retry of a write whose connection dropped: if the directory
// now holds exactly the new values, the first attempt landed.
func (l *LDAP) conflict(ctx context.Context, c Change, cause error, op ldapOp, afterDrop bool) (User, WriteOutcome, error) {
	attrs := make([]string, len(c.Edits))
	for i, e := range c.Edits {
		attrs[i] = e.Attr
	}
	cur, raw, err := l.readUser(ctx, c.DN, attrs)
	var de *DecodeError
	if err != nil && !errors.As(err, &de) {
		return User{}, OutcomeNotWritten, err
	}
	var differs []string
	holdsNew := true
	for _, e := range c.Edits {
		v := raw[strings.ToLower(e.Attr)]
		if !holds(e.Attr, v, e.Old) {
			differs = append(differs, e.Attr)
		}
		if !holds(e.Attr, v, e.New) {
			holdsNew = false
		}
	}
	if afterDrop && holdsNew {
		return cur, OutcomeFoundWritten, nil
	}
	if len(differs) == 0 {
		if ldap.IsErrorWithCode(cause, ldap.LDAPResultConstraintViolation) {
			// The values are as expected, so 19 is about the new value
			// itself (too long, out of range).
			return User{}, OutcomeNotWritten, mapLDAPError(cause, op)
		}
		// Changed and changed back between the write and the re-read:
		// still someone else's write; a rebase and retry is right.
		differs = attrs
	}
	return User{}, OutcomeNotWritten, &ConflictError{DN: cur.DN, Attrs: differs, Current: cur}
}

// holds reports whether the values read are what want says (absent, or
// exactly one value equal under the attribute's syntax).
func holds(attr string, vals []string, want flags.Opt[string]) bool {
	if !want.Set {
		return len(vals) == 0
	}
	return len(vals) == 1 && sameValue(attr, vals[0], want.V)
}

// sameValue compares as AD does for the attribute's syntax.
func sameValue(attr, a, b string) bool {
	switch flags.AttributeSyntax(attr) {
	case flags.SyntaxInteger:
		x, err1 := flags.ParseAD(a)
		y, err2 := flags.ParseAD(b)
		if err1 == nil && err2 == nil {
			return x == y
		}
		return a == b
	case flags.SyntaxBoolean:
		return a == b
	case flags.SyntaxDN:
		return SameDN(a, b)
	}
	return strings.EqualFold(a, b)
}

// normalizeChange checks every value against AD's syntax for its attribute
// and rewrites integers in AD's signed form, so 4294967295 goes out as -1.
func normalizeChange(c Change) (Change, error) {
	if _, err := ParseDN(c.DN); err != nil {
		return c, err
	}
	out := Change{DN: c.DN, SAM: c.SAM, Edits: make([]flags.AttrEdit, 0, len(c.Edits))}
	seen := map[string]bool{}
	for _, e := range c.Edits {
		if !e.Old.Set && !e.New.Set {
			continue
		}
		k := strings.ToLower(e.Attr)
		if seen[k] {
			return c, &Error{Kind: ErrInvalidValue, DN: c.DN, Attr: e.Attr, Msg: "the change edits this attribute twice: combine the edits"}
		}
		seen[k] = true
		var err error
		if e.Old, err = normalizeValue(e.Attr, e.Old); err != nil {
			return c, &Error{Kind: ErrInvalidValue, DN: c.DN, Attr: e.Attr, Msg: "the expected value is not valid: " + err.Error(), Err: err}
		}
		if e.New, err = normalizeValue(e.Attr, e.New); err != nil {
			return c, &Error{Kind: ErrInvalidValue, DN: c.DN, Attr: e.Attr, Msg: err.Error(), Err: err}
		}
		if e.Old.Set && e.New.Set && e.Old.V == e.New.V {
			continue
		}
		out.Edits = append(out.Edits, e)
	}
	return out, nil
}

func normalizeValue(attr string, v flags.Opt[string]) (flags.Opt[string], error) {
	if !v.Set {
		return v, nil
	}
	switch flags.AttributeSyntax(attr) {
	case flags.SyntaxInteger:
		n, err := flags.ParseAD(v.V)
		if err != nil {
			return v, err
		}
		return flags.Some(flags.FormatAD(n)), nil
	case flags.SyntaxBoolean:
		if _, err := flags.ParseADBool(v.V); err != nil {
			return v, err
		}
	case flags.SyntaxDN:
		if _, err := ldap.ParseDN(v.V); err != nil || !strings.Contains(v.V, "=") {
			return v, fmt.Errorf("%s is not a distinguished name: %s takes the DN of an object (for a home server CN=LC Services,CN=Microsoft,<pool DN>), not a host name", termtext.Quote(v.V), attr)
		}
	case flags.SyntaxOther:
		return v, fmt.Errorf("%s is read-only in ocsflags", attr)
	default:
		if v.V == "" {
			return v, fmt.Errorf("an empty value for %s: AD has no empty values, remove the attribute instead", attr)
		}
	}
	return v, nil
}
