package directory

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ocsflags/termtext"
)

// LDAPConfig says how to reach and bind to a directory. The command line
// fills it from its flags over LDAPDefaults.
type LDAPConfig struct {
	// URL is ldap://host[:port] or ldaps://host[:port]. A bare host name is
	// taken as ldap://host.
	URL string
	// StartTLS upgrades an ldap:// connection before binding.
	StartTLS bool
	// CACertFile is a PEM file of the CAs that may sign the DC's certificate;
	// empty means the system's roots.
	CACertFile string
	// InsecureSkipVerify accepts any server certificate. The console says so
	// in its header (Info.TLSUnverified).
	InsecureSkipVerify bool
	// AllowCleartextPassword lets a simple bind send its password over an
	// unencrypted connection (ldap:// without StartTLS). Without it DialLDAP
	// refuses such a bind before anything is sent (CheckTransport). The
	// console says CLEARTEXT in its header (Info.Cleartext).
	AllowCleartextPassword bool
	// Bind is the identity: a UPN (admin@corp.example), DOMAIN\user or a DN.
	// Empty binds anonymously. With Kerberos it is unused: the ticket says
	// who binds.
	Bind string
	// Kerberos binds with SASL GSSAPI and the admin's Kerberos ticket
	// (kinit, or the Windows logon): no password is asked for or sent, so
	// plain ldap:// is allowed too.
	Kerberos bool
	// SPN is the DC's service principal; empty means ldap/<host of URL>.
	SPN string
	// KRB5Config is the krb5.conf to read (KRB5_CONFIG); empty means
	// /etc/krb5.conf.
	KRB5Config string
	// CCache names the ticket cache as KRB5CCNAME does (FILE:/path, DIR:...,
	// or a path); empty means the krb5.conf default_ccache_name, then
	// FILE:/tmp/krb5cc_<uid> as MIT Kerberos does. On Windows an empty one
	// means the logon's own tickets (SSPI).
	CCache string
	// SASLMech is ldap.conf's SASL_MECH (or LDAPSASL_MECH), upper-cased;
	// the command line turns GSSAPI into Kerberos when no other bind is
	// asked for.
	SASLMech string
	// Password for Bind. It is never printed: String and GoString redact it,
	// and no error message carries it.
	Password string
	// Base overrides the default naming context from the rootDSE as the
	// start of browsing, Resolve and Search.
	Base string
	// ReadOnly refuses every write without contacting the server.
	ReadOnly bool
	// Timeout bounds connecting and each request; 0 means DefaultTimeout.
	Timeout time.Duration
	// GC is the URL of a Global Catalog (ldap://gc:3268, ldaps://gc:3269)
	// for sign-in-name uniqueness across the forest and for the forest
	// root domain's pools. Empty: port 3268 (3269 with ldaps://) of the
	// same host when the DC says it is a Global Catalog, else none.
	GC string

	// isGC marks the configuration of a Global Catalog connection itself,
	// which looks for no Global Catalog of its own.
	isGC bool
}

// String describes the configuration without the password.
func (c LDAPConfig) String() string {
	pw := ""
	if c.Password != "" {
		pw = "<redacted>"
	}
	return fmt.Sprintf("{URL:%s StartTLS:%t CACertFile:%s InsecureSkipVerify:%t AllowCleartextPassword:%t Bind:%s Password:%s Kerberos:%t SPN:%s Base:%s ReadOnly:%t Timeout:%s GC:%s}",
		c.URL, c.StartTLS, c.CACertFile, c.InsecureSkipVerify, c.AllowCleartextPassword, c.Bind, pw, c.Kerberos, c.SPN, c.Base, c.ReadOnly, c.Timeout, c.GC)
}

// GoString keeps %#v from printing the password too.
func (c LDAPConfig) GoString() string { return "directory.LDAPConfig" + c.String() }

