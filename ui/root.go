// Package ui is the ocsflags console: browse OUs, open a user, see and
// toggle the user's OCS settings labelled as in the OCS Admin Console, learn
// what each bit means, and commit through the directory's compare-and-swap.
package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/configure"
	"ocsflags/ui/keys"
	"ocsflags/ui/session"
	"ocsflags/ui/styles"
)

// Options configure the console.
type Options struct {
	Dir      directory.Directory
	StartOU  string // --ou DN; "" = default naming context
	User     string // --user X: open straight on one user (sAMAccountName, UPN, SIP address, DN or display name), via Dir.Resolve
	ReadOnly bool   // --read-only: disable every write path (Dir.Info().ReadOnly may also be true)
	// Signals delivers SIGINT, SIGTERM and SIGHUP; the console quits once
	// a write in flight has ended. nil: Bubble Tea's own handling.
	Signals <-chan os.Signal
}

// Run runs the console on the terminal until the admin quits or ctx ends.
func Run(ctx context.Context, opts Options) error {
	if opts.Dir == nil {
		return errors.New("ui: no directory")
	}
	m := newModel(ctx, opts)
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if opts.Signals != nil {
		// Bubble Tea would quit on SIGTERM at once, mid-write, and leaves
		// SIGHUP to kill the process: the console handles them itself.
		popts = append(popts, tea.WithoutSignalHandler())
	}
	p := tea.NewProgram(m, popts...)
	var relay signalRelay
	done := make(chan struct{})
	go relay.run(p, opts.Signals, done)
	_, err := p.Run()
	close(done)
	m.list.Stop()
	if sig := relay.signal(); sig != nil {
		return &SignalError{Signal: sig}
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// New returns the root model, for tests.
func New(opts Options) tea.Model { return newModel(context.Background(), opts) }

type screen int

const (
	scrBrowse screen = iota
	scrReview
	scrAudit
	scrEnable
)

type Pane int

const (
	PaneTree Pane = iota
	PaneList
	PaneDetail
)

// wideWidth is where panes sit side by side: the list (or the tree) and
// the user from here, all three from threePaneWidth, where the list still
// has room for readable names.
const (
	wideWidth      = 120
	threePaneWidth = 160
)

// Model is the root: it owns the directory, routes messages to the pane
// models and holds the pending edits, which outlive any pane.
type Model struct {
	// com is shared with every screen: the directory, the styles, the
	// keys, the body's size.
	com  *common.Common
	opts Options
	// stack is the screens and overlays opened over the browser, top
	// last: the top one gets the keys (screens.go).
	stack []common.Screen

	w, h    int
	isDark  bool
	profile colorprofile.Profile
	help    help.Model
	spin    spinner.Model
	spinOn  bool

	rootDN  string
	tree    Tree
	list    List
	detail  Detail
	review  reviewModel
	confirm *confirmModel
	edit    *editModel // the text attribute being edited, if any
	lastKey string     // the key being handled, as msg.String() spells it
	audit   auditModel
	enable  *enableModel // the Enable Users wizard, while open

	// quitting is set when q or ctrl+c came while writes were in flight:
	// the program ends once they have.
	quitting bool
	// signal is the stop signal received, if any: quitting then asks
	// nothing.
	signal os.Signal
	// now is the time of the latest spinner tick, for the elapsed time of
	// a write (View does not read the clock).
	now time.Time

	// reviewFrom is the screen the review returns to.
	reviewFrom screen

	screen screen
	focus  Pane

	// sess is the session: pending edits, pools, names (ui/session).
	sess *session.Session

	ncLoading  bool // the naming contexts are being read (no tree yet)
	streamSeq  int
	listWanted string // a listing waiting for the pools (readiness needs them)
	selectDN   string // select this user when its row streams in (--user)
	revealDN   string // NormDN of the container the tree is opening towards (--user)

	status    string
	statusErr bool
	// statusDN is the user on screen when the status was set: a status
	// set then is about that user ("refused: … holds 2 values") and goes
	// when another user is opened, so it is never read as the next one's.
	statusDN string
}

func newModel(ctx context.Context, opts Options) *Model {
	info := opts.Dir.Info()
	m := &Model{
		com: &common.Common{
			Ctx:      ctx,
			Dir:      opts.Dir,
			Info:     info,
			ReadOnly: opts.ReadOnly || info.ReadOnly,
			Keys:     keys.New(),
		},
		opts:    opts,
		w:       80,
		h:       24,
		isDark:  true,
		profile: colorprofile.TrueColor,
		help:    help.New(),
		spin:    spinner.New(spinner.WithSpinner(spinner.Line)),
		sess:    session.New(),
	}
	m.com.Styles = styles.New(m.isDark, m.profile)
	m.help.Styles = m.com.Styles.Help
	if opts.StartOU != "" {
		// The admin named the OU: its users are what they came for.
		m.rootDN = opts.StartOU
		m.tree = newTree(opts.StartOU)
		m.focus = PaneList
	}
	m.layout()
	return m
}

func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, session.LoadPools(m.com.Ctx, m.com.Dir, readTimeout), m.startSpin()}
	if m.rootDN != "" {
		cmds = append(cmds, m.openRoot())
	} else {
		m.ncLoading = true
		cmds = append(cmds, loadNamingContexts(m.com.Ctx, m.com.Dir))
	}
	if m.opts.User != "" {
		m.detail.Loading = true
		cmds = append(cmds, resolveUser(m.com.Ctx, m.com.Dir, m.opts.User))
	}
	return tea.Batch(cmds...)
}

