package directory

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/Azure/go-ntlmssp"
	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// wire is one LDAP connection that ocsflags drives itself, one operation at
// a time (the LDAP type keeps a small pool of them).
//
// Why not go-ldap's Conn: its reader decodes every response into a
// go-asn1-ber packet tree, allocating a node and a buffer per element and
// copying each element's bytes into every enclosing one. Streaming 100,000
// users that way cost about six times what ldapsearch needs for the same
// search. Here a response is read into one reused buffer and only the DN
// and the attribute values become strings. Requests are still encoded with
// go-asn1-ber and go-ldap (filters, controls), errors are go-ldap's
// *ldap.Error, and NTLM comes from the same go-ntlmssp that go-ldap uses.
type wire struct {
	conn    net.Conn
	r       *bufio.Reader
	lastID  int64
	buf     []byte
	names   map[string]string
	timeout time.Duration
	// dead is set once an I/O error or a malformed response has left the
	// connection in an unknown state; it is then closed, never reused.
	dead bool
}

// maxMessage bounds one response; AD's own MaxReceiveBuffer is 10 MB.
const maxMessage = 64 << 20

func newWire(c net.Conn, timeout time.Duration) *wire {
	return &wire{conn: c, r: bufio.NewReaderSize(c, 64<<10), names: map[string]string{}, timeout: timeout}
}

func (w *wire) close() {
	w.dead = true
	w.conn.Close()
}

// netErr marks the connection dead and reports err as go-ldap's network
// error, which the retry logic recognises.
func (w *wire) netErr(err error) error {
	w.close()
	var le *ldap.Error
	if errors.As(err, &le) {
		return err
	}
	return ldap.NewError(ldap.ErrorNetwork, err)
}

var errMalformed = errors.New("malformed LDAP response")

// send writes one LDAPMessage and returns its message ID.
func (w *wire) send(op *ber.Packet, controls ...ldap.Control) (int64, error) {
	w.lastID++
	id := w.lastID
	env := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	env.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, ""))
	env.AppendChild(op)
	if len(controls) > 0 {
		cs := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "")
		for _, c := range controls {
			cs.AppendChild(c.Encode())
		}
		env.AppendChild(cs)
	}
	w.conn.SetWriteDeadline(time.Now().Add(w.timeout))
	if _, err := w.conn.Write(env.Bytes()); err != nil {
		return 0, w.netErr(err)
	}
	return id, nil
}

// message is one response. body and controls point into the wire's buffer
// and are valid until the next read.
type message struct {
	id       int64
	op       int // application tag number
	body     []byte
	controls []byte
}

// read reads the next LDAPMessage.
func (w *wire) read() (message, error) {
	var m message
	tag, err := w.r.ReadByte()
	if err != nil {
		return m, w.netErr(err)
	}
	if tag != 0x30 {
		return m, w.netErr(errMalformed)
	}
	n, err := w.readLen()
	if err != nil {
		return m, w.netErr(err)
	}
	if n > maxMessage {
		return m, w.netErr(fmt.Errorf("LDAP response of %d bytes is too large", n))
	}
	if cap(w.buf) < n {
		w.buf = make([]byte, n, max(n, 2*cap(w.buf)))
	}
	b := w.buf[:n]
	if _, err := io.ReadFull(w.r, b); err != nil {
		return m, w.netErr(err)
	}
	t, idb, rest, err := tlv(b)
	if err != nil || t != 0x02 || len(idb) == 0 || len(idb) > 8 {
		return m, w.netErr(errMalformed)
	}
	for _, c := range idb {
		m.id = m.id<<8 | int64(c)
	}
	t, m.body, rest, err = tlv(rest)
	if err != nil || t&0xc0 != 0x40 {
		return m, w.netErr(errMalformed)
	}
	m.op = int(t & 0x1f)
	if len(rest) > 0 && rest[0] == 0xa0 {
		if _, m.controls, _, err = tlv(rest); err != nil {
			return m, w.netErr(errMalformed)
		}
	}
	if m.id == 0 && m.op == ldap.ApplicationExtendedResponse {
		// A notice of disconnection: the server is about to close.
		code, _, diag, _, _ := parseResult(m.body)
		return m, w.netErr(ldap.NewError(ldap.ErrorNetwork, fmt.Errorf("the server closed the connection (result %d: %s)", code, diag)))
	}
	return m, nil
}

