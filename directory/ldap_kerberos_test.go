package directory

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/jcmturner/gokrb5/v8/iana/errorcode"
	"github.com/jcmturner/gokrb5/v8/krberror"
	"github.com/jcmturner/gokrb5/v8/messages"

	"ocsflags/directory/dctest"
)

func kerberosConfig(k dctest.Kerberos, url, cc string) LDAPConfig {
	return LDAPConfig{URL: url, Kerberos: true, KRB5Config: k.Config, CCache: cc, CACertFile: k.CACert}
}

// With a ticket, a Kerberos bind works over plain ldap://, StartTLS and
// LDAPS, binds as the ticket's principal and reads a user.
func TestKerberosBindDC(t *testing.T) {
	k := dctest.RequireKerberos(t)
	dc := dctest.RequireDC(t)
	cc := k.Kinit(t)
	for _, tc := range []struct {
		name     string
		url      string
		startTLS bool
	}{{"ldap", k.URL, false}, {"starttls", k.URL, true}, {"ldaps", k.LDAPSURL, false}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := kerberosConfig(k, tc.url, cc)
			cfg.StartTLS = tc.startTLS
			d, err := DialLDAP(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			info := d.Info()
			if info.Auth != "Kerberos" || info.BoundAs != k.Principal || info.Cleartext {
				t.Errorf("Info = %+v, want Kerberos as %s, not cleartext", info, k.Principal)
			}
			// Plain ldap:// is signed (Samba offers the integrity layer);
			// over TLS no SASL layer is used.
			if info.Signed != (tc.name == "ldap") {
				t.Errorf("%s: Signed = %v", tc.name, info.Signed)
			}
			u, err := d.User(context.Background(), dc.AdminDN)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.EqualFold(u.DN, dc.AdminDN) {
				t.Errorf("read %s, want %s", u.DN, dc.AdminDN)
			}
			// The pool binds every new connection with the same ticket.
			var ws []*wire
			for range 3 {
				w, err := d.get(context.Background(), false)
				if err != nil {
					t.Fatalf("another connection: %v", err)
				}
				ws = append(ws, w)
			}
			for _, w := range ws {
				d.put(w)
			}
		})
	}
}

// The causes an admin can fix are named: no ticket (kinit), an expired
// one, a wrong SPN, an address instead of the DC's name, a wrong realm.
func TestKerberosFailuresDC(t *testing.T) {
	k := dctest.RequireKerberos(t)
	cc := k.Kinit(t)
	dial := func(cfg LDAPConfig) error {
		d, err := DialLDAP(context.Background(), cfg)
		if err == nil {
			d.Close()
			return errors.New("bound")
		}
		if !errors.Is(err, ErrAuthentication) {
			t.Errorf("%v is not an authentication error", err)
		}
		return err
	}
	check := func(name string, err error, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", name, err, w)
			}
		}
	}
	cfg := kerberosConfig(k, k.URL, cc)
	cfg.SPN = "ldap/nosuchdc.corp.example"
	check("wrong SPN", dial(cfg), "unknown SPN", "ldap/nosuchdc.corp.example", "--spn")

	cfg = kerberosConfig(k, "ldap://127.0.0.1", cc)
	check("IP address", dial(cfg), "unknown SPN", "ldap/127.0.0.1", "host name")

	// The DC's domain mapped to a realm the KDC has no trust with.
	other := filepath.Join(t.TempDir(), "krb5.conf")
	wrong := "[libdefaults]\ndefault_realm = " + k.Realm + "\ndns_lookup_kdc = false\n[realms]\n" + k.Realm + " = {\nkdc = 127.0.0.1\n}\n" +
		"OTHER.EXAMPLE = {\nkdc = 127.0.0.1\n}\n[domain_realm]\ndc1.corp.example = OTHER.EXAMPLE\n"
	if err := os.WriteFile(other, []byte(wrong), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg = kerberosConfig(k, k.URL, cc)
	cfg.KRB5Config = other
	check("wrong realm", dial(cfg), "wrong realm", "OTHER.EXAMPLE", k.Principal)

	// A krb5.conf that does not know the ticket's realm at all.
	bare := filepath.Join(t.TempDir(), "krb5.conf")
	os.WriteFile(bare, []byte("[libdefaults]\ndefault_realm = OTHER.EXAMPLE\ndns_lookup_kdc = false\n[realms]\nOTHER.EXAMPLE = {\nkdc = 127.0.0.1\n}\n"), 0o600)
	cfg = kerberosConfig(k, k.URL, cc)
	cfg.KRB5Config = bare
	check("unknown realm", dial(cfg), "wrong realm", k.Realm, "KRB5_CONFIG")

	cfg = kerberosConfig(k, k.URL, cc)
	cfg.KRB5Config = filepath.Join(t.TempDir(), "none.conf")
	check("no krb5.conf", dial(cfg), "no Kerberos configuration", "KRB5_CONFIG")

	short := k.Kinit(t, "-l", "2s")
	time.Sleep(3 * time.Second)
	check("expired", dial(kerberosConfig(k, k.URL, short)), "expired", "kinit")

	k.Kdestroy(t, cc)
	check("after kdestroy", dial(kerberosConfig(k, k.URL, cc)), "no Kerberos ticket", "kinit")
}

