package browse

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
)

// openRoot expands the tree root and lists its users.
func (m *Model) openRoot() tea.Cmd {
	var cmds []tea.Cmd
	if m.Tree.expand(m.Tree.root) {
		cmds = append(cmds, loadChildren(m.com.Ctx, m.com.Dir, m.rootDN))
	}
	if m.userID == "" {
		cmds = append(cmds, m.ListContainer(m.rootDN, m.Tree.root.c.Name))
	}
	return tea.Batch(cmds...)
}

// notePools marks the pools as partly unreadable with this account when a
// row's verdict says so, and says it once on the status line.
func (m *Model) notePools(rows ...Row) {
	if m.sess.PoolsHidden {
		return
	}
	for _, r := range rows {
		if r.State == unverified {
			m.sess.Update(session.PoolsHiddenMsg{})
			m.emit(PoolsUnreadableMsg{})
			return
		}
	}
}

// ListContainer starts streaming the users directly in dn, or with t (or
// D) every user below it.
func (m *Model) ListContainer(dn, title string) tea.Cmd {
	m.streamSeq++
	m.List.Reset(dn, title, m.streamSeq)
	m.List.subtree = m.subtree
	if !m.sess.PoolsLoaded {
		// Readiness needs the pools; they come first and fast.
		m.List.Loading = true
		m.listWanted = dn
		return nil
	}
	ctx, cancel := context.WithCancel(m.com.Ctx)
	m.List.cancel = cancel
	m.List.Loading = true
	scope := directory.OneLevel
	if m.subtree {
		scope = directory.Subtree
	}
	return startUsers(ctx, m.com.Dir, dn, scope, m.streamSeq, m.sess.Pools)
}

func (m *Model) onBatch(msg UsersBatchMsg) tea.Cmd {
	if msg.id != m.List.streamID {
		return nil
	}
	m.List.Add(msg.rows)
	m.notePools(msg.rows...)
	m.List.done, m.List.total = msg.done, msg.total
	if m.selectDN != "" && m.List.SelectDN(m.selectDN) {
		m.selectDN = ""
	}
	if msg.End != nil {
		m.endStream(msg.End.err)
		return nil
	}
	return waitStream(msg.ch)
}

func (m *Model) endStream(err error) {
	m.List.Loading = false
	m.List.Stop()
	if err != nil && !errors.Is(err, context.Canceled) {
		m.List.err = err
		m.setError("listing stopped: " + err.Error())
		return
	}
	if err == nil && !m.List.subtree {
		m.Tree.setUserCount(m.List.dn, len(m.List.Rows))
	}
}

// stopStream is esc while the list loads: the context is cancelled and what
// arrived so far stays.
func (m *Model) stopStream() {
	m.List.Stop()
	// Batches already in flight belong to no listing any more.
	m.List.streamID = 0
	m.List.Loading = false
	m.List.Stopped = true
	m.listWanted = ""
	m.setStatus(fmt.Sprintf("stopped listing after %d users", len(m.List.Rows)))
}

// shownDN is the DN of the user on screen, "" when none is.
func (m *Model) shownDN() string {
	if !m.Detail.Has {
		return ""
	}
	return m.Detail.User.DN
}

// OpenUser shows u at once (from the list) and reads it afresh.
func (m *Model) OpenUser(u directory.User) tea.Cmd {
	// A status line or an editor about the user on screen until now goes.
	m.emit(OpenedMsg{DN: u.DN})
	m.Detail.User, m.Detail.Has, m.Detail.Loading, m.Detail.err = u, true, true, nil
	// Forget earlier sign-in-name look-ups: another admin may have taken or
	// freed an address since; the verdict asks again for this user.
	m.sess.Update(session.ForgetMsg{})
	return LoadUser(m.com.Ctx, m.com.Dir, u.DN)
}

func (m *Model) onUser(msg userMsg) {
	if !m.Detail.Has || !directory.SameDN(msg.dn, m.Detail.User.DN) {
		return
	}
	m.Detail.Loading = false
	if msg.err != nil {
		m.Detail.err = msg.err
		m.setError("cannot read " + msg.dn + ": " + msg.err.Error())
		return
	}
	m.Detail.User = msg.user
	r := MakeRow(msg.user, m.sess.Pools)
	m.notePools(r)
	m.sess.Update(session.NamesMsg{Names: msg.names})
	m.List.replaceRow(r)
	if n, _ := m.sess.Update(session.ReadMsg{User: msg.user}); n.Text != "" {
		m.emit(common.StatusMsg{Text: n.Text, Err: n.Err})
	}
}

