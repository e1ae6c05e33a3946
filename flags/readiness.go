package flags

import (
	"fmt"
	"strings"
)

// Severity of a readiness finding.
type Severity int

const (
	// Warning: the user can sign in, but something is wrong.
	Warning Severity = iota
	// Error: the user cannot sign in with Communicator 2007 R2.
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// MarshalText makes severities read as words in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding ids. They are stable: scripts match on them.
const (
	FindingNotEnabled            = "not-enabled"
	FindingNoSIPAddress          = "no-sip-address"
	FindingSIPAddressMalformed   = "sip-address-malformed"
	FindingSIPAddressDuplicate   = "sip-address-duplicate"
	FindingNoHomeServer          = "no-home-server"
	FindingHomeServerNotAPool    = "home-server-not-a-pool"
	FindingNoEnhancedPresence    = "no-enhanced-presence"
	FindingTelephonyInconsistent = "telephony-inconsistent"
	FindingRCCWithoutLine        = "rcc-without-line"
	FindingArchivingLegacyValue  = "archiving-legacy-value"
	FindingLineNotE164           = "ev-line-not-e164"
	FindingMoveInProgress        = "move-in-progress"
	// FindingADAccountDisabled: the AD account is disabled, outside the
	// resource-forest layout (where a disabled account carrying
	// msRTCSIP-OriginatorSid is how every person is represented).
	FindingADAccountDisabled = "ad-account-disabled"
	// FindingContactNoOriginatorSid: a SIP-enabled contact (central forest)
	// without the SID of the account its person logs on with.
	FindingContactNoOriginatorSid = "contact-without-originator-sid"
	// FindingProxyAddressNoSIP: a central-forest contact whose proxyAddresses
	// lack sip:<sign-in name> (Outlook and SharePoint look there).
	FindingProxyAddressNoSIP = "proxy-addresses-without-sip"
	FindingMultiValued       = "multi-valued"
	FindingControlCharacters = "control-characters"
	// FindingHomeServerUnchecked: the home server could not be checked
	// because the pools cannot be read (a warning: the user may well be
	// fine, and must not be treated as broken).
	FindingHomeServerUnchecked = "home-server-unchecked"
)

// Rule is one readiness rule as the audit view lists it: a line that
// passes or fails, named as what must hold.
type Rule struct {
	ID        string // the id of the finding the rule produces when it fails
	Title     string
	Attribute string
}

// Rules lists every rule Audit applies, in the order it applies them; a
// user passes a rule when Audit returns no finding with its id.
var Rules = []Rule{
	{FindingNotEnabled, "Enabled for Office Communications Server", AttrUserEnabled},
	{FindingNoSIPAddress, "Has a sign-in name", AttrPrimaryUserAddress},
	{FindingSIPAddressMalformed, "Sign-in name is a valid sip: address", AttrPrimaryUserAddress},
	{FindingSIPAddressDuplicate, "Sign-in name is unique in the forest", AttrPrimaryUserAddress},
	{FindingNoHomeServer, "Has a home server or pool", AttrPrimaryHomeServer},
	{FindingHomeServerNotAPool, "Home server is an existing pool", AttrPrimaryHomeServer},
	{FindingNoEnhancedPresence, "Enhanced presence (256) is set", AttrOptionFlags},
	{FindingTelephonyInconsistent, "Telephony is one of the console's options", AttrOptionFlags},
	{FindingRCCWithoutLine, "Remote call control has a Line URI and Server URI", AttrLine},
	{FindingLineNotE164, "Enterprise Voice has an E.164 Line URI", AttrLine},
	{FindingArchivingLegacyValue, "Archiving is 0, 4, 8 or 12", AttrArchivingEnabled},
	{FindingMoveInProgress, "No move to another pool in progress", AttrTargetHomeServer},
	{FindingADAccountDisabled, "AD account enabled, or a resource-forest account", AttrUserAccountControl},
	{FindingContactNoOriginatorSid, "Contact carries msRTCSIP-OriginatorSid", AttrOriginatorSid},
	{FindingProxyAddressNoSIP, "Contact's proxyAddresses hold the sign-in name", AttrProxyAddresses},
	// These two look at several attributes; their findings name which.
	{FindingMultiValued, "Single-valued attributes hold one value each", ""},
	{FindingControlCharacters, "Names and URIs hold no control characters", ""},
}

// Client messages quoted in shared/ocs-reference.md section 5.
const (
	ClientMsgNoEnhancedPresence = "You will not be able to sign in because your account is not configured to support enhanced presence features"
	ClientMsgCannotSignIn       = "Cannot sign in to Communicator. You may have entered your sign-in address, user name, or password incorrectly, or the authentication service may be incompatible with the version of the program."
)

// AttrUserAccountControl and AttrProxyAddresses are the AD attributes the
// account rules read; they are not OCS attributes and never written here.
const (
	AttrUserAccountControl = "userAccountControl"
	AttrProxyAddresses     = "proxyAddresses"
)

// Finding is one broken or questionable readiness rule.
type Finding struct {
	ID        string
	Severity  Severity
	Attribute string
	// Value is the attribute's current text ("" when absent).
	Value string
	// Problem says what is wrong, for an admin.
	Problem string
	// Experience is what the user sees; the client's own words where known.
	Experience string
	// Fix is a proposed edit, when one obvious edit repairs the finding.
	Fix *Change
	// FixHint says how to fix it when no single edit does (choose a pool…).
	FixHint string
}

// AuditInput is everything the rules need about one user. The caller does
// the directory look-ups (pools, other holders of the SIP address) so the
// rules stay pure.
type AuditInput struct {
	Settings Settings
	Mail     string
	UPN      string
	// IsPool reports whether a DN is the home-server DN of an existing pool
	// (CN=LC Services,CN=Microsoft,<pool>).
	IsPool func(dn string) bool
	// PoolUnknown, for a home-server DN that IsPool rejects, says why that
	// cannot be told (the pools cannot be read with this account), or ""
	// when "not a pool" is certain. Nil means always certain.
	PoolUnknown func(dn string) string
	// OtherHolders are the DNs of other objects with the same SIP address.
	OtherHolders []string
	// SIPFree reports whether a sign-in name the rules could offer as a fix
	// (the stored one with sip: added, or one from mail or UPN) is held by
	// no other object. nil means nobody knows: then no sign-in name is
	// offered, because an offer could be another user's address.
	SIPFree func(addr string) bool

	// Contact is set for a contact object (central forest), unset for a user.
	Contact bool
	// AppContact is set for a contact OCS keeps for its own services
	// (below CN=RTC Service): not a person, so the central-forest rules
	// do not apply.
	AppContact bool
	// ADDisabled is userAccountControl's ACCOUNTDISABLE bit (users only).
	ADDisabled bool
	// ProxyAddresses are the object's proxyAddresses values.
	ProxyAddresses []string
	// DisplayName and CN are the object's names, for the control-characters
	// rule.
	DisplayName, CN string
	// SIPScope is how far the search for OtherHolders reached.
	SIPScope SearchScope
}

// Counts is how many findings stop the user signing in (errors) and how many
// are warnings.
func Counts(findings []Finding) (errs, warns int) {
	for _, f := range findings {
		if f.Severity == Error {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// JudgeCounts is Judge's verdict with the findings counted as the verdict
// line words them: the warning an unverified verdict stands for
// (home-server-unchecked) is the verdict itself, not one more warning.
func JudgeCounts(findings []Finding) (v Verdict, errs, warns int) {
	v = Judge(findings)
	errs, warns = Counts(findings)
	if v == VerdictUnverified {
		warns--
	}
	return v, errs, warns
}

// Ready reports whether the verdict on findings is ready: no error, and
// nothing left unchecked that readiness needs (Judge).
func Ready(findings []Finding) bool { return Judge(findings) == VerdictReady }

// Audit applies every readiness rule. A user that is not enabled gets only
// not-enabled plus the findings that would still stop sign-in after
// enabling, so the list reads as a to-do list.
func Audit(in AuditInput) []Finding {
	s := in.Settings
	var out []Finding
	add := func(f Finding) { out = append(out, f) }

	if !s.Enabled.Or(false) {
		f := Finding{
			ID: FindingNotEnabled, Severity: Error, Attribute: AttrUserEnabled, Value: optText(s.Enabled),
			Problem:    "the user is not enabled for Office Communications Server",
			Experience: "cannot sign in; the other OCS settings stay in AD and come back when the user is enabled again",
			Fix:        &Change{Enabled: Some(true)},
		}
		if !s.Enabled.Set {
			f.Problem = "msRTCSIP-UserEnabled is not set: the user was never enabled for Office Communications Server"
		}
		add(f)
	}

	switch {
	case !s.SIPAddress.Set:
		f := Finding{
			ID: FindingNoSIPAddress, Severity: Error, Attribute: AttrPrimaryUserAddress,
			Problem:    "no sign-in name (SIP address)",
			Experience: "the console shows the user as not enabled; cannot sign in",
		}
		if sug := in.freeSIP(SIPCandidates("", in.Mail, in.UPN)); sug != "" {
			f.Fix = &Change{SIPAddress: Some(sug)}
		} else {
			f.FixHint = "set a sign-in name such as sip:first.last@example.com (the user's mail and UPN give none that is known to be free)"
		}
		add(f)
	default:
		if err := CheckSIPAddress(s.SIPAddress.V); err != nil {
			f := Finding{
				ID: FindingSIPAddressMalformed, Severity: Error, Attribute: AttrPrimaryUserAddress, Value: s.SIPAddress.V,
				Problem:    err.Error(),
				Experience: ClientMsgCannotSignIn,
			}
			if sug := in.freeSIP(SIPCandidates(s.SIPAddress.V, in.Mail, in.UPN)); sug != "" {
				f.Fix = &Change{SIPAddress: Some(sug)}
			} else {
				f.FixHint = "give the user a sign-in name that is free (its mail and UPN give none that is known to be free)"
			}
			add(f)
		}
		if len(in.OtherHolders) > 0 {
			add(Finding{
				ID: FindingSIPAddressDuplicate, Severity: Error, Attribute: AttrPrimaryUserAddress, Value: s.SIPAddress.V,
				Problem:    fmt.Sprintf("the sign-in name is also used by %s; %s", strings.Join(in.OtherHolders, "; "), uniqueIn(in.SIPScope)),
				Experience: ClientMsgCannotSignIn,
				FixHint:    "give one of the users another sign-in name",
			})
		}
	}

	switch {
	case !s.HomeServer.Set:
		add(Finding{
			ID: FindingNoHomeServer, Severity: Error, Attribute: AttrPrimaryHomeServer,
			Problem:    "no home server or pool",
			Experience: "cannot sign in; ADUC shows an error when opening the Communications tab",
			FixHint:    "choose a pool",
		})
	case in.IsPool != nil && !in.IsPool(s.HomeServer.V) && in.PoolUnknown != nil && in.PoolUnknown(s.HomeServer.V) != "":
		add(Finding{
			ID: FindingHomeServerUnchecked, Severity: Warning, Attribute: AttrPrimaryHomeServer, Value: s.HomeServer.V,
			Problem:    "cannot tell whether the home server is an existing pool: " + in.PoolUnknown(s.HomeServer.V),
			Experience: "unknown: the user may well sign in; nothing is changed on this account's word",
			FixHint:    "audit with an account that can read the pools (or reach a Global Catalog with --gc)",
		})
	case in.IsPool == nil || !in.IsPool(s.HomeServer.V):
		problem := "the home server does not name an existing pool (CN=LC Services,CN=Microsoft,<pool>)"
		switch {
		case !strings.Contains(s.HomeServer.V, "="):
			problem = "the home server is written as a host name, not a pool DN; AD rejects this"
		case IsDeletedReference(s.HomeServer.V):
			problem = "the home server is a pool that was deleted (AD keeps the reference in Deleted Objects)"
		}
		add(Finding{
			ID: FindingHomeServerNotAPool, Severity: Error, Attribute: AttrPrimaryHomeServer, Value: s.HomeServer.V,
			Problem:    problem,
			Experience: "cannot sign in; a user homed on a removed pool appears under \"Unassigned users\"",
			FixHint:    "choose a pool",
		})
	}

	// Without 256 (0 after a move from LCS 2005) Communicator 2005 still
	// signs in; only 2007/R2 refuse (reference section 8). It stays an
	// error: readiness here is Communicator 2007/R2 readiness, the four
	// requirements of reference section 5, and a warning would call ready
	// a user whom every 2007/R2 client refuses. The verdict says 2005 still
	// works (VerdictCommunicator2005Only).
	if !s.OptionFlags.Set || !s.OptionFlags.V.Has(EnhancedPresence) {
		f := Finding{
			ID: FindingNoEnhancedPresence, Severity: Error, Attribute: AttrOptionFlags, Value: optValue(s.OptionFlags),
			Problem:    "enhanced presence (256) is not set: Communicator 2007 and 2007 R2 refuse to sign in; Communicator 2005 still signs in (a user moved from LCS 2005)",
			Experience: ClientMsgNoEnhancedPresence,
			Fix:        &Change{Flags: Delta{Set: EnhancedPresence}},
		}
		if !s.OptionFlags.Set {
			f.Problem = "msRTCSIP-OptionFlags is not set, so enhanced presence (256) is off: Communicator 2007 and 2007 R2 refuse to sign in; Communicator 2005 still signs in"
		}
		add(f)
	}

	v := s.OptionFlags.V
	if TelephonyOf(v) == TelephonyInconsistent {
		add(Finding{
			ID: FindingTelephonyInconsistent, Severity: Warning, Attribute: AttrOptionFlags, Value: FormatAD(v),
			Problem:    fmt.Sprintf("telephony bits %s match none of the console's options", Delta{Set: v & TelephonyMask}),
			Experience: "telephony may not behave as the console shows it",
			FixHint:    "choose one telephony option",
		})
	}
	if v.Has(RemoteCallControl) && (!s.Line.Set || !s.LineServer.Set) {
		missing := []string{}
		if !s.Line.Set {
			missing = append(missing, "Line URI ("+AttrLine+")")
		}
		if !s.LineServer.Set {
			missing = append(missing, "Server URI ("+AttrLineServer+")")
		}
		add(Finding{
			ID: FindingRCCWithoutLine, Severity: Warning, Attribute: AttrLine, Value: s.Line.V,
			Problem:    "remote call control is on without " + strings.Join(missing, " and "),
			Experience: "remote call control does not work",
			FixHint:    "set the Line URI and Server URI, or choose another telephony option",
		})
	}
	if v.Has(EnterpriseVoice) && !IsE164Line(s.Line.V) {
		add(Finding{
			ID: FindingLineNotE164, Severity: Warning, Attribute: AttrLine, Value: s.Line.V,
			Problem:    "Enterprise Voice is on but the Line URI is not a tel: URI in E.164 form (tel:+14255551297)",
			Experience: "inbound calls may not reach the user",
			FixHint:    "set the Line URI to tel:+<country code><number>",
		})
	}
	if s.Archiving.Set {
		if a := s.Archiving.V; a&^(ArchiveInternal|ArchiveFederated) != 0 {
			add(Finding{
				ID: FindingArchivingLegacyValue, Severity: Warning, Attribute: AttrArchivingEnabled, Value: FormatAD(a),
				Problem:    "archiving value is not one of 0, 4, 8 or 12: left over from LCS 2005 scripts, where 1, 2 and 3 had other meanings",
				Experience: "archiving behaves unexpectedly",
				FixHint:    "choose the archiving options again (none, internal, federated or both); that clears the LCS 2005 bits 1 and 2",
			})
		}
	}
	if s.TargetHomeServer.Set {
		add(Finding{
			ID: FindingMoveInProgress, Severity: Warning, Attribute: AttrTargetHomeServer, Value: s.TargetHomeServer.V,
			Problem:    "a move to another pool is in progress (msRTCSIP-TargetHomeServer is set)",
			Experience: "sign-in may fail until the move completes",
			FixHint:    "finish or cancel the move with the OCS tools",
		})
	}
	accountRules(in, add)
	out = append(out, multiValuedFindings(s)...)
	out = append(out, controlCharFindings(in)...)
	return out
}

func optText(o Opt[bool]) string {
	if !o.Set {
		return ""
	}
	return FormatADBool(o.V)
}

func optValue(o Opt[Value]) string {
	if !o.Set {
		return ""
	}
	return FormatAD(o.V)
}

// accountRules are the rules about the AD object that carries the OCS
// settings: a disabled account, and the central-forest contact's link to
// the person's account (shared/ocs-reference.md section 8).
func accountRules(in AuditInput, add func(Finding)) {
	s := in.Settings
	if in.ADDisabled && !in.Contact && !s.OriginatorSid.Set {
		add(Finding{
			ID: FindingADAccountDisabled, Severity: Error, Attribute: AttrUserAccountControl, Value: "ACCOUNTDISABLE",
			Problem:    "the AD account is disabled (userAccountControl) and carries no msRTCSIP-OriginatorSid, so it is not a resource-forest account",
			Experience: "cannot sign in: the domain controller refuses a disabled account's logon, so Communicator cannot authenticate",
			FixHint:    "enable the account in Active Directory Users and Computers, or disable the user for OCS (-enabled) if they have left; a resource-forest account needs msRTCSIP-OriginatorSid set by the OCS tools",
		})
	}
	if !in.Contact || in.AppContact {
		return
	}
	if !s.OriginatorSid.Set {
		add(Finding{
			ID: FindingContactNoOriginatorSid, Severity: Error, Attribute: AttrOriginatorSid,
			Problem:    "a SIP-enabled contact stands for a person of another forest (central forest layout), but it has no msRTCSIP-OriginatorSid naming that person's account",
			Experience: "the person cannot sign in through this contact: OCS links a logon from the other forest to its contact by this SID (inferred)",
			FixHint:    "set msRTCSIP-OriginatorSid to the objectSid of the person's account in their forest (the directory synchronisation that creates the contacts does this)",
		})
	}
	if s.SIPAddress.Set && !hasProxySIP(in.ProxyAddresses, s.SIPAddress.V) {
		bare := s.SIPAddress.V
		if hasSIPScheme(bare) {
			bare = bare[4:]
		}
		add(Finding{
			ID: FindingProxyAddressNoSIP, Severity: Warning, Attribute: AttrProxyAddresses, Value: strings.Join(in.ProxyAddresses, "; "),
			Problem:    "proxyAddresses has no sip:" + bare + " entry matching the sign-in name; in a central forest it should be there in both forests",
			Experience: "Outlook and SharePoint do not show the person's presence or offer IM, because they look the address up in proxyAddresses",
			FixHint:    "add sip:" + bare + " to the contact's proxyAddresses (and to the person's account in their forest)",
		})
	}
}

// hasProxySIP reports whether proxyAddresses holds sip:<addr> (the
// primary SIP: or a secondary sip:), compared case-insensitively.
func hasProxySIP(proxies []string, addr string) bool {
	bare := addr
	if hasSIPScheme(bare) {
		bare = bare[4:]
	}
	for _, p := range proxies {
		if hasSIPScheme(p) && strings.EqualFold(p[4:], bare) {
			return true
		}
	}
	return false
}

// Note says why a rule passes where an admin would expect it to fail: a
// disabled resource-forest account, a central-forest contact.
type Note struct {
	ID        string `json:"id"` // the rule it explains
	Attribute string `json:"attribute"`
	Value     string `json:"value"`
	Message   string `json:"message"`
}

// Notes are the explanations that go with Audit's findings on the same
// input; every surface shows them next to the passing rule.
func Notes(in AuditInput) []Note {
	s := in.Settings
	var out []Note
	if in.ADDisabled && !in.Contact && s.OriginatorSid.Set {
		out = append(out, Note{
			ID: FindingADAccountDisabled, Attribute: AttrOriginatorSid, Value: s.OriginatorSid.V,
			Message: "the AD account is disabled, which is how a resource forest represents a person: it carries msRTCSIP-OriginatorSid " + s.OriginatorSid.V + ", the account the person logs on with in their own forest, so it can sign in",
		})
	}
	if in.Contact && !in.AppContact && s.OriginatorSid.Set {
		out = append(out, Note{
			ID: FindingContactNoOriginatorSid, Attribute: AttrOriginatorSid, Value: s.OriginatorSid.V,
			Message: "a central-forest contact: the person logs on in their own forest with the account " + s.OriginatorSid.V + " and signs in to OCS as this contact",
		})
	}
	if in.Contact && in.AppContact {
		out = append(out, Note{
			ID: FindingContactNoOriginatorSid, Attribute: AttrOriginatorSid, Value: s.OriginatorSid.V,
			Message: "an OCS application contact (below CN=RTC Service), not a person: the central-forest rules do not apply",
		})
	}
	if n := scopeNote(in); n != nil {
		out = append(out, *n)
	}
	return out
}

// NoteFor is the note explaining rule id, if any.
func NoteFor(notes []Note, id string) *Note {
	for i := range notes {
		if notes[i].ID == id {
			return &notes[i]
		}
	}
	return nil
}
