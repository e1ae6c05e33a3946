// Package ui is the ocsflags console: browse OUs, open a user, see and
// toggle the user's OCS settings labelled as in the OCS Admin Console, learn
// what each bit means, and commit through the directory's compare-and-swap.
package ui

import (
	"context"
	"errors"
	"os"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"ocsflags/directory"
	"ocsflags/ui/browse"
	"ocsflags/ui/common"
	"ocsflags/ui/configure"
	"ocsflags/ui/dialogs"
	"ocsflags/ui/enable"
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

type screen int

const (
	scrBrowse screen = iota
	scrReview
	scrEnable
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

	// browse is the browser, the screen under every other (ui/browse).
	browse  *browse.Model
	review  *review.Model // the review of the pending edits and their writes
	lastKey string        // the key being handled, as msg.String() spells it
	enable  *enable.Model // the Enable Users wizard, while open

	// quitting is set when q or ctrl+c came while writes were in flight:
	// the program ends once they have.
	quitting bool
	// signal is the stop signal received, if any: quitting then asks
	// nothing.
	signal os.Signal
	// now is the time of the latest spinner tick, for the elapsed time of
	// a write (View does not read the clock).
	now time.Time

	// reviewFrom is the screen the review returns to, and reviewStack the
	// screens that were open over it (the audit), which the review hides.
	reviewFrom  screen
	reviewStack []common.Screen

	screen screen

	// sess is the session: pending edits, pools, names (ui/session).
	sess *session.Session

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
	m.browse = browse.New(m.com, m.sess, opts.StartOU, opts.User)
	m.review = review.New(m.com, m.sess)
	m.layout()
	return m
}

func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, session.LoadPools(m.com.Ctx, m.com.Dir, readTimeout), m.startSpin(), m.browse.Init())
}

// busy reports whether anything is loading, which keeps the spinner going.
func (m *Model) busy() bool {
	return m.browse.Busy() || !m.sess.PoolsLoaded || m.review.Busy() || (m.enable != nil && m.enable.Spinning())
}

func (m *Model) startSpin() tea.Cmd {
	if m.spinOn {
		return nil
	}
	m.spinOn = true
	return m.spin.Tick
}

func (m *Model) setStatus(s string) { m.status, m.statusErr, m.statusDN = s, false, m.shownDN() }
func (m *Model) setError(s string)  { m.status, m.statusErr, m.statusDN = s, true, m.shownDN() }

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
	case session.StageMsg:
		m.toSession(msg)
	case session.PoolsMsg:
		m.toSession(msg)
		return m.toBrowse(msg)
	case review.CommitMsg, review.SettleMsg:
		return m.toReview(msg)
	case signalMsg:
		return m.onSignal(msg)
	case session.HoldersMsg:
		m.toSession(msg)
	case enable.Msg:
		if m.enable != nil {
			return m.toEnable(msg)
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
		m.configureDone(msg)
	case tea.PasteMsg:
		switch {
		case m.top() != nil:
			return m.updateTop(msg)
		case m.screen == scrEnable:
			return m.toEnable(msg)
		case m.screen == scrBrowse:
			return m.toBrowse(msg)
		}
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case dialogs.QuitNowMsg:
		m.browse.Stop()
		return tea.Quit
	case common.PushMsg:
		return m.push(msg.Screen)
	case common.StatusMsg:
		if msg.Err {
			m.setError(msg.Text)
		} else {
			m.setStatus(msg.Text)
		}
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
	m.help.Styles = m.com.Styles.Help
	m.spin.Style = m.com.Styles.Dim
}