func (w *wire) readLen() (int, error) {
	b, err := w.r.ReadByte()
	if err != nil {
		return 0, err
	}
	if b < 0x80 {
		return int(b), nil
	}
	k := int(b & 0x7f)
	if k == 0 || k > 4 {
		return 0, errMalformed
	}
	n := 0
	for i := 0; i < k; i++ {
		c, err := w.r.ReadByte()
		if err != nil {
			return 0, err
		}
		n = n<<8 | int(c)
	}
	return n, nil
}

// tlv splits the first BER element off b. LDAP uses single-byte tags and
// definite lengths only.
func tlv(b []byte) (tag byte, val, rest []byte, err error) {
	if len(b) < 2 || b[0]&0x1f == 0x1f {
		return 0, nil, nil, errMalformed
	}
	tag = b[0]
	n, i := int(b[1]), 2
	if n >= 0x80 {
		k := n & 0x7f
		if k == 0 || k > 4 || len(b) < 2+k {
			return 0, nil, nil, errMalformed
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		i = 2 + k
	}
	if n < 0 || len(b)-i < n {
		return 0, nil, nil, errMalformed
	}
	return tag, b[i : i+n], b[i+n:], nil
}

// parseResult reads an LDAPResult (the start of every response body).
func parseResult(body []byte) (code int, matched, diag string, rest []byte, err error) {
	t, v, rest, err := tlv(body)
	if err != nil || t != 0x0a || len(v) == 0 || len(v) > 4 {
		return 0, "", "", nil, errMalformed
	}
	for _, c := range v {
		code = code<<8 | int(c)
	}
	t, mv, rest, err := tlv(rest)
	if err != nil || t != 0x04 {
		return 0, "", "", nil, errMalformed
	}
	t, dv, rest, err := tlv(rest)
	if err != nil || t != 0x04 {
		return 0, "", "", nil, errMalformed
	}
	return code, string(mv), string(dv), rest, nil
}

// resultError is the *ldap.Error go-ldap would have returned.
func resultError(code int, matched, diag string) error {
	if code == ldap.LDAPResultSuccess {
		return nil
	}
	return &ldap.Error{ResultCode: uint16(code), MatchedDN: matched, Err: errors.New(diag)}
}

// roundTrip sends one request and reads its response.
func (w *wire) roundTrip(op *ber.Packet, want int, controls ...ldap.Control) (message, error) {
	w.conn.SetReadDeadline(time.Now().Add(w.timeout))
	id, err := w.send(op, controls...)
	if err != nil {
		return message{}, err
	}
	for {
		m, err := w.read()
		if err != nil {
			return m, err
		}
		if m.id != id {
			continue // a late answer to an abandoned request
		}
		if m.op != want {
			return m, w.netErr(fmt.Errorf("unexpected LDAP response %d to request %d", m.op, id))
		}
		return m, nil
	}
}

// result runs a request whose response is a plain LDAPResult.
func (w *wire) result(op *ber.Packet, want int) error {
	m, err := w.roundTrip(op, want)
	if err != nil {
		return err
	}
	code, matched, diag, _, err := parseResult(m.body)
	if err != nil {
		return w.netErr(err)
	}
	return resultError(code, matched, diag)
}

func octets(class ber.Class, tag ber.Tag, b []byte) *ber.Packet {
	p := ber.Encode(class, ber.TypePrimitive, tag, nil, "")
	p.Data.Write(b)
	return p
}

func bindRequest(name string, auth *ber.Packet) *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationBindRequest, nil, "")
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 3, ""))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, name, ""))
	op.AppendChild(auth)
	return op
}

// simpleBind binds with a DN, UPN or DOMAIN\user and its password.
func (w *wire) simpleBind(name, password string) error {
	return w.result(bindRequest(name, octets(ber.ClassContext, 0, []byte(password))), ldap.ApplicationBindResponse)
}

// errNTLMRefused means the server does not do Microsoft's "sicily" NTLM
// bind (as opposed to refusing the credentials).
var errNTLMRefused = errors.New("the server does not offer NTLM binds")