// LDAPDefaults reads the settings admins already have for OpenLDAP's tools:
// the URI, BASE, BINDDN, SASL_MECH and TLS_CACERT lines of /etc/ldap/ldap.conf (or
// /etc/openldap/ldap.conf), ~/ldaprc, ~/.ldaprc, ./ldaprc, the files named by
// LDAPCONF and LDAPRC, then the LDAPURI, LDAPBASE, LDAPBINDDN, LDAPSASL_MECH and
// LDAPTLS_CACERT variables; later sources win, as in ldap.conf(5). LDAPNOINIT
// turns all of it off. Other keywords are ignored; only the first of several
// URIs is used. env is usually os.Getenv and home the user's home directory.
func LDAPDefaults(env func(string) string, home string) (LDAPConfig, error) {
	return ldapDefaults(env, home, []string{"/etc/ldap/ldap.conf", "/etc/openldap/ldap.conf"}, ".")
}

// ldapDefaults is LDAPDefaults with the system files and the working
// directory as parameters, so tests do not read the machine's files.
func ldapDefaults(env func(string) string, home string, system []string, cwd string) (LDAPConfig, error) {
	var cfg LDAPConfig
	if env == nil {
		env = func(string) string { return "" }
	}
	if env("LDAPNOINIT") != "" {
		return cfg, nil
	}
	var files []string
	for _, f := range system {
		if _, err := os.Stat(f); err == nil {
			files = append(files, f)
			break
		}
	}
	if home != "" {
		files = append(files, filepath.Join(home, "ldaprc"), filepath.Join(home, ".ldaprc"))
	}
	files = append(files, filepath.Join(cwd, "ldaprc"))
	if f := env("LDAPCONF"); f != "" {
		files = append(files, f)
	}
	if rc := env("LDAPRC"); rc != "" {
		if home != "" {
			files = append(files, filepath.Join(home, rc), filepath.Join(home, "."+rc))
		}
		files = append(files, filepath.Join(cwd, rc))
	}
	for _, f := range files {
		if err := readLDAPConf(f, &cfg); err != nil {
			return cfg, err
		}
	}
	set := func(dst *string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = v
		}
	}
	if u := firstURI(env("LDAPURI")); u != "" {
		cfg.URL = u
	}
	set(&cfg.Base, env("LDAPBASE"))
	set(&cfg.Bind, env("LDAPBINDDN"))
	set(&cfg.CACertFile, env("LDAPTLS_CACERT"))
	set(&cfg.SASLMech, env("LDAPSASL_MECH"))
	cfg.SASLMech = strings.ToUpper(cfg.SASLMech)
	return cfg, nil
}

// readLDAPConf applies the keywords ocsflags uses from one ldap.conf-style
// file; a missing file is not an error.
func readLDAPConf(path string, cfg *LDAPConfig) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading LDAP defaults: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		key, val, _ := strings.Cut(strings.Join(strings.Fields(line), " "), " ")
		val = strings.TrimSpace(val)
		if val == "" {
			continue
		}
		switch strings.ToUpper(key) {
		case "URI":
			cfg.URL = firstURI(val)
		case "BASE":
			cfg.Base = val
		case "BINDDN":
			cfg.Bind = val
		case "TLS_CACERT":
			cfg.CACertFile = val
		case "SASL_MECH":
			cfg.SASLMech = strings.ToUpper(val)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading LDAP defaults from %s: %w", path, err)
	}
	return nil
}

func firstURI(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// parsedURL is the URL with the parts the adapter needs.
type parsedURL struct {
	text   string // as shown to people: scheme://host[:port]
	scheme string
	host   string // without port
	addr   string // host:port to dial
}

func parseLDAPURL(raw string) (parsedURL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return parsedURL{}, &Error{Kind: ErrUnavailable, Msg: "no directory given: use --url ldaps://dc1.corp.example (or set LDAPURI, or URI in ldap.conf)"}
	}
	if !strings.Contains(raw, "://") {
		raw = "ldap://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return parsedURL{}, &Error{Kind: ErrInvalidValue, Msg: fmt.Sprintf("%s is not an LDAP URL: use ldap://host or ldaps://host", termtext.Quote(raw)), Err: err}
	}
	p := parsedURL{scheme: strings.ToLower(u.Scheme), host: u.Hostname()}
	port := u.Port()
	switch p.scheme {
	case "ldap":
		if port == "" {
			port = "389"
		}
	case "ldaps":
		if port == "" {
			port = "636"
		}
	default:
		return parsedURL{}, &Error{Kind: ErrInvalidValue, Msg: fmt.Sprintf("%s is not an LDAP URL: the scheme must be ldap:// or ldaps://", termtext.Quote(raw))}
	}
	p.addr = net.JoinHostPort(p.host, port)
	p.text = p.scheme + "://" + u.Host
	return p, nil
}

