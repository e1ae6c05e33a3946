package directory

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/go-ldap/ldap/v3/gssapi"
	"github.com/jcmturner/gokrb5/v8/crypto"
	krbgss "github.com/jcmturner/gokrb5/v8/gssapi"
	"github.com/jcmturner/gokrb5/v8/iana/keyusage"
	"github.com/jcmturner/gokrb5/v8/types"
)

// LDAP signing over plain ldap://: after a Kerberos bind, every LDAP
// message travels in a GSS-API wrap token with an integrity checksum (the
// SASL "integrity" security layer of RFC 4752, sign-only as AD's LDAP
// signing is), so a DC that requires signing accepts the bind and nobody on
// the path can change what is read or written. go-ldap's GSSAPI client
// always declines a security layer; signingClient is that client with the
// last step of the SASL handshake choosing integrity, and signedConn is the
// layer itself. Sealing (encryption) is not offered: gokrb5 has no
// encrypting wrap tokens; over ldaps:// or StartTLS no layer is used, as AD
// requires.

// SASL security layers (RFC 4752 3.3).
const (
	saslLayerNone      = 1
	saslLayerIntegrity = 2
)

// saslMaxBuffer is the largest wrapped buffer ocsflags accepts (the SASL
// limit: three bytes).
const saslMaxBuffer = 1<<24 - 1

// Wrap token flags (RFC 4121 4.2.2).
const (
	wrapSentByAcceptor = 0x01
	wrapSealed         = 0x02
	wrapAcceptorSubkey = 0x04
)

// signingClient is go-ldap's gokrb5 client that asks for the integrity
// layer. Its context's key is the acceptor's subkey when the server's
// token says so (AD and Samba send one), else the ticket's session key.
type signingClient struct {
	*gssapi.Client
	k   *kerberos
	spn string

	// Set by NegotiateSaslAuth when the server offered integrity.
	key        types.EncryptionKey
	subkey     bool
	maxSend    int
	negotiated bool
}