func (m *Model) onResolve(msg ResolveMsg) tea.Cmd {
	m.Detail.Loading = false
	switch {
	case msg.err != nil:
		m.setError(fmt.Sprintf("--user %s: %v", msg.ID, msg.err))
		if m.rootDN != "" {
			return m.ListContainer(m.rootDN, m.Tree.root.c.Name)
		}
		return nil
	case len(msg.Users) == 1:
		u := msg.Users[0]
		m.Focus = PaneDetail
		m.selectDN = u.DN
		parent := parentDN(u.DN)
		m.revealDN = directory.NormDN(parent)
		return tea.Batch(m.OpenUser(u), m.ListContainer(parent, rdnName(parent)), m.revealStep())
	}
	// Several users match: list them and let the admin choose.
	m.streamSeq++
	m.List.Reset("", fmt.Sprintf("%d users match %s", len(msg.Users), termtext.Quote(msg.ID)), m.streamSeq)
	rows := make([]Row, len(msg.Users))
	for i, u := range msg.Users {
		rows[i] = MakeRow(u, m.sess.Pools)
	}
	m.List.Add(rows)
	m.notePools(rows...)
	m.Focus = PaneList
	m.setStatus(fmt.Sprintf("%d users match %s: choose one with enter", len(msg.Users), termtext.Quote(msg.ID)))
	return nil
}

// revealStep opens the tree one level further towards revealDN (the OU of
// the user named by --user), so the tree shows where that user lives; it
// returns the read of the next level, or nil once there or when the path
// cannot be followed (a hidden container, a read error).
func (m *Model) revealStep() tea.Cmd {
	if m.revealDN == "" || m.Tree.root == nil {
		return nil
	}
	n := m.Tree.root
	if !under(m.revealDN, n.key) {
		m.revealDN = ""
		return nil
	}
	for {
		if n.key == m.revealDN {
			m.Tree.cursorTo(n)
			m.revealDN = ""
			return nil
		}
		if n.loading {
			return nil // its childrenMsg calls again
		}
		if !n.loaded {
			if n.err == nil && m.Tree.expand(n) {
				return loadChildren(m.com.Ctx, m.com.Dir, n.c.DN)
			}
			m.revealDN = ""
			return nil
		}
		if !n.expanded {
			n.expanded = true
			m.Tree.reflatten()
		}
		var next *treeNode
		for _, k := range n.kids {
			if under(m.revealDN, k.key) {
				next = k
				break
			}
		}
		if next == nil {
			m.revealDN = ""
			return nil
		}
		n = next
	}
}

// parentDN is the DN of the container holding dn.
func parentDN(dn string) string {
	d, err := directory.ParseDN(dn)
	if err != nil || len(d.RDNs) < 2 {
		return dn
	}
	return directory.FormatDN(d.RDNs[1:])
}

// state is what the detail pane shows for the open user.
func (m *Model) state() session.State {
	return m.sess.State(m.Detail.User, m.com.Dir.Info().SIPScope)
}

// startOptionFlags is what the explorer opens on: the open user's value.
func (m *Model) startOptionFlags() flags.Opt[flags.Value] {
	if !m.Detail.Has {
		return flags.Opt[flags.Value]{}
	}
	return m.state().After.OptionFlags
}

type namingContextsMsg struct {
	nc  directory.NamingContexts
	err error
}

type childrenMsg struct {
	dn   string
	kids []directory.Container
	err  error
}

type userMsg struct {
	dn   string
	user directory.User
	err  error
	// names are the display names of the policy and location profile
	// objects the user points at, as far as they could be read.
	names map[string]string
}

type ResolveMsg struct {
	ID    string
	Users []directory.User
	err   error
}

func loadNamingContexts(ctx context.Context, d directory.Directory) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, common.ReadTimeout)
		defer cancel()
		nc, err := d.NamingContexts(ctx)
		return namingContextsMsg{nc: nc, err: err}
	}
}

func loadChildren(ctx context.Context, d directory.Directory, dn string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, common.ReadTimeout)
		defer cancel()
		kids, err := d.Children(ctx, dn)
		return childrenMsg{dn: dn, kids: kids, err: err}
	}
}

func LoadUser(ctx context.Context, d directory.Directory, dn string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, common.ReadTimeout)
		defer cancel()
		u, err := d.User(ctx, dn)
		msg := userMsg{dn: dn, user: u, err: err}
		if n, ok := d.(directory.Namer); ok && err == nil {
			if refs := directory.ReferencedDNs(u.OCS); len(refs) > 0 {
				// A name that cannot be read is shown by its RDN: not an
				// error worth the admin's attention.
				msg.names, _ = n.ObjectNames(ctx, refs)
			}
		}
		return msg
	}
}

func ResolveUser(ctx context.Context, d directory.Directory, id string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, common.ReadTimeout)
		defer cancel()
		us, err := d.Resolve(ctx, id)
		return ResolveMsg{ID: id, Users: us, err: err}
	}
}
