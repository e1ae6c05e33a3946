package directory

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"ocsflags/directory/dctest"
)

// ntlmMode says what bindProxy does with an NTLM bind.
type ntlmMode int

const (
	ntlmForward ntlmMode = iota // pass it to the DC (Samba does not do NTLM binds)
	ntlmRefuse                  // answer it with result 7, as a DC with NTLM turned off
	ntlmHangUp                  // close the connection, as Samba does with some versions
)

// bindProxy is a TCP proxy on 127.0.0.1 in front of the DC that reads every
// BindRequest the adapter sends and counts it by its authentication choice,
// so a test can prove that no password was sent in a simple bind.
type bindProxy struct {
	ln     net.Listener
	target string
	mode   ntlmMode
	simple atomic.Int32 // simple binds (context tag 0): the password in the packet
	ntlm   atomic.Int32 // NTLM ("sicily") binds: context tags 10 and 11
	other  atomic.Int32 // SASL and anything else
}

func newBindProxy(t *testing.T, target string, mode ntlmMode) *bindProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &bindProxy{ln: ln, target: target, mode: mode}
	go p.serve()
	t.Cleanup(func() { ln.Close() })
	return p
}

func (p *bindProxy) url() string { return "ldap://" + p.ln.Addr().String() }

func (p *bindProxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		kill := func() { client.Close(); server.Close() }
		go func() { // DC -> client, untouched
			defer kill()
			buf := make([]byte, 32<<10)
			for {
				n, err := server.Read(buf)
				if n > 0 {
					if _, werr := client.Write(buf[:n]); werr != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
		go func() { // client -> DC, bind requests inspected
			defer kill()
			for {
				msg, op, err := dctest.ReadMessage(client)
				if err != nil {
					return
				}
				if op == ldap.ApplicationBindRequest {
					id, auth, ok := bindAuth(msg)
					switch {
					case !ok:
						p.other.Add(1)
					case auth == 0:
						p.simple.Add(1)
					case auth == 10 || auth == 11:
						p.ntlm.Add(1)
						switch p.mode {
						case ntlmHangUp:
							return
						case ntlmRefuse:
							if _, err := client.Write(bindResponse(id, ldap.LDAPResultAuthMethodNotSupported)); err != nil {
								return
							}
							continue
						}
					default:
						p.other.Add(1)
					}
				}
				if _, err := server.Write(msg); err != nil {
					return
				}
			}
		}()
	}
}

// bindAuth returns the message ID and the context tag of the authentication
// choice of a BindRequest.
func bindAuth(msg []byte) (id int64, tag ber.Tag, ok bool) {
	pkt, err := ber.DecodePacketErr(msg)
	if err != nil || len(pkt.Children) < 2 || len(pkt.Children[1].Children) < 3 {
		return 0, 0, false
	}
	id, _ = pkt.Children[0].Value.(int64)
	auth := pkt.Children[1].Children[2]
	return id, auth.Tag, auth.ClassType == ber.ClassContext
}

func bindResponse(id int64, code int) []byte {
	msg := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	msg.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, ""))
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationBindResponse, nil, "")
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, int64(code), ""))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", ""))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "NTLM is disabled on this DC", ""))
	msg.AppendChild(op)
	return msg.Bytes()
}

// TestLDAPNoSimpleBindAfterNTLM: when an NTLM bind fails, however it fails,
// the adapter reports it and sends no simple bind, which on ldap:// would
// carry the password in clear.
func TestLDAPNoSimpleBindAfterNTLM(t *testing.T) {
	env := requireDC(t)
	target := strings.TrimPrefix(env.URL, "ldap://")
	id := env.Domain + `\Administrator`

	// The proxy does see simple binds: without this the zero below would
	// prove nothing.
	p := newBindProxy(t, target, ntlmForward)
	l := dialDC(t, LDAPConfig{URL: p.url(), Bind: env.AdminUPN, Password: env.AdminPassword, AllowCleartextPassword: true})
	l.Close()
	if p.simple.Load() != 1 || p.ntlm.Load() != 0 {
		t.Fatalf("UPN bind through the proxy: %d simple, %d NTLM binds seen, want 1 and 0", p.simple.Load(), p.ntlm.Load())
	}

	for _, tc := range []struct {
		name string
		mode ntlmMode
	}{
		{"the DC does not do NTLM", ntlmForward},
		{"NTLM refused with result 7", ntlmRefuse},
		{"the DC hangs up", ntlmHangUp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newBindProxy(t, target, tc.mode)
			// Plain ldap:// is allowed for NTLM: it does not send the
			// password.
			_, err := DialLDAP(context.Background(), LDAPConfig{URL: p.url(), Bind: id, Password: env.AdminPassword})
			if !errors.Is(err, ErrAuthentication) || !strings.Contains(err.Error(), "NTLM bind for "+id) || !strings.Contains(err.Error(), "UPN") {
				t.Errorf("NTLM failure: %v", err)
			}
			if err != nil && strings.Contains(err.Error(), env.AdminPassword) {
				t.Fatal("the error carries the password")
			}
			if p.ntlm.Load() == 0 {
				t.Errorf("no NTLM bind reached the proxy")
			}
			if n := p.simple.Load(); n != 0 {
				t.Errorf("%d simple binds sent after NTLM failed: the password crossed the wire in clear", n)
			}
			if n := p.other.Load(); n != 0 {
				t.Errorf("%d other binds sent after NTLM failed", n)
			}
		})
	}
}
