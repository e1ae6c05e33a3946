package ui

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
	"ocsflags/ui/browse"
	"ocsflags/ui/common"
	"ocsflags/ui/keys"
	"ocsflags/ui/session"
	"ocsflags/ui/styles"
)

// editModel is the modal editor of one text attribute of the open user:
// the sign-in name, the Line URI or the Server URI. What it produces is a
// pending edit like a check box's, written later as a compare-and-swap.
type editModel struct {
	kind  browse.ItemKind
	dn    string // the user it edits: a reload elsewhere must not retarget it
	label string
	dir   string // the value in the directory
	was   string // the value the edit starts from (pending edits included)
	input common.Input
	err   string
	// warn is a consequence the admin should know before the value is
	// staged (Enterprise Voice without an E.164 line); a second enter on
	// the same value, warned, stages it anyway.
	warn, warned string
	hasWarned    bool // warned holds a value (it may be "")
	// checking is the lower-cased sign-in name being searched for in the
	// directory, and checked the value that is staged when nobody else
	// holds it: the field is frozen meanwhile, and it is checked that is
	// written, never what the field holds by then.
	checking, checked string
}

// openEdit starts editing the attribute of the focused line.
func (m *Model) openEdit(kind browse.ItemKind) {
	if !m.canEdit() {
		return
	}
	s := m.state()
	if err := s.Base.Editable(browse.Attr(kind)); err != nil {
		m.setError("refused: " + err.Error())
		return
	}
	e := &editModel{kind: kind, dn: m.browse.Detail.User.DN, label: browse.Label(kind)}
	switch kind {
	case browse.ItSIP:
		e.dir, e.was = s.Base.SIPAddress.V, s.After.SIPAddress.V
	case browse.ItLine:
		e.dir, e.was = s.Base.Line.V, s.After.Line.V
	case browse.ItLineServer:
		e.dir, e.was = s.Base.LineServer.V, s.After.LineServer.V
	}
	e.input.Value = e.was
	m.edit = e
	// Editing is doing something else than waiting to quit.
	m.quitting = false
}

// editTarget reports whether the detail still shows the user the editor was
// opened for; when it does not (a late --user answer, a reload of another
// user), the editor closes without staging anything.
func (m *Model) editTarget() bool {
	if m.browse.Detail.Has && directory.SameDN(m.edit.dn, m.browse.Detail.User.DN) {
		return true
	}
	m.edit = nil
	m.setError("the user on screen changed while editing: nothing was staged")
	return false
}

// editKey handles a key while the editor is open; nothing else gets keys.
func (m *Model) editKey(msg tea.KeyPressMsg) tea.Cmd {
	e := m.edit
	switch msg.String() {
	case "esc":
		m.edit = nil
		m.setStatus("nothing changed")
		return nil
	case "ctrl+c":
		m.edit = nil
		return m.quit()
	case "enter":
		if e.checking != "" {
			return nil
		}
		return m.commitEdit()
	}
	if e.checking != "" {
		return nil // the value being checked is the one staged
	}
	if changed, _ := e.input.Update(msg); changed {
		e.err, e.warn = "", ""
	}
	return nil
}

// editPaste inserts pasted text, except while a value is being checked.
func (m *Model) editPaste(text string) {
	if e := m.edit; e.checking == "" {
		e.input.Paste(text)
		e.err, e.warn = "", ""
	}
}

