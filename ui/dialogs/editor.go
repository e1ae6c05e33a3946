package dialogs

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/session"
	"ocsflags/ui/styles"
)

// editModel is the modal editor of one text attribute of the open user:
// the sign-in name, the Line URI or the Server URI. What it produces is a
// pending edit like a check box's, written later as a compare-and-swap.
type editModel struct {
	Kind  common.ItemKind
	dn    string // the user it edits: a reload elsewhere must not retarget it
	label string
	dir   string // the value in the directory
	was   string // the value the edit starts from (pending edits included)
	Input common.Input
	err   string
	// Warn is a consequence the admin should know before the value is
	// staged (Enterprise Voice without an E.164 line); a second enter on
	// the same value, warned, stages it anyway.
	Warn, warned string
	hasWarned    bool // warned holds a value (it may be "")
	// Checking is the lower-cased sign-in name being searched for in the
	// directory, and checked the value that is staged when nobody else
	// holds it: the field is frozen meanwhile, and it is checked that is
	// written, never what the field holds by then.
	Checking, checked string
}

// editTarget reports whether the detail still shows the user the editor was
// opened for; when it does not (a late --user answer, a reload of another
// user), the editor closes without staging anything.
func (m *Editor) editTarget() bool {
	if m.has && directory.SameDN(m.editModel.dn, m.user.DN) {
		return true
	}
	m.closed = true
	m.setError("the user on screen changed while editing: nothing was staged")
	return false
}

// editKey handles a key while the editor is open; nothing else gets keys.
func (m *Editor) editKey(msg tea.KeyPressMsg) tea.Cmd {
	e := m.editModel
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.closed = true
		m.setStatus("nothing changed")
		return nil
	case key.Matches(msg, m.keys.Quit):
		m.closed = true
		m.Emit(common.QuitMsg{})
		return nil
	case key.Matches(msg, m.keys.Commit):
		if e.Checking != "" {
			return nil
		}
		return m.commitEdit()
	}
	if e.Checking != "" {
		return nil // the value being checked is the one staged
	}
	if changed, _ := e.Input.Update(msg); changed {
		e.err, e.Warn = "", ""
	}
	return nil
}

// editPaste inserts pasted text, except while a value is being checked.
func (m *Editor) editPaste(text string) {
	if e := m.editModel; e.Checking == "" {
		e.Input.Paste(text)
		e.err, e.Warn = "", ""
	}
}

// commitEdit checks the typed value and, when it is good, records it as a
// pending edit; otherwise the editor stays open with the reason. A new
// sign-in name is first searched for in the directory.
func (m *Editor) commitEdit() tea.Cmd {
	if !m.editTarget() {
		return nil
	}
	e := m.editModel
	v := flags.NormalizeScheme(strings.TrimSpace(e.Input.Value))
	e.Input = common.Input{Value: v}
	if v == flags.NormalizeScheme(strings.TrimSpace(e.was)) {
		// Spelled as stored or not, it is the same value: nothing to write.
		m.closed = true
		m.setStatus(e.label + " unchanged")
		return nil
	}
	var err error
	switch e.Kind {
	case common.ItSIP:
		if v != "" {
			err = flags.CheckSIPAddress(v)
		} else if r := m.editRefusal(flags.Change{SIPAddress: flags.Some("")}); r != nil {
			err = errors.New(r.Reason + ": disable the user with E first, or type a new address")
		}
	case common.ItLine:
		if v != "" {
			err = flags.CheckLineURI(v)
		}
	case common.ItLineServer:
		if v != "" {
			err = flags.CheckServerURI(v)
		}
	}
	if err != nil {
		e.err = err.Error()
		return nil
	}
	if w := m.editWarning(e.Kind, v); w != "" && (!e.hasWarned || e.warned != v) {
		e.Warn, e.warned, e.hasWarned = w, v, true
		return nil
	}
	if e.Kind == common.ItSIP && v != "" {
		if dn := m.sess.PendingHolder(v, e.dn); dn != "" {
			e.err = v + " is already the pending sign-in name of " + dn + ": commit or undo that first"
			return nil
		}
		e.Checking, e.checked = strings.ToLower(v), v
		return session.LookupHolders(m.com.Ctx, m.com.Dir, e.Checking, m.sess.Gen(), common.ReadTimeout)
	}
	m.stageEdit(v)
	return nil
}

