// Package dctest lets tests in any package reach the integration servers
// that .ci/servers.sh starts (a Samba AD DC and an OpenLDAP slapd). Without
// them a test skips with a message saying how to start them; with
// OCSFLAGS_REQUIRE_INTEGRATION=1 (CI) it fails instead, so CI can never pass
// without having talked to the DC.
package dctest

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// DC is the Samba AD domain controller.
type DC struct {
	URL, LDAPSURL, CACert, Base, Domain  string
	AdminUPN, AdminDN, AdminPasswordFile string
	UserDN, UserUPN, UserPasswordFile    string
	PagingOU                             string
	PagingCount                          int
}

// Slapd is the OpenLDAP server with the 100k-user OU.
type Slapd struct {
	URL, Base, BindDN, PasswordFile, PagingOU string
	PagingCount                               int
}

func missing(t testing.TB, what, v string) {
	t.Helper()
	msg := what + " not configured: set " + v + " (bash .ci/servers.sh start; source /tmp/ocsflags-servers/env; see README)"
	if os.Getenv("OCSFLAGS_REQUIRE_INTEGRATION") == "1" {
		t.Fatal(msg + "; OCSFLAGS_REQUIRE_INTEGRATION=1 makes this a failure")
	}
	t.Skip(msg)
}

// RequireDC returns the DC or skips (fails in CI).
func RequireDC(t testing.TB) DC {
	t.Helper()
	if os.Getenv("OCSFLAGS_TEST_DC_URL") == "" {
		missing(t, "Samba AD DC", "OCSFLAGS_TEST_DC_URL")
	}
	n, _ := strconv.Atoi(os.Getenv("OCSFLAGS_TEST_DC_PAGING_COUNT"))
	return DC{
		URL: os.Getenv("OCSFLAGS_TEST_DC_URL"), LDAPSURL: os.Getenv("OCSFLAGS_TEST_DC_LDAPS_URL"),
		CACert: os.Getenv("OCSFLAGS_TEST_DC_CA"), Base: os.Getenv("OCSFLAGS_TEST_DC_BASE"), Domain: os.Getenv("OCSFLAGS_TEST_DC_DOMAIN"),
		AdminUPN: os.Getenv("OCSFLAGS_TEST_DC_ADMIN_UPN"), AdminDN: os.Getenv("OCSFLAGS_TEST_DC_ADMIN_DN"),
		AdminPasswordFile: os.Getenv("OCSFLAGS_TEST_DC_ADMIN_PASSWORD_FILE"),
		UserDN:            os.Getenv("OCSFLAGS_TEST_DC_USER_DN"), UserUPN: os.Getenv("OCSFLAGS_TEST_DC_USER_UPN"),
		UserPasswordFile: os.Getenv("OCSFLAGS_TEST_DC_USER_PASSWORD_FILE"),
		PagingOU:         os.Getenv("OCSFLAGS_TEST_DC_PAGING_OU"), PagingCount: n,
	}
}

// RequireSlapd returns the slapd server or skips (fails in CI).
func RequireSlapd(t testing.TB) Slapd {
	t.Helper()
	if os.Getenv("OCSFLAGS_TEST_SLAPD_URL") == "" {
		missing(t, "OpenLDAP slapd", "OCSFLAGS_TEST_SLAPD_URL")
	}
	n, _ := strconv.Atoi(os.Getenv("OCSFLAGS_TEST_SLAPD_PAGING_COUNT"))
	return Slapd{
		URL: os.Getenv("OCSFLAGS_TEST_SLAPD_URL"), Base: os.Getenv("OCSFLAGS_TEST_SLAPD_BASE"),
		BindDN: os.Getenv("OCSFLAGS_TEST_SLAPD_BIND_DN"), PasswordFile: os.Getenv("OCSFLAGS_TEST_SLAPD_PASSWORD_FILE"),
		PagingOU: os.Getenv("OCSFLAGS_TEST_SLAPD_PAGING_OU"), PagingCount: n,
	}
}

// Password reads a password file; the value is never logged.
func Password(t testing.TB, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read password file: %v", err)
	}
	return strings.TrimRight(string(b), "\r\n")
}

// Forest is the simulated two-domain forest (.ci/forest.sh): a child-domain
// DC and a Global Catalog, both OpenLDAP, both with StartTLS.
type Forest struct {
	ChildURL, GCURL, CACert, Root, Child, BindDN, PasswordFile string
	BigOU                                                      string
	BigCount                                                   int
	// RootSIP is a sign-in name held by a user of the root domain.
	RootSIP string
}

// RequireForest returns the simulated forest or skips (fails in CI).
func RequireForest(t testing.TB) Forest {
	t.Helper()
	if os.Getenv("OCSFLAGS_TEST_FOREST_CHILD_URL") == "" {
		missing(t, "simulated forest", "OCSFLAGS_TEST_FOREST_CHILD_URL")
	}
	n, _ := strconv.Atoi(os.Getenv("OCSFLAGS_TEST_FOREST_BIG_COUNT"))
	return Forest{
		ChildURL: os.Getenv("OCSFLAGS_TEST_FOREST_CHILD_URL"), GCURL: os.Getenv("OCSFLAGS_TEST_FOREST_GC_URL"),
		CACert: os.Getenv("OCSFLAGS_TEST_FOREST_CA"), Root: os.Getenv("OCSFLAGS_TEST_FOREST_ROOT"),
		Child: os.Getenv("OCSFLAGS_TEST_FOREST_CHILD"), BindDN: os.Getenv("OCSFLAGS_TEST_FOREST_BIND_DN"),
		PasswordFile: os.Getenv("OCSFLAGS_TEST_FOREST_PASSWORD_FILE"),
		BigOU:        os.Getenv("OCSFLAGS_TEST_FOREST_BIG_OU"), BigCount: n,
		RootSIP: os.Getenv("OCSFLAGS_TEST_FOREST_ROOT_SIP"),
	}
}
