// Package ui is the ocsflags console: browse OUs, open a user, see and
// toggle the user's OCS settings labelled as in the OCS Admin Console, learn
// what each bit means, and commit through the directory's compare-and-swap.
package ui

import (
	"context"
	"errors"
	"os"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"ocsflags/directory"
	"ocsflags/termtext"
	"ocsflags/ui/browse"
	"ocsflags/ui/common"
	"ocsflags/ui/configure"
	"ocsflags/ui/dialogs"
	"ocsflags/ui/enable"
	"ocsflags/ui/frame"
	"ocsflags/ui/keys"
	"ocsflags/ui/review"
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
	m.browse.List.Stop()
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

// readTimeout bounds single reads. Every directory call runs in a tea.Cmd
// and comes back as a message, so Update never waits on the network.
const readTimeout = common.ReadTimeout

// Model is the root: it owns the session, the browser (the screen under
// every other), the stack of screens and dialogs opened over it, the
// review (which lives for the session, so writes in flight outlive the
// screen) and the frame around them, and routes the messages between them.
type Model struct {
	// com is shared with every screen: the directory, the styles, the
	// keys, the body's size.
	com  *common.Common
	opts Options
	// sess is the session: pending edits, pools, names (ui/session).
	sess *session.Session

	// browse is the browser, the screen under every other (ui/browse).
	browse *browse.Model
	// stack is the screens and overlays opened over the browser, top
	// last: the top one gets the keys (stack.go).
	stack stack
	// review is the review of the pending edits and their writes; it is
	// on the stack while shown, and answers its writes when it is not.
	review *review.Model
	// frame is the header, the status line, the footer and the full help.
	frame *frame.Model

	isDark  bool
	profile colorprofile.Profile
	spin    spinner.Model
	spinOn  bool
	// now is the time of the latest spinner tick, for the elapsed time of
	// a write (View does not read the clock).
	now time.Time

	// byInterrupt is set when the latest key was ctrl+c: the quit dialog
	// then says that another one quits too.
	byInterrupt bool
	// quitting is set when q or ctrl+c came while writes were in flight:
	// the program ends once they have.
	quitting bool
	// signal is the stop signal received, if any: quitting then asks
	// nothing.
	signal os.Signal
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
		isDark:  true,
		profile: colorprofile.TrueColor,
		spin:    spinner.New(spinner.WithSpinner(spinner.Line)),
		sess:    session.New(),
	}
	m.com.Styles = styles.New(m.isDark, m.profile)
	m.browse = browse.New(m.com, m.sess, opts.StartOU, opts.User)
	m.review = review.New(m.com, m.sess)
	m.frame = frame.New(m.com, m.sess, m.review)
	m.layout()
	return m
}

func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, session.LoadPools(m.com.Ctx, m.com.Dir, readTimeout), m.startSpin(), m.browse.Init())
}

// busy reports whether anything is loading, which keeps the spinner going.
func (m *Model) busy() bool {
	return m.browse.Busy() || !m.sess.PoolsLoaded || m.sess.Writes.Busy() || m.stack.spinning()
}

func (m *Model) startSpin() tea.Cmd {
	if m.spinOn {
		return nil
	}
	m.spinOn = true
	return m.spin.Tick
}

func (m *Model) setStatus(s string) { m.frame.SetStatus(s, false, m.shownDN()) }
func (m *Model) setError(s string)  { m.frame.SetStatus(s, true, m.shownDN()) }

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg, common.PushMsg:
		// Input went to one screen (the top one, or the browser).
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
			m.browse.List.Stop()
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
		m.frame.SetSize(msg.Width, msg.Height)
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
	case session.StageMsg:
		m.toSession(msg)
	case session.PoolsMsg:
		m.toSession(msg)
		return m.toBrowse(msg)
	case review.CommitMsg, review.SettleMsg:
		if !m.stack.has(m.review) {
			// The answer of a write made from a review since closed
			// (shown, the review gets it with the stack).
			_, cmd := m.review.Update(msg)
			return tea.Batch(cmd, m.drain(m.review))
		}
	case signalMsg:
		return m.onSignal(msg)
	case session.HoldersMsg:
		m.toSession(msg)
	case enable.Msg:
		if _, open := find[*enable.Model](m.stack); open {
			return nil // the wizard gets it with the stack
		}
		// Its wizard was closed: keep reading the run to its end.
		next, u := enable.Orphan(msg)
		if u != nil {
			m.browse.Refresh(*u)
		}
		return next
	case configure.UserWrittenMsg:
		m.browse.Refresh(msg.User)
	case configure.DoneMsg:
		// Deselect the users the run left in the target state.
		m.browse.Unmark(msg.Done)
	case tea.PasteMsg:
		if m.stack.top() != nil {
			return m.updateTop(msg)
		}
		return m.toBrowse(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case dialogs.QuitNowMsg:
		m.browse.Stop()
		return tea.Quit
	case common.PushMsg:
		return m.push(msg.Screen)
	case common.StatusMsg:
		m.frame.SetStatus(msg.Text, msg.Err, m.shownDN())
	default:
		if cmd, ok := m.fromBrowse(msg); ok {
			return cmd
		}
		// The directory's answers to the browser's reads.
		return m.toBrowse(msg)
	}
	return nil
}

func (m *Model) restyle() {
	m.com.Styles = styles.New(m.isDark, m.profile)
	m.frame.Restyle()
	m.spin.Style = m.com.Styles.Dim
}

// View draws the whole screen: the frame around the top screen (the
// browser when none is open). Each screen draws from a copy of itself, so
// drawing changes nothing (Settle, in Update, keeps the scroll positions
// the layout works out).
func (m *Model) View() tea.View {
	body := m.stack.view(m.browse.View, m.com.Width)
	v := tea.NewView(m.frame.View(body, m.stack.help(keys.Of(m.browse))))
	// The alternate screen keeps the admin's shell intact, in tmux too.
	v.AltScreen = true
	v.WindowTitle = "ocsflags — " + termtext.Safe(m.com.Info.Name)
	return v
}
