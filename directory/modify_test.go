package directory

import (
	"strings"
	"testing"

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