// ntlmBind performs the NTLM bind AD offers to LDAP clients (MS-ADTS
// "sicily": negotiate with context tag 10, the challenge comes back in the
// matchedDN field, the answer goes out with context tag 11), as go-ldap's
// NTLMBind does.
func (w *wire) ntlmBind(domain, user, password string) error {
	neg, err := ntlmssp.NewNegotiateMessage(domain, "")
	if err != nil {
		return fmt.Errorf("NTLM negotiate message: %w", err)
	}
	m, err := w.roundTrip(bindRequest("", octets(ber.ClassContext, 10, neg)), ldap.ApplicationBindResponse)
	if err != nil {
		return err
	}
	code, challenge, diag, _, err := parseResult(m.body)
	if err != nil {
		return w.netErr(err)
	}
	if code == ldap.LDAPResultInvalidCredentials {
		return resultError(code, "", diag)
	}
	if code != 0 || len(challenge) < 8 || challenge[:7] != "NTLMSSP" {
		return fmt.Errorf("%w (result %d)", errNTLMRefused, code)
	}
	auth, err := ntlmssp.NewAuthenticateMessage([]byte(challenge), user, password, nil)
	if err != nil {
		return fmt.Errorf("NTLM authenticate message: %w", err)
	}
	return w.result(bindRequest("", octets(ber.ClassContext, 11, auth)), ldap.ApplicationBindResponse)
}

// startTLS upgrades the connection (RFC 4511 StartTLS).
func (w *wire) startTLS(ctx context.Context, cfg *tls.Config) error {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationExtendedRequest, nil, "")
	op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, "1.3.6.1.4.1.1466.20037", ""))
	if err := w.result(op, ldap.ApplicationExtendedResponse); err != nil {
		return err
	}
	if w.r.Buffered() > 0 {
		return w.netErr(errors.New("data after the StartTLS response"))
	}
	tc := tls.Client(w.conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		w.close()
		return err
	}
	w.conn = tc
	w.r.Reset(tc)
	return nil
}

// modify sends a ModifyRequest.
func (w *wire) modify(req *ldap.ModifyRequest) error {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationModifyRequest, nil, "")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, req.DN, ""))
	changes := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	for _, c := range req.Changes {
		ch := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
		ch.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, uint64(c.Operation), ""))
		pa := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
		pa.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, c.Modification.Type, ""))
		set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "")
		for _, v := range c.Modification.Vals {
			set.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, v, ""))
		}
		pa.AppendChild(set)
		ch.AppendChild(pa)
		changes.AppendChild(ch)
	}
	op.AppendChild(changes)
	w.conn.SetReadDeadline(time.Now().Add(w.timeout))
	return w.result(op, ldap.ApplicationModifyResponse)
}

// abandon asks the server to stop working on request id; there is no
// response.
func (w *wire) abandon(id int64) {
	if w.dead {
		return
	}
	w.send(ber.NewInteger(ber.ClassApplication, ber.TypePrimitive, ldap.ApplicationAbandonRequest, id, ""))
}

// startSearch sends one page's search request.
func (w *wire) startSearch(s searchSpec, sizeLimit int, controls ...ldap.Control) (int64, error) {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchRequest, nil, "")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, s.base, ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, uint64(s.scope), ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, uint64(ldap.NeverDerefAliases), ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, uint64(sizeLimit), ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, uint64(0), ""))
	op.AppendChild(ber.NewBoolean(ber.ClassUniversal, ber.TypePrimitive, ber.TagBoolean, false, ""))
	f, err := ldap.CompileFilter(s.filter)
	if err != nil {
		return 0, &Error{Kind: ErrInvalidValue, Msg: fmt.Sprintf("bad search filter %s", s.filter), Err: err}
	}
	op.AppendChild(f)
	attrs := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	for _, a := range s.attrs {
		attrs.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a, ""))
	}
	op.AppendChild(attrs)
	w.conn.SetReadDeadline(time.Now().Add(w.timeout))
	return w.send(op, controls...)
}

// errStopped ends readSearch when the entry callback asks to stop.
var errStopped = errors.New("search stopped")

