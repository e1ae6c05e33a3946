package cli

import (
	"math/bits"
	"strconv"
	"sync"

	"ocsflags/directory"
	"ocsflags/flags"
)

// userFields are the settings find --json and audit --json carry for each
// user, under the names issue 16 gives them (an interface: scripts read
// them). An attribute that is not set is null, never "" or 0: absent and
// empty mean different things in AD. The three Booleans are as the OCS
// console shows them (absent is off), so they agree with --where.
type userFields struct {
	SAMAccountName string  `json:"sAMAccountName"`
	SIP            *string `json:"sip"`
	// Pool is the pool's host name, or the home server's value as stored
	// when it names no pool this account can see; null when there is none.
	Pool        *string  `json:"pool"`
	Enabled     bool     `json:"enabled"`
	OptionFlags *uint32  `json:"optionFlags"`
	Features    []string `json:"features"`
	// Telephony is the console option's short name (pc, rcc, ev, pbx,
	// rcc+pbx) or inconsistent.
	Telephony    string `json:"telephony"`
	Federation   bool   `json:"federation"`
	RemoteAccess bool   `json:"remoteAccess"`
	// Archiving is none, internal, federated or both, or the stored
	// number when it holds LCS 2005's legacy bits.
	Archiving string  `json:"archiving"`
	Line      *string `json:"line"`
	// LineServer is msRTCSIP-LineServer, the Server URI RCC needs next to
	// the line (the gateway); not one of the names, added after.
	LineServer *string `json:"lineServer"`
}

func optString(o flags.Opt[string]) *string {
	if !o.Set {
		return nil
	}
	return &o.V
}

// newUserFields reads the fields out of u; f is u's facts (Auditor.Facts).
func newUserFields(u directory.User, f flags.Facts) userFields {
	s := u.OCS
	out := userFields{
		SAMAccountName: u.SAMAccountName, SIP: optString(s.SIPAddress), Line: optString(s.Line), LineServer: optString(s.LineServer),
		Enabled: s.ConsoleEnabled(), Features: featureNames(s.OptionFlags.V),
		Telephony:  flags.TelephonyOf(s.OptionFlags.V).Short(),
		Federation: s.Federation.Or(false), RemoteAccess: s.RemoteAccess.Or(false),
		Archiving: archivingName(s.Archiving),
	}
	if s.OptionFlags.Set {
		v := uint32(s.OptionFlags.V)
		out.OptionFlags = &v
	}
	if p := poolValue(s.HomeServer, f.Pool); p != "" {
		out.Pool = &p
	}
	return out
}

// featureNames are the bits set in v by their set names (pic, ep…), and
// the bits without one (reserved, undocumented, unknown) by their value.
func featureNames(v flags.Value) []string {
	names := bitNames()
	out := make([]string, 0, bits.OnesCount32(uint32(v)))
	for b := range 32 {
		if v&(1<<b) != 0 {
			out = append(out, names[b])
		}
	}
	return out
}

// bitNames is each OptionFlags bit's name in featureNames, by bit number:
// looked up once, not for every bit of every user.
var bitNames = sync.OnceValue(func() *[32]string {
	var t [32]string
	for b := range 32 {
		v := flags.Value(1) << b
		if f, ok := flags.Lookup(v); ok && f.Short != "" {
			t[b] = f.Short
		} else {
			t[b] = strconv.FormatUint(uint64(v), 10)
		}
	}
	return &t
})

func archivingName(o flags.Opt[flags.Value]) string {
	for _, m := range flags.ArchivingModes {
		if m.Bits == o.V {
			return m.Name
		}
	}
	return strconv.FormatUint(uint64(o.V), 10)
}

// poolValue is the pool as data: its host, else the home server as stored
// ("" when there is none).
func poolValue(hs flags.Opt[string], host string) string {
	switch {
	case !hs.Set:
		return ""
	case host != "":
		return host
	}
	return hs.V
}

// userFields writes u's members into the object open in e, in the order
// and under the names of the struct's tags (see jsonEnc).
func (e *jsonEnc) userFields(u *userFields) {
	e.key("sAMAccountName")
	e.str(u.SAMAccountName)
	e.key("sip")
	e.strPtr(u.SIP)
	e.key("pool")
	e.strPtr(u.Pool)
	e.key("enabled")
	e.boolean(u.Enabled)
	e.key("optionFlags")
	e.uint32Ptr(u.OptionFlags)
	e.key("features")
	e.strings(u.Features)
	e.key("telephony")
	e.str(u.Telephony)
	e.key("federation")
	e.boolean(u.Federation)
	e.key("remoteAccess")
	e.boolean(u.RemoteAccess)
	e.key("archiving")
	e.str(u.Archiving)
	e.key("line")
	e.strPtr(u.Line)
	e.key("lineServer")
	e.strPtr(u.LineServer)
}

// findingFields writes f's members into the object open in e.
func (e *jsonEnc) findingFields(f *findingFields) {
	e.key("id")
	e.str(f.ID)
	e.key("severity")
	e.str(f.Severity.String())
	e.key("attribute")
	e.str(f.Attribute)
	e.key("value")
	e.str(f.Value)
	e.key("message")
	e.str(f.Message)
	e.key("experience")
	e.str(f.Experience)
}
