package directory

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
	"github.com/go-ldap/ldap/v3/gssapi"
	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/iana/errorcode"
	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/types"
)

// DefaultKRB5Config is the Kerberos configuration read when KRB5_CONFIG
// is not set, as MIT Kerberos does.
const DefaultKRB5Config = "/etc/krb5.conf"

// kerberos is what every Kerberos bind of one directory shares: the
// service principal, who the ticket is for, and either the gokrb5 client
// made from the ticket cache (its service tickets are reused by every
// connection of the pool) or, on Windows without a ticket cache, the
// logon's own credentials through SSPI.
type kerberos struct {
	spn       string
	principal string // admin@CORP.EXAMPLE
	realm     string // the ticket's realm
	cache     string // the ticket cache, as named to people
	conf      string // the krb5.conf read
	krb       *client.Client
	sspi      bool
}

// newKerberos finds the ticket. It does not talk to the KDC: a missing or
// expired ticket is said here, before any connection is made.
func newKerberos(cfg LDAPConfig, host string) (*kerberos, error) {
	k := &kerberos{spn: cfg.SPN}
	if k.spn == "" {
		k.spn = "ldap/" + host
	}
	if cfg.CCache == "" && sspiAvailable {
		// Windows: the logged-on user's tickets (LSA), as ADUC uses them.
		k.sspi = true
		k.cache = "the Windows logon"
		k.principal = sspiPrincipal()
		return k, nil
	}
	k.conf = cfg.KRB5Config
	if k.conf == "" {
		k.conf = DefaultKRB5Config
	}
	conf, err := loadKRB5Config(k.conf)
	if err != nil {
		return nil, err
	}
	path, name, err := ccachePath(cfg.CCache, k.conf)
	if err != nil {
		return nil, err
	}
	k.cache = name
	cc, err := loadCCache(path, name)
	if err != nil {
		return nil, err
	}
	k.realm = cc.DefaultPrincipal.Realm
	k.principal = cc.DefaultPrincipal.PrincipalName.PrincipalNameString() + "@" + k.realm
	tgt, ok := cc.GetEntry(types.PrincipalName{NameType: nametype.KRB_NT_SRV_INST, NameString: []string{"krbtgt", k.realm}})
	if !ok {
		return nil, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf(
			"the Kerberos ticket cache %s holds no ticket-granting ticket for %s: get one with kinit %s", name, k.principal, k.principal)}
	}
	if !tgt.EndTime.IsZero() && time.Now().After(tgt.EndTime) {
		return nil, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf(
			"the Kerberos ticket of %s in %s expired at %s: get a new one with kinit %s", k.principal, name, tgt.EndTime.Local().Format("2006-01-02 15:04:05 MST"), k.principal)}
	}
	if _, ok := realmKDC(conf, k.realm); !ok {
		return nil, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf(
			"wrong realm: %s names no KDC for %s, the realm of your ticket (%s): add the realm to %s ([realms] %s = { kdc = your DC }) or set KRB5_CONFIG to the krb5.conf for it",
			k.conf, k.realm, k.principal, k.conf, k.realm)}
	}
	// DisablePAFXFAST: AD and Samba KDCs answer without FAST armour, which
	// gokrb5 would otherwise ask for.
	k.krb, err = client.NewFromCCache(cc, conf, client.DisablePAFXFAST(true))
	if err != nil {
		return nil, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf("the Kerberos ticket cache %s cannot be used (%v): get a new ticket with kinit", name, err), Err: err}
	}
	return k, nil
}

// realmKDC reports whether the configuration can find a KDC for realm.
func realmKDC(conf *config.Config, realm string) (string, bool) {
	if conf.LibDefaults.DNSLookupKDC {
		return "", true
	}
	for _, r := range conf.Realms {
		if strings.EqualFold(r.Realm, realm) && len(r.KDC) > 0 {
			return r.KDC[0], true
		}
	}
	return "", false
}

func loadKRB5Config(path string) (*config.Config, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf(
			"no Kerberos configuration: cannot read %s (%v): set KRB5_CONFIG to the krb5.conf that names your realm and its KDC", path, pathErr(err)), Err: err}
	}
	conf, err := config.Load(path)
	if err != nil {
		// gokrb5 reports unsupported lines too; the parts it did read are
		// often enough, but a config it cannot read at all is not.
		var uv config.UnsupportedDirective
		if !errors.As(err, &uv) || conf == nil {
			return nil, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf("the Kerberos configuration %s cannot be read: %v", path, err), Err: err}
		}
	}
	return conf, nil
}

