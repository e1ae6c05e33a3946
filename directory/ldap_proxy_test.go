package directory

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/directory/dctest"
	"ocsflags/flags"
)

// dropMode says where the proxy cuts the connection of a write.
type dropMode int

const (
	// dropBeforeForward: the modify never reaches the DC.
	dropBeforeForward dropMode = iota
	// dropAfterForward: the modify reaches the DC and both sockets close at
	// once; whether the DC applied it is up to the race.
	dropAfterForward
	// dropBeforeResponse: the DC applied the modify and answered; the
	// answer is swallowed and the client's socket closed.
	dropBeforeResponse
)

// dropProxy is a TCP proxy on 127.0.0.1 between the adapter and the DC that
// kills the connection carrying a ModifyRequest, as many times as it is
// armed.
type dropProxy struct {
	t      *testing.T
	ln     net.Listener
	target string
	mode   dropMode
	armed  atomic.Int32
	fired  atomic.Int32
	mu     sync.Mutex
	conns  []net.Conn
}

func newDropProxy(t *testing.T, target string) *dropProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &dropProxy{t: t, ln: ln, target: target}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.killAll() })
	return p
}

func (p *dropProxy) url() string { return "ldap://" + p.ln.Addr().String() }

func (p *dropProxy) track(cs ...net.Conn) {
	p.mu.Lock()
	p.conns = append(p.conns, cs...)
	p.mu.Unlock()
}

// killAll drops every connection, as a DC restart or a NAT timeout would.
func (p *dropProxy) killAll() {
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
}

func (p *dropProxy) serve() {
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
		p.track(client, server)
		var swallow atomic.Bool
		kill := func() { client.Close(); server.Close() }
		go func() { // client -> DC
			defer kill()
			for {
				msg, op, err := dctest.ReadMessage(client)
				if err != nil {
					return
				}
				if op == ldap.ApplicationModifyRequest && p.armed.Load() > 0 {
					p.armed.Add(-1)
					p.fired.Add(1)
					switch p.mode {
					case dropBeforeForward:
						return
					case dropAfterForward:
						server.Write(msg)
						return
					case dropBeforeResponse:
						swallow.Store(true)
					}
				}
				if _, err := server.Write(msg); err != nil {
					return
				}
			}
		}()
		go func() { // DC -> client
			defer kill()
			for {
				msg, op, err := dctest.ReadMessage(server)
				if err != nil {
					return
				}
				if op == ldap.ApplicationModifyResponse && swallow.Load() {
					return
				}
				if _, err := client.Write(msg); err != nil {
					return
				}
			}
		}()
	}
}

// writeCount is the sum of the per-attribute write counters of an object's
// replication metadata (replPropertyMetaData, kept by AD and Samba). One
// modify of one attribute adds exactly 1, so it tells "changed once" from
// "changed twice" even when the value ends up the same.
func writeCount(t *testing.T, l *LDAP, dn string) (int, bool) {
	t.Helper()
	vals := rawValues(t, l, dn, "replPropertyMetaData")
	if len(vals) != 1 || len(vals[0]) < 16 {
		return 0, false
	}
	b := []byte(vals[0])
	// Header: version (1), reserved, count, reserved; then 48-byte entries
	// whose second field is the attribute's version.
	if binary.LittleEndian.Uint32(b) != 1 {
		return 0, false
	}
	n := int(binary.LittleEndian.Uint32(b[8:]))
	if len(b) < 16+48*n {
		return 0, false
	}
	sum := 0
	for i := range n {
		sum += int(binary.LittleEndian.Uint32(b[16+48*i+4:]))
	}
	return sum, true
}

