package browse

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/common"
	"ocsflags/ui/explorer"
	"ocsflags/ui/history"
	"ocsflags/ui/session"
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

func (m *Model) wide() bool { return m.com.Width >= wideWidth }

// Model is the browser: the OU tree, the user list and the user pane, one
// at a time when narrow, side by side from wideWidth. It is the screen at
// the bottom of the root's stack, always there.
type Model struct {
	com  *common.Common
	sess *session.Session

	Tree   Tree
	List   List
	Detail Detail
	Focus  Pane

	startOU string // --ou
	userID  string // --user: open straight on this user

	rootDN string
	// subtree lists a container with every user below it (t), as find
	// --subtree does; D lists the whole domain that way.
	subtree    bool
	ncLoading  bool // the naming contexts are being read (no tree yet)
	streamSeq  int
	listWanted string // a listing waiting for the pools (readiness needs them)
	selectDN   string // select this user when its row streams in (--user)
	revealDN   string // NormDN of the container the tree is opening towards (--user)

	// out holds the messages for the root from the key or message being
	// handled (status lines, "open the audit"); the root takes them
	// (TakeMsgs) and handles them before anything else happens.
	out []tea.Msg
}

// New returns the browser, opening on startOU (the default naming context
// when "") and on the user userID names (--user) when set.
func New(c *common.Common, s *session.Session, startOU, userID string) *Model {
	m := &Model{com: c, sess: s, startOU: startOU, userID: userID}
	// Every list is sorted by name as the rows arrive: a DC returns users
	// in its own order (by GUID on AD), and an ldifde export keeps that
	// order, which no admin reads by. s cycles the columns, and back to
	// the directory's (or the file's) order.
	m.List.sortBy = SortName
	if startOU != "" {
		// The admin named the OU: its users are what they came for.
		m.rootDN = startOU
		m.Tree = newTree(startOU)
		m.Focus = PaneList
	}
	return m
}

// Init starts reading the tree's root (or the naming contexts) and the
// user named by --user.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.rootDN != "" {
		cmds = append(cmds, m.openRoot())
	} else {
		m.ncLoading = true
		cmds = append(cmds, loadNamingContexts(m.com.Ctx, m.com.Dir))
	}
	if m.userID != "" {
		m.Detail.Loading = true
		cmds = append(cmds, ResolveUser(m.com.Ctx, m.com.Dir, m.userID))
	}
	return tea.Batch(cmds...)
}

// TakeMsgs returns the messages for the root queued since the last call.
func (m *Model) TakeMsgs() []tea.Msg {
	out := m.out
	m.out = nil
	return out
}

func (m *Model) emit(msg tea.Msg) { m.out = append(m.out, msg) }

func (m *Model) setStatus(s string) { m.emit(common.StatusMsg{Text: s}) }
func (m *Model) setError(s string)  { m.emit(common.StatusMsg{Text: s, Err: true}) }

// stage records an edit through the session, which refuses one a write
// rule refuses, and says what it did.
func (m *Model) stage(u directory.User, c flags.Change, what string) {
	n, _ := m.sess.Update(session.StageMsg{User: u, Change: c, What: what})
	if n.Text != "" {
		m.emit(common.StatusMsg{Text: n.Text, Err: n.Err})
	}
}

// Busy reports whether anything of the browser is loading.
func (m *Model) Busy() bool {
	if m.List.Loading || m.Detail.Loading {
		return true
	}
	for _, n := range m.Tree.flat {
		if n.loading {
			return true
		}
	}
	return m.ncLoading
}

// Stop cancels the listing in progress, at exit.
func (m *Model) Stop() { m.List.Stop() }

// Shown is the user on screen, if any.
func (m *Model) Shown() (directory.User, bool) { return m.Detail.User, m.Detail.Has }

// Refresh shows a user as the directory now holds it (after a write).
func (m *Model) Refresh(u directory.User) {
	m.List.Replace(u, m.sess.Pools)
	if m.Detail.Has && directory.SameDN(m.Detail.User.DN, u.DN) {
		m.Detail.User = u
	}
}

// Reload reads the open user again.
func (m *Model) Reload() tea.Cmd {
	m.Detail.Loading = true
	return LoadUser(m.com.Ctx, m.com.Dir, m.Detail.User.DN)
}

// FocusItem puts the user pane's cursor on the first line of kind and the
// focus on the pane (a fix made by hand, from the audit).
func (m *Model) FocusItem(kind ItemKind) {
	for i, it := range Items(m.state()) {
		if it.Kind == kind {
			m.Detail.Cursor = i
			break
		}
	}
	m.Focus = PaneDetail
}

// Messages only the browser sends the root, for what the root or another
// screen does (those other screens send too are common's: QuitMsg,
// OpenReviewMsg, ToggleHelpMsg, EditMsg, ConfirmEPMsg; an undo is session.UndoMsg).
type (
	// OpenedMsg: the user DN is now on screen.
	OpenedMsg struct{ DN string }
	// OpenAuditMsg: the audit of the open user.
	OpenAuditMsg struct{}
	// ExplainMsg: the whole explanation of a line, in a dialog.
	ExplainMsg struct {
		Title string
		Body  []string
	}
	// EnableMsg: the Enable Users wizard for Users.
	EnableMsg struct{ Users []directory.User }
	// PoolsUnreadableMsg: a verdict said "? unchecked" for the first time.
	PoolsUnreadableMsg struct{}
)

