package directory

import (
	"bytes"
	"net"
	"reflect"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// bytesConn is a net.Conn that reads a fixed response stream.
type bytesConn struct{ *bytes.Reader }

func (bytesConn) Write(b []byte) (int, error)      { return len(b), nil }
func (bytesConn) Close() error                     { return nil }
func (bytesConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (bytesConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (bytesConn) SetDeadline(time.Time) error      { return nil }
func (bytesConn) SetReadDeadline(time.Time) error  { return nil }
func (bytesConn) SetWriteDeadline(time.Time) error { return nil }

// ldapMessage encodes one LDAPMessage as a server sends it.
func ldapMessage(id int64, op *ber.Packet, controls ...*ber.Packet) []byte {
	m := ber.NewSequence("LDAPMessage")
	m.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "id"))
	m.AppendChild(op)
	if len(controls) > 0 {
		c := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "controls")
		for _, x := range controls {
			c.AppendChild(x)
		}
		m.AppendChild(c)
	}
	return m.Bytes()
}

func searchEntry(e *ldap.Entry) *ber.Packet {
	p := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultEntry, nil, "entry")
	p.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, e.DN, "dn"))
	attrs := ber.NewSequence("attributes")
	for _, a := range e.Attributes {
		pa := ber.NewSequence("attribute")
		pa.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a.Name, "type"))
		set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "vals")
		for _, v := range a.Values {
			set.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, v, "val"))
		}
		pa.AppendChild(set)
		attrs.AppendChild(pa)
	}
	p.AppendChild(attrs)
	return p
}

func searchDone(code int64, diag string) *ber.Packet {
	p := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultDone, nil, "done")
	p.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, code, "code"))
	p.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "matched"))
	p.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, diag, "diag"))
	return p
}

// readAll reads a search's responses the way the adapter does.
func readAll(stream []byte) (entries []*ldap.Entry, cookie []byte, err error) {
	w := newWire(bytesConn{bytes.NewReader(stream)}, time.Second)
	cookie, err = w.readSearch(1, func(e *ldap.Entry) bool {
		entries = append(entries, e)
		return true
	})
	return entries, cookie, err
}

// FuzzWireReadSearch feeds the hand-written BER reader (read, tlv,
// parseResult, pagingCookie, entry) arbitrary server bytes. It must never
// panic or read past its input, and what it decodes must survive being
// encoded again with asn1-ber and read back unchanged.
func FuzzWireReadSearch(f *testing.F) {
	ann := &ldap.Entry{DN: "CN=Ann Lee,OU=Sales,DC=corp,DC=example", Attributes: []*ldap.EntryAttribute{
		{Name: "msRTCSIP-OptionFlags", Values: []string{"385"}},
		{Name: "proxyAddresses", Values: []string{"SIP:alee@corp.example", "smtp:ann@corp.example"}},
		{Name: "msRTCSIP-OriginatorSid", Values: []string{"\x01\x05\x00\x00\x00\x00\x00\x05\x15\x00\x00\x00"}},
	}}
	paging := ldap.NewControlPaging(100)
	paging.SetCookie([]byte("cookie-1"))
	ok := append(ldapMessage(1, searchEntry(ann)), ldapMessage(1, searchDone(0, ""), paging.Encode())...)
	f.Add(ok)
	f.Add(ldapMessage(1, searchDone(32, "0000208D: NameErr")))
	f.Add(append(ldapMessage(2, searchEntry(ann)), ldapMessage(1, searchDone(0, ""))...))
	f.Add(ok[:len(ok)/2])
	f.Add([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x01})

	f.Fuzz(func(t *testing.T, data []byte) {
		entries, cookie, err := readAll(data)
		if err == nil && cookie != nil && len(cookie) == 0 {
			t.Fatal("an empty cookie returned as a cookie")
		}
		if len(entries) == 0 {
			return
		}
		var again []byte
		for _, e := range entries {
			again = append(again, ldapMessage(1, searchEntry(e))...)
		}
		again = append(again, ldapMessage(1, searchDone(0, ""))...)
		got, _, err := readAll(again)
		if err != nil {
			t.Fatalf("entries read from the fuzz input do not read back: %v", err)
		}
		if !reflect.DeepEqual(norm(got), norm(entries)) {
			t.Fatalf("read back %+v, want %+v", got, entries)
		}
	})
}

// norm is entries as comparable values.
func norm(es []*ldap.Entry) [][]string {
	var out [][]string
	for _, e := range es {
		r := []string{e.DN}
		for _, a := range e.Attributes {
			r = append(r, "\x00"+a.Name)
			r = append(r, a.Values...)
		}
		out = append(out, r)
	}
	return out
}

// The seeds decode to what was encoded: entry, cookie and result code.
func TestWireReadSearchSeeds(t *testing.T) {
	ann := &ldap.Entry{DN: "CN=Ann Lee,OU=Sales,DC=corp,DC=example", Attributes: []*ldap.EntryAttribute{
		{Name: "cn", Values: []string{"Ann Lee"}}, {Name: "proxyAddresses", Values: []string{"a", "b"}}}}
	paging := ldap.NewControlPaging(100)
	paging.SetCookie([]byte("next"))
	es, cookie, err := readAll(append(ldapMessage(1, searchEntry(ann)), ldapMessage(1, searchDone(0, ""), paging.Encode())...))
	if err != nil || string(cookie) != "next" || !reflect.DeepEqual(norm(es), norm([]*ldap.Entry{ann})) {
		t.Fatalf("read %v %q %v", norm(es), cookie, err)
	}
	if _, _, err := readAll(ldapMessage(1, searchDone(32, "no such object"))); !ldap.IsErrorWithCode(err, 32) {
		t.Errorf("result 32: %v", err)
	}
	if _, _, err := readAll([]byte{0x31, 0x00}); err == nil {
		t.Error("a message that is not a SEQUENCE was read")
	}
}