// editRefusal is the first write rule that refuses c on top of the open
// user's pending edits (directory.PlanWrite), nil when none does.
func (m *Editor) editRefusal(c flags.Change) *directory.Refusal {
	var re *directory.RefusedError
	if errors.As(directory.Refused(m.sess.Plan(m.user, c), true), &re) {
		r := re.First()
		return &r
	}
	return nil
}

// stageEdit records the editor's value as a pending edit and closes it.
func (m *Editor) stageEdit(v string) {
	e := m.editModel
	var c flags.Change
	switch e.Kind {
	case common.ItSIP:
		c.SIPAddress = flags.Some(v)
	case common.ItLine:
		c.Line = flags.Some(v)
	case common.ItLineServer:
		c.LineServer = flags.Some(v)
	}
	m.closed = true
	what := e.label + ": " + v
	if v == "" {
		what = e.label + ": removed"
	}
	m.pushEdit(c, what)
}

// editHolders finishes a sign-in name edit with the directory's answer:
// staged when only this user (or nobody) holds the address.
func (m *Editor) editHolders(msg session.HoldersMsg) {
	e := m.editModel
	if e == nil || e.Checking != msg.Addr {
		return
	}
	e.Checking = ""
	if !m.editTarget() {
		return
	}
	if msg.Err != nil {
		e.err = "cannot check that " + msg.Addr + " is unique: " + msg.Err.Error() + "; enter tries again"
		return
	}
	if others := directory.OtherThan(msg.DNs, e.dn); len(others) > 0 {
		more := ""
		if len(others) > 1 {
			more = fmt.Sprintf(" and %d more", len(others)-1)
		}
		e.err = msg.Addr + " is already the sign-in name of " + others[0] + more + ": it must be unique in the forest"
		return
	}
	if dn := m.sess.PendingHolder(e.checked, e.dn); dn != "" {
		e.err = e.checked + " is already the pending sign-in name of " + dn + ": commit or undo that first"
		return
	}
	m.stageEdit(e.checked)
}

// editWarning is what setting v would break, given the user's telephony
// option with the pending edits; "" when nothing.
func (m *Editor) editWarning(kind common.ItemKind, v string) string {
	return flags.LineWarning(kind.Attr(), v, m.sess.State(m.user, m.com.Dir.Info().SIPScope).After.OptionFlags.V)
}

// view draws the editor as a box over the screen.
func (e *editModel) view(st styles.Styles, w, h int) []string {
	inner := min(w-6, 80)
	body := []string{e.Kind.Attr() + " · " + e.Kind.Syntax()}
	switch e.Kind {
	case common.ItSIP:
		body = append(body, "The address the user signs in with: sip:user@domain. It must be unique in the forest: the detail and the audit search the directory for it once it is set. Contacts who added the old address keep it in their lists.")
	case common.ItLine:
		body = append(body, "tel:+14255551297;ext=51297 (E.164, what Enterprise Voice routes on), a PBX line such as tel:51297 for remote call control, or a SIP URI.")
	case common.ItLineServer:
		body = append(body, "The SIP URI of the CSTA gateway for remote call control, for example sip:csta@gateway.corp.example;transport=tls.")
	}
	body = append(body, "In the directory: "+orNotSet(e.dir))
	if e.was != e.dir {
		body = append(body, "Pending: "+orNotSet(e.was))
	}
	field := []string{e.Input.ViewIn("› ", inner)}
	hint := "enter sets it as a pending edit · empty removes it · ctrl+u clears · esc cancels"
	switch {
	case e.Checking != "":
		field = append(field, st.Dim.Render("searching the directory for "+termtext.Safe(e.Checking)+"…"))
	case e.err != "":
		field = append(field, lastLines(common.Wrap("✗ "+termtext.Safe(e.err), inner), 3, st.Bad)...)
	case e.Warn != "":
		field = append(field, lastLines(common.Wrap("! "+termtext.Safe(e.Warn), inner), 3, st.Warn)...)
		hint = "enter again sets it anyway · esc cancels"
	}
	box := common.DialogBox(st, inner, e.label+" — edit", body, field, hint)
	if len(box) > h {
		// A short screen: the field, its error and what the directory
		// holds matter more than the explanation (i shows it in the
		// detail), and more than the key hint (the footer has it).
		box = common.DialogBox(st, inner, e.label+" — edit", body[len(body)-1-boolInt(e.was != e.dir):], field, hint)
	}
	if len(box) > h {
		box = common.DialogBox(st, inner, e.label+" — edit", nil, field, "")
	}
	if len(box) > h && h > 0 {
		box = box[len(box)-h:] // the field and its message are at the bottom
	}
	return box
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func orNotSet(v string) string {
	if v == "" {
		return "(not set)"
	}
	return v
}

// lastLines styles up to n lines of ls, ending the last kept one with "…"
// when some are cut, so a long message cannot push the box off screen.
func lastLines(ls []string, n int, style lipgloss.Style) []string {
	if len(ls) > n {
		ls = append(ls[:n-1:n-1], ls[n-1]+"…")
	}
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = style.Render(l)
	}
	return out
}

