package flags

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"ocsflags/termtext"
)

// AttrUserLocationProfile is the per-user location profile (a DN), new in
// OCS 2007 R2 according to its schema documentation; the project reference
// does not list it, so it is shown read-only and marked as such.
const AttrUserLocationProfile = "msRTCSIP-UserLocationProfile"

// PolicyKind is the type an msRTCSIP-UserPolicy value carries in its binary
// part.
type PolicyKind uint32

const (
	PolicyMeeting  PolicyKind = 1
	PolicyVoice    PolicyKind = 2 // "UC policy"
	PolicyPresence PolicyKind = 4
)

func (k PolicyKind) String() string {
	switch k {
	case PolicyMeeting:
		return "Meeting policy"
	case PolicyVoice:
		return "Voice policy"
	case PolicyPresence:
		return "Presence policy"
	}
	return fmt.Sprintf("Policy of type 0x%x", uint32(k))
}

// Policy is one decoded msRTCSIP-UserPolicy value.
type Policy struct {
	Kind PolicyKind
	DN   string
}

// ParsePolicy decodes a DN-Binary value, B:<hex digits>:<hex>:<DN>. The
// binary part is the policy type as a 4-byte little-endian number
// (01000000 meeting, 02000000 voice, 04000000 presence, as published
// scripts read it; inferred, the reference names only 0x1 and 0x2). A
// big-endian spelling (00000001) is accepted too.
func ParsePolicy(v string) (Policy, error) {
	bad := func(why string) (Policy, error) {
		return Policy{}, fmt.Errorf("%s is not a DN-Binary value B:<count>:<hex>:<DN> (%s)", termtext.Quote(v), why)
	}
	rest, ok := strings.CutPrefix(v, "B:")
	if !ok {
		rest, ok = strings.CutPrefix(v, "b:")
	}
	if !ok {
		return bad("no B: prefix")
	}
	count, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return bad("no hex count")
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 0 || n > len(rest) || n%2 != 0 {
		return bad("bad hex count")
	}
	hexPart, dn := rest[:n], rest[n:]
	if !strings.HasPrefix(dn, ":") || len(dn) < 2 {
		return bad("no DN")
	}
	dn = dn[1:]
	b, err := hex.DecodeString(hexPart)
	if err != nil {
		return bad("binary part is not hex")
	}
	var le, be uint32
	for i, c := range b {
		if i < 4 {
			le |= uint32(c) << (8 * i)
			be = be<<8 | uint32(c)
		}
	}
	kind := PolicyKind(le)
	if !kind.known() && PolicyKind(be).known() {
		kind = PolicyKind(be)
	}
	return Policy{Kind: kind, DN: dn}, nil
}

func (k PolicyKind) known() bool {
	return k == PolicyMeeting || k == PolicyVoice || k == PolicyPresence
}
