package directory

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
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
	_, err := DialLDAP(t.Context(), LDAPConfig{URL: "ldap://127.0.0.1:1", Bind: "a@b", Password: "pw", AllowCleartextPassword: true})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "ldap://127.0.0.1:1") {
		t.Errorf("connection refused: %v", err)
	}
}

// TestLDAPCleartextRefused: a simple bind over plain LDAP is refused before
// a connection is opened, unless allowed; NTLM and anonymous binds and the
// encrypted ways are not affected.
func TestLDAPCleartextRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	plain := "ldap://" + ln.Addr().String()
	for _, tt := range []struct {
		cfg                   LDAPConfig
		cleartext, unverified bool
	}{
		{LDAPConfig{URL: plain, Bind: "admin@corp.example", Password: "pw"}, true, false},
		{LDAPConfig{URL: plain, Bind: "CN=Admin,CN=Users,DC=corp,DC=example", Password: "pw"}, true, false},
		{LDAPConfig{URL: "127.0.0.1", Bind: "admin@corp.example", Password: "pw"}, true, false},
		{LDAPConfig{URL: plain, Bind: `CORP\admin`, Password: "pw"}, false, false},
		{LDAPConfig{URL: plain}, false, false},
		{LDAPConfig{URL: plain, StartTLS: true, Bind: "admin@corp.example", Password: "pw", InsecureSkipVerify: true}, false, true},
		{LDAPConfig{URL: "ldaps://dc1", Bind: "admin@corp.example", Password: "pw"}, false, false},
		{LDAPConfig{URL: plain, Bind: "admin@corp.example", Password: "pw", InsecureSkipVerify: true}, true, false},
	} {
		if got := tt.cfg.CleartextPassword(); got != tt.cleartext {
			t.Errorf("%v: CleartextPassword() = %v", tt.cfg, got)
		}
		if got := tt.cfg.TLSUnverified(); got != tt.unverified {
			t.Errorf("%v: TLSUnverified() = %v", tt.cfg, got)
		}
		err := tt.cfg.CheckTransport()
		if (err != nil) != tt.cleartext {
			t.Errorf("%v: CheckTransport() = %v", tt.cfg, err)
		}
		if tt.cleartext {
			for _, want := range []string{"in clear", "ldaps://127.0.0.1", "--start-tls", "Kerberos", "--allow-cleartext-password"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("refusal lacks %q: %v", want, err)
				}
			}
			if _, err := DialLDAP(t.Context(), tt.cfg); !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), "in clear") {
				t.Errorf("DialLDAP(%v) = %v", tt.cfg, err)
			}
			allowed := tt.cfg
			allowed.AllowCleartextPassword = true
			if allowed.CheckTransport() != nil {
				t.Errorf("%v: refused although allowed", allowed)
			}
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("refused binds opened %d connections", n)
	}
}