// openRoot expands the tree root and lists its users.
func (m *Model) openRoot() tea.Cmd {
	var cmds []tea.Cmd
	if m.tree.expand(m.tree.root) {
		cmds = append(cmds, loadChildren(m.com.Ctx, m.com.Dir, m.rootDN))
	}
	if m.opts.User == "" {
		cmds = append(cmds, m.listContainer(m.rootDN, m.tree.root.c.Name))
	}
	return tea.Batch(cmds...)
}

// busy reports whether anything is loading, which keeps the spinner going.
func (m *Model) busy() bool {
	if m.list.Loading || m.detail.Loading || !m.sess.PoolsLoaded || m.review.busy() || m.enableBusy() {
		return true
	}
	for _, n := range m.tree.flat {
		if n.loading {
			return true
		}
	}
	return m.ncLoading
}

func (m *Model) startSpin() tea.Cmd {
	if m.spinOn {
		return nil
	}
	m.spinOn = true
	return m.spin.Tick
}

// notePools marks the pools as partly unreadable with this account when a
// row's verdict says so, and says it once on the status line.
func (m *Model) notePools(rows ...Row) {
	if m.sess.PoolsHidden {
		return
	}
	for _, r := range rows {
		if r.state == unverified && m.sess.PoolsUnreadable() {
			if m.status == "" {
				who := m.com.Info.BoundAs
				if who == "" {
					who = "anonymous bind"
				}
				m.setStatus("? some pools cannot be read with this account (" + who + "): users on them are \"? unchecked\", not ready, and their home servers are left alone")
			}
			return
		}
	}
}

