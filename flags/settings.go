package flags

import (
	"fmt"
	"strings"

	"ocsflags/termtext"
)

// LDAP display names of the per-user OCS attributes.
const (
	AttrPrimaryUserAddress = "msRTCSIP-PrimaryUserAddress"
	AttrUserEnabled        = "msRTCSIP-UserEnabled"
	AttrTargetHomeServer   = "msRTCSIP-TargetHomeServer"
	AttrOriginatorSid      = "msRTCSIP-OriginatorSid"
	AttrPrimaryHomeServer  = "msRTCSIP-PrimaryHomeServer"
	AttrUserExtension      = "msRTCSIP-UserExtension"
	AttrFederationEnabled  = "msRTCSIP-FederationEnabled"
	AttrInternetAccess     = "msRTCSIP-InternetAccessEnabled"
	AttrArchivingEnabled   = "msRTCSIP-ArchivingEnabled"
	AttrOptionFlags        = "msRTCSIP-OptionFlags"
	AttrLine               = "msRTCSIP-Line"
	AttrLineServer         = "msRTCSIP-LineServer"
	AttrUserPolicy         = "msRTCSIP-UserPolicy"
)

// Syntax is the AD attribute syntax that decides how values parse, format
// and compare.
type Syntax int

const (
	SyntaxString  Syntax = iota // 2.5.5.12, compared case-insensitively by AD
	SyntaxInteger               // 2.5.5.9, signed 32-bit decimal
	SyntaxBoolean               // 2.5.5.8, TRUE/FALSE
	SyntaxDN                    // 2.5.5.1, must name an existing object
	SyntaxOther                 // DN-Binary, SID: read-only here
)

// AttributeSyntax maps the OCS attributes this tool reads or writes to their
// syntax; other attributes are strings.
func AttributeSyntax(attr string) Syntax {
	switch strings.ToLower(attr) {
	case "msrtcsip-userenabled", "msrtcsip-federationenabled", "msrtcsip-internetaccessenabled":
		return SyntaxBoolean
	case "msrtcsip-optionflags", "msrtcsip-archivingenabled", "useraccountcontrol":
		return SyntaxInteger
	case "msrtcsip-primaryhomeserver", "msrtcsip-targethomeserver":
		return SyntaxDN
	case "msrtcsip-userpolicy", "msrtcsip-originatorsid":
		return SyntaxOther
	}
	return SyntaxString
}

// Opt is a value that may be absent. AD has no empty attribute values: an
// attribute is either there with a value or not there at all, and "not there"
// must never be confused with 0 or FALSE (0 means "LCS 2005 user", absent
// means "never provisioned").
type Opt[T comparable] struct {
	V   T
	Set bool
}

// Some returns a present value.
func Some[T comparable](v T) Opt[T] { return Opt[T]{V: v, Set: true} }

// Or returns the value, or def when absent.
func (o Opt[T]) Or(def T) T {
	if o.Set {
		return o.V
	}
	return def
}

// Settings are a user's or contact's OCS attributes, as read.
type Settings struct {
	Enabled          Opt[bool]
	SIPAddress       Opt[string]
	HomeServer       Opt[string] // DN of CN=LC Services,CN=Microsoft,<pool>
	TargetHomeServer Opt[string]
	OptionFlags      Opt[Value]
	Federation       Opt[bool]
	RemoteAccess     Opt[bool]
	Archiving        Opt[Value]
	Line             Opt[string]
	LineServer       Opt[string]
	// Policies are msRTCSIP-UserPolicy values (DN-Binary), read only.
	Policies []string
	// OriginatorSid is msRTCSIP-OriginatorSid as S-1-5-… text (read only):
	// resource and central forests (reference section 8).
	OriginatorSid Opt[string]
	// LocationProfile is msRTCSIP-UserLocationProfile (a DN, OCS 2007 R2),
	// read only.
	LocationProfile Opt[string]
	// MultiValued holds all the values of each attribute that must hold one
	// but holds several (possible on a non-AD server or in an LDIF file),
	// keyed by its Attr* name; nil when there is none. The field above holds
	// the first value. Such an attribute is shown with every value, flagged
	// by the audit and never written: Apply refuses, so no value is dropped.
	MultiValued map[string][]string
}

