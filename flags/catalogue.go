package flags

import "strings"

// The bits with a name. Values are the ones in the OCS schema documentation
// (MSFT_SIPESUserSetting); see shared/ocs-reference.md section 1.
const (
	PublicIM              Value = 1    // PublicNetworkEnabled
	RemoteCallControl     Value = 16   // RemoteCallControlTelephonyEnabled
	AnonymousParticipants Value = 64   // AllowOrganizeMeetingWithAnonymousParticipants
	EnterpriseVoice       Value = 128  // UCEnabled
	EnhancedPresence      Value = 256  // EnabledForEnhancedPresence, one-way
	PBXIntegration        Value = 512  // RemoteCallControlDualMode
	AutoAttendant         Value = 1024 // undocumented

	// KnownMask covers every bit the catalogue lists (bits 0 to 10). Anything
	// outside it is unknown: shown with its value and preserved on every write.
	KnownMask Value = 1<<11 - 1
)

// Group is where the OCS Admin Console shows an option.
type Group int

const (
	GroupFederation Group = iota
	GroupPresence
	GroupTelephony
	GroupMeetings
	GroupReserved
)

// Groups in the console's order.
var Groups = []Group{GroupFederation, GroupPresence, GroupTelephony, GroupMeetings, GroupReserved}

func (g Group) String() string {
	switch g {
	case GroupFederation:
		return "Federation"
	case GroupPresence:
		return "Presence"
	case GroupTelephony:
		return "Telephony"
	case GroupMeetings:
		return "Meetings"
	default:
		return "Reserved/undocumented"
	}
}

// Feature is one catalogued bit of msRTCSIP-OptionFlags.
type Feature struct {
	Value Value
	Bit   int
	// Name is the official name from the schema / WMI class, or a
	// description of why there is none ("reserved", "undocumented").
	Name string
	// Short is the name used on the command line (ocsflags set +pic); empty
	// for bits nobody should toggle by name.
	Short string
	// Label is the OCS Admin Console's wording; empty when the console does
	// not show the bit.
	Label       string
	Group       Group
	ConsolePath string
	Explain     string
	Caveat      string
	Versions    string
	// Documented is false for reserved and undocumented bits: they are shown
	// read-only and kept exactly as found.
	Documented bool
	// Inferred marks facts that come from observation rather than Microsoft's
	// documentation; the console says so next to them.
	Inferred bool
}

// ConsolePathOptions is where the OCS console puts the per-user options:
// the Communications tab's Configure… button (Additional Properties).
const ConsolePathOptions = "User properties › Communications tab › Configure… (Additional Properties; OCS 2007 R2: also the Configure Users wizard)"

const advanced = ConsolePathOptions