func (m *Model) setStatus(s string)    { m.status, m.statusErr, m.statusDN = s, false, m.shownDN() }
func (m *Model) setError(s string)     { m.status, m.statusErr, m.statusDN = s, true, m.shownDN() }
func (m *Model) wide() bool            { return m.w >= wideWidth }
func (m *Model) isPool(dn string) bool { return m.sess.Pools.IsPool(dn) }

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg, common.PushMsg:
		// Input went to one screen (the top one, or the root's).
	default:
		cmd = tea.Batch(cmd, m.forward(msg))
	}
	// Whatever changed the audited user (a fix, an undo, a commit, a
	// reload), the audit asks the directory about any new sign-in name.
	cmd = tea.Batch(cmd, m.auditLookups())
	if m.quitting && !m.writing() {
		// The writes the admin waited for have ended: quit as q would now,
		// which still asks about edits left pending (a conflict, say);
		// after a signal there is nobody to ask.
		m.quitting = false
		if m.signal != nil {
			m.list.Stop()
			cmd = tea.Batch(cmd, tea.Quit)
		} else {
			cmd = tea.Batch(cmd, m.quit())
		}
	}
	if m.busy() {
		cmd = tea.Batch(cmd, m.startSpin())
	}
	m.layout()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		m.restyle()
	case tea.ColorProfileMsg:
		m.profile = msg.Profile
		m.restyle()
	case spinner.TickMsg:
		m.now = time.Now()
		if !m.busy() {
			// Let the tick chain end: an idle console sends no messages.
			m.spinOn = false
			return nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return cmd
	case namingContextsMsg:
		m.ncLoading = false
		if msg.err != nil {
			m.setError("cannot read the naming contexts: " + msg.err.Error())
			return nil
		}
		m.rootDN = msg.nc.Default
		m.tree = newTree(m.rootDN)
		return m.openRoot()
	case childrenMsg:
		m.tree.setChildren(msg.dn, msg.kids, msg.err)
		if msg.err != nil {
			m.setError(fmt.Sprintf("cannot list the containers in %s: %v", msg.dn, msg.err))
		}
		return m.revealStep()
	case session.StageMsg:
		m.toSession(msg)
	case session.PoolsMsg:
		m.toSession(msg)
		if m.listWanted != "" {
			dn := m.listWanted
			m.listWanted = ""
			return m.listContainer(dn, m.list.title)
		}
	case usersBatchMsg:
		return m.onBatch(msg)
	case usersDoneMsg:
		if msg.id == m.list.streamID {
			m.endStream(msg.err)
		}
	case userMsg:
		m.onUser(msg)
	case resolveMsg:
		return m.onResolve(msg)
	case commitMsg:
		return m.onCommit(msg)
	case settleMsg:
		return m.onSettle(msg)
	case signalMsg:
		return m.onSignal(msg)
	case session.HoldersMsg:
		m.toSession(msg)
		m.onHolders(msg)
		m.editHolders(msg)
	case enableMsg:
		return m.onEnable(msg)
	case configure.UserWrittenMsg:
		m.refreshUser(msg.User)
	case configure.DoneMsg:
		m.configureDone(msg)
	case tea.PasteMsg:
		switch {
		case m.top() != nil:
			return m.updateTop(msg)
		case m.screen == scrEnable:
			m.enablePaste(msg.Content)
		case m.edit != nil:
			m.editPaste(msg.Content)
		case m.list.editing:
			m.list.input.Paste(msg.Content)
			m.list.setFilter(m.list.input.Value)
		}
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case common.PushMsg:
		return m.push(msg.Screen)
	case common.StatusMsg:
		if msg.Err {
			m.setError(msg.Text)
		} else {
			m.setStatus(msg.Text)
		}
	}
	return nil
}

func (m *Model) restyle() {
	m.com.Styles = styles.New(m.isDark, m.profile)
	m.help.Styles = m.com.Styles.Help
	m.spin.Style = m.com.Styles.Dim
}

// listContainer starts streaming the users directly in dn.
func (m *Model) listContainer(dn, title string) tea.Cmd {
	m.streamSeq++
	m.list.reset(dn, title, m.streamSeq)
	if !m.sess.PoolsLoaded {
		// Readiness needs the pools; they come first and fast.
		m.list.Loading = true
		m.listWanted = dn
		return nil
	}
	ctx, cancel := context.WithCancel(m.com.Ctx)
	m.list.cancel = cancel
	m.list.Loading = true
	return startUsers(ctx, m.com.Dir, dn, directory.OneLevel, m.streamSeq, m.sess.Pools)
}

func (m *Model) onBatch(msg usersBatchMsg) tea.Cmd {
	if msg.id != m.list.streamID {
		return nil
	}
	m.list.add(msg.rows)
	m.notePools(msg.rows...)
	m.list.done, m.list.total = msg.done, msg.total
	if m.selectDN != "" && m.list.SelectDN(m.selectDN) {
		m.selectDN = ""
	}
	if msg.end != nil {
		m.endStream(msg.end.err)
		return nil
	}
	return waitStream(msg.ch)
}

func (m *Model) endStream(err error) {
	m.list.Loading = false
	m.list.Stop()
	if err != nil && !errors.Is(err, context.Canceled) {
		m.list.err = err
		m.setError("listing stopped: " + err.Error())
		return
	}
	if err == nil {
		m.tree.setUserCount(m.list.dn, len(m.list.Rows))
	}
}

// stopStream is esc while the list loads: the context is cancelled and what
// arrived so far stays.
func (m *Model) stopStream() {
	m.list.Stop()
	// Batches already in flight belong to no listing any more.
	m.list.streamID = 0
	m.list.Loading = false
	m.list.Stopped = true
	m.listWanted = ""
	m.setStatus(fmt.Sprintf("stopped listing after %d users", len(m.list.Rows)))
}

// shownDN is the DN of the user on screen, "" when none is.
func (m *Model) shownDN() string {
	if !m.detail.Has {
		return ""
	}
	return m.detail.User.DN
}