// TestLDAPWriteWhenConnectionDrops kills the connection under a write and
// checks that the user is changed exactly once and that the caller is told
// how.
func TestLDAPWriteWhenConnectionDrops(t *testing.T) {
	env := requireDC(t)
	admin := dialDC(t, env.adminConfig())
	ctx := context.Background()
	target := strings.TrimPrefix(env.URL, "ldap://")
	for i, tc := range []struct {
		name  string
		mode  dropMode
		drops int32
		want  []WriteOutcome
	}{
		{"dropped before the DC saw it", dropBeforeForward, 1, []WriteOutcome{OutcomeWrittenOnRetry}},
		{"dropped right after forwarding", dropAfterForward, 1, []WriteOutcome{OutcomeWrittenOnRetry, OutcomeFoundWritten}},
		{"dropped before the answer", dropBeforeResponse, 1, []WriteOutcome{OutcomeFoundWritten}},
		{"dropped twice", dropBeforeForward, 2, []WriteOutcome{OutcomeUnknown}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newDropProxy(t, target)
			p.mode = tc.mode
			l := dialDC(t, LDAPConfig{URL: p.url(), Bind: env.AdminUPN, Password: env.AdminPassword, AllowCleartextPassword: true})
			// A plain write first, to learn what one write adds to the
			// DC's counters (Samba counts the delete and the add of a
			// modify separately).
			// A user without OptionFlags gets an add-only modify, which
			// counts less than the delete-and-add a set attribute gets, so
			// make sure it is set before calibrating.
			u := pagingUser(t, admin, env, 10+i)
			if !u.OCS.OptionFlags.Set {
				var err error
				if u, err = admin.Apply(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{optionFlagsEdit(u, "0")}}); err != nil {
					t.Fatal(err)
				}
			}
			c0, haveVersion := writeCount(t, admin, u.DN)
			u, err := admin.Apply(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{optionFlagsEdit(u, flags.FormatAD(u.OCS.OptionFlags.V^flags.AnonymousParticipants))}})
			if err != nil {
				t.Fatal(err)
			}
			v0, _ := writeCount(t, admin, u.DN)
			once := v0 - c0
			next := u.OCS.OptionFlags.V ^ flags.PublicIM

			p.armed.Store(tc.drops)
			got, o, err := l.ApplyWithOutcome(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{optionFlagsEdit(u, flags.FormatAD(next))}})
			if p.fired.Load() != tc.drops {
				t.Fatalf("the proxy dropped %d connections, want %d", p.fired.Load(), tc.drops)
			}
			t.Logf("outcome: %v, err %v", o, err)
			found := false
			for _, w := range tc.want {
				found = found || o == w
			}
			if !found {
				t.Errorf("outcome %v, want one of %v", o, tc.want)
			}
			after, rerr := admin.User(ctx, u.DN)
			if rerr != nil {
				t.Fatal(rerr)
			}
			v1, _ := writeCount(t, admin, u.DN)
			switch {
			case o.Changed():
				if err != nil || got.OCS.OptionFlags != flags.Some(next) || after.OCS.OptionFlags != flags.Some(next) {
					t.Errorf("reported written: err %v, returned %+v, DC holds %+v, want %d", err, got.OCS.OptionFlags, after.OCS.OptionFlags, next)
				}
				if haveVersion && v1-v0 != once {
					t.Errorf("the DC counted %d writes, one write counts %d", v1-v0, once)
				}
			case o == OutcomeUnknown:
				if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "unknown") {
					t.Errorf("unknown outcome must say so: %v", err)
				}
				// Whatever happened, it happened at most once.
				if haveVersion && v1-v0 != 0 && v1-v0 != once {
					t.Errorf("the DC counted %d writes, one write counts %d", v1-v0, once)
				}
			default:
				t.Errorf("not written: %v", err)
			}
			if haveVersion {
				t.Logf("the DC counted %d for this write, %d for a plain one", v1-v0, once)
			} else {
				t.Log("the DC has no replPropertyMetaData: checked the value only")
			}
		})
	}

	t.Run("reads redial transparently", func(t *testing.T) {
		p := newDropProxy(t, target)
		l := dialDC(t, LDAPConfig{URL: p.url(), Bind: env.AdminUPN, Password: env.AdminPassword, AllowCleartextPassword: true})
		u := pagingUser(t, l, env, 0)
		p.killAll()
		if _, err := l.User(ctx, u.DN); err != nil {
			t.Fatalf("read after the connection dropped: %v", err)
		}
		p.killAll()
		n := 0
		if err := l.Users(ctx, env.PagingOU, OneLevel, func(b Batch) error { n += len(b.Users); return nil }); err != nil || n != env.PagingCount {
			t.Fatalf("listing after the connection dropped: %d users, %v", n, err)
		}
	})
}
