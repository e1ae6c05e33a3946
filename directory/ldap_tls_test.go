package directory

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"ocsflags/directory/dctest"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string // file with the CA certificate in PEM form
}

func newTestCA(t *testing.T, name string) testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name, Organization: []string{"Corp Test"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return testCA{cert: cert, key: key, pem: path}
}

// leaf issues a server certificate for the given names, valid between the
// two times.
func (ca testCA) leaf(t *testing.T, dns []string, ips []net.IP, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "dc1.corp.example"},
		NotBefore: notBefore, NotAfter: notAfter, DNSNames: dns, IPAddresses: ips,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// tlsServer listens on 127.0.0.1 with cert, as ldaps:// does, or, with
// startTLS, as ldap:// does: it answers the StartTLS request and then
// shakes hands. The handshake is all it does.
func tlsServer(t *testing.T, cert tls.Certificate, startTLS bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				if startTLS {
					msg, op, err := dctest.ReadMessage(c)
					if err != nil || op != ldap.ApplicationExtendedRequest {
						return
					}
					pkt, err := ber.DecodePacketErr(msg)
					if err != nil {
						return
					}
					id, _ := pkt.Children[0].Value.(int64)
					c.Write(extendedResponse(id))
				}
				tc := tls.Server(c, cfg)
				tc.Handshake()
			}()
		}
	}()
	scheme := "ldaps://"
	if startTLS {
		scheme = "ldap://"
	}
	return scheme + ln.Addr().String()
}

func extendedResponse(id int64) []byte {
	msg := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	msg.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, ""))
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationExtendedResponse, nil, "")
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, 0, ""))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", ""))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", ""))
	msg.AppendChild(op)
	return msg.Bytes()
}

