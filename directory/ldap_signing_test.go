package directory

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	krbgss "github.com/jcmturner/gokrb5/v8/gssapi"
	"github.com/jcmturner/gokrb5/v8/iana/etypeID"
	"github.com/jcmturner/gokrb5/v8/iana/keyusage"
	"github.com/jcmturner/gokrb5/v8/types"

	"ocsflags/directory/dctest"
)

var testKey = types.EncryptionKey{KeyType: etypeID.AES256_CTS_HMAC_SHA1_96, KeyValue: bytes.Repeat([]byte{7}, 32)}

// acceptorToken is what a DC sends: a sign-only wrap token from the
// acceptor, with its subkey, optionally rotated by rrc.
func acceptorToken(t testing.TB, payload []byte, rrc int) []byte {
	t.Helper()
	w := krbgss.WrapToken{Flags: wrapSentByAcceptor | wrapAcceptorSubkey, EC: 12, SndSeqNum: 9, Payload: payload}
	if err := w.SetCheckSum(testKey, keyusage.GSSAPI_ACCEPTOR_SEAL); err != nil {
		t.Fatal(err)
	}
	b, err := w.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if rrc > 0 {
		data := b[krbgss.HdrLen:]
		n := len(data)
		rot := append(append([]byte{}, data[n-rrc%n:]...), data[:n-rrc%n]...)
		copy(data, rot)
		binary.BigEndian.PutUint16(b[6:8], uint16(rrc))
	}
	return b
}

func TestUnwrapToken(t *testing.T) {
	msg := []byte("0\x0c\x02\x01\x02e\x07\x0a\x01\x00\x04\x00\x04\x00")
	for _, rrc := range []int{0, 12, 28} {
		got, err := unwrapToken(testKey, acceptorToken(t, msg, rrc))
		if err != nil || !bytes.Equal(got, msg) {
			t.Errorf("RRC %d: %q, %v", rrc, got, err)
		}
	}
	// One bit changed on the way: refused.
	tok := acceptorToken(t, msg, 0)
	tok[krbgss.HdrLen+3] ^= 1
	if _, err := unwrapToken(testKey, tok); err == nil || !strings.Contains(err.Error(), "signature") {
		t.Errorf("a changed message: %v", err)
	}
	// Our own (initiator) tokens carry the checksum of the initiator's key
	// usage, which the acceptor checks.
	out, err := wrapToken(testKey, true, 5, msg)
	if err != nil {
		t.Fatal(err)
	}
	var w krbgss.WrapToken
	if err := w.Unmarshal(out, false); err != nil || !bytes.Equal(w.Payload, msg) || w.SndSeqNum != 5 || w.Flags != wrapAcceptorSubkey {
		t.Fatalf("%+v %v", w, err)
	}
	if ok, err := w.Verify(testKey, keyusage.GSSAPI_INITIATOR_SEAL); !ok {
		t.Errorf("our token does not verify: %v", err)
	}
}

func FuzzUnwrapToken(f *testing.F) {
	f.Add(acceptorToken(f, []byte("0\x03\x02\x01\x01"), 0))
	f.Add(acceptorToken(f, []byte("hello"), 28))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := unwrapToken(testKey, b)
		if err == nil && len(p) > len(b) {
			t.Fatalf("payload of %d bytes from %d", len(p), len(b))
		}
	})
}

// signedConn splits what it writes into tokens no larger than the server
// takes, and reads a server's tokens back as one stream.
func TestSignedConnFrames(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	s := &signedConn{Conn: a, key: testKey, subkey: true, maxSend: 10, seq: 2}
	msg := []byte("0123456789abcdefghijklmnopqrstuvwxyz")
	go s.Write(msg)
	var got []byte
	for len(got) < len(msg) {
		var hdr [4]byte
		io.ReadFull(b, hdr[:])
		tok := make([]byte, binary.BigEndian.Uint32(hdr[:]))
		io.ReadFull(b, tok)
		var w krbgss.WrapToken
		if err := w.Unmarshal(tok, false); err != nil || len(w.Payload) > 10 {
			t.Fatalf("%v, %d bytes", err, len(w.Payload))
		}
		got = append(got, w.Payload...)
	}
	if !bytes.Equal(got, msg) {
		t.Errorf("%q", got)
	}
	go func() {
		for _, part := range []string{"first ", "second"} {
			tok := acceptorToken(t, []byte(part), 0)
			frame := binary.BigEndian.AppendUint32(nil, uint32(len(tok)))
			b.Write(append(frame, tok...))
		}
	}()
	buf := make([]byte, 12)
	if _, err := io.ReadFull(s, buf); err != nil || string(buf) != "first second" {
		t.Errorf("%q %v", buf, err)
	}
}

// recorder forwards one address and keeps what the client sent.
type recorder struct {
	ln   net.Listener
	mu   sync.Mutex
	sent []byte
}

func (r *recorder) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, b...)
	return len(b), nil
}

// Over plain ldap:// with Kerberos, everything after the SASL bind goes in
// signed SASL buffers, as LDAP signing requires: the client sends LDAP
// messages (0x30) up to and including the bind requests, then only
// length-prefixed wrap tokens (05 04).
func TestKerberosSignsPlainLDAPDC(t *testing.T) {
	k := dctest.RequireKerberos(t)
	cc := k.Kinit(t)
	u, err := parseLDAPURL(k.URL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	rec := &recorder{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", u.addr)
			if err != nil {
				c.Close()
				return
			}
			go func() { io.Copy(s, io.TeeReader(c, rec)); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	// The DC is reached through the recorder, under its own SPN.
	cfg := kerberosConfig(k, "ldap://"+ln.Addr().String(), cc)
	cfg.SPN, cfg.GC = "ldap/"+u.host, ""
	d, err := DialLDAP(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.NamingContexts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !d.Info().Signed {
		t.Fatal("not signed")
	}
	d.Close()
	rec.mu.Lock()
	rest := rec.sent
	rec.mu.Unlock()
	binds := 0
	for len(rest) > 0 && rest[0] == 0x30 {
		_, v, r, err := tlv(rest)
		if err != nil {
			t.Fatalf("not LDAP: %x", rest)
		}
		if _, _, op, err := tlv(v); err == nil && len(op) > 0 && op[0] == 0x60 {
			binds++
		}
		rest = r
	}
	if binds < 2 || len(rest) < 6 || rest[4] != 0x05 || rest[5] != 0x04 {
		t.Fatalf("after %d bind requests the client sent %x…, not a wrap token", binds, rest[:min(len(rest), 16)])
	}
	if strings.Contains(string(rec.sent), "dnsHostName") && bytes.Index(rec.sent, []byte("dnsHostName")) < len(rec.sent)-len(rest) {
		t.Error("the rootDSE was read before the signing layer")
	}
}

// BenchmarkUnwrapToken is the signature check of one signed LDAP message
// (an entry of about 600 bytes), what the integrity layer costs per entry.
func BenchmarkUnwrapToken(b *testing.B) {
	tok := acceptorToken(b, bytes.Repeat([]byte("x"), 600), 0)
	for b.Loop() {
		if _, err := unwrapToken(testKey, tok); err != nil {
			b.Fatal(err)
		}
	}
}
