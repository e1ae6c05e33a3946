package ui

import (
	"context"
	"strings"
	"testing"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
)

// TestHeaderSaysKerberosOnDC: bound with a Kerberos ticket, the header says
// how and as whom, at 80 and 200 columns, and never CLEARTEXT.
func TestHeaderSaysKerberosOnDC(t *testing.T) {
	k := dctest.RequireKerberos(t)
	cc := k.Kinit(t)
	d, err := directory.DialLDAP(context.Background(), directory.LDAPConfig{URL: k.URL, Kerberos: true, KRB5Config: k.Config, CCache: cc})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, w := range []int{80, 200} {
		x := newHarness(t, Options{Dir: d, User: "fhaddad"}, w, 30)
		header := strings.SplitN(x.screen(), "\n", 2)[0]
		if !strings.Contains(header, "Kerberos as "+k.Principal) || strings.Contains(header, "CLEARTEXT") {
			t.Errorf("%d columns: header %q", w, header)
		}
		mustContain(t, x.screen(), "Farid Haddad")
	}
}
