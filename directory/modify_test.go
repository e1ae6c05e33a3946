package directory

import (
	"strings"
	"testing"

	"github.com/go-ldap/ldif"

	"ocsflags/flags"
)

func TestChangeLDIF(t *testing.T) {
	got, err := ChangeLDIF(Change{DN: "CN=Ann Lee,OU=Sales,DC=corp,DC=example", Edits: []flags.AttrEdit{
		{Attr: flags.AttrOptionFlags, Old: flags.Some("385"), New: flags.Some("387")},
		{Attr: flags.AttrLine, New: flags.Some("tel:+14255551297")},
		{Attr: flags.AttrLineServer, Old: flags.Some("sip:gw@corp.example")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `dn: CN=Ann Lee,OU=Sales,DC=corp,DC=example
changetype: modify
delete: msRTCSIP-OptionFlags
msRTCSIP-OptionFlags: 385
-
add: msRTCSIP-OptionFlags
msRTCSIP-OptionFlags: 387
-
add: msRTCSIP-Line
msRTCSIP-Line: tel:+14255551297
-
delete: msRTCSIP-LineServer
msRTCSIP-LineServer: sip:gw@corp.example
-
`
	if strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("ChangeLDIF =\n%s\nwant\n%s", got, want)
	}
}

// A DN with a line break must not end its record early: what a replay reads
// back is exactly the records written, each under its own DN.
func TestChangeLDIFHostileDN(t *testing.T) {
	hostile := "CN=Mal\nchangetype: delete\n\nCN=x,DC=corp,DC=example"
	changes := []Change{
		{DN: "CN=Ann Lee,OU=Sales,DC=corp,DC=example", Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("256"), New: flags.Some("257")}}},
		{DN: hostile, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("256"), New: flags.Some("257")}}},
		{DN: " CN=leading space,DC=corp,DC=example", Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, New: flags.Some("1")}}},
		{DN: "CN=Jürgen Weiß,DC=corp,DC=example", Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, New: flags.Some("1")}}},
	}
	text, err := ChangeLDIF(changes...)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ldif.Parse(text)
	if err != nil {
		t.Fatalf("the rendered LDIF does not parse back: %v\n%s", err, text)
	}
	if len(l.Entries) != len(changes) {
		t.Fatalf("parsed %d records, wrote %d:\n%s", len(l.Entries), len(changes), text)
	}
	for i, e := range l.Entries {
		if e.Modify == nil {
			t.Fatalf("record %d is not a modify: %+v", i, e)
		}
		if e.Modify.DN != changes[i].DN {
			t.Errorf("record %d DN = %q, want %q", i, e.Modify.DN, changes[i].DN)
		}
	}
}
