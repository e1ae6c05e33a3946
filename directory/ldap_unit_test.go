package directory

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"strings"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
)

func TestLDAPNormalizeChange(t *testing.T) {
	const who = "CN=Ann Lee,OU=Sales,DC=corp,DC=example"
	ok := []struct {
		edit flags.AttrEdit
		want flags.AttrEdit
	}{
		{flags.AttrEdit{Attr: flags.AttrOptionFlags, Old: flags.Some("385"), New: flags.Some("4294967295")},
			flags.AttrEdit{Attr: flags.AttrOptionFlags, Old: flags.Some("385"), New: flags.Some("-1")}},
		{flags.AttrEdit{Attr: flags.AttrOptionFlags, Old: flags.Some("2147483905"), New: flags.Some("257")},
			flags.AttrEdit{Attr: flags.AttrOptionFlags, Old: flags.Some("-2147483391"), New: flags.Some("257")}},
		{flags.AttrEdit{Attr: flags.AttrUserEnabled, New: flags.Some("TRUE")}, flags.AttrEdit{Attr: flags.AttrUserEnabled, New: flags.Some("TRUE")}},
		{flags.AttrEdit{Attr: flags.AttrPrimaryHomeServer, New: flags.Some("CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,DC=corp,DC=example")},
			flags.AttrEdit{Attr: flags.AttrPrimaryHomeServer, New: flags.Some("CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,DC=corp,DC=example")}},
		{flags.AttrEdit{Attr: flags.AttrLine, Old: flags.Some("tel:+1")}, flags.AttrEdit{Attr: flags.AttrLine, Old: flags.Some("tel:+1")}},
	}
	for _, tt := range ok {
		c, err := normalizeChange(Change{DN: who, Edits: []flags.AttrEdit{tt.edit}})
		if err != nil || len(c.Edits) != 1 || c.Edits[0] != tt.want {
			t.Errorf("normalize %+v = %+v, %v; want %+v", tt.edit, c.Edits, err, tt.want)
		}
	}
	bad := []struct {
		edit flags.AttrEdit
		says string
	}{
		{flags.AttrEdit{Attr: flags.AttrUserEnabled, Old: flags.Some("FALSE"), New: flags.Some("true")}, `"true"`},
		{flags.AttrEdit{Attr: flags.AttrFederationEnabled, New: flags.Some("1")}, `"1"`},
		{flags.AttrEdit{Attr: flags.AttrOptionFlags, New: flags.Some("0x100")}, `"0x100"`},
		{flags.AttrEdit{Attr: flags.AttrOptionFlags, New: flags.Some("4294967296")}, `"4294967296"`},
		{flags.AttrEdit{Attr: flags.AttrArchivingEnabled, New: flags.Some("08")}, `"08"`},
		{flags.AttrEdit{Attr: flags.AttrPrimaryHomeServer, New: flags.Some("pool01.corp.example")}, "not a distinguished name"},
		{flags.AttrEdit{Attr: flags.AttrLine, New: flags.Some("")}, "no empty values"},
		{flags.AttrEdit{Attr: flags.AttrUserPolicy, New: flags.Some("B:8:01000000:CN=x")}, "read-only"},
		{flags.AttrEdit{Attr: flags.AttrOptionFlags, Old: flags.Some("abc"), New: flags.Some("1")}, "expected value"},
	}
	for _, tt := range bad {
		_, err := normalizeChange(Change{DN: who, Edits: []flags.AttrEdit{tt.edit}})
		if !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), tt.edit.Attr) {
			t.Errorf("normalize %+v: %v (want ErrInvalidValue saying %s)", tt.edit, err, tt.says)
		}
	}
	if _, err := normalizeChange(Change{DN: "not a dn"}); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("bad DN: %v", err)
	}
	twice := []flags.AttrEdit{{Attr: flags.AttrLine, New: flags.Some("a")}, {Attr: "msrtcsip-line", Old: flags.Some("a")}}
	if _, err := normalizeChange(Change{DN: who, Edits: twice}); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("same attribute twice: %v", err)
	}
	c, err := normalizeChange(Change{DN: who, Edits: []flags.AttrEdit{{Attr: flags.AttrLine, Old: flags.Some("a"), New: flags.Some("a")}, {Attr: flags.AttrLineServer}}})
	if err != nil || len(c.Edits) != 0 {
		t.Errorf("no-op edits kept: %+v %v", c.Edits, err)
	}
}