// commitEdit checks the typed value and, when it is good, records it as a
// pending edit; otherwise the editor stays open with the reason. A new
// sign-in name is first searched for in the directory.
func (m *Model) commitEdit() tea.Cmd {
	if !m.editTarget() {
		return nil
	}
	e := m.edit
	v := flags.NormalizeScheme(strings.TrimSpace(e.input.Value))
	e.input = common.Input{Value: v}
	if v == flags.NormalizeScheme(strings.TrimSpace(e.was)) {
		// Spelled as stored or not, it is the same value: nothing to write.
		m.edit = nil
		m.setStatus(e.label + " unchanged")
		return nil
	}
	var err error
	switch e.kind {
	case browse.ItSIP:
		if v != "" {
			err = flags.CheckSIPAddress(v)
		} else if r := m.editRefusal(flags.Change{SIPAddress: flags.Some("")}); r != nil {
			err = errors.New(r.Reason + ": disable the user with E first, or type a new address")
		}
	case browse.ItLine:
		if v != "" {
			err = flags.CheckLineURI(v)
		}
	case browse.ItLineServer:
		if v != "" {
			err = flags.CheckServerURI(v)
		}
	}
	if err != nil {
		e.err = err.Error()
		return nil
	}
	if w := m.editWarning(e.kind, v); w != "" && (!e.hasWarned || e.warned != v) {
		e.warn, e.warned, e.hasWarned = w, v, true
		return nil
	}
	if e.kind == browse.ItSIP && v != "" {
		if dn := m.sess.PendingHolder(v, e.dn); dn != "" {
			e.err = v + " is already the pending sign-in name of " + dn + ": commit or undo that first"
			return nil
		}
		e.checking, e.checked = strings.ToLower(v), v
		return session.LookupHolders(m.com.Ctx, m.com.Dir, e.checking, m.sess.Gen(), readTimeout)
	}
	m.stageEdit(v)
	return nil
}

// editRefusal is the first write rule that refuses c on top of the open
// user's pending edits (directory.PlanWrite), nil when none does.
func (m *Model) editRefusal(c flags.Change) *directory.Refusal {
	var re *directory.RefusedError
	if errors.As(directory.Refused(m.planEdit(m.browse.Detail.User, c), true), &re) {
		r := re.First()
		return &r
	}
	return nil
}

// stageEdit records the editor's value as a pending edit and closes it.
func (m *Model) stageEdit(v string) {
	e := m.edit
	var c flags.Change
	switch e.kind {
	case browse.ItSIP:
		c.SIPAddress = flags.Some(v)
	case browse.ItLine:
		c.Line = flags.Some(v)
	case browse.ItLineServer:
		c.LineServer = flags.Some(v)
	}
	m.edit = nil
	what := e.label + ": " + v
	if v == "" {
		what = e.label + ": removed"
	}
	m.pushEdit(c, what)
}

// editHolders finishes a sign-in name edit with the directory's answer:
// staged when only this user (or nobody) holds the address.
func (m *Model) editHolders(msg session.HoldersMsg) {
	e := m.edit
	if e == nil || e.checking != msg.Addr {
		return
	}
	e.checking = ""
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
func (m *Model) editWarning(kind browse.ItemKind, v string) string {
	return flags.LineWarning(browse.Attr(kind), v, m.state().After.OptionFlags.V)
}

// view draws the editor as a box over the screen.
func (e *editModel) view(st styles.Styles, w, h int) []string {
	inner := min(w-6, 80)
	body := []string{browse.Attr(e.kind) + " · " + browse.Syntax(e.kind)}
	switch e.kind {
	case browse.ItSIP:
		body = append(body, "The address the user signs in with: sip:user@domain. It must be unique in the forest: the detail and the audit search the directory for it once it is set. Contacts who added the old address keep it in their lists.")
	case browse.ItLine:
		body = append(body, "tel:+14255551297;ext=51297 (E.164, what Enterprise Voice routes on), a PBX line such as tel:51297 for remote call control, or a SIP URI.")
	case browse.ItLineServer:
		body = append(body, "The SIP URI of the CSTA gateway for remote call control, for example sip:csta@gateway.corp.example;transport=tls.")
	}
	body = append(body, "In the directory: "+orNotSet(e.dir))
	if e.was != e.dir {
		body = append(body, "Pending: "+orNotSet(e.was))
	}
	field := []string{e.input.ViewIn("› ", inner)}
	hint := "enter sets it as a pending edit · empty removes it · ctrl+u clears · esc cancels"
	switch {
	case e.checking != "":
		field = append(field, st.Dim.Render("searching the directory for "+termtext.Safe(e.checking)+"…"))
	case e.err != "":
		field = append(field, lastLines(common.Wrap("✗ "+termtext.Safe(e.err), inner), 3, st.Bad)...)
	case e.warn != "":
		field = append(field, lastLines(common.Wrap("! "+termtext.Safe(e.warn), inner), 3, st.Warn)...)
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

// editHelp is the footer while the editor is open.
func editHelp() keys.Help {
	short := []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set as pending edit")),
		key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
	return keys.Help{Short: short, Full: [][]key.Binding{short}}
}
