package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// TestDCAuditOUSearchesBounded counts the searches `audit --ou` sends to
// the DC through a proxy: one plan (the pools, one read of the sign-in
// names, one of the users) whatever the number of users, so 200 users
// cost exactly as many searches as 50. Both stay under one page (1000), so
// no page is counted twice; the findings are checked too, so a bounded
// count cannot come from skipping the duplicate check.
func TestDCAuditOUSearchesBounded(t *testing.T) {
	dc := dctest.RequireDC(t)
	c := dctest.Admin(t, dc)
	tag := "aud" + dctest.Unique()
	ou := "OU=" + tag + "," + dc.Base
	req := ldap.NewAddRequest(ou, nil)
	req.Attribute("objectClass", []string{"organizationalUnit"})
	if err := c.Add(req); err != nil {
		t.Fatalf("create %s: %v", ou, err)
	}
	t.Cleanup(func() { dctest.DeleteTree(c, ou) })
	added := 0
	addUsers := func(n int) {
		t.Helper()
		for ; n > 0; n-- {
			i := added
			added++
			sam := fmt.Sprintf("%s%04d", tag, i)
			sip := "sip:" + sam + "@corp.example"
			if i == 1 {
				sip = "sip:" + tag + "0000@corp.example" // shares user 0's name
			}
			req := ldap.NewAddRequest("CN="+sam+","+ou, nil)
			req.Attribute("objectClass", []string{"user"})
			req.Attribute("sAMAccountName", []string{sam})
			req.Attribute("userAccountControl", []string{"544"})
			req.Attribute(flags.AttrPrimaryUserAddress, []string{sip})
			req.Attribute(flags.AttrUserEnabled, []string{"TRUE"})
			req.Attribute(flags.AttrOptionFlags, []string{"256"})
			if err := c.Add(req); err != nil {
				t.Fatalf("add user %d: %v", i, err)
			}
		}
	}
	p := dctest.NewProxy(t, dc)
	args := []string{"--url", p.URL(), "--ca-cert", p.CAFile(), "--bind", dc.AdminUPN, "--password-file", dc.AdminPasswordFile, "--ou", ou}
	audit := func(n int, extra ...string) int64 {
		t.Helper()
		before := p.Searches.Load()
		code, out, errs := run(t, append(append([]string{"audit"}, args...), extra...)...)
		searches := p.Searches.Load() - before
		if code != ExitNotReady {
			t.Fatalf("audit of %d users: exit %d: %s", n, code, errs)
		}
		if len(extra) > 0 { // --json
			var res []struct {
				Findings []struct {
					ID string `json:"id"`
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("audit --json of %d users: %v", n, err)
			}
			dups := 0
			for _, r := range res {
				for _, f := range r.Findings {
					if f.ID == flags.FindingSIPAddressDuplicate {
						dups++
					}
				}
			}
			if len(res) != n || dups != 2 {
				t.Errorf("audit --json listed %d users (want %d), %d with a shared sign-in name (want 2)", len(res), n, dups)
			}
		} else if !strings.Contains(out, fmt.Sprintf("%d users:", n)) || strings.Count(out, flags.FindingSIPAddressDuplicate) < 2 {
			t.Errorf("audit of %d users:\n%s", n, out)
		}
		t.Logf("audit --ou %v of %d users: %d searches", extra, n, searches)
		return searches
	}
	addUsers(50)
	small, smallJSON := audit(50), audit(50, "--json")
	addUsers(150)
	big, bigJSON := audit(200), audit(200, "--json")
	if small != big || smallJSON != bigJSON {
		t.Errorf("searches grow with the users: %d for 50, %d for 200 (--json: %d, %d)", small, big, smallJSON, bigJSON)
	}
	if big > 20 {
		t.Errorf("audit --ou of 200 users sent %d searches; the plan is a few (rootDSE, pools, sign-in names, users)", big)
	}
}