// ldapsearch -Y GSSAPI is the reference: where it binds and reads, so does
// ocsflags, as the same principal.
func TestKerberosLikeLdapsearchDC(t *testing.T) {
	k := dctest.RequireKerberos(t)
	dc := dctest.RequireDC(t)
	if _, err := exec.LookPath("ldapsearch"); err != nil {
		t.Skip("ldapsearch (ldap-utils) is not installed")
	}
	cc := k.Kinit(t)
	cmd := exec.Command("ldapsearch", "-LLL", "-N", "-Q", "-Y", "GSSAPI", "-H", k.URL, "-s", "base", "-b", dc.AdminDN, "dn")
	cmd.Env = append(os.Environ(), "KRB5_CONFIG="+k.Config, "KRB5CCNAME="+cc, "LDAPNOINIT=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("the reference client cannot bind with GSSAPI here (libsasl2-modules-gssapi-mit?): %v %s", err, out)
	}
	d, err := DialLDAP(context.Background(), kerberosConfig(k, k.URL, cc))
	if err != nil {
		t.Fatalf("ldapsearch -Y GSSAPI binds (%s) and ocsflags does not: %v", strings.TrimSpace(string(out)), err)
	}
	defer d.Close()
	u, err := d.User(context.Background(), dc.AdminDN)
	if err != nil {
		t.Fatalf("ldapsearch -Y GSSAPI reads %s and ocsflags does not: %v", dc.AdminDN, err)
	}
	if !strings.Contains(string(out), "dn: "+u.DN) || d.Info().BoundAs != k.Principal {
		t.Errorf("ldapsearch read %q, ocsflags %s as %s", out, u.DN, d.Info().BoundAs)
	}
}

func TestCCachePath(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "primary"), []byte("tktABC\n"), 0o600)
	conf := filepath.Join(dir, "krb5.conf")
	os.WriteFile(conf, []byte("[libdefaults]\n default_ccache_name = FILE:/run/cc/%{uid}\n[realms]\n"), 0o600)
	uid := strconv.Itoa(os.Getuid())
	for _, tc := range []struct{ in, conf, want, err string }{
		{"FILE:/tmp/x", "", "/tmp/x", ""},
		{"/tmp/y", "", "/tmp/y", ""},
		{"DIR::/tmp/d/tkt1", "", "/tmp/d/tkt1", ""},
		{"DIR:" + dir, "", filepath.Join(dir, "tktABC"), ""},
		{"", "/nonexistent", "/tmp/krb5cc_" + uid, ""},
		{"", conf, "/run/cc/" + uid, ""},
		{"KEYRING:persistent:0", "", "", "type KEYRING"},
		{"KCM:", "", "", "kinit -c FILE:"},
	} {
		got, _, err := ccachePath(tc.in, tc.conf)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestLoadCCacheRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, b := range map[string][]byte{"empty": nil, "short": {5, 4}, "not v5": []byte("hello world, not a cache"), "cut": append([]byte{5, 4, 0, 12}, make([]byte, 20)...)} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		os.WriteFile(p, b, 0o600)
		if _, err := loadCCache(p, "FILE:"+p); err == nil || !strings.Contains(err.Error(), "kinit") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := loadCCache(filepath.Join(dir, "none"), "FILE:none"); err == nil || !strings.Contains(err.Error(), "no Kerberos ticket") {
		t.Errorf("missing: %v", err)
	}
}

