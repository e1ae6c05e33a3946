package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"ocsflags/directory/dctest"
)

// forestArgs connects to the simulated forest's child-domain DC (StartTLS),
// with its Global Catalog when gc is set.
func forestArgs(t *testing.T, gc bool) []string {
	f := dctest.RequireForest(t)
	args := []string{"--url", f.ChildURL, "--start-tls", "--ca-cert", f.CACert, "--bind", f.BindDN, "--password-file", f.PasswordFile,
		"--journal", filepath.Join(t.TempDir(), "journal.jsonl")}
	if gc {
		args = append(args, "--gc", f.GCURL)
	}
	return args
}

func cmd(t *testing.T, name string, conn []string, rest ...string) (int, string, string) {
	t.Helper()
	return run(t, append(append([]string{name}, conn...), rest...)...)
}

// Connected to a DC of the child domain: a user homed on the forest root's
// System-container pool is ready and set pool= leaves it alone; a sign-in
// name held in the root domain is a duplicate.
func TestForestChildDC(t *testing.T) {
	f := dctest.RequireForest(t)
	gc := forestArgs(t, true)

	code, out, errs := cmd(t, "audit", gc, "fhaddad")
	if code != 0 || !strings.Contains(out, "✓ READY") || !strings.Contains(out, "pool ocs2007-se.corp.example") {
		t.Errorf("audit of a child user on a root-domain pool: exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(errs, "domain only") {
		t.Errorf("with a Global Catalog the audit says it checked this domain only: %s", errs)
	}

	code, out, errs = cmd(t, "set", gc, "fhaddad", "pool=pool01.corp.example")
	if code != 2 || !strings.Contains(errs, "already on a working pool (ocs2007-se.corp.example)") {
		t.Errorf("set pool= on a user of a working root-domain pool: exit %d\n%s%s", code, out, errs)
	}

	code, out, errs = cmd(t, "set", gc, "--dry-run", "fbig0001", "sip="+f.RootSIP)
	if code != 2 || !strings.Contains(errs, "already the sign-in name of") || !strings.Contains(strings.ToLower(errs), "ou=root staff,dc=example") {
		t.Errorf("set sip= to a name held in the root domain: exit %d\n%s%s", code, out, errs)
	}

	// Without the Global Catalog the root domain's pools cannot be read:
	// the user is not called broken, nor ready (exit 1: not verified), and
	// set pool= does not "repair" it.
	local := forestArgs(t, false)
	code, out, errs = cmd(t, "audit", local, "fhaddad")
	if code != 1 || !strings.Contains(out, "? NOT VERIFIED") || strings.Contains(out, "READY") || !strings.Contains(out, "home-server-unchecked") || !strings.Contains(out, "cannot be read with this account ("+f.BindDN+")") ||
		strings.Contains(out, "home-server-not-a-pool") {
		t.Errorf("audit without a Global Catalog: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "checked in this domain only") {
		t.Errorf("the audit does not say sign-in names were checked in this domain only: %q", errs)
	}
	code, out, errs = cmd(t, "set", local, "fhaddad", "pool=pool01.corp.example")
	if code != 2 || !strings.Contains(errs, "cannot tell whether") {
		t.Errorf("set pool= on a user whose pool cannot be read: exit %d\n%s%s", code, out, errs)
	}
}
