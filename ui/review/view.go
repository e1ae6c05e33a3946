package review

import "ocsflags/ui/common"

func (m *Model) body(w, h int) []string {
	st := m.com.Styles
	lines, userLine := reviewDoc(m, w)
	head := []string{st.Bold.Render("Review pending changes")}
	for _, l := range common.Wrap("Each user is written as one compare-and-swap: if the directory changed since it was read, nothing is written and you choose what happens.", w) {
		head = append(head, st.Dim.Render(l))
	}
	head = append(head, "")
	bodyH := h - len(head)
	r := m
	if r.Cursor < len(userLine) && !r.Scrolled {
		end := len(lines)
		if r.Cursor+1 < len(userLine) {
			end = userLine[r.Cursor+1]
		}
		// Show the selected user whole when it fits, starting at its name.
		r.Offset = common.Window(end-1, r.Offset, bodyH, len(lines))
		r.Offset = common.Window(userLine[r.Cursor], r.Offset, bodyH, len(lines))
	}
	r.Offset = common.Clamp(r.Offset, 0, max(len(lines)-bodyH, 0))
	out := append(head, lines[r.Offset:min(len(lines), r.Offset+bodyH)]...)
	return common.Block(out, w, h)
}