func (c *signingClient) NegotiateSaslAuth(input []byte, authzid string) ([]byte, error) {
	var tok krbgss.WrapToken
	if err := gssapi.UnmarshalWrapToken(&tok, input, true); err != nil {
		return nil, err
	}
	if tok.Flags&wrapSealed != 0 {
		return nil, errors.New("the server sealed its SASL security-layer offer, which ocsflags cannot read")
	}
	c.subkey = tok.Flags&wrapAcceptorSubkey != 0
	if c.subkey {
		c.key = c.Subkey
	} else {
		// The session key of the service ticket, which the client has in
		// its cache from InitSecContext.
		_, key, err := c.k.krb.GetServiceTicket(c.spn)
		if err != nil {
			return nil, err
		}
		c.key = key
	}
	if ok, err := tok.Verify(c.key, keyusage.GSSAPI_ACCEPTOR_SEAL); !ok {
		return nil, fmt.Errorf("the server's SASL security-layer offer does not verify: %w", err)
	}
	if len(tok.Payload) != 4 {
		return nil, errors.New("the server's SASL security-layer offer is not 4 bytes")
	}
	offer := tok.Payload[0]
	layer := byte(saslLayerNone)
	maxRecv := uint32(0)
	if offer&saslLayerIntegrity != 0 {
		layer, maxRecv = saslLayerIntegrity, saslMaxBuffer
		c.maxSend = int(binary.BigEndian.Uint32(tok.Payload) & 0xffffff)
		c.negotiated = true
	} else if offer&saslLayerNone == 0 {
		return nil, fmt.Errorf("the server offers SASL security layers %#x, none that ocsflags has (integrity)", offer)
	}
	payload := make([]byte, 4, 4+len(authzid))
	binary.BigEndian.PutUint32(payload, maxRecv)
	payload[0] = layer
	payload = append(payload, authzid...)
	// Sequence number 1, as go-ldap's client sends it; the layer goes on
	// from 2. No sequence checking was asked for in the context flags.
	out, err := wrapToken(c.key, c.subkey, 1, payload)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// wrapToken is an initiator's sign-only wrap token for payload.
func wrapToken(key types.EncryptionKey, subkey bool, seq uint64, payload []byte) ([]byte, error) {
	et, err := crypto.GetEtype(key.KeyType)
	if err != nil {
		return nil, err
	}
	t := krbgss.WrapToken{EC: uint16(et.GetHMACBitLength() / 8), SndSeqNum: seq, Payload: payload}
	if subkey {
		t.Flags = wrapAcceptorSubkey
	}
	if err := t.SetCheckSum(key, keyusage.GSSAPI_INITIATOR_SEAL); err != nil {
		return nil, err
	}
	return t.Marshal()
}

// unwrapToken checks an acceptor's sign-only wrap token and returns its
// payload. A token whose checksum does not verify (changed on the way) is
// an error: the connection is then unusable.
func unwrapToken(key types.EncryptionKey, b []byte) ([]byte, error) {
	if len(b) < krbgss.HdrLen {
		return nil, errors.New("short wrap token")
	}
	if b[0] != 0x05 || b[1] != 0x04 {
		return nil, errors.New("not a wrap token")
	}
	if b[2]&wrapSealed != 0 {
		return nil, errors.New("a sealed wrap token, though integrity only was negotiated")
	}
	// RRC: the data after the header may be rotated right by RRC bytes
	// (RFC 4121 4.2.5); undo it before reading the checksum at the end.
	if rrc := int(binary.BigEndian.Uint16(b[6:8])); rrc != 0 {
		data := b[krbgss.HdrLen:]
		if len(data) > 0 {
			rrc %= len(data)
			rot := append(append([]byte{}, data[rrc:]...), data[:rrc]...)
			b = append(append([]byte{}, b[:krbgss.HdrLen]...), rot...)
			binary.BigEndian.PutUint16(b[6:8], 0)
		}
	}
	var t krbgss.WrapToken
	if err := t.Unmarshal(b, true); err != nil {
		return nil, err
	}
	if ok, err := t.Verify(key, keyusage.GSSAPI_ACCEPTOR_SEAL); !ok {
		return nil, fmt.Errorf("an LDAP message from the server failed its signature check (changed on the way?): %w", err)
	}
	return t.Payload, nil
}

// signedConn is the integrity layer over a connection: each Write is sent
// as wrap tokens of at most maxSend bytes, each with a 4-byte length, and
// Read returns the payloads of the server's tokens in order.
type signedConn struct {
	net.Conn
	key     types.EncryptionKey
	subkey  bool
	maxSend int

	wmu sync.Mutex
	seq uint64

	in   []byte // unread payload of the last token
	hdr  [4]byte
	rerr error
}

func newSignedConn(c net.Conn, sc *signingClient) *signedConn {
	max := sc.maxSend
	if max <= 0 || max > saslMaxBuffer {
		max = saslMaxBuffer
	}
	// Room for the header and checksum inside the server's maximum.
	max -= krbgss.HdrLen + 64
	if max < 512 {
		max = 512
	}
	return &signedConn{Conn: c, key: sc.key, subkey: sc.subkey, maxSend: max, seq: 2}
}

func (s *signedConn) Write(b []byte) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	n := 0
	for len(b) > 0 {
		chunk := b[:min(len(b), s.maxSend)]
		tok, err := wrapToken(s.key, s.subkey, s.seq, chunk)
		if err != nil {
			return n, err
		}
		s.seq++
		frame := make([]byte, 4+len(tok))
		binary.BigEndian.PutUint32(frame, uint32(len(tok)))
		copy(frame[4:], tok)
		if _, err := s.Conn.Write(frame); err != nil {
			return n, err
		}
		n += len(chunk)
		b = b[len(chunk):]
	}
	return n, nil
}

func (s *signedConn) Read(b []byte) (int, error) {
	for len(s.in) == 0 {
		if s.rerr != nil {
			return 0, s.rerr
		}
		if _, err := io.ReadFull(s.Conn, s.hdr[:]); err != nil {
			return 0, err
		}
		n := binary.BigEndian.Uint32(s.hdr[:])
		if n > saslMaxBuffer || n < krbgss.HdrLen {
			s.rerr = fmt.Errorf("a signed LDAP buffer of %d bytes: not a SASL security layer", n)
			return 0, s.rerr
		}
		tok := make([]byte, n)
		if _, err := io.ReadFull(s.Conn, tok); err != nil {
			return 0, err
		}
		p, err := unwrapToken(s.key, tok)
		if err != nil {
			s.rerr = err
			return 0, err
		}
		s.in = p
	}
	n := copy(b, s.in)
	s.in = s.in[n:]
	return n, nil
}
