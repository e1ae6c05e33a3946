package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/directory/dctest"
)

// dcLDAPSArgs connects to the Samba DC over LDAPS, verifying its CA.
func dcLDAPSArgs(t *testing.T) []string {
	dc := dctest.RequireDC(t)
	return []string{"--url", dc.LDAPSURL, "--ca-cert", dc.CACert, "--bind", dc.AdminUPN, "--password-file", dc.AdminPasswordFile,
		"--journal", filepath.Join(t.TempDir(), "journal.jsonl")}
}

// A user homed on a pool that was then deleted: audit names it so (not a
// raw Deleted Objects DN), and set pool= repairs it.
func TestDCAuditAndSetPoolRepairDeletedPool(t *testing.T) {
	dc := dctest.RequireDC(t)
	admin := dctest.Admin(t, dc)
	sam := "fzdel-" + dctest.Unique()
	dn := dctest.DeletedPoolUser(t, admin, dc, sam)

	code, out, errs := run(t, append(append([]string{"audit"}, dcLDAPSArgs(t)...), dn)...)
	if code != 1 {
		t.Fatalf("audit exit %d: %s%s", code, out, errs)
	}
	mustHave(t, out, "pool (a pool that was deleted)", "home-server-not-a-pool", "the home server is a pool that was deleted", "fix: ocsflags set")
	if strings.Contains(out, "DEL:") {
		t.Errorf("the audit shows the raw Deleted Objects DN:\n%s", out)
	}

	code, out, errs = run(t, append(append([]string{"set"}, dcLDAPSArgs(t)...), dn, "pool=pool01.corp.example")...)
	if code != 0 {
		t.Fatalf("set pool= exit %d: %s%s", code, out, errs)
	}
	res, err := admin.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{"msRTCSIP-PrimaryHomeServer"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read %s back: %v", dn, err)
	}
	if got := res.Entries[0].GetAttributeValue("msRTCSIP-PrimaryHomeServer"); !strings.Contains(got, "CN=pool01,") {
		t.Errorf("home server after set pool=: %q", got)
	}
	code, out, errs = run(t, append(append([]string{"audit"}, dcLDAPSArgs(t)...), dn)...)
	if code != 0 {
		t.Errorf("audit after the repair: exit %d: %s%s", code, out, errs)
	}
}

func mustHave(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("output lacks %q:\n%s", sub, s)
		}
	}
}