// Archiving bits of msRTCSIP-ArchivingEnabled.
const (
	ArchiveInternal  Value = 4
	ArchiveFederated Value = 8
	// ArchiveLegacy are the bits LCS 2005 scripts wrote with other
	// meanings (1, 2, 3); choosing archiving again clears them.
	ArchiveLegacy Value = 1 | 2
)

// ArchivingModes are set's names for the four console states.
var ArchivingModes = []struct {
	Name string
	Bits Value
}{{"none", 0}, {"internal", ArchiveInternal}, {"federated", ArchiveFederated}, {"both", ArchiveInternal | ArchiveFederated}}

// ParseArchiving reads archiving=none|internal|federated|both.
func ParseArchiving(s string) (Value, error) {
	for _, m := range ArchivingModes {
		if m.Name == strings.ToLower(s) {
			return m.Bits, nil
		}
	}
	return 0, fmt.Errorf("%s is not an archiving setting: use none, internal, federated or both", termtext.Quote(s))
}

// SetArchiving is the delta that makes archiving exactly bits (a subset of
// internal and federated): the console's two check boxes chosen afresh. It
// clears the legacy bits 1 and 2, so the result is 0, 4, 8 or 12 (other
// unknown bits, if any, stay as found).
func SetArchiving(bits Value) Delta {
	bits &= ArchiveInternal | ArchiveFederated
	return Delta{Set: bits, Clear: (ArchiveInternal | ArchiveFederated | ArchiveLegacy) &^ bits}
}

// ToggleArchiving is one archiving check box clicked on current: the box's
// bit flips, the other box stays as shown, and the legacy bits go, because
// the admin has now chosen the archiving options again.
func ToggleArchiving(current, box Value) Delta {
	return SetArchiving(current ^ box)
}

// Writable lists the single-valued attributes this tool may change, in the
// order changes are shown.
var Writable = []string{
	AttrUserEnabled, AttrPrimaryUserAddress, AttrPrimaryHomeServer, AttrOptionFlags,
	AttrFederationEnabled, AttrInternetAccess, AttrArchivingEnabled, AttrLine, AttrLineServer,
}

// ReadAttributes lists every OCS attribute a full read of a user requests.
var ReadAttributes = append(append([]string{}, Writable...), AttrTargetHomeServer, AttrUserPolicy, AttrOriginatorSid, AttrUserLocationProfile)

