package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
)

// Every directory call runs in a tea.Cmd and comes back as one of these
// messages, so Update never waits on the network.

type namingContextsMsg struct {
	nc  directory.NamingContexts
	err error
}

type childrenMsg struct {
	dn   string
	kids []directory.Container
	err  error
}

type poolsMsg struct {
	pools []directory.Pool
	err   error
}

type userMsg struct {
	dn   string
	user directory.User
	err  error
}

type resolveMsg struct {
	id    string
	users []directory.User
	err   error
}

// commitMsg is the result of one user's compare-and-swap.
type commitMsg struct {
	dn   string
	sent directory.Change
	user directory.User
	err  error
}

// readTimeout bounds single reads; listings are bounded by esc instead,
// because a big OU legitimately takes long.
const readTimeout = 60 * time.Second

func loadNamingContexts(ctx context.Context, d directory.Directory) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, readTimeout)
		defer cancel()
		nc, err := d.NamingContexts(ctx)
		return namingContextsMsg{nc: nc, err: err}
	}
}

func loadChildren(ctx context.Context, d directory.Directory, dn string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, readTimeout)
		defer cancel()
		kids, err := d.Children(ctx, dn)
		return childrenMsg{dn: dn, kids: kids, err: err}
	}
}

func loadPools(ctx context.Context, d directory.Directory) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, readTimeout)
		defer cancel()
		p, err := d.Pools(ctx)
		return poolsMsg{pools: p, err: err}
	}
}

func loadUser(ctx context.Context, d directory.Directory, dn string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, readTimeout)
		defer cancel()
		u, err := d.User(ctx, dn)
		return userMsg{dn: dn, user: u, err: err}
	}
}

func resolveUser(ctx context.Context, d directory.Directory, id string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, readTimeout)
		defer cancel()
		us, err := d.Resolve(ctx, id)
		return resolveMsg{id: id, users: us, err: err}
	}
}

func applyChange(ctx context.Context, d directory.Directory, c directory.Change) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, readTimeout)
		defer cancel()
		u, err := d.Apply(ctx, c)
		return commitMsg{dn: c.DN, sent: c, user: u, err: err}
	}
}