func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ccachePath resolves a KRB5CCNAME value to the file to read, as MIT
// Kerberos does: FILE:path or a bare path, DIR:dir (its primary cache) or
// DIR::path; empty means default_ccache_name, then FILE:/tmp/krb5cc_<uid>.
// name is the cache as the admin knows it, for messages.
func ccachePath(v, confPath string) (path, name string, err error) {
	if v == "" {
		v = defaultCCacheName(confPath)
	}
	name = v
	typ, rest, ok := strings.Cut(v, ":")
	if !ok || len(typ) == 1 { // a bare path, or C:\... on Windows
		return expandCCache(v), name, nil
	}
	switch strings.ToUpper(typ) {
	case "FILE":
		return expandCCache(rest), name, nil
	case "DIR":
		if p, ok := strings.CutPrefix(rest, ":"); ok {
			return expandCCache(p), name, nil
		}
		dir := expandCCache(rest)
		b, err := os.ReadFile(filepath.Join(dir, "primary"))
		if err != nil {
			return filepath.Join(dir, "tkt"), name, nil
		}
		return filepath.Join(dir, strings.TrimSpace(string(b))), name, nil
	}
	return "", name, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf(
		"the Kerberos ticket cache %s is of type %s, which ocsflags cannot read: get a ticket into a file cache with kinit -c FILE:/tmp/krb5cc_%d and set KRB5CCNAME=FILE:/tmp/krb5cc_%d",
		v, strings.ToUpper(typ), os.Getuid(), os.Getuid())}
}

// defaultCCacheName is [libdefaults] default_ccache_name, which gokrb5 does
// not keep, read again from the file, else MIT's built-in default.
func defaultCCacheName(confPath string) string {
	name := "FILE:/tmp/krb5cc_%{uid}"
	b, err := os.ReadFile(confPath)
	if err != nil {
		return name
	}
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			section = strings.ToLower(strings.Trim(line, "[] \t"))
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok && section == "libdefaults" && strings.TrimSpace(k) == "default_ccache_name" {
			if v = strings.TrimSpace(v); v != "" {
				name = v
			}
		}
	}
	return name
}

// expandCCache replaces the %{uid} and %{TEMP} of MIT's cache names.
func expandCCache(p string) string {
	uid := strconv.Itoa(os.Getuid())
	return strings.NewReplacer("%{uid}", uid, "%{euid}", strconv.Itoa(os.Geteuid()), "%{TEMP}", os.TempDir()).Replace(p)
}

// loadCCache reads a file ticket cache. gokrb5's parser indexes the bytes
// without checking their length, so an empty or cut file is refused here
// and a panic in it is turned into an error.
func loadCCache(path, name string) (cc *credentials.CCache, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf(
			"no Kerberos ticket: the ticket cache %s does not exist: get a ticket with kinit (kinit admin@CORP.EXAMPLE), or point KRB5CCNAME at your cache", name), Err: err}
	}
	if err != nil {
		return nil, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf("cannot read the Kerberos ticket cache %s (%v): check KRB5CCNAME, then kinit", name, pathErr(err)), Err: err}
	}
	bad := func(why any) error {
		return &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf("%s is not a Kerberos ticket cache ocsflags can read (%v): get a new ticket with kinit", name, why)}
	}
	if len(b) < 16 || b[0] != 5 {
		return nil, bad("too short or not a version 5 cache")
	}
	defer func() {
		if r := recover(); r != nil {
			cc, err = nil, bad(r)
		}
	}()
	cc = new(credentials.CCache)
	if err := cc.Unmarshal(b); err != nil {
		return nil, bad(err)
	}
	if cc.DefaultPrincipal.Realm == "" {
		return nil, bad("it names no principal")
	}
	return cc, nil
}

// gssapiClient is a new security context for one bind: with SSPI and TLS,
// bound to the DC's certificate (channel binding, which DCs that enforce
// LdapEnforceChannelBinding require over LDAPS).
func (k *kerberos) gssapiClient(conn net.Conn) (ldap.GSSAPIClient, func(), error) {
	if k.sspi {
		var cs *tls.ConnectionState
		if tc, ok := conn.(*tls.Conn); ok {
			s := tc.ConnectionState()
			cs = &s
		}
		return newSSPIClient(cs)
	}
	// A new wrapper per bind: it holds that context's keys, while the
	// gokrb5 client under it (safe for concurrent use) keeps the tickets.
	return &gssapi.Client{Client: k.krb}, func() {}, nil
}

