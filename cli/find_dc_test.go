package cli

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/directory/dctest"
)

// find on the Samba DC, over an OU of the test's own (other tests write to
// the DC at the same time): every --where name selects exactly the users
// built to have it, JSON and CSV carry the same users (a name with a comma
// and umlauts intact), and --count agrees with find.
func TestDCFind(t *testing.T) {
	dc := dctest.RequireDC(t)
	c := dctest.Admin(t, dc)
	ou := dctest.OU(t, c, dc, "find")
	u := dctest.Unique()
	_, home := dctest.Pool(t, c, dc, "find"+u)
	host := "find" + u + ".corp.example"
	p := "fd" + u[:4] // sAMAccountNames are at most 20 characters
	add := func(key, cn string, attrs map[string]string) {
		t.Helper()
		sam := p + key
		dn := "CN=" + ldap.EscapeDN(cn+" "+sam) + "," + ou
		req := ldap.NewAddRequest(dn, nil)
		req.Attribute("objectClass", []string{"user"})
		req.Attribute("sAMAccountName", []string{sam})
		req.Attribute("displayName", []string{cn})
		req.Attribute("userAccountControl", []string{"544"})
		base := map[string]string{"msRTCSIP-PrimaryUserAddress": "sip:" + sam + "@corp.example", "msRTCSIP-UserEnabled": "TRUE",
			"msRTCSIP-OptionFlags": "256", "msRTCSIP-PrimaryHomeServer": home}
		for k, v := range attrs {
			base[k] = v
		}
		for k, v := range base {
			if v != "" {
				req.Attribute(k, []string{v})
			}
		}
		if err := c.Add(req); err != nil {
			t.Fatalf("add %s: %v", dn, err)
		}
	}
	// A name no other test searches for (the contract suite expects "Groß"
	// and "jürgen" to find the demo's jgross alone).
	add("a", "Öztürk, Hülya", map[string]string{"msRTCSIP-OptionFlags": "385", "msRTCSIP-FederationEnabled": "TRUE",
		"msRTCSIP-InternetAccessEnabled": "TRUE", "msRTCSIP-Line": "tel:+4930123456", "msRTCSIP-ArchivingEnabled": "12"})
	add("b", "Plain User", nil)
	add("c", "Rcc Pbx", map[string]string{"msRTCSIP-OptionFlags": "976", "msRTCSIP-Line": "tel:+14255550199;ext=199",
		"msRTCSIP-LineServer": "sip:gw@corp.example"})
	add("d", "No Pool", map[string]string{"msRTCSIP-PrimaryHomeServer": ""})
	add("e", "Not A Pool", map[string]string{"msRTCSIP-PrimaryHomeServer": ou})
	add("f", "Not Enabled", map[string]string{"msRTCSIP-UserEnabled": "FALSE", "msRTCSIP-OptionFlags": ""})
	add("g", "Inconsistent", map[string]string{"msRTCSIP-OptionFlags": "400", "msRTCSIP-Line": "tel:+14255550198"})
	add("h", "Legacy Archiving", map[string]string{"msRTCSIP-ArchivingEnabled": "3", "msRTCSIP-InternetAccessEnabled": "FALSE"})

	args := append([]string{"--ou", ou}, dcArgs(t)...)
	tests := []struct{ where, want string }{
		{"", "abcdefgh"},
		{"pic=on", "a"},
		{"pic=off", "bcdefgh"},
		{"ev=on", "acg"},
		{"rcc=on", "cg"},
		{"pbx=on", "c"},
		{"anonymous=on", "c"},
		{"ep=off", "f"},
		{"federation=on", "a"},
		{"remote-access=on", "a"},
		{"remote-access=off", "bcdefgh"},
		{"enabled=off", "f"},
		{"telephony=pc", "bdefh"},
		{"telephony=ev", "a"},
		{"telephony=rcc+pbx", "c"},
		{"telephony=inconsistent", "g"},
		{"archiving=both", "a"},
		{"pool=find" + u, "abcfgh"},
		{"pool=" + strings.ToUpper(host), "abcfgh"},
		{"pool=none", "d"},
		{"ready=yes", "abcgh"},
		{"ready=no", "def"},
		{"finding=home-server-not-a-pool", "e"},
		{"finding=no-home-server", "d"},
		{"finding=rcc-without-line", "g"},
		{"finding=archiving-legacy-value", "h"},
		{"sip=" + strings.ToUpper(p) + "a@corp.example", "a"},
		{"sip=sip:" + p + "*", "abcdefgh"},
		{"line=tel:+1425*", "cg"},
		{"line=", "bdefh"},
	}
	keys := func(us []findUser) string {
		var k []string
		for _, u := range us {
			k = append(k, strings.TrimPrefix(u.SAMAccountName, p))
		}
		slices.Sort(k)
		return strings.Join(k, "")
	}
	for _, tt := range tests {
		a := args
		if tt.where != "" {
			a = append([]string{"--where", tt.where}, args...)
		}
		if got := keys(findJSONOf(t, a...)); got != tt.want {
			t.Errorf("--where %s: %s, want %s", tt.where, got, tt.want)
		}
	}

	all := findJSONOf(t, args...)
	var hulya, gw findUser
	for _, x := range all {
		switch x.SAMAccountName {
		case p + "a":
			hulya = x
		case p + "c":
			gw = x
		}
	}
	if hulya.LineServer != nil || gw.LineServer == nil || *gw.LineServer != "sip:gw@corp.example" {
		t.Errorf("lineServer: Hülya %v, Rcc Pbx %v", hulya.LineServer, gw.LineServer)
	}
	if hulya.Name != "Öztürk, Hülya" || hulya.Pool == nil || *hulya.Pool != host || !slices.Equal(hulya.Features, []string{"pic", "ev", "ep"}) ||
		hulya.Archiving != "both" || !hulya.Federation || hulya.Line == nil || !hulya.Ready {
		t.Errorf("Hülya as JSON: %+v", hulya)
	}

	code, out, errs := run(t, append([]string{"find", "--csv"}, args...)...)
	if code != 0 {
		t.Fatalf("--csv: exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, utf8BOM))).ReadAll()
	if err != nil || len(rows) != 1+len(all) || !slices.Equal(rows[0], findColumns) {
		t.Fatalf("CSV: %v, %d rows: %q", err, len(rows), out)
	}
	found, gateway := false, false
	for _, r := range rows[1:] {
		switch r[2] {
		case p + "a":
			found = r[1] == "Öztürk, Hülya" && strings.HasPrefix(r[0], `CN=Öztürk\, Hülya `) && r[4] == host && r[len(r)-1] == ""
		case p + "c":
			gateway = r[len(r)-1] == "sip:gw@corp.example"
		}
	}
	if !found {
		t.Errorf("Hülya's row is not intact:\n%s", out)
	}
	if !gateway {
		t.Errorf("the Rcc Pbx user's row has not its Server URI (lineServer) last:\n%s", out)
	}

	code, out, errs = run(t, append([]string{"find", "--count", "--json"}, args...)...)
	var cnt findCounts
	if err := json.Unmarshal([]byte(out), &cnt); code != 0 || err != nil {
		t.Fatalf("--count: exit %d, %v: %s", code, err, errs)
	}
	if cnt.Users != 8 || cnt.Ready != 5 || cnt.NotReady != 3 || cnt.Features["ep"] != 7 || cnt.Features["pic"] != 1 ||
		cnt.Features["enabled"] != 7 || cnt.Telephony["pc"] != 5 || cnt.Pools[host] != 6 || cnt.Pools["none"] != 1 || cnt.Pools[ou] != 1 {
		t.Errorf("--count: %+v", cnt)
	}
}