func FuzzLoadCCache(f *testing.F) {
	f.Add([]byte{5, 4, 0, 12, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Add([]byte{5, 3, 0, 0, 0, 1})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "cc")
		os.WriteFile(p, b, 0o600)
		cc, err := loadCCache(p, "FILE:"+p)
		if err == nil && cc.DefaultPrincipal.Realm == "" {
			t.Fatal("a cache without a principal was accepted")
		}
	})
}

func FuzzParseBindResponse(f *testing.F) {
	f.Add([]byte{0x0a, 0x01, 0x0e, 0x04, 0x00, 0x04, 0x00, 0x87, 0x02, 0xaa, 0xbb})
	f.Add([]byte{0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		code, _, cred, err := parseBindResponse(b)
		if err == nil && (code < 0 || len(cred) > len(b)) {
			t.Fatalf("code %d, %d bytes of credentials from %d", code, len(cred), len(b))
		}
	})
}

func TestParseBindResponse(t *testing.T) {
	code, _, cred, err := parseBindResponse([]byte{0x0a, 0x01, 0x0e, 0x04, 0x00, 0x04, 0x00, 0x87, 0x02, 0xaa, 0xbb})
	if err != nil || code != 14 || string(cred) != "\xaa\xbb" {
		t.Errorf("in progress: %d %x %v", code, cred, err)
	}
	if _, _, _, err := parseBindResponse([]byte{0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x05}); err == nil {
		t.Error("a cut response was accepted")
	}
}

// KDC errors gokrb5 reports as text are named by their code.
func TestKerberosErrorWords(t *testing.T) {
	l := &LDAP{url: parsedURL{text: "ldap://dc1.corp.example", scheme: "ldap", host: "dc1.corp.example"},
		krb: &kerberos{spn: "ldap/dc1.corp.example", principal: "admin@CORP.EXAMPLE", realm: "CORP.EXAMPLE", conf: "/etc/krb5.conf"}}
	kdc := func(code int32, spn string) error {
		return krberror.Errorf(messages.KRBError{ErrorCode: code}, krberror.KDCError, "TGS Exchange Error: kerberos error response from KDC when requesting for %s", spn)
	}
	for _, tc := range []struct {
		err  error
		want []string
	}{
		{kdc(errorcode.KRB_AP_ERR_SKEW, "ldap/dc1.corp.example"), []string{"clock skew", "NTP"}},
		{kdc(errorcode.KDC_ERR_S_PRINCIPAL_UNKNOWN, "ldap/dc1.corp.example"), []string{"unknown SPN", "ldap/dc1.corp.example", "--spn"}},
		{kdc(errorcode.KDC_ERR_S_PRINCIPAL_UNKNOWN, "krbtgt/OTHER.EXAMPLE"), []string{"wrong realm", "admin@CORP.EXAMPLE"}},
		{kdc(errorcode.KDC_ERR_WRONG_REALM, "ldap/dc1.corp.example"), []string{"wrong realm"}},
		{kdc(errorcode.KRB_AP_ERR_TKT_EXPIRED, "ldap/dc1.corp.example"), []string{"expired", "kinit admin@CORP.EXAMPLE"}},
		{messages.KRBError{ErrorCode: errorcode.KRB_AP_ERR_SKEW}, []string{"clock skew"}},
		{krberror.New(krberror.KRBMsgError, "cannot login, no user credentials available and no valid existing session"), []string{"expired", "kinit admin@CORP.EXAMPLE"}},
		{&ldap.Error{ResultCode: ldap.LDAPResultStrongAuthRequired, Err: errors.New("signing required")}, []string{"LDAP signing", "--start-tls", "ldaps://"}},
		{&ldap.Error{ResultCode: ldap.LDAPResultInvalidCredentials, Err: errors.New("x")}, []string{"refused the Kerberos ticket", "--spn", "kinit"}},
	} {
		err := l.kerberosError(tc.err, true)
		if !errors.Is(err, ErrAuthentication) {
			t.Errorf("%v: not an authentication error: %v", tc.err, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v -> %q, lacks %q", tc.err, err, w)
			}
		}
	}
	// Over TLS, a DC that still wants signing is not told to use TLS.
	err := l.kerberosError(&ldap.Error{ResultCode: ldap.LDAPResultStrongAuthRequired, Err: errors.New("x")}, false)
	if !strings.Contains(err.Error(), "even over TLS") || strings.Contains(err.Error(), "--start-tls") {
		t.Errorf("strong auth over TLS: %v", err)
	}
}