// TestLDAPTLSErrorsNameTheCause: each way a DC's certificate fails gets
// its own message with what to do, over ldaps:// and StartTLS.
func TestLDAPTLSErrorsNameTheCause(t *testing.T) {
	ca := newTestCA(t, "Corp Test Root CA")
	other := newTestCA(t, "Someone Else's CA")
	now := time.Now()
	local := []net.IP{net.IPv4(127, 0, 0, 1)}
	good := func(c testCA) tls.Certificate {
		return c.leaf(t, []string{"localhost"}, local, now.Add(-time.Hour), now.Add(time.Hour))
	}
	expiredFrom, expiredTo := now.Add(-48*time.Hour), now.Add(-24*time.Hour)
	futureFrom, futureTo := now.Add(24*time.Hour), now.Add(48*time.Hour)
	for _, tc := range []struct {
		name string
		cert tls.Certificate
		ca   string
		want []string
	}{
		{"unknown authority", good(other), ca.pem, []string{`signed by "CN=Someone Else's CA,O=Corp Test"`, "not among the CAs of " + ca.pem, "--ca-cert FILE"}},
		{"no CA given", good(ca), "", []string{`signed by "CN=Corp Test Root CA,O=Corp Test"`, "does not trust", "--ca-cert FILE"}},
		{"host name not in the certificate", ca.leaf(t, []string{"dc9.corp.example", "dc9"}, nil, now.Add(-time.Hour), now.Add(time.Hour)), ca.pem,
			[]string{"is for dc9.corp.example, dc9, not 127.0.0.1", "--url ldaps://dc9.corp.example"}},
		{"names with control characters", ca.leaf(t, []string{"dc9\x1b]0;pwned\a.corp.example"}, nil, now.Add(-time.Hour), now.Add(time.Hour)), ca.pem,
			[]string{`is for dc9\x1b]0;pwned\x07.corp.example, not 127.0.0.1`}},
		{"no names at all", ca.leaf(t, nil, nil, now.Add(-time.Hour), now.Add(time.Hour)), ca.pem,
			[]string{"names no host in its Subject Alternative Name", "CN=dc1.corp.example"}},
		{"expired", ca.leaf(t, nil, local, expiredFrom, expiredTo), ca.pem,
			[]string{"expired on " + tlsTime(expiredTo), "valid from " + tlsTime(expiredFrom), "renew"}},
		{"not yet valid", ca.leaf(t, nil, local, futureFrom, futureTo), ca.pem,
			[]string{"not valid yet", "valid from " + tlsTime(futureFrom) + " to " + tlsTime(futureTo), "clock"}},
	} {
		for _, startTLS := range []bool{false, true} {
			name := tc.name + "/ldaps"
			if startTLS {
				name = tc.name + "/starttls"
			}
			t.Run(name, func(t *testing.T) {
				url := tlsServer(t, tc.cert, startTLS)
				_, err := DialLDAP(t.Context(), LDAPConfig{URL: url, StartTLS: startTLS, CACertFile: tc.ca, Timeout: 10 * time.Second})
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("DialLDAP: %v", err)
				}
				var de *Error
				if !errors.As(err, &de) {
					t.Fatalf("not a directory error: %v", err)
				}
				if strings.ContainsAny(de.Msg, "\x1b\a") {
					t.Errorf("raw control characters from the certificate in %q", de.Msg)
				}
				for _, want := range append(tc.want, url) {
					if !strings.Contains(de.Msg, want) {
						t.Errorf("message lacks %q:\n%s", want, de.Msg)
					}
				}
			})
		}
	}

	// The control: the same server with a good certificate and its CA
	// completes the handshake (and then fails for want of an LDAP server).
	url := tlsServer(t, good(ca), false)
	_, err := DialLDAP(t.Context(), LDAPConfig{URL: url, CACertFile: ca.pem, Timeout: 10 * time.Second})
	if err == nil || strings.Contains(err.Error(), "certificate") || strings.Contains(err.Error(), "TLS") {
		t.Errorf("good certificate: %v", err)
	}

	t.Run("the server hangs up", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			if c, err := ln.Accept(); err == nil {
				dctest.ReadMessage(c) // the ClientHello, read as garbage
				c.Close()
			}
		}()
		_, err = DialLDAP(t.Context(), LDAPConfig{URL: "ldaps://" + ln.Addr().String(), Timeout: 5 * time.Second})
		if err == nil || !strings.Contains(err.Error(), "hung up during the TLS handshake") {
			t.Errorf("hang-up: %v", err)
		}
	})
	t.Run("plain LDAP on the ldaps port", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			c, err := ln.Accept()
			if err == nil {
				c.Write(extendedResponse(1))
				time.Sleep(time.Second)
				c.Close()
			}
		}()
		_, err = DialLDAP(t.Context(), LDAPConfig{URL: "ldaps://" + ln.Addr().String(), Timeout: 5 * time.Second})
		if err == nil || !strings.Contains(err.Error(), "did not answer with TLS") {
			t.Errorf("plain LDAP answer to ldaps://: %v", err)
		}
	})
}

// The causes a test server cannot easily produce, from the errors Go's
// verifier returns for them.
func TestTLSCauseWords(t *testing.T) {
	ca := &x509.Certificate{Subject: pkix.Name{CommonName: "Corp Issuing CA"}, IsCA: true,
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}
	const url = "ldaps://dc1.corp.example"
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"server auth missing", &tls.CertificateVerificationError{Err: x509.CertificateInvalidError{Reason: x509.IncompatibleUsage}}, "not for server authentication"},
		{"signed by a non-CA", x509.CertificateInvalidError{Reason: x509.NotAuthorizedToSign}, "not a CA"},
		{"expired CA", x509.CertificateInvalidError{Cert: ca, Reason: x509.Expired}, `the CA certificate "CN=Corp Issuing CA" in the chain of ` + url + " expired on 2021-01-01 00:00:00 UTC"},
		{"expired without a certificate", x509.CertificateInvalidError{Reason: x509.Expired}, "is not valid"},
		{"unknown authority without a certificate", x509.UnknownAuthorityError{}, "signed by a CA, which this machine does not trust"},
		{"alert", tls.AlertError(40), "refused the TLS handshake"},
	} {
		if got := tlsCause(tt.err, ldapOp{kind: opStartTLS, url: url}); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q lacks %q", tt.name, got, tt.want)
		}
	}
}
