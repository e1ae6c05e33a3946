package dctest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fault is what the proxy does to a ModifyRequest while it is armed.
type Fault int

const (
	// Pass forwards everything.
	Pass Fault = iota
	// DropBeforeSend closes both sockets instead of forwarding the modify:
	// the DC never sees it.
	DropBeforeSend
	// DropAfterApply forwards the modify, waits for the DC's answer (so the
	// DC has applied it), swallows the answer and closes both sockets.
	DropAfterApply
	// Hang keeps the modify and never forwards it; the connection stays
	// open, as with a DC that stopped answering.
	Hang
	// HangAfterApply forwards the modify and swallows the DC's answer,
	// keeping the connection open: the DC applied it, the client never
	// hears so.
	HangAfterApply
	// DelayAnswer forwards the modify and, AnswerDelay later, the DC's
	// answer: a DC that applied the write and is slow to say so.
	DelayAnswer
)

// Proxy is an LDAPS proxy on 127.0.0.1 in front of the DC's LDAPS port. It
// ends TLS on both sides, so it sees the LDAP messages (and nothing crosses
// the wire in clear), and applies its Fault to the next Armed
// ModifyRequests. Clients verify it with CAFile.
type Proxy struct {
	fault atomic.Int32
	// Armed is how many ModifyRequests get the fault (see Arm); Fired
	// counts them.
	Armed, Fired atomic.Int32
	// Silent swallows every request while set, reads included: a DC that
	// stopped answering altogether.
	Silent atomic.Bool
	// Searches counts the SearchRequests clients sent through the proxy,
	// so a test can bound how many a command needs.
	Searches atomic.Int64
	// SawModify gets a value for each faulted modify, so a test can act
	// (send a signal, say) while the modify is held.
	SawModify chan struct{}
	// AnswerDelay is how long DelayAnswer holds the modify's answer.
	AnswerDelay time.Duration

	ln     net.Listener
	caFile string
	target string
	dcTLS  *tls.Config
	mu     sync.Mutex
	conns  []net.Conn
}

// NewProxy starts a proxy to dc's LDAPS URL; it stops with the test.
func NewProxy(t testing.TB, dc DC) *Proxy {
	t.Helper()
	u, err := url.Parse(dc.LDAPSURL)
	if err != nil || u.Host == "" {
		t.Fatalf("the DC's LDAPS URL %q: %v", dc.LDAPSURL, err)
	}
	pem, err := os.ReadFile(dc.CACert)
	if err != nil {
		t.Fatalf("read the DC's CA: %v", err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	cert, caFile := selfSigned(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, caFile: caFile, target: u.Host, dcTLS: &tls.Config{RootCAs: roots, ServerName: u.Hostname()},
		SawModify: make(chan struct{}, 16)}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.KillAll() })
	return p
}

// Arm makes the next n ModifyRequests get f.
func (p *Proxy) Arm(f Fault, n int32) {
	p.fault.Store(int32(f))
	p.Armed.Store(n)
}

func (p *Proxy) faultNow() Fault { return Fault(p.fault.Load()) }

// URL is the ldaps:// URL to connect to.
func (p *Proxy) URL() string { return "ldaps://" + p.ln.Addr().String() }

// CAFile is the PEM file of the proxy's certificate, for --ca-cert.
func (p *Proxy) CAFile() string { return p.caFile }

// KillAll drops every connection, as a DC restart would.
func (p *Proxy) KillAll() {
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
}

func (p *Proxy) track(cs ...net.Conn) {
	p.mu.Lock()
	p.conns = append(p.conns, cs...)
	p.mu.Unlock()
}

// LDAP protocol op tags (application class).
const (
	opUnbindRequest  = 2
	opSearchRequest  = 3
	opModifyRequest  = 6
	opModifyResponse = 7
)

func (p *Proxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", p.target, p.dcTLS)
		if err != nil {
			client.Close()
			continue
		}
		p.track(client, server)
		go p.pipe(client, server)
	}
}

func (p *Proxy) pipe(client, server net.Conn) {
	var swallow atomic.Bool
	var once sync.Once
	kill := func() { once.Do(func() { client.Close(); server.Close() }) }
	hold := make(chan struct{}) // closed when the client side ends
	go func() {                 // DC -> client
		defer kill()
		for {
			msg, op, err := ReadMessage(server)
			if err != nil {
				return
			}
			if op == opModifyResponse && swallow.Load() {
				swallow.Store(false)
				switch p.faultNow() {
				case DropAfterApply:
					return
				case DelayAnswer:
					time.Sleep(p.AnswerDelay)
					if _, err := client.Write(msg); err != nil {
						return
					}
					continue
				}
				continue // HangAfterApply: the answer never arrives
			}
			if _, err := client.Write(msg); err != nil {
				return
			}
		}
	}()
	defer close(hold)
	defer kill()
	for {
		msg, op, err := ReadMessage(client)
		if err != nil {
			return
		}
		if op == opSearchRequest {
			p.Searches.Add(1)
		}
		if p.Silent.Load() && op != opUnbindRequest {
			continue
		}
		if fault := p.faultNow(); op == opModifyRequest && fault != Pass && p.Armed.Load() > 0 {
			p.Armed.Add(-1)
			p.Fired.Add(1)
			select {
			case p.SawModify <- struct{}{}:
			default:
			}
			switch fault {
			case DropBeforeSend:
				return
			case Hang:
				// Read on (and drop) whatever else comes, until the client
				// gives up and closes.
				io.Copy(io.Discard, client)
				return
			case DropAfterApply, HangAfterApply, DelayAnswer:
				swallow.Store(true)
			}
		}
		if _, err := server.Write(msg); err != nil {
			return
		}
	}
}

// ReadMessage reads one whole LDAPMessage and returns it with its protocol
// op's tag number: what the test proxies need to tell a bind or a modify
// from the rest without decoding it.
func ReadMessage(r io.Reader) ([]byte, int, error) {
	hdr := make([]byte, 2, 6)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, 0, err
	}
	n := int(hdr[1])
	if n >= 0x80 {
		k := n & 0x7f
		if k == 0 || k > 4 {
			return nil, 0, errors.New("bad BER length")
		}
		ext := make([]byte, k)
		if _, err := io.ReadFull(r, ext); err != nil {
			return nil, 0, err
		}
		hdr = append(hdr, ext...)
		n = 0
		for _, c := range ext {
			n = n<<8 | int(c)
		}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, 0, err
	}
	// body: INTEGER messageID, then the op.
	if len(body) < 3 || body[0] != 0x02 || int(body[1])+2 >= len(body) {
		return nil, 0, errors.New("malformed LDAPMessage")
	}
	return append(hdr, body...), int(body[2+int(body[1])] & 0x1f), nil
}

// selfSigned makes a certificate for 127.0.0.1 and writes it as a CA file.
func selfSigned(t testing.TB) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "ocsflags test proxy"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "proxy-ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, file
}