// gssapiBind binds with SASL GSSAPI (RFC 4752), the exchange go-ldap's
// GSSAPIBindRequest makes, over ocsflags' own connection. No security
// layer is negotiated here: over plain ldap:// kerberosBind passes a
// signingClient, whose last step asks for the integrity layer.
func (w *wire) gssapiBind(c ldap.GSSAPIClient, spn string) error {
	defer c.DeleteSecContext()
	var out, in []byte
	var err error
	needInit := true
	for step := 0; step < 8; step++ {
		if needInit {
			out, needInit, err = c.InitSecContext(spn, in)
		} else {
			out, err = c.NegotiateSaslAuth(in, "")
		}
		if err != nil {
			return err
		}
		var code int
		var diag string
		code, diag, in, err = w.saslStep("GSSAPI", out)
		if err != nil {
			return err
		}
		switch code {
		case ldap.LDAPResultSuccess:
			if !needInit {
				return nil
			}
			// Success before the context is complete: finish it to check
			// the server's answer (mutual authentication).
			if _, _, err := c.InitSecContext(spn, in); err != nil {
				return err
			}
			return nil
		case ldap.LDAPResultSaslBindInProgress:
			if !needInit && len(in) == 0 {
				return w.netErr(errors.New("the server sent an empty GSSAPI token"))
			}
		default:
			return resultError(code, "", diag)
		}
	}
	return w.netErr(errors.New("the GSSAPI bind did not complete"))
}

// saslStep sends one SASL bind request and returns the result code and the
// server's SASL credentials.
func (w *wire) saslStep(mech string, cred []byte) (code int, diag string, serverCred []byte, err error) {
	auth := ber.Encode(ber.ClassContext, ber.TypeConstructed, 3, nil, "")
	auth.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, mech, ""))
	if len(cred) > 0 {
		auth.AppendChild(octets(ber.ClassUniversal, ber.TagOctetString, cred))
	}
	m, err := w.roundTrip(bindRequest("", auth), ldap.ApplicationBindResponse)
	if err != nil {
		return 0, "", nil, err
	}
	code, diag, serverCred, err = parseBindResponse(m.body)
	if err != nil {
		return 0, "", nil, w.netErr(err)
	}
	return code, diag, serverCred, nil
}

// parseBindResponse reads a BindResponse body: the LDAPResult, then an
// optional referral [3] and serverSaslCreds [7] (RFC 4511 4.2.2). The
// credentials are copied: the body lives in the wire's buffer.
func parseBindResponse(body []byte) (code int, diag string, serverCred []byte, err error) {
	code, _, diag, rest, err := parseResult(body)
	if err != nil {
		return 0, "", nil, err
	}
	for len(rest) > 0 {
		t, v, r, err := tlv(rest)
		if err != nil {
			return 0, "", nil, err
		}
		if t == 0x87 {
			serverCred = append([]byte{}, v...)
		}
		rest = r
	}
	return code, diag, serverCred, nil
}