func TestLDAPHolds(t *testing.T) {
	for _, tt := range []struct {
		attr string
		vals []string
		want flags.Opt[string]
		ok   bool
	}{
		{flags.AttrOptionFlags, []string{"-1"}, flags.Some("4294967295"), true},
		{flags.AttrOptionFlags, []string{"256"}, flags.Some("257"), false},
		{flags.AttrOptionFlags, nil, flags.Opt[string]{}, true},
		{flags.AttrOptionFlags, []string{"0"}, flags.Opt[string]{}, false},
		{flags.AttrUserEnabled, []string{"TRUE"}, flags.Some("TRUE"), true},
		{flags.AttrPrimaryUserAddress, []string{"sip:Ann@Corp.Example"}, flags.Some("SIP:ann@corp.example"), true},
		{flags.AttrPrimaryHomeServer, []string{"CN=LC Services,CN=Microsoft,CN=p,DC=corp"}, flags.Some("cn=lc services, cn=microsoft,cn=p,dc=CORP"), true},
	} {
		if got := holds(tt.attr, tt.vals, tt.want); got != tt.ok {
			t.Errorf("holds(%s, %q, %+v) = %v", tt.attr, tt.vals, tt.want, got)
		}
	}
}

func TestLDAPEntryToUser(t *testing.T) {
	e := ldap.NewEntry("CN=Ann Lee,OU=Sales,DC=corp,DC=example", map[string][]string{
		"objectClass":                 {"top", "person", "organizationalPerson", "contact"},
		"cn":                          {"Ann Lee"},
		"displayname":                 {"Lee, Ann"},
		"userAccountControl":          {"514"},
		"uSNChanged":                  {"12345"},
		"msRTCSIP-OptionFlags":        {"-2147483391"},
		"msRTCSIP-UserEnabled":        {"TRUE"},
		"msRTCSIP-PrimaryHomeServer":  {"CN=LC Services,CN=Microsoft,CN=pool01"},
		"msRTCSIP-ArchivingEnabled":   {"0"},
		"msRTCSIP-UserPolicy":         {"B:8:01000000:CN=p1", "B:8:02000000:CN=p2"},
		"msRTCSIP-PrimaryUserAddress": {"sip:ann@corp.example"},
	})
	in := interner{}
	u, prob := entryToUser(e, in)
	if prob != nil {
		t.Fatal(prob.Err)
	}
	if u.Kind != KindContact || u.Name != "Ann Lee" || u.DisplayName != "Lee, Ann" || !u.Disabled || u.ChangeMarker != "12345" {
		t.Errorf("identity: %+v", u)
	}
	if u.OCS.OptionFlags != flags.Some(flags.Value(0x80000101)) || u.OCS.Enabled != flags.Some(true) || u.OCS.Archiving != flags.Some(flags.Value(0)) ||
		u.OCS.Federation.Set || len(u.OCS.Policies) != 2 || u.OCS.SIPAddress.V != "sip:ann@corp.example" {
		t.Errorf("OCS: %+v", u.OCS)
	}
	u2, _ := entryToUser(e, in)
	if u2.OCS.HomeServer.V != u.OCS.HomeServer.V || len(in) == 0 {
		t.Error("home server not interned")
	}

	// A value AD could never hold: the user is kept, the attribute is left
	// absent (never 0), and the problem is reported.
	bad := ldap.NewEntry("CN=Bad,DC=corp,DC=example", map[string][]string{
		"objectClass": {"user"}, "msRTCSIP-OptionFlags": {"lots"}, "msRTCSIP-UserEnabled": {"TRUE"},
	})
	u, prob = entryToUser(bad, nil)
	if prob == nil || u.OCS.OptionFlags.Set || !u.OCS.Enabled.V || u.DN != bad.DN {
		t.Errorf("bad entry: %+v, %v", u, prob)
	}
	err := decodeError([]DecodeProblem{*prob})
	var de *DecodeError
	if !errors.Is(err, ErrInvalidValue) || !errors.As(err, &de) || de.DNs()[0] != bad.DN || !strings.Contains(err.Error(), "lots") {
		t.Errorf("decodeError = %v", err)
	}
}

