package dctest

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// Access rights of directory objects (MS-ADTS 5.1.3.2).
const (
	rightListChildren = 0x00000004
	rightReadProp     = 0x00000010
	rightListObject   = 0x00000080
	rightReadControl  = 0x00020000
	rightFullControl  = 0x000F01FF
)

// sidBytes encodes S-1-5-21-… in its binary form (MS-DTYP 2.4.2.2).
func sidBytes(s string) ([]byte, error) {
	p := strings.Split(s, "-")
	if len(p) < 3 || p[0] != "S" {
		return nil, fmt.Errorf("not a SID: %q", s)
	}
	rev, err := strconv.ParseUint(p[1], 10, 8)
	if err != nil {
		return nil, err
	}
	auth, err := strconv.ParseUint(p[2], 10, 48)
	if err != nil {
		return nil, err
	}
	b := []byte{byte(rev), byte(len(p) - 3), 0, 0, 0, 0, 0, 0}
	for i := 0; i < 6; i++ {
		b[2+i] = byte(auth >> (8 * (5 - i)))
	}
	for _, sub := range p[3:] {
		n, err := strconv.ParseUint(sub, 10, 32)
		if err != nil {
			return nil, err
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
	}
	return b, nil
}

// sidString decodes a binary SID.
func sidString(b []byte) string {
	if len(b) < 8 {
		return ""
	}
	var auth uint64
	for _, x := range b[2:8] {
		auth = auth<<8 | uint64(x)
	}
	s := fmt.Sprintf("S-%d-%d", b[0], auth)
	for i := 8; i+4 <= len(b) && i < 8+4*int(b[1]); i += 4 {
		s += fmt.Sprintf("-%d", binary.LittleEndian.Uint32(b[i:]))
	}
	return s
}

type ace struct {
	deny bool
	mask uint32
	sid  string
}

// daclOnly is a self-relative security descriptor holding only a DACL of
// container-inherited ACEs (MS-DTYP 2.4.6), for a modify with the SD flags
// control set to DACL_SECURITY_INFORMATION.
func daclOnly(aces []ace) ([]byte, error) {
	var body []byte
	for _, a := range aces {
		sid, err := sidBytes(a.sid)
		if err != nil {
			return nil, err
		}
		typ := byte(0) // ACCESS_ALLOWED_ACE_TYPE
		if a.deny {
			typ = 1
		}
		e := []byte{typ, 0x02} // CONTAINER_INHERIT_ACE
		e = binary.LittleEndian.AppendUint16(e, uint16(8+len(sid)))
		e = binary.LittleEndian.AppendUint32(e, a.mask)
		body = append(body, append(e, sid...)...)
	}
	acl := []byte{2, 0}
	acl = binary.LittleEndian.AppendUint16(acl, uint16(8+len(body)))
	acl = binary.LittleEndian.AppendUint16(acl, uint16(len(aces)))
	acl = append(acl, 0, 0)
	acl = append(acl, body...)
	sd := []byte{1, 0}
	sd = binary.LittleEndian.AppendUint16(sd, 0x8004) // SE_SELF_RELATIVE | SE_DACL_PRESENT
	sd = binary.LittleEndian.AppendUint32(sd, 0)      // owner
	sd = binary.LittleEndian.AppendUint32(sd, 0)      // group
	sd = binary.LittleEndian.AppendUint32(sd, 0)      // SACL
	sd = binary.LittleEndian.AppendUint32(sd, 20)     // DACL
	return append(sd, acl...), nil
}

// SID reads an object's objectSid.
func SID(t testing.TB, c *ldap.Conn, dn string) string {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{"objectSid"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read the SID of %s: %v", dn, err)
	}
	return sidString(res.Entries[0].GetRawAttributeValue("objectSid"))
}

// DenyRead replaces the DACL of dn (and what inherits from it) with one that
// denies who reading and listing it, and gives the domain's and built-in
// administrators full control and authenticated users read: an object,
// created by the test, that this one account cannot see.
func DenyRead(t testing.TB, c *ldap.Conn, dn, who, domainSID string) {
	t.Helper()
	sd, err := daclOnly([]ace{
		{deny: true, mask: rightReadProp | rightListChildren | rightListObject | rightReadControl, sid: who},
		{mask: rightFullControl, sid: "S-1-5-32-544"},
		{mask: rightFullControl, sid: domainSID + "-512"},
		{mask: rightFullControl, sid: "S-1-5-18"},
		{mask: rightReadProp | rightListChildren | rightListObject | rightReadControl, sid: "S-1-5-11"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// LDAP_SERVER_SD_FLAGS_OID with DACL_SECURITY_INFORMATION: only the DACL
	// is replaced; owner and group stay.
	flags := ldap.NewControlString("1.2.840.113556.1.4.801", true, "\x30\x03\x02\x01\x04")
	req := ldap.NewModifyRequest(dn, []ldap.Control{flags})
	req.Replace("nTSecurityDescriptor", []string{string(sd)})
	if err := c.Modify(req); err != nil {
		t.Fatalf("deny %s reading %s: %v", who, dn, err)
	}
}
