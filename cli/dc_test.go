package cli

import (
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

func dcArgs(t *testing.T) []string {
	dc := dctest.RequireDC(t)
	return []string{"--url", dc.URL, "--start-tls", "--ca-cert", dc.CACert, "--bind", dc.AdminUPN, "--password-file", dc.AdminPasswordFile,
		"--journal", filepath.Join(t.TempDir(), "journal.jsonl")}
}

func dcUser(t *testing.T, dn string) directory.User {
	t.Helper()
	dc := dctest.RequireDC(t)
	d, err := directory.DialLDAP(context.Background(), directory.LDAPConfig{URL: dc.URL, StartTLS: true, CACertFile: dc.CACert, Bind: dc.AdminUPN, Password: dctest.Password(t, dc.AdminPasswordFile)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	u, err := d.User(context.Background(), dn)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestDCAudit(t *testing.T) {
	args := append([]string{"audit", "--json"}, dcArgs(t)...)
	code, out, errs := run(t, append(args, "fhaddad", "ewalsh", "staylor", "sip:alee@corp.example")...)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res []struct {
		DN       string `json:"dn"`
		Ready    bool   `json:"ready"`
		Findings []struct {
			ID string `json:"id"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := map[string]string{
		"Farid Haddad": "",                               // pool in the System container
		"Erin Walsh":   "",                               // pool in the Configuration container, CN 2:1
		"Sam Taylor":   flags.FindingHomeServerNotAPool,  // home server is not a pool
		"Ann Lee":      flags.FindingSIPAddressDuplicate, // shares sip:alee@ with "Lee, Ann"
		"Lee, Ann":     flags.FindingSIPAddressDuplicate,
	}
	got := map[string]string{}
	for _, r := range res {
		ids := []string{}
		for _, f := range r.Findings {
			ids = append(ids, f.ID)
		}
		name := strings.TrimPrefix(strings.SplitN(r.DN, ",", 2)[0], "CN=")
		if strings.HasPrefix(r.DN, `CN=Lee\, Ann`) {
			name = "Lee, Ann"
		}
		got[name] = strings.Join(ids, " ")
	}
	if !maps.Equal(got, want) {
		t.Errorf("audit on the DC = %v, want %v", got, want)
	}
	if code, _, errs := run(t, append(args, "nobody-on-this-dc")...); code != 2 || !strings.Contains(errs, "nobody-on-this-dc") {
		t.Errorf("unknown user on the DC: %d %s", code, errs)
	}
}

// set +pic on a user with the undocumented bit 1024 changes bit 1 and
// nothing else, in OptionFlags or any other attribute.
func TestDCSetChangesExactlyOneBit(t *testing.T) {
	const dn = "CN=Kim Nguyen,OU=Engineering,OU=Corp,DC=corp,DC=example"
	args := dcArgs(t)
	before := dcUser(t, dn)
	if before.OCS.OptionFlags.V&flags.AutoAttendant == 0 {
		t.Fatalf("test user lost its undocumented bit: %v", before.OCS.OptionFlags)
	}
	op := "+pic"
	if before.OCS.OptionFlags.V.Has(flags.PublicIM) {
		op = "-pic"
	}
	code, out, errs := run(t, append([]string{"set", "knguyen", op}, args...)...)
	if code != 0 {
		t.Fatalf("set %s: exit %d %s", op, code, errs)
	}
	after := dcUser(t, dn)
	if after.OCS.OptionFlags.V^before.OCS.OptionFlags.V != flags.PublicIM {
		t.Errorf("%s changed %d -> %d", op, before.OCS.OptionFlags.V, after.OCS.OptionFlags.V)
	}
	b, a := before.OCS.Encode(), after.OCS.Encode()
	delete(b, flags.AttrOptionFlags)
	delete(a, flags.AttrOptionFlags)
	if !maps.Equal(a, b) {
		t.Errorf("other attributes changed: %v -> %v", b, a)
	}
	if !strings.Contains(out, "(+1 pic)") && !strings.Contains(out, "(-1 pic)") {
		t.Errorf("output does not show the delta:\n%s", out)
	}
}

// Two set commands at once on one DC user, for different bits, both land.
func TestDCConcurrentSet(t *testing.T) {
	const dn = "CN=Kim Nguyen,OU=Engineering,OU=Corp,DC=corp,DC=example"
	args := dcArgs(t)
	if code, _, errs := run(t, append([]string{"set", "knguyen", "-pic", "-ev", "-anonymous"}, args...)...); code != 0 {
		t.Fatalf("reset: %s", errs)
	}
	start := dcUser(t, dn)
	var wg sync.WaitGroup
	for _, change := range []string{"+pic", "+ev", "+anonymous"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, _, errs := run(t, append([]string{"set", "knguyen", change}, args...)...); code != 0 {
				t.Errorf("set %s: exit %d %s", change, code, errs)
			}
		}()
	}
	wg.Wait()
	end := dcUser(t, dn)
	if want := start.OCS.OptionFlags.V | 1 | 128 | 64; end.OCS.OptionFlags.V != want {
		t.Errorf("after three concurrent sets: %d, want %d", end.OCS.OptionFlags.V, want)
	}
	run(t, append([]string{"set", "knguyen", "-pic", "-ev", "-anonymous"}, args...)...)
}