// readSearch reads the responses to search id up to SearchResultDone,
// calling each with every entry, and returns the paged-results cookie (nil
// on the last page). each returning false stops reading with errStopped;
// the rest of the page is then still on the wire.
func (w *wire) readSearch(id int64, each func(*ldap.Entry) bool) ([]byte, error) {
	for {
		m, err := w.read()
		if err != nil {
			return nil, err
		}
		if m.id != id {
			continue
		}
		switch m.op {
		case ldap.ApplicationSearchResultEntry:
			e, err := w.entry(m.body)
			if err != nil {
				return nil, w.netErr(err)
			}
			if !each(e) {
				return nil, errStopped
			}
		case ldap.ApplicationSearchResultReference, ldap.ApplicationIntermediateResponse:
			// Continuation references point at other naming contexts or
			// domains; the listing is of this DC's data.
		case ldap.ApplicationSearchResultDone:
			code, matched, diag, _, err := parseResult(m.body)
			if err != nil {
				return nil, w.netErr(err)
			}
			if err := resultError(code, matched, diag); err != nil {
				return nil, err
			}
			return pagingCookie(m.controls), nil
		default:
			return nil, w.netErr(fmt.Errorf("unexpected LDAP response %d to a search", m.op))
		}
	}
}

// pagingCookie finds the paged-results control among a response's controls
// and copies its cookie out of the read buffer.
func pagingCookie(controls []byte) []byte {
	for len(controls) > 0 {
		t, c, rest, err := tlv(controls)
		if err != nil || t != 0x30 {
			return nil
		}
		controls = rest
		t, oid, c, err := tlv(c)
		if err != nil || t != 0x04 || string(oid) != PagedResultsOID {
			continue
		}
		if len(c) > 0 && c[0] == 0x01 { // criticality
			if _, _, c, err = tlv(c); err != nil {
				return nil
			}
		}
		t, val, _, err := tlv(c)
		if err != nil || t != 0x04 {
			return nil
		}
		t, seq, _, err := tlv(val)
		if err != nil || t != 0x30 {
			return nil
		}
		_, _, seq, err = tlv(seq) // size estimate
		if err != nil {
			return nil
		}
		t, cookie, _, err := tlv(seq)
		if err != nil || t != 0x04 || len(cookie) == 0 {
			return nil
		}
		return append([]byte(nil), cookie...)
	}
	return nil
}

// entry decodes a SearchResultEntry. Every value becomes its own string, so
// a User that keeps a few of them pins nothing else; the entry's structures
// come from a handful of allocations shared by all its attributes.
func (w *wire) entry(body []byte) (*ldap.Entry, error) {
	t, dn, rest, err := tlv(body)
	if err != nil || t != 0x04 {
		return nil, errMalformed
	}
	t, attrs, _, err := tlv(rest)
	if err != nil || t != 0x30 {
		return nil, errMalformed
	}
	nAttrs, nVals := 0, 0
	for a := attrs; len(a) > 0; {
		_, pa, r, err := tlv(a)
		if err != nil {
			return nil, errMalformed
		}
		a = r
		nAttrs++
		_, _, pa, err = tlv(pa)
		if err != nil {
			return nil, errMalformed
		}
		_, set, _, err := tlv(pa)
		if err != nil {
			return nil, errMalformed
		}
		for len(set) > 0 {
			if _, _, set, err = tlv(set); err != nil {
				return nil, errMalformed
			}
			nVals++
		}
	}
	e := &ldap.Entry{DN: string(dn)}
	eas := make([]ldap.EntryAttribute, nAttrs)
	e.Attributes = make([]*ldap.EntryAttribute, nAttrs)
	vals := make([]string, nVals)
	i, j := 0, 0
	for a := attrs; len(a) > 0; i++ {
		_, pa, r, _ := tlv(a)
		a = r
		_, name, pa, _ := tlv(pa)
		_, set, _, _ := tlv(pa)
		start := j
		for len(set) > 0 {
			var v []byte
			_, v, set, _ = tlv(set)
			vals[j] = string(v)
			j++
		}
		eas[i] = ldap.EntryAttribute{Name: w.name(name), Values: vals[start:j:j]}
		e.Attributes[i] = &eas[i]
	}
	return e, nil
}

// name interns attribute names, which repeat in every entry.
func (w *wire) name(b []byte) string {
	if s, ok := w.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(w.names) < 512 {
		w.names[s] = s
	}
	return s
}