// tlsConfig builds the client TLS settings. Go's defaults apply otherwise
// (TLS 1.2 or later), which Windows Server 2008 R2 and later DCs offer.
func (c LDAPConfig) tlsConfig(host string) (*tls.Config, error) {
	tc := &tls.Config{ServerName: host, InsecureSkipVerify: c.InsecureSkipVerify}
	if c.CACertFile != "" && !c.InsecureSkipVerify {
		pem, err := os.ReadFile(c.CACertFile)
		if err != nil {
			return nil, &Error{Kind: ErrUnavailable, Msg: fmt.Sprintf("cannot read the CA certificate file %s: give a readable PEM file with --ca-cert", c.CACertFile), Err: err}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &Error{Kind: ErrInvalidValue, Msg: fmt.Sprintf("%s holds no PEM certificate: --ca-cert needs the CA certificate in PEM form", c.CACertFile)}
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

// bindForm is how an identity is presented to the server.
type bindForm int

const (
	bindAnonymous  bindForm = iota
	bindSimple              // DN or UPN
	bindDomainUser          // DOMAIN\user: NTLM only, never a simple bind
)

func classifyBind(id string) (form bindForm, domain, user string) {
	if id == "" {
		return bindAnonymous, "", ""
	}
	if d, u, ok := strings.Cut(id, `\`); ok && !strings.Contains(id, "=") && d != "" && u != "" {
		return bindDomainUser, d, u
	}
	return bindSimple, "", ""
}

// Encrypted reports whether the connection the configuration describes is
// encrypted: ldaps://, or ldap:// upgraded with StartTLS. A URL that does not
// parse counts as unencrypted; DialLDAP reports it.
func (c LDAPConfig) Encrypted() bool {
	u, err := parseLDAPURL(c.URL)
	return err == nil && (u.scheme == "ldaps" || c.StartTLS)
}

// CleartextPassword reports whether binding would send the password as
// it is over the network: a simple bind (a UPN or a DN with a password) on
// an unencrypted connection. An NTLM bind (DOMAIN\user) sends only a
// response to the server's challenge, and an anonymous bind no password.
func (c LDAPConfig) CleartextPassword() bool {
	if c.Kerberos {
		return false // a Kerberos bind sends a ticket, never the password
	}
	form, _, _ := classifyBind(c.Bind)
	_, err := parseLDAPURL(c.URL) // a bad URL is DialLDAP's to report
	return err == nil && form == bindSimple && !c.Encrypted()
}

// TLSUnverified reports whether the connection is encrypted without
// checking who answers (InsecureSkipVerify), so that a machine in the middle
// can read everything, the password too.
func (c LDAPConfig) TLSUnverified() bool { return c.InsecureSkipVerify && c.Encrypted() }

// CheckTransport refuses a configuration that would send a password in
// clear, unless AllowCleartextPassword says to. Callers that ask for the
// password call it first, so nobody types a password only to be refused;
// DialLDAP calls it again.
func (c LDAPConfig) CheckTransport() error {
	if !c.CleartextPassword() || c.AllowCleartextPassword {
		return nil
	}
	u, _ := parseLDAPURL(c.URL)
	host := u.host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return &Error{Kind: ErrInvalidValue, Msg: fmt.Sprintf(
		"a simple bind as %s over %s would send the password in clear, so ocsflags refuses it: "+
			"use ldaps://%s (--url), or add --start-tls (with --ca-cert if the DC's CA is not trusted here), "+
			"or bind with your Kerberos ticket (--kerberos, after kinit), or as DOMAIN\\user (NTLM); neither sends the password. "+
			"--allow-cleartext-password sends it anyway (on a lab network only)",
		c.Bind, u.text, host)}
}