// ShortHelp is the footer while the editor is open.
func (m *Editor) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Commit, m.keys.Clear, m.keys.Cancel}
}

// FullHelp is the same keys.
func (m *Editor) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// EditorKeys are the editor's keys; the others edit the field.
type EditorKeys struct {
	Commit, Clear, Cancel, Quit key.Binding
}

// Editor is the modal editor of one text attribute of the open user, an
// overlay on the root's stack: it takes every key until it closes.
type Editor struct {
	*editModel
	com  *common.Common
	sess *session.Session
	keys EditorKeys
	common.Outbox

	user   directory.User // the user on screen now (ShowUser)
	has    bool
	closed bool
}

// NewEditor opens the editor of kind on u as s shows it (pending edits
// included).
func NewEditor(c *common.Common, sess *session.Session, kind common.ItemKind, u directory.User, s session.State) *Editor {
	e := &editModel{Kind: kind, dn: u.DN, label: kind.Label()}
	switch kind {
	case common.ItSIP:
		e.dir, e.was = s.Base.SIPAddress.V, s.After.SIPAddress.V
	case common.ItLine:
		e.dir, e.was = s.Base.Line.V, s.After.Line.V
	case common.ItLineServer:
		e.dir, e.was = s.Base.LineServer.V, s.After.LineServer.V
	}
	e.Input.Value = e.was
	return &Editor{editModel: e, com: c, sess: sess, user: u, has: true, keys: EditorKeys{
		Commit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set as pending edit")),
		Clear:  key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Quit:   c.Keys.Interrupt,
	}}
}

// Overlay marks the editor as a box over the screen below.
func (m *Editor) Overlay() {}

// DN is the user the editor edits.
func (m *Editor) DN() string { return m.editModel.dn }

// ShowUser is the user on screen now (the root calls it after every
// message): enter checks it is still the one edited.
func (m *Editor) ShowUser(u directory.User, _ bool) { m.user, m.has = u, u.DN != "" }

// Update handles keys, pastes and the answer of the sign-in name search.
func (m *Editor) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		cmd = m.editKey(msg)
	case tea.PasteMsg:
		m.editPaste(msg.Content)
	case session.HoldersMsg:
		m.editHolders(msg)
	}
	if m.closed {
		return nil, cmd
	}
	return m, cmd
}

// View draws the box, for the body's size.
func (m *Editor) View() string {
	return strings.Join(m.view(m.com.Styles, m.com.Width, m.com.Height), "\n")
}

func (m *Editor) setStatus(s string) { m.Emit(common.StatusMsg{Text: s}) }
func (m *Editor) setError(s string)  { m.Emit(common.StatusMsg{Text: s, Err: true}) }

// pushEdit stages the edit for the user through the session.
func (m *Editor) pushEdit(c flags.Change, what string) {
	if n, _ := m.sess.Update(session.StageMsg{User: m.user, Change: c, What: what}); n.Text != "" {
		m.Emit(common.StatusMsg{Text: n.Text, Err: n.Err})
	}
}