// What the browser asks of the root and the other screens.
func (m *Model) openAudit() tea.Cmd                                     { m.emit(OpenAuditMsg{}); return nil }
func (m *Model) openReview() tea.Cmd                                    { m.emit(common.OpenReviewMsg{}); return nil }
func (m *Model) quit() tea.Cmd                                          { m.emit(common.QuitMsg{}); return nil }
func (m *Model) undo(dn, label string)                                  { m.emit(session.UndoMsg{DN: dn, Label: label}) }
func (m *Model) openEdit(kind ItemKind)                                 { m.emit(common.EditMsg{Kind: kind}) }
func (m *Model) confirmEP(flags.Feature)                                { m.emit(common.ConfirmEPMsg{}) }
func (m *Model) pushEditFor(u directory.User, c flags.Change, w string) { m.stage(u, c, w) }
func (m *Model) planEdit(u directory.User, c flags.Change) []directory.Refusal {
	return m.sess.Plan(u, c)
}
func (m *Model) openEnable(us []directory.User) tea.Cmd { m.emit(EnableMsg{Users: us}); return nil }

// Update handles the browser's keys and pastes and the directory's answers
// to its reads; the root calls it for every message no dialog or screen
// above took, and takes the messages it queues (TakeMsgs) at once.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		if m.List.editing {
			m.List.input.Paste(msg.Content)
			m.List.setFilter(m.List.input.Value)
		}
	case namingContextsMsg:
		m.ncLoading = false
		if msg.err != nil {
			m.setError("cannot read the naming contexts: " + msg.err.Error())
			return m, nil
		}
		m.rootDN = msg.nc.Default
		m.Tree = newTree(m.rootDN)
		return m, m.openRoot()
	case childrenMsg:
		m.Tree.setChildren(msg.dn, msg.kids, msg.err)
		if msg.err != nil {
			m.setError(fmt.Sprintf("cannot list the containers in %s: %v", msg.dn, msg.err))
		}
		return m, m.revealStep()
	case session.PoolsMsg:
		// The session has the pools now; a listing may have waited for them.
		if m.listWanted != "" {
			dn := m.listWanted
			m.listWanted = ""
			return m, m.ListContainer(dn, m.List.title)
		}
	case UsersBatchMsg:
		return m, m.onBatch(msg)
	case usersDoneMsg:
		if msg.id == m.List.streamID {
			m.endStream(msg.err)
		}
	case userMsg:
		m.onUser(msg)
	case ResolveMsg:
		return m, m.onResolve(msg)
	}
	return m, nil
}

// key handles a key of the browser: the filter while it is edited, the
// keys of every pane, then the focused pane's.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if m.List.editing {
		return m.filterKey(msg)
	}
	k := m.com.Keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.emit(common.ToggleHelpMsg{})
		return nil
	case key.Matches(msg, k.Explorer):
		from := m.Detail.User.Label()
		if m.Detail.Has && m.sess.Pending.Get(m.Detail.User.DN).HasEdits() {
			from += " (with pending edits)"
		}
		m.emit(common.PushMsg{Screen: explorer.New(m.com, m.startOptionFlags(), from)})
		return nil
	case key.Matches(msg, k.History):
		s, cmd := history.New(m.com, m.sess)
		m.emit(common.PushMsg{Screen: s})
		return cmd
	case key.Matches(msg, k.Configure), key.Matches(msg, k.ConfigureAll):
		m.openConfigure(key.Matches(msg, k.ConfigureAll))
		return nil
	case key.Matches(msg, k.Review):
		return m.openReview()
	case key.Matches(msg, k.NextPane):
		m.cyclePane(1)
		return nil
	case key.Matches(msg, k.PrevPane):
		m.cyclePane(-1)
		return nil
	case key.Matches(msg, k.Subtree) && m.Focus != PaneDetail:
		m.subtree = !m.subtree
		dn, title := m.List.dn, m.List.title
		if m.Focus == PaneTree || dn == "" {
			if n := m.Tree.Selected(); n != nil {
				dn, title = n.c.DN, n.c.Name
			}
		}
		if dn == "" {
			return nil
		}
		m.Focus = PaneList
		return m.ListContainer(dn, title)
	case key.Matches(msg, k.Domain):
		if m.rootDN == "" {
			return nil
		}
		m.subtree = true
		m.Focus = PaneList
		// The tree shows the container the list now shows, so the two
		// agree (and t, from the tree, stays on the domain); a --user
		// reveal still on its way would move the cursor away again.
		m.revealDN = ""
		m.Tree.cursorTo(m.Tree.root)
		return m.ListContainer(m.rootDN, m.Tree.root.c.Name)
	case key.Matches(msg, k.Sort) && m.Focus == PaneList:
		m.List.CycleSort()
		what := "sorted by " + m.List.SortBy().String()
		if m.List.SortBy() == SortNone {
			what = "in directory order: as the directory (or the file) delivered the users"
		}
		m.emit(common.StatusMsg{Text: what})
		return nil
	case key.Matches(msg, k.Filter):
		m.Focus = PaneList
		// Editing starts from the applied filter, so / refines it.
		m.List.editing = true
		return nil
	case key.Matches(msg, k.Enable):
		return m.enableFromBrowse()
	case key.Matches(msg, k.Disable) && m.Focus != PaneTree:
		return m.toggleOCSEnabled()
	}
	switch m.Focus {
	case PaneTree:
		return m.treeKey(msg)
	case PaneList:
		return m.listKey(msg)
	}
	return m.detailKey(msg)
}

// RootDN is the container at the top of the tree ("" until it is known).
func (m *Model) RootDN() string { return m.rootDN }

// SetRoot puts the tree on rootDN, unread (benchmarks build big lists
// without a directory).
func (m *Model) SetRoot(rootDN string) {
	m.rootDN = rootDN
	m.Tree = newTree(rootDN)
}
