package flags

// AttrDoc is the OCS Admin Console's label for a per-user attribute that is
// not an OptionFlags bit, with its syntax and explanation (reference
// section 2): the bits are explained in Catalogue, these beside them, so
// every surface names a setting the same way.
type AttrDoc struct {
	Attr, Label, Syntax, Explain, Caveat string
}

// ConsolePath is where the OCS console shows the per-user settings.
const ConsolePath = "User properties › Communications tab (OCS 2007 R2: Office Communications Server Users node)"

// The per-user attributes' labels and explanations.
var (
	DocEnabled = AttrDoc{AttrUserEnabled, "Enable user for Office Communications Server", "Boolean (TRUE/FALSE)",
		"Whether the user may sign in to Office Communications Server at all.",
		"Clearing it keeps every other OCS setting in AD; enabling again restores them. Enabling a user who never had a sign-in name and a pool needs all four readiness attributes (the Enable Users wizard). As in the OCS console, the box is unticked for TRUE without a sign-in name: such a user is not enabled."}
	DocSIPAddress = AttrDoc{AttrPrimaryUserAddress, "Sign-in name", "Unicode string, sip:user@domain",
		"The user's SIP URI, what they type to sign in to Communicator; usually the e-mail address.",
		"Must start with sip:, name an FQDN domain, and be unique in the forest. If the address typed at sign-in differs, Communicator says: " + ClientMsgCannotSignIn}
	DocHomeServer = AttrDoc{AttrPrimaryHomeServer, "Server or pool", "DN: CN=LC Services,CN=Microsoft,<pool DN>",
		"The home server or pool that registers the user. Shown by the pool's host name (dNSHostName), never parsed from the DN: pool CNs can be topology ids such as 2:1.",
		"A host name instead of a DN is rejected by AD; a DN of a removed pool leaves the user under \"Unassigned users\", unable to sign in. Moving users changes the pool through the OCS tools, which also move server-side data."}
	DocReadiness = AttrDoc{"", "Sign-in readiness", "",
		"To sign in with Communicator 2007 R2 a user needs all four: msRTCSIP-UserEnabled TRUE, a sign-in name, a home server that is an existing pool, and enhanced presence (256) in msRTCSIP-OptionFlags.",
		"The AD account counts too: a disabled account cannot sign in, unless it carries msRTCSIP-OriginatorSid (a resource forest, where every person is such an account); a SIP-enabled contact (central forest) needs an OriginatorSid. Without 256 Communicator 2005 still signs in, 2007/R2 do not. Duplicate sign-in names are not checked in the list (that needs a directory search per user); the audit view checks them."}
	DocFederation = AttrDoc{AttrFederationEnabled, "Enable federation", "Boolean (TRUE/FALSE)",
		"Lets the user communicate with federated partner organisations through the Edge server.",
		"Only honoured when the forest-wide federation setting allows per-user control; the console greys it out otherwise."}
	DocRemoteAccess = AttrDoc{AttrInternetAccess, "Enable remote user access", "Boolean (TRUE/FALSE)",
		"Lets the user sign in from outside the corporate network through the Edge server, without VPN.",
		"Only honoured when the forest-wide setting allows per-user control."}
	DocLine = AttrDoc{AttrLine, "Line URI", "Unicode string",
		"The user's phone number: tel:+14255551297;ext=51297 for Enterprise Voice, or the PBX line for remote call control.",
		"Enterprise Voice needs a tel: URI in E.164 form for inbound routing; remote call control needs it together with the Server URI."}
	DocLineServer = AttrDoc{AttrLineServer, "Server URI", "Unicode string, SIP URI",
		"The SIP URI of the CSTA gateway that controls the user's PBX phone (remote call control).",
		"Without it remote call control does not work."}
	DocArchiving = AttrDoc{AttrArchivingEnabled, "Archiving", "Integer bitmask",
		"Archive internal IM conversations (4) and archive federated IM conversations (8) on the Archiving Server.",
		"Values other than 0, 4, 8 and 12 are left over from LCS 2005 scripts (1, 2, 3 meant other things) and behave unexpectedly; per-user archiving only applies when the forest setting is per-user."}
)

// ArchivingBox is one of the console's two Archiving check boxes.
type ArchivingBox struct {
	Bit   Value
	Label string
}

// ArchivingBoxes are the console's Archiving check boxes, in its order.
var ArchivingBoxes = []ArchivingBox{
	{ArchiveInternal, "Archive internal IM conversations"},
	{ArchiveFederated, "Archive federated IM conversations"},
}

// ArchivingLabel is the console's label of an archiving bit ("" for none).
func ArchivingLabel(b Value) string {
	for _, a := range ArchivingBoxes {
		if a.Bit == b {
			return a.Label
		}
	}
	return ""
}
