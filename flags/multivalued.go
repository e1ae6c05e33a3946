package flags

import (
	"fmt"
	"strings"

	"ocsflags/termtext"
)

// MultiValuedError refuses a change to an attribute that must hold one
// value but holds several: writing one value would drop the others, and
// ocsflags cannot know which one OCS reads.
type MultiValuedError struct {
	Attr   string
	Values []string
}

func (e *MultiValuedError) Error() string {
	return fmt.Sprintf("%s holds %d values (%s) where AD allows one: ocsflags does not choose one or drop the others, so it does not change it; keep the right value (ldapmodify, ADSI Edit, or the LDIF file) and read the user again", e.Attr, len(e.Values), quoteValues(e.Values))
}

func quoteValues(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = termtext.Quote(v)
	}
	return strings.Join(q, ", ")
}

// Attributes lists the attributes c writes when applied, in Writable order.
func (c Change) Attributes() []string {
	var out []string
	for _, a := range []struct {
		attr string
		on   bool
	}{
		{AttrUserEnabled, c.Enabled.Set || c.Remove&RemoveEnabled != 0},
		{AttrPrimaryUserAddress, c.SIPAddress.Set},
		{AttrPrimaryHomeServer, c.HomeServer.Set},
		{AttrOptionFlags, c.Flags != Delta{} || c.Remove&RemoveOptionFlags != 0},
		{AttrFederationEnabled, c.Federation.Set || c.Remove&RemoveFederation != 0},
		{AttrInternetAccess, c.RemoteAccess.Set || c.Remove&RemoveRemoteAccess != 0},
		{AttrArchivingEnabled, c.Archiving != Delta{} || c.Remove&RemoveArchiving != 0},
		{AttrLine, c.Line.Set},
		{AttrLineServer, c.LineServer.Set},
	} {
		if a.on {
			out = append(out, a.attr)
		}
	}
	return out
}

// checkSingle refuses c when it touches a multi-valued attribute.
func (s Settings) checkSingle(c Change) error {
	if len(s.MultiValued) == 0 {
		return nil
	}
	for _, a := range c.Attributes() {
		if err := s.Editable(a); err != nil {
			return err
		}
	}
	return nil
}

// Editable returns a *MultiValuedError when attr holds several values, and
// nil when it may be changed; the console asks before it offers an edit.
func (s Settings) Editable(attr string) error {
	if v, ok := s.MultiValued[attr]; ok {
		return &MultiValuedError{Attr: attr, Values: v}
	}
	return nil
}

// multiValuedFindings flags every attribute that holds several values. It
// stops sign-in when the attribute is one of the four sign-in needs (which
// value OCS reads is anyone's guess), and is a warning otherwise.
func multiValuedFindings(s Settings) []Finding {
	var out []Finding
	for _, attr := range append(append([]string{}, Writable...), AttrTargetHomeServer, AttrOriginatorSid, AttrUserLocationProfile) {
		vs, ok := s.MultiValued[attr]
		if !ok {
			continue
		}
		sev := Warning
		switch attr {
		case AttrUserEnabled, AttrPrimaryUserAddress, AttrPrimaryHomeServer, AttrOptionFlags:
			sev = Error
		}
		out = append(out, Finding{
			ID: FindingMultiValued, Severity: sev, Attribute: attr, Value: strings.Join(vs, "\n"),
			Problem:    fmt.Sprintf("%s holds %d values (%s) where AD allows one; ocsflags shows the first and will not change it", attr, len(vs), quoteValues(vs)),
			Experience: "OCS may read any of the values; the settings shown may not be the ones in force",
			FixHint:    "keep the one right value with ldapmodify or ADSI Edit (or in the LDIF file), then read the user again",
		})
	}
	return out
}

// controlCharFindings flags a sign-in name, Line URI, Server URI or name
// that holds control, C1 or bidirectional characters (or bytes that are
// not UTF-8): in a name they can hide or fake text on an admin's screen
// (a right-to-left override reverses what is read), in a URI nothing
// routes on them. The console and the command line show them escaped;
// this says they are really there.
func controlCharFindings(in AuditInput) []Finding {
	var attrs, vals []string
	for _, a := range []struct {
		attr string
		v    Opt[string]
	}{
		{"displayName", Opt[string]{V: in.DisplayName, Set: in.DisplayName != ""}},
		{"cn", Opt[string]{V: in.CN, Set: in.CN != ""}},
		{AttrPrimaryUserAddress, in.Settings.SIPAddress},
		{AttrLine, in.Settings.Line},
		{AttrLineServer, in.Settings.LineServer},
	} {
		if a.v.Set && termtext.Contains(a.v.V) {
			attrs, vals = append(attrs, a.attr), append(vals, a.v.V)
		}
	}
	if len(attrs) == 0 {
		return nil
	}
	verb := "holds"
	if len(attrs) > 1 {
		verb = "hold"
	}
	return []Finding{{
		ID: FindingControlCharacters, Severity: Warning, Attribute: attrs[0], Value: vals[0],
		Problem:    fmt.Sprintf("%s %s control, bidirectional or non-UTF-8 characters (shown escaped, as \\x1b or \\u202e): they can hide or fake text on screens and in logs, and nothing routes on them", strings.Join(attrs, ", "), verb),
		Experience: "the name or address shows garbled or reordered in Communicator and address lists; a Line URI or Server URI with them does not route calls",
		FixHint:    "retype the value without them in ADUC or with ldapmodify; ocsflags never writes such characters",
	}}
}
