package directory

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed demo/demo.ldif
var demoLDIF []byte

// StaffOU holds the demo's generated users.
const StaffOU = "OU=Staff,OU=Corp,DC=corp,DC=example"

// StaffCount is how many users the demo generates so that it feels like a
// real directory.
const StaffCount = 5000

// OpenDemo returns the built-in demo organisation: the hand-made users of
// demo/demo.ldif, each showing one state from the OCS reference, plus
// StaffCount generated users. It lives in memory only.
func OpenDemo() (*Memory, error) {
	m := newMemory(Info{Kind: "demo", Name: "demo", InMemory: true})
	if err := m.loadLDIF(demoLDIF, "demo.ldif"); err != nil {
		return nil, fmt.Errorf("built-in demo data: %w", err)
	}
	m.nc.Configuration = "CN=Configuration,DC=corp,DC=example"
	if err := m.Generate(StaffOU, StaffCount); err != nil {
		return nil, err
	}
	return m, nil
}

// DemoLDIF is the demo organisation as LDIF, for loading into a test DC.
func DemoLDIF() []byte { return demoLDIF }

var (
	firstNames = strings.Fields("Aaron Abby Adam Alice Amelia Andre Anna Ben Bianca Carl Chloe Chris Daisy Daniel Diego Edith Elena Emma Felix Grace Hannah Henry Ines Isaac Jade James Karen Kevin Laura Lucas Marta Nina Oscar Paul Rachel Ruben Sara Simon Tess Victor Wanda Yann")
	lastNames  = strings.Fields("Adams Baker Becker Carter Clark Dalton Evans Ferreira Garcia Hall Hughes Jensen Kowalski Lambert Lopez Martin Meyer Moreau Murphy Nakamura Olsen Parker Quinn Richter Rossi Schmidt Silva Smith Svensson Thompson Usman Vogel Walker Young Zimmer")
	// A realistic mix: most users are ready, some never enabled, some from
	// LCS 2005, some on voice.
	staffFlags = []string{"256", "257", "257", "256", "385", "", "0", "384", "257", "320", "896", "1"}
)

// Generate adds n deterministic users to ou (created if missing).
func (m *Memory) Generate(ou string, n int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := ParseDN(ou); err != nil {
		return err
	}
	if _, ok := m.entries[NormDN(ou)]; !ok {
		if err := m.add(ou, map[string][]string{"objectclass": {"top", "organizationalUnit"}}); err != nil {
			return err
		}
	}
	pool := HomeServerPrefix + "CN=pool01,CN=Pools,CN=RTC Service,CN=Services," + m.nc.Configuration
	if _, ok := m.entries[NormDN(pool)]; !ok {
		pool = ""
	}
	domain := dnsDomain(m.nc.Default)
	for i := range n {
		given := firstNames[i%len(firstNames)]
		sn := lastNames[(i/len(firstNames))%len(lastNames)]
		cn := fmt.Sprintf("%s %s %04d", given, sn, i+1)
		sam := strings.ToLower(fmt.Sprintf("%c%s%04d", given[0], sn, i+1))
		if len(sam) > 20 {
			sam = sam[:20]
		}
		attrs := map[string][]string{
			"objectclass": {"top", "person", "organizationalPerson", "user"},
			"cn":          {cn}, "givenname": {given}, "sn": {sn}, "displayname": {cn},
			"samaccountname": {sam}, "userprincipalname": {sam + "@" + domain}, "mail": {sam + "@" + domain},
			"useraccountcontrol": {"544"},
		}
		if f := staffFlags[i%len(staffFlags)]; f != "" && pool != "" {
			attrs["msrtcsip-userenabled"] = []string{"TRUE"}
			attrs["msrtcsip-primaryuseraddress"] = []string{"sip:" + sam + "@" + domain}
			attrs["msrtcsip-primaryhomeserver"] = []string{pool}
			attrs["msrtcsip-optionflags"] = []string{f}
			if strings.HasPrefix(f, "38") || f == "896" {
				attrs["msrtcsip-line"] = []string{fmt.Sprintf("tel:+1425556%04d", i%10000)}
			}
		}
		if err := m.add("CN="+cn+","+ou, attrs); err != nil {
			return err
		}
	}
	return nil
}

// dnsDomain turns DC=corp,DC=example into corp.example.
func dnsDomain(dn string) string {
	d, err := ParseDN(dn)
	if err != nil {
		return "example.invalid"
	}
	var parts []string
	for _, r := range d.RDNs {
		if strings.EqualFold(r.Attributes[0].Type, "DC") {
			parts = append(parts, r.Attributes[0].Value)
		}
	}
	if len(parts) == 0 {
		return "example.invalid"
	}
	return strings.Join(parts, ".")
}