// Catalogue lists every bit from 0 to 10 in value order.
var Catalogue = []Feature{
	{
		Value: PublicIM, Bit: 0, Name: "PublicNetworkEnabled", Short: "pic",
		Label: "Enable public IM connectivity", Group: GroupFederation,
		ConsolePath: advanced + " › Federation",
		Explain:     "Lets the user exchange IM and presence with public IM networks (AOL, Yahoo!, MSN/Windows Live) through the Edge server.",
		Caveat:      "Only honoured when the forest-wide federation settings allow per-user control and public IM connectivity is licensed and configured on the Edge.",
		Versions:    "LCS 2005 SP1, OCS 2007, OCS 2007 R2", Documented: true,
	},
	{Value: 2, Bit: 1, Name: "reserved", Group: GroupReserved, Explain: "Reserved by Microsoft. Some old scripts set it; it has no documented effect.", Caveat: "Kept exactly as found on every write.", Versions: "—"},
	{Value: 4, Bit: 2, Name: "reserved", Group: GroupReserved, Explain: "Reserved by Microsoft. It has no documented effect.", Caveat: "Kept exactly as found on every write.", Versions: "—"},
	{Value: 8, Bit: 3, Name: "reserved", Group: GroupReserved, Explain: "Reserved by Microsoft. It has no documented effect.", Caveat: "Kept exactly as found on every write.", Versions: "—"},
	{
		Value: RemoteCallControl, Bit: 4, Name: "RemoteCallControlTelephonyEnabled", Short: "rcc",
		Label: "Enable remote call control", Group: GroupTelephony,
		ConsolePath: advanced + " › Telephony",
		Explain:     "Communicator controls the user's desk phone on the PBX through a CSTA/SIP gateway: click-to-call, answer and transfer from the PC.",
		Caveat:      "Needs msRTCSIP-Line (Line URI) and msRTCSIP-LineServer (Server URI, the gateway); without both, RCC does not work.",
		Versions:    "LCS 2005, OCS 2007, OCS 2007 R2", Documented: true,
	},
	{Value: 32, Bit: 5, Name: "undocumented", Group: GroupReserved, Explain: "Not documented by Microsoft.", Caveat: "Kept exactly as found on every write.", Versions: "—"},
	{
		Value: AnonymousParticipants, Bit: 6, Name: "AllowOrganizeMeetingWithAnonymousParticipants", Short: "anonymous",
		Label: "Allow anonymous participants", Group: GroupMeetings,
		ConsolePath: advanced + " › Meetings",
		Explain:     "Lets the user organise conferences that people without an account in the organisation can join.",
		Caveat:      "Only honoured when the forest-wide Meetings setting is per-user; otherwise the global policy decides.",
		Versions:    "OCS 2007, OCS 2007 R2", Documented: true,
	},
	{
		Value: EnterpriseVoice, Bit: 7, Name: "UCEnabled", Short: "ev",
		Label: "Enable Enterprise Voice", Group: GroupTelephony,
		ConsolePath: advanced + " › Telephony",
		Explain:     "Makes OCS the user's phone system: calls are routed by OCS Enterprise Voice through the Mediation server and gateways.",
		Caveat:      "msRTCSIP-Line should be a tel: URI in E.164 form (tel:+14255551297) for inbound routing; needs a voice policy.",
		Versions:    "OCS 2007, OCS 2007 R2", Documented: true,
	},
	{
		Value: EnhancedPresence, Bit: 8, Name: "EnabledForEnhancedPresence", Short: "ep",
		Label: "Enable enhanced presence", Group: GroupPresence,
		ConsolePath: advanced + " › Presence",
		Explain:     "Turns on OCS 2007 enhanced presence (rich presence, access levels, location). Communicator 2007 and R2 refuse to sign in without it.",
		Caveat:      "One-way: once set the console greys it out and it can never be cleared. After the first sign-in with Communicator 2007/R2 the user can no longer use Communicator 2005, so time it with the client rollout.",
		Versions:    "OCS 2007, OCS 2007 R2", Documented: true,
	},
	{
		Value: PBXIntegration, Bit: 9, Name: "RemoteCallControlDualMode", Short: "pbx",
		Label: "Enable PBX integration for Enterprise Voice", Group: GroupTelephony,
		ConsolePath: advanced + " › Telephony",
		Explain:     "Dual forking: calls ring both the PBX phone and Communicator; Enterprise Voice works alongside an existing IP-PBX (soft-phone routing).",
		Caveat:      "Used together with Enterprise Voice (128); the exact bit pattern of the console option is inferred, not documented.",
		Versions:    "OCS 2007, OCS 2007 R2", Documented: true, Inferred: true,
	},
	{Value: AutoAttendant, Bit: 10, Name: "undocumented (a public decoder calls it \"Auto Attendant\")", Group: GroupReserved, Explain: "Not documented by Microsoft; one public decoder labels it Auto Attendant. Its meaning is inferred.", Caveat: "Kept exactly as found on every write.", Versions: "—", Inferred: true},
}

// Lookup finds the catalogue entry for a single-bit value.
func Lookup(v Value) (Feature, bool) {
	i := BitIndex(v)
	if i < 0 || i >= len(Catalogue) {
		return Feature{}, false
	}
	return Catalogue[i], true
}

// ByShort finds a documented feature by its command-line name or its value in
// decimal ("pic", "ep", "256").
func ByShort(s string) (Feature, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, f := range Catalogue {
		if f.Short != "" && f.Short == s {
			return f, true
		}
	}
	if v, err := ParseInput(s); err == nil {
		return Lookup(v)
	}
	return Feature{}, false
}

// InGroup returns the catalogue entries of g, in value order.
func InGroup(g Group) []Feature {
	var out []Feature
	for _, f := range Catalogue {
		if f.Group == g {
			out = append(out, f)
		}
	}
	return out
}

// Unknown returns the bits of v the catalogue does not list.
func (v Value) Unknown() Value { return v &^ KnownMask }

// Has reports whether every bit of b is set in v.
func (v Value) Has(b Value) bool { return v&b == b }