// kerberosError says why a Kerberos bind failed, in the terms of what the
// admin can change: the ticket (kinit), the clock, the SPN or the realm.
// gokrb5 reports KDC errors as text that carries the code's name, so the
// names of its error codes are looked for in it.
func (l *LDAP) kerberosError(err error, plain bool) error {
	k := l.krb
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	op := l.op(opBind, "")
	op.bind = k.principal
	var le *ldap.Error
	if errors.As(err, &le) {
		switch le.ResultCode {
		case ldap.LDAPResultStrongAuthRequired, ldap.LDAPResultConfidentialityRequired:
			if plain {
				return &Error{Kind: ErrAuthentication, Err: err, Msg: fmt.Sprintf(
					"%s wants more protection over plain ldap:// than the LDAP signing ocsflags' Kerberos bind gives (sealing, or a layer it did not offer): add --start-tls or use ldaps:// (with --kerberos still)", l.url.text)}
			}
			// AD takes TLS as the protection signing would give; Samba's
			// "ldap server require strong auth = yes" does not.
			return &Error{Kind: ErrAuthentication, Err: err, Msg: fmt.Sprintf(
				"%s requires a Kerberos bind to sign or seal even over TLS (Samba's ldap server require strong auth = yes), which ocsflags' Kerberos bind does not offer: "+
					"bind with a password over ldaps:// (--bind) instead, or ask for allow_sasl_over_tls on the DC", l.url.text)}
		case ldap.LDAPResultInvalidCredentials:
			return &Error{Kind: ErrAuthentication, Err: err, Msg: fmt.Sprintf(
				"%s refused the Kerberos ticket of %s for %s: check that %s is the DC's SPN (--spn), then get a fresh ticket with kinit", l.url.text, k.principal, k.spn, k.spn)}
		}
		return mapLDAPError(err, op)
	}
	if isNetworkError(err) {
		return mapLDAPError(err, op)
	}
	var kerr messages.KRBError
	code := int32(-1)
	if errors.As(err, &kerr) {
		code = kerr.ErrorCode
	} else {
		for _, c := range []int32{errorcode.KDC_ERR_S_PRINCIPAL_UNKNOWN, errorcode.KRB_AP_ERR_SKEW, errorcode.KDC_ERR_WRONG_REALM,
			errorcode.KRB_AP_ERR_TKT_EXPIRED, errorcode.KDC_ERR_C_PRINCIPAL_UNKNOWN, errorcode.KRB_AP_ERR_MODIFIED,
			errorcode.KDC_ERR_CLIENT_REVOKED, errorcode.KDC_ERR_TGT_REVOKED} {
			if strings.Contains(err.Error(), errorcode.Lookup(c)) {
				code = c
				break
			}
		}
	}
	spnRealm := ""
	if k.krb != nil {
		host := k.spn
		if _, h, ok := strings.Cut(host, "/"); ok {
			host = h
		}
		spnRealm = k.krb.Config.ResolveRealm(host)
	}
	mk := func(format string, a ...any) error {
		return &Error{Kind: ErrAuthentication, Err: err, Msg: fmt.Sprintf(format, a...)}
	}
	switch code {
	case errorcode.KDC_ERR_S_PRINCIPAL_UNKNOWN:
		if strings.Contains(err.Error(), "krbtgt/") {
			return mk("wrong realm: the DC %s is in realm %s (krb5.conf [domain_realm] in %s) and your ticket is for %s, and the KDC knows no way there: check the realm mapping, or kinit in the DC's realm",
				l.url.host, spnRealm, k.conf, k.principal)
		}
		return mk("unknown SPN: the KDC does not know the service principal %s: connect by the DC's own host name (an IP address or alias has no SPN), or give the DC's SPN with --spn ldap/<dc host>", k.spn)
	case errorcode.KRB_AP_ERR_SKEW:
		return mk("clock skew: this computer's clock and the KDC's differ by more than Kerberos allows (5 minutes by default): set the time here (NTP) or on the DC, then try again")
	case errorcode.KDC_ERR_WRONG_REALM:
		return mk("wrong realm: the KDC says %s is not in its realm: kinit in the realm of the DC (%s), or check default_realm and [domain_realm] in %s", k.principal, spnRealm, k.conf)
	case errorcode.KRB_AP_ERR_TKT_EXPIRED:
		return mk("the Kerberos ticket of %s has expired: get a new one with kinit %s", k.principal, k.principal)
	case errorcode.KDC_ERR_C_PRINCIPAL_UNKNOWN, errorcode.KDC_ERR_CLIENT_REVOKED, errorcode.KDC_ERR_TGT_REVOKED:
		return mk("the KDC no longer accepts %s (the account is unknown, disabled or locked): check the account, then kinit again", k.principal)
	case errorcode.KRB_AP_ERR_MODIFIED:
		return mk("the ticket for %s does not match the DC's key: the SPN may belong to another account (check with setspn -Q %s), or the DC's password changed: kdestroy, kinit and try again", k.spn, k.spn)
	}
	if strings.Contains(err.Error(), "no valid existing session") || strings.Contains(err.Error(), "could not get valid TGT") {
		// The ticket expired while ocsflags ran (gokrb5 cannot log in
		// again without a password).
		return mk("the Kerberos ticket of %s has expired: get a new one with kinit %s, then try again", k.principal, k.principal)
	}
	if spnRealm != "" && k.realm != "" && !strings.EqualFold(spnRealm, k.realm) {
		if _, ok := realmKDC(k.krb.Config, spnRealm); !ok {
			return mk("wrong realm: %s maps %s to realm %s, for which it names no KDC, and your ticket is for %s: fix [domain_realm] or kinit in the DC's realm", k.conf, l.url.host, spnRealm, k.principal)
		}
	}
	if k.krb != nil && strings.Contains(err.Error(), "Networking_Error") {
		kdc, _ := realmKDC(k.krb.Config, k.realm)
		return mk("cannot reach the KDC of %s (%s, from %s): check that the KDC runs and port 88 is open: %v", k.realm, kdc, k.conf, err)
	}
	return mk("the Kerberos bind as %s to %s (SPN %s) failed: %v", k.principal, l.url.text, k.spn, err)
}

// kerberosBind binds w with the ticket. Over plain ldap:// it asks for the
// integrity layer (LDAP signing) and, when the server agrees, signs every
// message from then on; over TLS it asks for none, as AD requires.
func (l *LDAP) kerberosBind(w *wire) error {
	plain := l.url.scheme == "ldap" && !l.cfg.StartTLS
	c, done, err := l.krb.gssapiClient(w.conn)
	if err != nil {
		return l.kerberosError(err, false)
	}
	defer done()
	var sc *signingClient
	if gc, ok := c.(*gssapi.Client); ok && plain {
		sc = &signingClient{Client: gc, k: l.krb, spn: l.krb.spn}
		c = sc
	}
	if err := w.gssapiBind(c, l.krb.spn); err != nil {
		return l.kerberosError(err, plain)
	}
	if sc != nil && sc.negotiated {
		if w.r.Buffered() > 0 {
			return w.netErr(errors.New("data after the bind response, before the signing layer"))
		}
		w.conn = newSignedConn(w.conn, sc)
		w.r.Reset(w.conn)
		l.signed.Store(true)
	}
	return nil
}