// Decode builds Settings from attribute text as a directory returns it
// (attribute name, case-insensitive, to values). A value AD could never hold
// (from a hand-edited LDIF, say) is an error naming the attribute.
func Decode(get func(attr string) []string) (Settings, error) {
	var s Settings
	var errs []string
	one := func(attr string) (string, bool) {
		v := get(attr)
		if len(v) == 0 {
			return "", false
		}
		if len(v) > 1 {
			if s.MultiValued == nil {
				s.MultiValued = map[string][]string{}
			}
			s.MultiValued[attr] = append([]string(nil), v...)
		}
		return v[0], true
	}
	str := func(attr string, dst *Opt[string]) {
		if v, ok := one(attr); ok {
			*dst = Some(v)
		}
	}
	boolean := func(attr string, dst *Opt[bool]) {
		if v, ok := one(attr); ok {
			b, err := ParseADBool(v)
			if err != nil {
				errs = append(errs, attr+": "+err.Error())
				return
			}
			*dst = Some(b)
		}
	}
	integer := func(attr string, dst *Opt[Value]) {
		if v, ok := one(attr); ok {
			n, err := ParseAD(v)
			if err != nil {
				errs = append(errs, attr+": "+err.Error())
				return
			}
			*dst = Some(n)
		}
	}
	boolean(AttrUserEnabled, &s.Enabled)
	str(AttrPrimaryUserAddress, &s.SIPAddress)
	str(AttrPrimaryHomeServer, &s.HomeServer)
	str(AttrTargetHomeServer, &s.TargetHomeServer)
	str(AttrUserLocationProfile, &s.LocationProfile)
	integer(AttrOptionFlags, &s.OptionFlags)
	boolean(AttrFederationEnabled, &s.Federation)
	boolean(AttrInternetAccess, &s.RemoteAccess)
	integer(AttrArchivingEnabled, &s.Archiving)
	str(AttrLine, &s.Line)
	str(AttrLineServer, &s.LineServer)
	s.Policies = append([]string(nil), get(AttrUserPolicy)...)
	if v, ok := one(AttrOriginatorSid); ok {
		sid, err := DecodeSID(v)
		if err != nil {
			errs = append(errs, AttrOriginatorSid+": "+err.Error())
		} else {
			s.OriginatorSid = Some(sid)
		}
	}
	if len(errs) > 0 {
		return s, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return s, nil
}

// Encode returns the writable attributes as AD text; absent attributes are
// absent from the map.
func (s Settings) Encode() map[string]string {
	m := map[string]string{}
	putB := func(attr string, o Opt[bool]) {
		if o.Set {
			m[attr] = FormatADBool(o.V)
		}
	}
	putS := func(attr string, o Opt[string]) {
		if o.Set {
			m[attr] = o.V
		}
	}
	putI := func(attr string, o Opt[Value]) {
		if o.Set {
			m[attr] = FormatAD(o.V)
		}
	}
	putB(AttrUserEnabled, s.Enabled)
	putS(AttrPrimaryUserAddress, s.SIPAddress)
	putS(AttrPrimaryHomeServer, s.HomeServer)
	putI(AttrOptionFlags, s.OptionFlags)
	putB(AttrFederationEnabled, s.Federation)
	putB(AttrInternetAccess, s.RemoteAccess)
	putI(AttrArchivingEnabled, s.Archiving)
	putS(AttrLine, s.Line)
	putS(AttrLineServer, s.LineServer)
	return m
}

// Change is what a person or command wants done to one user, as intent: bit
// deltas for the bitmasks and new values for the others. Applied to whatever
// the directory holds now, it changes only what it names, which is what makes
// a rebase after a conflict safe.
type Change struct {
	Flags     Delta
	Archiving Delta
	// Boolean attributes: Set means "make it V".
	Enabled, Federation, RemoteAccess Opt[bool]
	// String attributes: Set means "make it V"; V == "" removes the attribute
	// (AD has no empty values).
	SIPAddress, HomeServer, Line, LineServer Opt[string]
	// Remove names bit masks and Booleans to remove outright, which only an
	// undo asks for: it takes back a write that created them. A bit mask
	// named is removed only when Flags or Archiving leave it 0, so another
	// writer's bits never go with it; a Boolean named is removed, and the
	// compare-and-swap expects the value read.
	Remove Removal
}

// Removal is a set of attributes a Change removes (Change.Remove).
type Removal uint8

const (
	RemoveOptionFlags Removal = 1 << iota
	RemoveArchiving
	RemoveEnabled
	RemoveFederation
	RemoveRemoteAccess
)

// IsZero reports whether the change names nothing.
func (c Change) IsZero() bool { return c == Change{} }

// Then composes c followed by d: for each attribute the later edit wins, and
// bit deltas compose bit by bit.
func (c Change) Then(d Change) Change {
	out := c
	out.Flags = c.Flags.Then(d.Flags)
	out.Archiving = c.Archiving.Then(d.Archiving)
	later := func(dst *Opt[bool], v Opt[bool]) {
		if v.Set {
			*dst = v
		}
	}
	laterS := func(dst *Opt[string], v Opt[string]) {
		if v.Set {
			*dst = v
		}
	}
	// A Boolean is either written or removed: the later edit wins.
	booleans := []struct {
		dst *Opt[bool]
		v   Opt[bool]
		r   Removal
	}{{&out.Enabled, d.Enabled, RemoveEnabled}, {&out.Federation, d.Federation, RemoveFederation}, {&out.RemoteAccess, d.RemoteAccess, RemoveRemoteAccess}}
	for _, b := range booleans {
		later(b.dst, b.v)
		switch {
		case b.v.Set:
			out.Remove &^= b.r
		case d.Remove&b.r != 0:
			*b.dst = Opt[bool]{}
			out.Remove |= b.r
		}
	}
	// A bit mask's removal stands while the deltas leave it 0.
	out.Remove |= d.Remove & (RemoveOptionFlags | RemoveArchiving)
	laterS(&out.SIPAddress, d.SIPAddress)
	laterS(&out.HomeServer, d.HomeServer)
	laterS(&out.Line, d.Line)
	laterS(&out.LineServer, d.LineServer)
	return out
}

// Apply returns the settings after the change. A bit delta on an absent
// bitmask starts from 0, but a delta that sets nothing leaves it absent so
// that clearing a bit nobody set does not create the attribute.
func (s Settings) Apply(c Change) (Settings, error) {
	if err := s.checkSingle(c); err != nil {
		return s, err
	}
	out := s
	var err error
	if out.OptionFlags, err = applyBits(s.OptionFlags, c.Flags, true); err != nil {
		return s, fmt.Errorf("%s: %w", AttrOptionFlags, err)
	}
	if out.Archiving, err = applyBits(s.Archiving, c.Archiving, false); err != nil {
		return s, fmt.Errorf("%s: %w", AttrArchivingEnabled, err)
	}
	for _, p := range []struct {
		dst *Opt[bool]
		v   Opt[bool]
		r   Removal
	}{{&out.Enabled, c.Enabled, RemoveEnabled}, {&out.Federation, c.Federation, RemoveFederation}, {&out.RemoteAccess, c.RemoteAccess, RemoveRemoteAccess}} {
		switch {
		case p.v.Set:
			*p.dst = p.v
		case c.Remove&p.r != 0:
			*p.dst = Opt[bool]{}
		}
	}
	if c.Remove&RemoveOptionFlags != 0 && out.OptionFlags.Set && out.OptionFlags.V == 0 {
		out.OptionFlags = Opt[Value]{}
	}
	if c.Remove&RemoveArchiving != 0 && out.Archiving.Set && out.Archiving.V == 0 {
		out.Archiving = Opt[Value]{}
	}
	for _, p := range []struct {
		dst *Opt[string]
		v   Opt[string]
	}{{&out.SIPAddress, c.SIPAddress}, {&out.HomeServer, c.HomeServer}, {&out.Line, c.Line}, {&out.LineServer, c.LineServer}} {
		if p.v.Set {
			if p.v.V == "" {
				*p.dst = Opt[string]{}
			} else {
				*p.dst = p.v
			}
		}
	}
	return out, nil
}

// applyBits applies d to a bitmask that may be absent. An absent bitmask
// starts from 0, but a delta that sets nothing leaves it absent, so clearing a
// bit nobody set does not create the attribute. Only OptionFlags has the
// one-way enhanced presence bit.
func applyBits(o Opt[Value], d Delta, oneWay bool) (Opt[Value], error) {
	if d.Set&d.Clear != 0 {
		return o, fmt.Errorf("delta sets and clears the same bits (%d)", uint32(d.Set&d.Clear))
	}
	if !o.Set && d.Set == 0 {
		return o, nil
	}
	if o.Set && d.Effective(o.V).IsZero() {
		return o, nil
	}
	if oneWay {
		v, err := d.Apply(o.V)
		return Some(v), err
	}
	return Some(o.V&^d.Clear | d.Set), nil
}

// AttrEdit is one attribute's change as AD text: the value expected now and
// the value to write; a zero Opt means absent.
type AttrEdit struct {
	Attr     string
	Old, New Opt[string]
}

// Edits lists what writing after over before changes, attribute by
// attribute, in Writable order. Unchanged attributes are not listed.
func Edits(before, after Settings) []AttrEdit {
	b, a := before.Encode(), after.Encode()
	var out []AttrEdit
	for _, attr := range Writable {
		ov, oOK := b[attr]
		nv, nOK := a[attr]
		if oOK == nOK && ov == nv {
			continue
		}
		e := AttrEdit{Attr: attr}
		if oOK {
			e.Old = Some(ov)
		}
		if nOK {
			e.New = Some(nv)
		}
		out = append(out, e)
	}
	return out
}