// openUser shows u at once (from the list) and reads it afresh.
func (m *Model) openUser(u directory.User) tea.Cmd {
	if m.statusDN != "" && !directory.SameDN(m.statusDN, u.DN) {
		m.setStatus("") // it was about the user on screen until now
	}
	if m.edit != nil && !directory.SameDN(m.edit.dn, u.DN) {
		m.edit = nil // it was for the user on screen until now
	}
	m.detail.User, m.detail.Has, m.detail.Loading, m.detail.err = u, true, true, nil
	// Forget earlier sign-in-name look-ups: another admin may have taken or
	// freed an address since; the verdict asks again for this user.
	m.sess.ForgetLookups()
	m.audit = auditModel{}
	return loadUser(m.com.Ctx, m.com.Dir, u.DN)
}

func (m *Model) onUser(msg userMsg) {
	if !m.detail.Has || !directory.SameDN(msg.dn, m.detail.User.DN) {
		return
	}
	m.detail.Loading = false
	if msg.err != nil {
		m.detail.err = msg.err
		m.setError("cannot read " + msg.dn + ": " + msg.err.Error())
		return
	}
	m.detail.User = msg.user
	r := makeRow(msg.user, m.sess.Pools)
	m.notePools(r)
	m.sess.AddNames(msg.names)
	m.list.replaceRow(r)
	if p := m.sess.Pending.Get(msg.dn); p != nil {
		if len(flags.Edits(p.Base.OCS, msg.user.OCS)) == 0 {
			// Same values: take the new change marker and carry on.
			m.sess.Pending.Rebase(msg.user)
			return
		}
		// Someone else wrote this user after the edits were made. The edits
		// keep the values they were made against, so the commit meets a
		// conflict and the admin sees both before anything is written.
		m.setError(msg.user.Label() + " changed in the directory after you edited it: the review will show both values and ask before writing")
	}
}

func (m *Model) onResolve(msg resolveMsg) tea.Cmd {
	m.detail.Loading = false
	switch {
	case msg.err != nil:
		m.setError(fmt.Sprintf("--user %s: %v", msg.id, msg.err))
		if m.rootDN != "" {
			return m.listContainer(m.rootDN, m.tree.root.c.Name)
		}
		return nil
	case len(msg.users) == 1:
		u := msg.users[0]
		m.focus = PaneDetail
		m.selectDN = u.DN
		parent := parentDN(u.DN)
		m.revealDN = directory.NormDN(parent)
		return tea.Batch(m.openUser(u), m.listContainer(parent, rdnName(parent)), m.revealStep())
	}
	// Several users match: list them and let the admin choose.
	m.streamSeq++
	m.list.reset("", fmt.Sprintf("%d users match %s", len(msg.users), termtext.Quote(msg.id)), m.streamSeq)
	rows := make([]Row, len(msg.users))
	for i, u := range msg.users {
		rows[i] = makeRow(u, m.sess.Pools)
	}
	m.list.add(rows)
	m.notePools(rows...)
	m.focus = PaneList
	m.setStatus(fmt.Sprintf("%d users match %s: choose one with enter", len(msg.users), termtext.Quote(msg.id)))
	return nil
}

// revealStep opens the tree one level further towards revealDN (the OU of
// the user named by --user), so the tree shows where that user lives; it
// returns the read of the next level, or nil once there or when the path
// cannot be followed (a hidden container, a read error).
func (m *Model) revealStep() tea.Cmd {
	if m.revealDN == "" || m.tree.root == nil {
		return nil
	}
	n := m.tree.root
	if !under(m.revealDN, n.key) {
		m.revealDN = ""
		return nil
	}
	for {
		if n.key == m.revealDN {
			m.tree.cursorTo(n)
			m.revealDN = ""
			return nil
		}
		if n.loading {
			return nil // its childrenMsg calls again
		}
		if !n.loaded {
			if n.err == nil && m.tree.expand(n) {
				return loadChildren(m.com.Ctx, m.com.Dir, n.c.DN)
			}
			m.revealDN = ""
			return nil
		}
		if !n.expanded {
			n.expanded = true
			m.tree.reflatten()
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
	return m.sess.State(m.detail.User, m.com.Dir.Info().SIPScope)
}

// startOptionFlags is what the explorer opens on: the open user's value.
func (m *Model) startOptionFlags() flags.Opt[flags.Value] {
	if !m.detail.Has {
		return flags.Opt[flags.Value]{}
	}
	return m.state().After.OptionFlags
}
