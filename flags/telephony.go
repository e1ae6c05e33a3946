package flags

import (
	"fmt"
	"strings"

	"ocsflags/termtext"
)

// TelephonyMask holds the bits of the console's Telephony radio group.
const TelephonyMask = RemoteCallControl | EnterpriseVoice | PBXIntegration

// Telephony is the console's Telephony radio group. Only five combinations of
// the three bits are console options; anything else is Inconsistent and is
// shown as such, never "fixed" silently.
type Telephony int

const (
	TelephonyPCOnly Telephony = iota
	TelephonyRCC
	TelephonyEnterpriseVoice
	TelephonyPBX
	TelephonyRCCAndPBX
	TelephonyInconsistent
)

// TelephonyModes are the five console options in the console's order.
var TelephonyModes = []Telephony{TelephonyPCOnly, TelephonyRCC, TelephonyEnterpriseVoice, TelephonyPBX, TelephonyRCCAndPBX}

// Bits is the bit pattern of a console option; the patterns of the last two
// options are inferred (see the reference).
func (t Telephony) Bits() Value {
	switch t {
	case TelephonyRCC:
		return RemoteCallControl
	case TelephonyEnterpriseVoice:
		return EnterpriseVoice
	case TelephonyPBX:
		return EnterpriseVoice | PBXIntegration
	case TelephonyRCCAndPBX:
		return RemoteCallControl | EnterpriseVoice | PBXIntegration
	}
	return 0
}

// Label is the console's wording of the option.
func (t Telephony) Label() string {
	switch t {
	case TelephonyPCOnly:
		// The R2 wording; OCS 2007 says "PC-to-PC communication only".
		return "Enable PC-to-PC communication only"
	case TelephonyRCC:
		return "Enable remote call control"
	case TelephonyEnterpriseVoice:
		return "Enable Enterprise Voice"
	case TelephonyPBX:
		return "Enable PBX integration for Enterprise Voice"
	case TelephonyRCCAndPBX:
		return "Enable both remote call control and PBX integration"
	}
	return "Inconsistent: matches no console option"
}

// Short is the command-line name of the option (ocsflags set telephony=ev).
func (t Telephony) Short() string {
	switch t {
	case TelephonyPCOnly:
		return "pc"
	case TelephonyRCC:
		return "rcc"
	case TelephonyEnterpriseVoice:
		return "ev"
	case TelephonyPBX:
		return "pbx"
	case TelephonyRCCAndPBX:
		return "rcc+pbx"
	}
	return "inconsistent"
}

// Inferred reports whether the option's bit pattern is inferred.
func (t Telephony) Inferred() bool { return t == TelephonyPBX || t == TelephonyRCCAndPBX }

func (t Telephony) String() string { return t.Short() }

// TelephonyOf reads the radio group out of v.
func TelephonyOf(v Value) Telephony {
	bits := v & TelephonyMask
	for _, t := range TelephonyModes {
		if t.Bits() == bits {
			return t
		}
	}
	return TelephonyInconsistent
}

// ParseTelephony accepts a Short name.
func ParseTelephony(s string) (Telephony, error) {
	for _, t := range TelephonyModes {
		if t.Short() == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("%s is not a telephony mode: use pc, rcc, ev, pbx or rcc+pbx", termtext.Quote(s))
}

// SetTelephony is the delta that selects a console option: it sets the
// option's bits and clears the other telephony bits, and nothing else.
func SetTelephony(t Telephony) Delta {
	return Delta{Set: t.Bits(), Clear: TelephonyMask &^ t.Bits()}
}

// CheckTelephonyChange is the console's radio group as a rule: a change
// that names telephony bits (16, 128, 512) must leave current on one of the
// five console options. The console can only choose an option; set refuses
// +ev, +rcc or +pbx where they would leave a state it cannot produce. A
// change that names no telephony bit is never refused here, so a user found
// inconsistent keeps their value until someone chooses an option.
func CheckTelephonyChange(current Value, d Delta) error {
	if d.Bits()&TelephonyMask == 0 {
		return nil
	}
	after := current&^d.Clear | d.Set
	if TelephonyOf(after) != TelephonyInconsistent {
		return nil
	}
	return fmt.Errorf("telephony would be %s, which matches none of the console's options (%s); choose one with telephony=pc|rcc|ev|pbx|rcc+pbx",
		(after & TelephonyMask).SumText(), optionList())
}

// SumText is a bit pattern as the sum a person reads: 16+128+512.
func (v Value) SumText() string {
	if v == 0 {
		return "0"
	}
	var p []string
	for _, b := range v.Bits() {
		p = append(p, fmt.Sprint(uint32(b)))
	}
	return strings.Join(p, "+")
}

func optionList() string {
	var p []string
	for _, t := range TelephonyModes {
		p = append(p, fmt.Sprintf("%s=%s", t.Short(), t.Bits().SumText()))
	}
	return strings.Join(p, ", ")
}
