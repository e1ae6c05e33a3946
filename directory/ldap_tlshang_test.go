package directory

import (
	"net"
	"strings"
	"testing"
	"time"

	"ocsflags/directory/dctest"
)

// A DC that accepts the connection and then never answers the TLS
// handshake (ldaps://), the StartTLS request, or the handshake after
// StartTLS is named with the timeout and what was being done, as a hang
// over plain ldap:// is, never as a bare "context deadline exceeded".
func TestTLSHangNamesTheTimeout(t *testing.T) {
	for _, tt := range []struct {
		name     string
		startTLS bool
		answer   bool // answer the StartTLS request, then hang
	}{
		{"ldaps:// handshake", false, false},
		{"StartTLS request", true, false},
		{"handshake after StartTLS", true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			done := make(chan struct{})
			defer close(done)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				if tt.answer {
					dctest.ReadMessage(c)
					c.Write(extendedResponse(1))
				}
				<-done
			}()
			url := "ldaps://" + ln.Addr().String()
			if tt.startTLS {
				url = "ldap://" + ln.Addr().String()
			}
			start := time.Now()
			_, err = DialLDAP(t.Context(), LDAPConfig{URL: url, StartTLS: tt.startTLS, InsecureSkipVerify: true, Timeout: 300 * time.Millisecond})
			if err == nil || !strings.Contains(err.Error(), "127.0.0.1 did not answer within 300ms while setting up TLS") || !strings.Contains(err.Error(), "--timeout") {
				t.Errorf("%s: %v", url, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("gave up after %v, not after the timeout", d)
			}
		})
	}
}
