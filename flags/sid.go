package flags

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"ocsflags/termtext"
)

// DecodeSID turns a SID as AD stores it (binary: revision 1, the count of
// sub-authorities, a 48-bit big-endian identifier authority, then 32-bit
// little-endian sub-authorities) into its S-1-5-21-… text. Text that is
// already in S- form (a hand-written LDIF) is checked and kept.
func DecodeSID(v string) (string, error) {
	if strings.HasPrefix(v, "S-") || strings.HasPrefix(v, "s-") {
		return checkSIDText(v)
	}
	b := []byte(v)
	if len(b) < 8 || b[0] != 1 {
		return "", fmt.Errorf("not a SID (%d bytes, revision %d): expected a binary SID such as the objectSid of an account", len(b), firstByte(b))
	}
	n := int(b[1])
	if n > 15 || len(b) != 8+4*n {
		return "", fmt.Errorf("not a SID: %d sub-authorities need %d bytes, it has %d", n, 8+4*n, len(b))
	}
	var auth uint64
	for _, c := range b[2:8] {
		auth = auth<<8 | uint64(c)
	}
	var sb strings.Builder
	sb.WriteString("S-1-")
	sb.WriteString(strconv.FormatUint(auth, 10))
	for i := range n {
		sb.WriteByte('-')
		sb.WriteString(strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b[8+4*i:])), 10))
	}
	return sb.String(), nil
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// EncodeSID is DecodeSID backwards: S-1-… text to AD's binary form.
func EncodeSID(s string) ([]byte, error) {
	if _, err := checkSIDText(s); err != nil {
		return nil, err
	}
	parts := strings.Split(s[2:], "-")
	auth, _ := strconv.ParseUint(parts[1], 10, 48)
	subs := parts[2:]
	b := make([]byte, 8, 8+4*len(subs))
	b[0], b[1] = 1, byte(len(subs))
	for i := 0; i < 6; i++ {
		b[7-i] = byte(auth >> (8 * i))
	}
	for _, p := range subs {
		n, _ := strconv.ParseUint(p, 10, 32)
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
	}
	return b, nil
}

func checkSIDText(s string) (string, error) {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || !strings.EqualFold(parts[0], "S") || parts[1] != "1" || len(parts) > 3+15 {
		return "", fmt.Errorf("%s is not a SID: expected S-1-<authority>-<sub-authority>…", termtext.Quote(s))
	}
	for i, p := range parts[2:] {
		bits := 32
		if i == 0 {
			bits = 48
		}
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return "", fmt.Errorf("%s is not a SID: %s is not a number", termtext.Quote(s), termtext.Quote(p))
		}
		if _, err := strconv.ParseUint(p, 10, bits); err != nil {
			return "", fmt.Errorf("%s is not a SID: %s is out of range", termtext.Quote(s), termtext.Quote(p))
		}
	}
	return "S" + s[1:], nil
}
