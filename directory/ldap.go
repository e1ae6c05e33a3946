package directory

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
)

// LDAP is the Directory of a real Active Directory domain controller (or any
// LDAP server with the AD and OCS attributes). It keeps a small pool of bound
// connections: each operation takes one, so a long listing does not hold up
// a write, and a connection that drops is replaced by a new one, dialled and
// bound again.
type LDAP struct {
	cfg         LDAPConfig
	url         parsedURL
	tls         *tls.Config
	dialTimeout time.Duration
	reqTimeout  time.Duration
	krb         *kerberos   // set when binding with Kerberos
	signed      atomic.Bool // the Kerberos binds negotiated LDAP signing

	// slots bounds the connections in use at once, so a burst of writes
	// does not open a connection each on the DC.
	slots  chan struct{}
	mu     sync.Mutex
	idle   []*wire
	busy   map[*wire]struct{}
	closed bool

	// Discovered once from the rootDSE.
	nc     NamingContexts // Default is the real default naming context
	base   string         // cfg.Base, or nc.Default
	host   string
	paging bool
	ad     bool     // the server is Active Directory (or Samba's AD DC)
	extDN  bool     // the server announced the extended-DN control
	isGC   bool     // the rootDSE says isGlobalCatalogReady
	held   []string // the naming contexts this server holds

	// gc is the Global Catalog searched for sign-in names and for the
	// root domain's pools when this DC does not hold them; nil when none
	// was reached (gcProblem says why).
	gc        *LDAP
	gcProblem string
	pageSize  uint32

	// bg tracks goroutines that outlive a call (finishing or abandoning a
	// paged search after the caller stopped), so Close can wait for them.
	bg sync.WaitGroup
}

var _ Directory = (*LDAP)(nil)

// PagedResultsOID is the paged-results control (RFC 2696) that AD and
// OpenLDAP announce in the rootDSE's supportedControl.
const PagedResultsOID = "1.2.840.113556.1.4.319"

// MaxPageSize is AD's default MaxPageSize; larger pages are cut to it anyway.
const MaxPageSize = 1000

// DefaultTimeout bounds connecting and each request when LDAPConfig.Timeout
// is 0: a DC that stops answering is reported, not waited for.
const DefaultTimeout = 30 * time.Second

// maxIdle connections are kept bound for the next operation (as many as
// a bulk run writes at once, DefaultParallel, so its workers do not dial
// and bind again for every user); at most maxConns are in use at once.
const (
	maxIdle  = 4
	maxConns = 16
)

// DialLDAP connects, binds and reads the rootDSE, so that a wrong URL,
// certificate or password is reported here. The returned directory redials
// on its own when a connection drops.
func DialLDAP(ctx context.Context, cfg LDAPConfig) (*LDAP, error) {
	u, err := parseLDAPURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.StartTLS && u.scheme == "ldaps" {
		return nil, &Error{Kind: ErrInvalidValue, Msg: "--start-tls upgrades an ldap:// connection; with ldaps:// the connection is already encrypted: drop one of them"}
	}
	if err := cfg.CheckTransport(); err != nil {
		return nil, err
	}
	tc, err := cfg.tlsConfig(u.host)
	if err != nil {
		return nil, err
	}
	l := &LDAP{cfg: cfg, url: u, tls: tc, dialTimeout: DefaultTimeout, reqTimeout: DefaultTimeout,
		pageSize: MaxPageSize, busy: map[*wire]struct{}{}, slots: make(chan struct{}, maxConns)}
	if cfg.Kerberos {
		// The ticket is looked for before connecting: without one there
		// is nothing to bind with.
		if l.krb, err = newKerberos(cfg, u.host); err != nil {
			return nil, err
		}
	}
	if cfg.Timeout > 0 {
		l.dialTimeout, l.reqTimeout = cfg.Timeout, cfg.Timeout
	}
	w, err := l.get(ctx, false)
	if err != nil {
		return nil, err
	}
	err = l.discover(w)
	l.put(w)
	if err == nil && !cfg.isGC {
		err = l.connectGC(ctx)
	}
	if err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func (l *LDAP) op(kind opKind, dn string) ldapOp {
	return ldapOp{kind: kind, url: l.url.text, bind: l.cfg.Bind, dn: dn, timeout: l.reqTimeout, host: l.host}
}

// get takes a bound connection: an idle one unless fresh is set, else a new
// one. It waits while maxConns are in use.
func (l *LDAP) get(ctx context.Context, fresh bool) (*wire, error) {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	w, err := l.take(ctx, fresh)
	if err != nil {
		<-l.slots
	}
	return w, err
}

func (l *LDAP) take(ctx context.Context, fresh bool) (*wire, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil, &Error{Kind: ErrUnavailable, Msg: "the connection to " + l.url.text + " was closed"}
	}
	if fresh {
		// One connection dropped: the idle ones are likely gone too.
		for _, w := range l.idle {
			w.close()
		}
		l.idle = nil
	}
	if n := len(l.idle); n > 0 {
		w := l.idle[n-1]
		l.idle = l.idle[:n-1]
		l.busy[w] = struct{}{}
		l.mu.Unlock()
		return w, nil
	}
	l.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w, err := l.dial(ctx)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		w.close()
		return nil, &Error{Kind: ErrUnavailable, Msg: "the connection to " + l.url.text + " was closed"}
	}
	l.busy[w] = struct{}{}
	return w, nil
}

