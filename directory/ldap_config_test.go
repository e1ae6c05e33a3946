package directory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func ldapWriteFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLDAPDefaults(t *testing.T) {
	dir := t.TempDir()
	home, cwd := filepath.Join(dir, "home"), filepath.Join(dir, "cwd")
	os.Mkdir(home, 0o700)
	os.Mkdir(cwd, 0o700)
	system := filepath.Join(dir, "ldap.conf")
	ldapWriteFile(t, system, "# system defaults\nURI ldap://sys.corp.example ldap://sys2.corp.example\nBASE dc=sys\nTLS_CACERT /etc/ssl/sys.pem\nSIZELIMIT 12\n")
	ldapWriteFile(t, filepath.Join(home, ".ldaprc"), "BINDDN  CN=Home,DC=corp,DC=example\nbase\tDC=corp,DC=example\n")
	ldapWriteFile(t, filepath.Join(cwd, "ldaprc"), "uri ldaps://dc1.corp.example\n")
	env := map[string]string{}
	get := func(k string) string { return env[k] }

	cfg, err := ldapDefaults(get, home, []string{filepath.Join(dir, "missing.conf"), system}, cwd)
	if err != nil {
		t.Fatal(err)
	}
	want := LDAPConfig{URL: "ldaps://dc1.corp.example", Base: "DC=corp,DC=example", Bind: "CN=Home,DC=corp,DC=example", CACertFile: "/etc/ssl/sys.pem"}
	if cfg != want {
		t.Errorf("files: %+v\nwant %+v", cfg, want)
	}

	env["LDAPURI"] = "ldap://env.corp.example"
	env["LDAPBASE"] = "OU=Corp,DC=corp,DC=example"
	env["LDAPBINDDN"] = `CORP\admin`
	cfg, _ = ldapDefaults(get, home, []string{system}, cwd)
	if cfg.URL != "ldap://env.corp.example" || cfg.Base != "OU=Corp,DC=corp,DC=example" || cfg.Bind != `CORP\admin` {
		t.Errorf("variables must win over files: %+v", cfg)
	}

	rc := filepath.Join(dir, "other.conf")
	ldapWriteFile(t, rc, "TLS_CACERT /tmp/ca.pem\n")
	env = map[string]string{"LDAPCONF": rc}
	cfg, _ = ldapDefaults(get, home, []string{system}, cwd)
	if cfg.CACertFile != "/tmp/ca.pem" {
		t.Errorf("LDAPCONF not read: %+v", cfg)
	}

	env = map[string]string{"LDAPNOINIT": "1", "LDAPURI": "ldap://x"}
	if cfg, _ = ldapDefaults(get, home, []string{system}, cwd); cfg != (LDAPConfig{}) {
		t.Errorf("LDAPNOINIT ignored: %+v", cfg)
	}

	// The public function reads the machine's files; it must not fail on them.
	if _, err := LDAPDefaults(os.Getenv, os.Getenv("HOME")); err != nil {
		t.Errorf("LDAPDefaults on this machine: %v", err)
	}
}

func TestLDAPConfigNeverPrintsThePassword(t *testing.T) {
	cfg := LDAPConfig{URL: "ldap://dc1", Bind: "admin@corp.example", Password: "S3cret-Pa55"}
	for _, s := range []string{cfg.String(), fmt.Sprint(cfg), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg), fmt.Sprint(&cfg)} {
		if strings.Contains(s, "S3cret") {
			t.Errorf("password printed: %s", s)
		}
	}
	if !strings.Contains(cfg.String(), "<redacted>") {
		t.Errorf("String() = %s", cfg.String())
	}
}

func TestLDAPParseURL(t *testing.T) {
	for in, want := range map[string]string{
		"ldap://dc1.corp.example":       "dc1.corp.example:389",
		"ldaps://dc1.corp.example":      "dc1.corp.example:636",
		"LDAPS://DC1:3269":              "DC1:3269",
		"dc1.corp.example":              "dc1.corp.example:389",
		"ldap://127.0.0.1:3890/":        "127.0.0.1:3890",
		"ldaps://[::1]":                 "[::1]:636",
		"ldap://dc1.corp.example/??sub": "dc1.corp.example:389",
	} {
		u, err := parseLDAPURL(in)
		if err != nil || u.addr != want {
			t.Errorf("parseLDAPURL(%q) = %+v, %v; want %s", in, u, err, want)
		}
	}
	for _, bad := range []string{"", "http://dc1", "ldap://"} {
		if _, err := parseLDAPURL(bad); err == nil {
			t.Errorf("parseLDAPURL(%q) accepted", bad)
		}
	}
}

func TestLDAPClassifyBind(t *testing.T) {
	for id, want := range map[string]bindForm{
		"":                                     bindAnonymous,
		"admin@corp.example":                   bindSimple,
		"CN=Admin,CN=Users,DC=corp,DC=example": bindSimple,
		`CORP\admin`:                           bindDomainUser,
		`CN=A\, B,DC=corp`:                     bindSimple,
	} {
		if got, _, _ := classifyBind(id); got != want {
			t.Errorf("classifyBind(%q) = %v, want %v", id, got, want)
		}
	}
	if _, d, u := classifyBind(`CORP\admin`); d != "CORP" || u != "admin" {
		t.Errorf("CORP\\admin split into %q, %q", d, u)
	}
}

func TestLDAPDialRefusals(t *testing.T) {
	if _, err := DialLDAP(t.Context(), LDAPConfig{URL: "ldaps://127.0.0.1:1", StartTLS: true}); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("ldaps with StartTLS: %v", err)
	}
	if _, err := DialLDAP(t.Context(), LDAPConfig{}); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "--url") {
		t.Errorf("no URL: %v", err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	ldapWriteFile(t, ca, "not a certificate")
	if _, err := DialLDAP(t.Context(), LDAPConfig{URL: "ldaps://127.0.0.1:1", CACertFile: ca}); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("CA file without PEM: %v", err)
	}
	// Nothing listens on port 1.
	_, err := DialLDAP(t.Context(), LDAPConfig{URL: "ldap://127.0.0.1:1", Bind: "a@b", Password: "pw"})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "ldap://127.0.0.1:1") {
		t.Errorf("connection refused: %v", err)
	}
}
