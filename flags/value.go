// Package flags is the one place that knows what msRTCSIP-OptionFlags and the
// other per-user OCS attributes mean: the bit catalogue with the OCS Admin
// Console's labels, the telephony radio group, edits expressed as deltas that
// never touch bits they do not name, AD's attribute syntaxes, and the sign-in
// readiness rules. It does no I/O, so the console, the audit and every command
// apply exactly the same rules.
package flags

import (
	"fmt"
	"strconv"
	"strings"

	"ocsflags/termtext"
)

// Value is an msRTCSIP-OptionFlags bitmask. AD stores it as a signed 32-bit
// Integer; it is handled as uint32 so that bit 31 is just another bit.
type Value uint32

// ParseAD parses an Integer attribute exactly as AD sends it: signed 32-bit
// decimal, no sign on positives, no leading zeros. The unsigned spelling of a
// negative value (4294967295 for -1) is accepted because some tools write it
// and LDIF exports from non-AD servers can carry it; it means the same bits.
func ParseAD(s string) (Value, error) {
	n, err := parseADInt(s)
	if err != nil {
		return 0, err
	}
	return Value(uint32(n)), nil
}

// ParseADInt32 is ParseAD for Integer attributes that are not OptionFlags
// (msRTCSIP-ArchivingEnabled): same syntax, signed result.
func ParseADInt32(s string) (int32, error) {
	n, err := parseADInt(s)
	if err != nil {
		return 0, err
	}
	return int32(uint32(n)), nil
}

func parseADInt(s string) (int64, error) {
	bad := func(why string) error {
		return fmt.Errorf("%s is not an AD Integer value (%s): expected signed 32-bit decimal such as 385 or -1", termtext.Quote(s), why)
	}
	if s == "" {
		return 0, bad("empty")
	}
	digits := strings.TrimPrefix(s, "-")
	if digits == "" {
		return 0, bad("no digits")
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, bad("not a decimal number")
		}
	}
	if len(digits) > 1 && digits[0] == '0' {
		return 0, bad("leading zero")
	}
	if s == "-0" {
		return 0, bad("negative zero")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < -1<<31 || n > 1<<32-1 {
		return 0, bad("out of the 32-bit range")
	}
	return n, nil
}

// FormatAD writes v the way AD stores and accepts it: signed 32-bit decimal.
func FormatAD(v Value) string { return strconv.FormatInt(int64(int32(v)), 10) }

// FormatADInt32 is FormatAD for other Integer attributes.
func FormatADInt32(n int32) string { return strconv.FormatInt(int64(n), 10) }

// ParseInput parses a value typed by a person: decimal (including AD's
// negative form and the unsigned form), or hexadecimal with 0x.
func ParseInput(s string) (Value, error) {
	t := strings.TrimSpace(s)
	if h, ok := strings.CutPrefix(strings.ToLower(t), "0x"); ok {
		n, err := strconv.ParseUint(h, 16, 32)
		if err != nil || h == "" {
			return 0, fmt.Errorf("%s is not a 32-bit value: use decimal (385), hexadecimal (0x181) or AD's negative form (-1)", termtext.Quote(s))
		}
		return Value(n), nil
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < -1<<31 || n > 1<<32-1 {
		return 0, fmt.Errorf("%s is not a 32-bit value: use decimal (385), hexadecimal (0x181) or AD's negative form (-1)", termtext.Quote(s))
	}
	return Value(uint32(n)), nil
}

// ParseADBool parses a Boolean attribute: AD accepts and returns only the
// upper-case TRUE and FALSE; anything else is rejected as AD would (result 21).
func ParseADBool(s string) (bool, error) {
	switch s {
	case "TRUE":
		return true, nil
	case "FALSE":
		return false, nil
	}
	return false, fmt.Errorf("%s is not an AD Boolean value: AD accepts only TRUE or FALSE (upper case)", termtext.Quote(s))
}

// FormatADBool writes b as AD's Boolean syntax.
func FormatADBool(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// Hex is v as 0x-prefixed hexadecimal, eight digits so columns line up.
func (v Value) Hex() string { return fmt.Sprintf("0x%08X", uint32(v)) }

// Binary is v as 32 binary digits grouped in fours for reading.
func (v Value) Binary() string {
	s := fmt.Sprintf("%032b", uint32(v))
	var b strings.Builder
	for i := 0; i < 32; i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i : i+4])
	}
	return b.String()
}

// Bits lists the single-bit values set in v, lowest first.
func (v Value) Bits() []Value {
	var out []Value
	for b := 0; b < 32; b++ {
		if v&(1<<b) != 0 {
			out = append(out, 1<<b)
		}
	}
	return out
}

// BitIndex is the position of a single-bit value (16 -> 4); -1 otherwise.
func BitIndex(v Value) int {
	if v == 0 || v&(v-1) != 0 {
		return -1
	}
	i := 0
	for v > 1 {
		v >>= 1
		i++
	}
	return i
}