// berEntry encodes a SearchResultEntry message as a server would.
func berMessage(id int64, op *ber.Packet, controls ...*ber.Packet) []byte {
	env := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	env.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, ""))
	env.AppendChild(op)
	if len(controls) > 0 {
		cs := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "")
		for _, c := range controls {
			cs.AppendChild(c)
		}
		env.AppendChild(cs)
	}
	return env.Bytes()
}

func berEntry(dn string, attrs ...[]string) *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultEntry, nil, "")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, dn, ""))
	list := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	for _, a := range attrs {
		pa := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
		pa.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a[0], ""))
		set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "")
		for _, v := range a[1:] {
			set.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, v, ""))
		}
		pa.AppendChild(set)
		list.AppendChild(pa)
	}
	op.AppendChild(list)
	return op
}

func berDone(code int, diag string) *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultDone, nil, "")
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, code, ""))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", ""))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, diag, ""))
	return op
}

func TestLDAPWireReadsSearchResponses(t *testing.T) {
	paging := ldap.NewControlPaging(0)
	paging.SetCookie([]byte{1, 2, 3})
	var in bytes.Buffer
	in.Write(berMessage(7, berEntry("CN=Ann,DC=corp", []string{"cn", "Ann"}, []string{"objectClass", "top", "user"}, []string{"mail"})))
	ref := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultReference, nil, "")
	ref.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "ldap://other/DC=x", ""))
	in.Write(berMessage(7, ref))
	in.Write(berMessage(6, berEntry("CN=Late,DC=corp"))) // answer to an abandoned request
	long := strings.Repeat("x", 70000)                   // needs a multi-byte length
	in.Write(berMessage(7, berEntry("CN=Bob,DC=corp", []string{"description", long})))
	in.Write(berMessage(7, berDone(0, ""), paging.Encode()))
	in.Write(berMessage(8, berDone(32, "0000208D: NameErr")))

	c1, c2 := net.Pipe()
	defer c1.Close()
	go func() { c2.Write(in.Bytes()); c2.Close() }()
	w := newWire(c1, 0)
	w.r = bufio.NewReader(c1)
	var got []*ldap.Entry
	cookie, err := w.readSearch(7, func(e *ldap.Entry) bool { got = append(got, e); return true })
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cookie, []byte{1, 2, 3}) || len(got) != 2 {
		t.Fatalf("cookie %v, %d entries", cookie, len(got))
	}
	if got[0].DN != "CN=Ann,DC=corp" || got[0].GetAttributeValue("cn") != "Ann" || len(got[0].GetAttributeValues("objectClass")) != 2 ||
		len(got[0].GetAttributeValues("mail")) != 0 || got[1].GetAttributeValue("description") != long {
		t.Errorf("entries decoded wrong: %+v %+v", got[0], got[1].DN)
	}
	_, err = w.readSearch(8, func(*ldap.Entry) bool { return true })
	if !ldap.IsErrorWithCode(err, 32) || w.dead {
		t.Errorf("result 32: %v (dead %v)", err, w.dead)
	}
	_, err = w.readSearch(9, func(*ldap.Entry) bool { return true })
	if !isNetworkError(err) || !w.dead {
		t.Errorf("closed connection: %v (dead %v)", err, w.dead)
	}
}

func TestLDAPWireRejectsMalformed(t *testing.T) {
	for name, b := range map[string][]byte{
		"not a sequence":    {0x04, 0x01, 0x00},
		"indefinite length": {0x30, 0x80, 0x00, 0x00},
		"truncated":         {0x30, 0x10, 0x02, 0x01},
		"bad message id":    {0x30, 0x03, 0x04, 0x01, 0x01},
	} {
		c1, c2 := net.Pipe()
		go func() { c2.Write(b); c2.Close() }()
		w := newWire(c1, 0)
		if _, err := w.read(); !isNetworkError(err) || !w.dead {
			t.Errorf("%s: %v", name, err)
		}
		c1.Close()
	}
	if pagingCookie([]byte{0x30, 0x05, 0x04, 0x03, '1', '.', '2'}) != nil {
		t.Error("cookie from another control")
	}
}
