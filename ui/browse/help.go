package browse

import (
	"charm.land/bubbles/v2/key"

	"ocsflags/ui/keys"
)

// ShortHelp is the footer: the keys of the focused pane, or of the filter
// while it is edited.
func (m *Model) ShortHelp() []key.Binding {
	k := m.com.Keys
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move"))
	edits, _ := m.sess.Pending.Counts()
	review := keys.Enabled(k.Review, edits > 0)
	if m.List.editing {
		return []key.Binding{
			key.NewBinding(key.WithKeys("a"), key.WithHelp("type", "names or fed:on tel:ev…")),
			keys.With(move, "move"), keys.With(k.Open, map[bool]string{true: "open the match", false: "keep filter"}[m.List.VisibleLen() == 1]), keys.With(k.Back, "clear"),
		}
	}
	var short []key.Binding
	switch m.Focus {
	case PaneTree:
		short = []key.Binding{move, keys.With(k.Open, "list users"), keys.With(k.Right, "expand"), review, k.Help, k.Quit, k.NextPane, k.Filter, k.Explorer}
	case PaneList:
		back := "back"
		switch {
		case m.List.Loading:
			back = "stop loading"
		case m.List.Filter != "":
			back = "clear filter"
		case len(m.List.Marks) > 0:
			back = "clear selection"
		}
		var undo bool
		if r := m.List.Selected(); r != nil {
			p := m.sess.Pending.Get(r.U.DN)
			undo = p != nil && len(p.Stack) > 0
		}
		short = []key.Binding{move, keys.With(k.Open, "open user"), k.Filter, keys.With(k.Back, back), review, keys.Enabled(k.Undo, undo), k.Help, k.Quit, k.Audit, k.Reload, k.NextPane, k.Explorer, k.Mark, k.Enable, k.Disable, k.Sort, k.Subtree, k.Domain}
	default:
		p := m.sess.Pending.Get(m.Detail.User.DN)
		can := m.Detail.Has && !m.com.ReadOnly
		short = []key.Binding{move, keys.Enabled(k.Toggle, can), keys.Enabled(keys.With(k.Open, "edit"), can && m.focusedEditable()), keys.Enabled(k.Undo, p != nil && len(p.Stack) > 0), review, keys.Enabled(k.Audit, m.Detail.Has), k.Back, k.Help, k.Quit, k.Explorer, k.Reload, keys.Enabled(k.Info, m.Detail.Has), keys.Enabled(k.Enable, can), keys.Enabled(k.Disable, can)}
	}
	return short
}

// FullHelp is the ? help: every key of the browser.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.com.Keys
	help := k.Help
	if m.com.HelpOpen {
		help = keys.With(help, "close this help")
	}
	// space is one key with a meaning per pane: one line says both.
	space := keys.With(k.Toggle, "toggle a setting / select a user")
	return [][]key.Binding{
		{k.Up, k.Down, k.Left, k.Right, k.PageUp, k.PageDown, k.Home, k.End},
		{k.NextPane, k.PrevPane, k.Open, k.Back, k.Filter, k.Reload, k.Info},
		{space, k.Undo, k.Review, k.Audit, k.Enable, k.Disable, k.Explorer, k.History, help, k.Quit},
		{k.Configure, k.ConfigureAll, k.Sort, k.Subtree, k.Domain},
	}
}
