package ui

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
)

// row is a listed user with everything the list shows and filters on worked
// out once, when its batch arrives, so that a keystroke or a frame does no
// per-row work beyond the visible window.
type row struct {
	u     directory.User
	key   string // lower-cased name, sAMAccountName and SIP address
	flags string // OptionFlags as AD text, "—" when absent
	sip   string // lower-cased SIP address, "" when absent
	state readiness
}

// poolSet answers "is this DN the home server of an existing pool", and
// "can that be told", from the pools read once at start. It is never
// written after creation, so the streaming goroutine may read it.
type poolSet = directory.PoolSet

// listPool is the list's pool test: a home server whose pool this account
// cannot read is not marked broken (the detail and the audit say why).
func listPool(pools poolSet, dn string) bool {
	return pools.IsPool(dn) || pools.Unknown(dn) != ""
}

// verdict runs the readiness rules without the duplicate-SIP look-up, which
// would cost a directory search per user (the detail and the audit do that
// one; the list catches the duplicates among the users it holds).
func verdict(u directory.User, isPool func(string) bool) readiness {
	return flags.Judge(flags.Audit(directory.RuleInput(u, u.OCS, listPools(isPool))))
}

// listPools is a pool test (listPool, usually remembered per DN) as the
// rules take it: what it does not call a pool is not one.
type listPools func(string) bool

func (l listPools) IsPool(dn string) bool { return l(dn) }
func (listPools) Unknown(string) string   { return "" }

func makeRow(u directory.User, isPool func(string) bool) row {
	f := "—"
	if u.OCS.OptionFlags.Set {
		f = flags.FormatAD(u.OCS.OptionFlags.V)
	}
	return row{
		u:     u,
		key:   strings.ToLower(u.Label() + "\x00" + u.SAMAccountName + "\x00" + u.OCS.SIPAddress.V),
		flags: f,
		sip:   strings.ToLower(u.OCS.SIPAddress.V),
		state: verdict(u, isPool),
	}
}

// usersBatchMsg carries rows of listing id; ch keeps the stream going.
type usersBatchMsg struct {
	id          int
	rows        []row
	done, total int
	ch          <-chan tea.Msg
	// end is set when the stream ended right after this batch.
	end *usersDoneMsg
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
		// Most users share a handful of pool DNs: remember the answers so
		// a big OU parses each DN once.
		seen := map[string]bool{}
		isPool := func(dn string) bool {
			v, ok := seen[dn]
			if !ok {
				v = listPool(pools, dn)
				seen[dn] = v
			}
			return v
		}
		err := d.Users(ctx, dn, scope, func(b directory.Batch) error {
			rows := make([]row, len(b.Users))
			for i, u := range b.Users {
				rows[i] = makeRow(u, isPool)
			}
			select {
			case ch <- usersBatchMsg{id: id, rows: rows, done: b.Done, total: b.Total, ch: ch}:
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
		b, isBatch := m.(usersBatchMsg)
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
				case usersBatchMsg:
					b.rows = append(b.rows, n.rows...)
					b.done, b.total = n.done, n.total
				case usersDoneMsg:
					b.end = &n
					return b
				}
			default:
				return b
			}
		}
	}
}
