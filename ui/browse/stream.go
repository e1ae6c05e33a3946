package browse

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
)

// readiness is the list's verdict: flags.Judge's, the one every surface
// shows.
type readiness = flags.Verdict

const (
	notEnabled = flags.VerdictNotEnabled
	ready      = flags.VerdictReady
	problems   = flags.VerdictCannotSignIn
	unverified = flags.VerdictUnverified
)

// Row is a listed user with everything the list shows and filters on worked
// out once, when its batch arrives, so that a keystroke or a frame does no
// per-Row work beyond the visible window.
type Row struct {
	U     directory.User
	key   string // lower-cased name, sAMAccountName and SIP address
	Flags string // OptionFlags as AD text, "—" when absent
	sip   string // lower-cased SIP address, "" when absent
	State readiness
	// facts are what the search line's setting tokens (fed:on, pool:…,
	// finding:…) are matched against: the --where language's facts.
	facts flags.Facts
	// seq is the row's place in the order the directory delivered it,
	// so s can cycle back to that order after sorting by a column.
	seq int32
}

// poolSet answers "is this DN the home server of an existing pool", and
// "can that be told", from the pools read once at start. It is never
// written after creation, so the streaming goroutine may read it.
type poolSet = directory.PoolSet

// memoPools remembers a PoolCheck's answers per DN: most users share a
// handful of pool DNs, so a big OU parses each DN once. Each stream has its
// own, so the streaming goroutine alone touches its map.
type memoPools struct {
	pools directory.PoolCheck
	seen  map[string]poolAnswer
}

type poolAnswer struct {
	is      bool
	unknown string
	host    string
}

// hostOf is the host of the pool dn names, "" when it names none.
func hostOf(p directory.PoolCheck, dn string) string {
	switch x := p.(type) {
	case memoPools:
		return x.answer(dn).host
	case interface {
		ByHomeServer(string) (directory.Pool, bool)
	}:
		if pl, ok := x.ByHomeServer(dn); ok {
			return pl.Host
		}
	}
	return ""
}

func NewMemoPools(p directory.PoolCheck) memoPools {
	return memoPools{pools: p, seen: map[string]poolAnswer{}}
}

func (m memoPools) answer(dn string) poolAnswer {
	a, ok := m.seen[dn]
	if !ok {
		a = poolAnswer{is: m.pools.IsPool(dn)}
		if !a.is {
			a.unknown = m.pools.Unknown(dn)
		} else {
			a.host = hostOf(m.pools, dn)
		}
		m.seen[dn] = a
	}
	return a
}

func (m memoPools) IsPool(dn string) bool    { return m.answer(dn).is }
func (m memoPools) Unknown(dn string) string { return m.answer(dn).unknown }

// MakeRow works out what the list shows and searches for u. Its verdict
// runs the readiness rules without the duplicate-SIP look-up, which would
// cost a directory search per user (the detail and the audit do that one;
// the list catches the duplicates among the users it holds). A home server
// among pools this account cannot read gives "? unchecked", as on every
// other surface.
func MakeRow(u directory.User, pools directory.PoolCheck) Row {
	f := "—"
	if u.OCS.OptionFlags.Set {
		f = flags.FormatAD(u.OCS.OptionFlags.V)
	}
	fs := flags.Audit(directory.RuleInput(u, u.OCS, pools))
	r := Row{
		U:     u,
		key:   strings.ToLower(u.Label() + "\x00" + u.SAMAccountName + "\x00" + u.OCS.SIPAddress.V),
		Flags: f,
		sip:   strings.ToLower(u.OCS.SIPAddress.V),
		State: flags.Judge(fs),
		facts: flags.Facts{Settings: u.OCS, Findings: fs, Verdict: flags.Judge(fs)},
	}
	if u.OCS.HomeServer.Set {
		r.facts.Pool = hostOf(pools, u.OCS.HomeServer.V)
	}
	return r
}

// UsersBatchMsg carries rows of listing id; ch keeps the stream going.
type UsersBatchMsg struct {
	id          int
	rows        []Row
	done, total int
	ch          <-chan tea.Msg
	// End is set when the stream ended right after this batch.
	End *usersDoneMsg
}

// usersDoneMsg ends listing id; err is nil, the directory's error, or
// context.Canceled when the admin pressed esc.
type usersDoneMsg struct {
	id  int
	err error
}

// startUsers runs Dir.Users in a goroutine and returns the command that
// delivers its batches. The goroutine turns users into rows (readiness, search
// keys) so that Update only appends. Every send selects on ctx, so
// cancelling never leaves the goroutine blocked on a reader that has gone.
func startUsers(ctx context.Context, d directory.Directory, dn string, scope directory.Scope, id int, pools poolSet) tea.Cmd {
	ch := make(chan tea.Msg, 4)
	go func() {
		defer close(ch)
		memo := NewMemoPools(pools)
		err := d.Users(ctx, dn, scope, func(b directory.Batch) error {
			rows := make([]Row, len(b.Users))
			for i, u := range b.Users {
				rows[i] = MakeRow(u, memo)
			}
			select {
			case ch <- UsersBatchMsg{id: id, rows: rows, done: b.Done, total: b.Total, ch: ch}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		select {
		case ch <- usersDoneMsg{id: id, err: err}:
		case <-ctx.Done():
		}
	}()
	return waitStream(ch)
}

// waitStream reads the next message of a stream, merging batches (and the
// end of the stream) that are already waiting, so a fast directory costs few
// frames.
func waitStream(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		m, ok := <-ch
		if !ok {
			return nil
		}
		b, isBatch := m.(UsersBatchMsg)
		if !isBatch {
			return m
		}
		for {
			select {
			case next, ok := <-ch:
				if !ok {
					return b
				}
				switch n := next.(type) {
				case UsersBatchMsg:
					b.rows = append(b.rows, n.rows...)
					b.done, b.total = n.done, n.total
				case usersDoneMsg:
					b.End = &n
					return b
				}
			default:
				return b
			}
		}
	}
}