// put gives back a connection taken with get; a dead one is closed.
func (l *LDAP) put(w *wire) {
	l.mu.Lock()
	delete(l.busy, w)
	if w.dead || l.closed || len(l.idle) >= maxIdle {
		w.close()
	} else {
		l.idle = append(l.idle, w)
	}
	l.mu.Unlock()
	<-l.slots
}

// dial opens and binds a new connection.
func (l *LDAP) dial(ctx context.Context) (*wire, error) {
	w, err := l.connect(ctx)
	if err != nil {
		return nil, err
	}
	if l.krb != nil {
		if err := l.kerberosBind(w); err != nil {
			w.close()
			return nil, err
		}
		return w, nil
	}
	form, domain, user := classifyBind(l.cfg.Bind)
	op := l.op(opBind, "")
	if form != bindAnonymous && l.cfg.Password == "" {
		w.close()
		// An empty password would make a simple bind "unauthenticated",
		// which AD answers with success and anonymous rights.
		return nil, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf("no password for %s: give one with --password-file or at the prompt", l.cfg.Bind)}
	}
	switch form {
	case bindSimple:
		if err := w.simpleBind(l.cfg.Bind, l.cfg.Password); err != nil {
			w.close()
			return nil, mapLDAPError(err, op)
		}
	case bindDomainUser:
		// NTLM only. When it fails, ocsflags does not retry as a simple
		// bind: on ldap:// that would send the password in clear, and
		// silently choosing another mechanism is what an attacker who can
		// make NTLM fail wants.
		if err := w.ntlmBind(domain, user, l.cfg.Password); err != nil {
			w.close()
			if !errors.Is(err, errNTLMRefused) && !isNetworkError(err) {
				// The server did NTLM and answered: a wrong password, a
				// locked account and so on.
				return nil, mapLDAPError(err, op)
			}
			// The server does not do NTLM binds: it said so, or (Samba)
			// hung up.
			return nil, &Error{Kind: ErrAuthentication, Msg: fmt.Sprintf(
				"%s did not complete an NTLM bind for %s: bind with the UPN (%s@<DNS domain>) or the DN instead, over ldaps:// or --start-tls "+
					"(ocsflags never retries an NTLM bind as a simple bind, which would send the password)", l.url.text, l.cfg.Bind, user), Err: err}
		}
	}
	return w, nil
}

// tlsCAFile is the CA file the certificate is checked against, for the
// words of a failed check.
func (l *LDAP) tlsCAFile() string {
	if l.cfg.InsecureSkipVerify {
		return ""
	}
	return l.cfg.CACertFile
}

// connect opens the TCP connection and sets up TLS, without binding.
func (l *LDAP) connect(ctx context.Context) (*wire, error) {
	ctx, cancel := context.WithTimeout(ctx, l.dialTimeout)
	defer cancel()
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", l.url.addr)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		return nil, mapLDAPError(err, l.op(opDial, ""))
	}
	// The words of a failed or hung handshake: the DC, the deadline it had
	// (the dial's: the handshake runs under it) and the CA it was checked
	// against.
	tlsOp := l.op(opStartTLS, "")
	tlsOp.timeout, tlsOp.caFile = l.dialTimeout, l.tlsCAFile()
	if l.url.scheme == "ldaps" {
		tc := tls.Client(raw, l.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, mapLDAPError(err, tlsOp)
		}
		raw = tc
	}
	w := newWire(raw, l.reqTimeout)
	if l.cfg.StartTLS {
		if err := w.startTLS(ctx, l.tls); err != nil {
			w.close()
			var le *ldap.Error
			if errors.As(err, &le) && le.ResultCode != ldap.ErrorNetwork {
				return nil, &Error{Kind: ErrUnavailable, Msg: fmt.Sprintf("%s refused StartTLS (result %d): use ldaps:// instead, or give the DC a certificate", l.url.text, le.ResultCode), Err: err}
			}
			return nil, mapLDAPError(err, tlsOp)
		}
	}
	return w, nil
}

