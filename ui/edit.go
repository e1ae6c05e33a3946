package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ocsflags/flags"
)

// editModel is the modal editor of one text attribute of the open user:
// the sign-in name, the Line URI or the Server URI. What it produces is a
// pending edit like a check box's, written later as a compare-and-swap.
type editModel struct {
	kind  itemKind
	dn    string // the user it edits: a reload elsewhere must not retarget it
	label string
	was   string // the value the edit starts from (pending edits included)
	input lineInput
	err   string
}

// editable reports whether enter/space on an item of kind opens the editor.
func editable(kind itemKind) bool {
	return kind == itSIP || kind == itLine || kind == itLineServer
}

// openEdit starts editing the attribute of the focused line.
func (m *Model) openEdit(kind itemKind) {
	if !m.canEdit() {
		return
	}
	s := m.state()
	e := &editModel{kind: kind, dn: m.detail.user.DN, label: attrInfos[kind].label}
	switch kind {
	case itSIP:
		e.was = s.after.SIPAddress.V
	case itLine:
		e.was = s.after.Line.V
	case itLineServer:
		e.was = s.after.LineServer.V
	}
	e.input.value = e.was
	m.edit = e
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
		m.commitEdit()
		return nil
	}
	if changed, _ := e.input.update(msg); changed {
		e.err = ""
	}
	return nil
}

// commitEdit checks the typed value and, when it is good, records it as a
// pending edit; otherwise the editor stays open with the reason.
func (m *Model) commitEdit() {
	e := m.edit
	v := strings.TrimSpace(e.input.value)
	if v == e.was {
		m.edit = nil
		m.setStatus(e.label + " unchanged")
		return
	}
	var c flags.Change
	var err error
	switch e.kind {
	case itSIP:
		if v == "" {
			if m.state().after.Enabled.Or(false) {
				e.err = "a user enabled for OCS needs a sign-in name: disable the user with E first, or type a new address"
				return
			}
		} else {
			err = flags.CheckSIPAddress(v)
		}
		c.SIPAddress = flags.Some(v)
	case itLine:
		if v != "" {
			err = flags.CheckLineURI(v)
		}
		c.Line = flags.Some(v)
	case itLineServer:
		if v != "" {
			err = flags.CheckServerURI(v)
		}
		c.LineServer = flags.Some(v)
	}
	if err != nil {
		e.err = err.Error()
		return
	}
	m.edit = nil
	what := e.label + ": " + v
	if v == "" {
		what = e.label + ": removed"
	}
	m.pushEdit(c, what)
}

// view draws the editor as a box over the screen.
func (e *editModel) view(st styles, w int) []string {
	inner := min(w-6, 80)
	a := attrInfos[e.kind]
	body := []string{a.attr + " · " + a.syntax}
	switch e.kind {
	case itSIP:
		body = append(body, "The address the user signs in with: sip:user@domain. It must be unique in the forest: the detail and the audit search the directory for it once it is set. Contacts who added the old address keep it in their lists.")
	case itLine:
		body = append(body, "tel:+14255551297;ext=51297 (E.164, what Enterprise Voice routes on), a PBX line such as tel:51297 for remote call control, or a SIP URI.")
	case itLineServer:
		body = append(body, "The SIP URI of the CSTA gateway for remote call control, for example sip:csta@gateway.corp.example;transport=tls.")
	}
	if e.was != "" {
		body = append(body, "Now: "+e.was)
	} else {
		body = append(body, "Now: (not set)")
	}
	field := []string{e.input.view("› ")}
	if e.err != "" {
		for _, l := range wrap("✗ "+e.err, inner) {
			field = append(field, st.bad.Render(l))
		}
	}
	return dialogBox(st, inner, e.label+" — edit", body, field,
		"enter sets it as a pending edit · empty removes it · ctrl+u clears · esc cancels")
}

// editHelp is the footer while the editor is open.
func editHelp() helpKeys {
	short := []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set as pending edit")),
		key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
	return helpKeys{short: short, full: [][]key.Binding{short}}
}