// withStream runs a read on a connection it hands over to run (which passes
// it on to stream, which gives it back). When the connection turns out to
// have dropped and nothing had been handed to the caller yet, the read runs
// once more on a new connection: reads are safe to repeat.
func (l *LDAP) withStream(ctx context.Context, op ldapOp, run func(w *wire) (progressed bool, err error)) error {
	for attempt := 0; ; attempt++ {
		w, err := l.get(ctx, attempt > 0)
		if err != nil {
			return err
		}
		progressed, err := run(w)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return err
		}
		if isNetworkError(err) && !isTimeout(err) && attempt == 0 && !progressed {
			continue
		}
		return mapLDAPError(err, op)
	}
}

// discover reads the rootDSE.
func (l *LDAP) discover(w *wire) error {
	var e *ldap.Entry
	s := searchSpec{base: "", scope: ldap.ScopeBaseObject, filter: "(objectClass=*)",
		attrs: []string{"defaultNamingContext", "configurationNamingContext", "rootDomainNamingContext", "namingContexts", "dnsHostName", "supportedControl", "supportedCapabilities", "isGlobalCatalogReady"}}
	id, err := w.startSearch(s, 0)
	if err == nil {
		_, err = w.readSearch(id, func(x *ldap.Entry) bool { e = x; return true })
	}
	if err != nil {
		return mapLDAPError(err, l.op(opRead, ""))
	}
	if e == nil {
		return &Error{Kind: ErrUnavailable, Msg: fmt.Sprintf("%s returned no rootDSE: is it an LDAP directory?", l.url.text)}
	}
	l.nc.Default = e.GetAttributeValue("defaultNamingContext")
	if l.nc.Default == "" {
		// Not AD (OpenLDAP): the first naming context is the directory.
		l.nc.Default = e.GetAttributeValue("namingContexts")
	}
	l.nc.Configuration = e.GetAttributeValue("configurationNamingContext")
	if l.nc.Configuration == "" && l.nc.Default != "" {
		// Test directories loaded from an AD-shaped LDIF keep the
		// configuration container under the domain.
		l.nc.Configuration = "CN=Configuration," + l.nc.Default
	}
	l.nc.RootDomain = e.GetAttributeValue("rootDomainNamingContext")
	if l.nc.RootDomain == "" {
		l.nc.RootDomain = l.nc.Default
	}
	l.held = e.GetAttributeValues("namingContexts")
	l.isGC = strings.EqualFold(e.GetAttributeValue("isGlobalCatalogReady"), "TRUE")
	l.host = e.GetAttributeValue("dnsHostName")
	if l.host == "" {
		l.host = l.url.host
	}
	l.paging = slices.Contains(e.GetAttributeValues("supportedControl"), PagedResultsOID)
	l.extDN = slices.Contains(e.GetAttributeValues("supportedControl"), ldap.ControlTypeMicrosoftExtendedDN)
	l.ad = slices.Contains(e.GetAttributeValues("supportedCapabilities"), adCapabilityOID)
	l.base = l.cfg.Base
	if l.base == "" {
		l.base = l.nc.Default
	}
	if l.base == "" {
		return &Error{Kind: ErrUnavailable, Msg: fmt.Sprintf("%s does not name a default naming context: give one with --base", l.url.text)}
	}
	return nil
}

// Info implements Directory.
func (l *LDAP) Info() Info {
	i := Info{Kind: "ldap", Name: l.host, BoundAs: l.cfg.Bind, ReadOnly: l.cfg.ReadOnly,
		TLSUnverified: l.cfg.TLSUnverified(), Cleartext: l.cfg.CleartextPassword(),
		SIPScope: flags.ScopeDomain, GCProblem: l.gcProblem}
	if l.gc != nil {
		i.SIPScope, i.GC = flags.ScopeForest, l.gc.url.text
	}
	if l.krb != nil {
		i.BoundAs, i.Auth, i.Signed = l.krb.principal, "Kerberos", l.signed.Load()
	}
	return i
}

// NamingContexts implements Directory. With --base, Default is that base.
func (l *LDAP) NamingContexts(ctx context.Context) (NamingContexts, error) {
	nc := l.nc
	nc.Default = l.base
	return nc, ctx.Err()
}

// PagingSupported reports whether the server announced paged results; when
// it did not, listings are single searches that fail rather than come back
// partial at the server's size limit.
func (l *LDAP) PagingSupported() bool { return l.paging }

// Close implements Directory. It also ends listings still running.
func (l *LDAP) Close() error {
	l.mu.Lock()
	l.closed = true
	for _, w := range l.idle {
		w.close()
	}
	l.idle = nil
	for w := range l.busy {
		w.conn.Close()
	}
	l.mu.Unlock()
	l.bg.Wait()
	if l.gc != nil {
		l.gc.Close()
	}
	return nil
}
