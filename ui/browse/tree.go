package browse

import (
	"fmt"
	"strings"

	"ocsflags/directory"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/styles"
)

// treeNode is one container of the lazy OU tree; its children are read the
// first time it is expanded.
type treeNode struct {
	c        directory.Container
	key      string // NormDN of c.DN, worked out once
	depth    int
	expanded bool
	loading  bool
	loaded   bool
	err      error
	kids     []*treeNode
}

// Tree is the OU tree pane.
type Tree struct {
	root   *treeNode
	flat   []*treeNode // the visible nodes, in display order
	cursor int
	offset int
}

func newTree(rootDN string) Tree {
	name := rdnName(rootDN)
	t := Tree{root: &treeNode{key: directory.NormDN(rootDN), c: directory.Container{DN: rootDN, Name: name, Kind: directory.KindDomain, Users: -1, HasChildren: true}}}
	t.reflatten()
	return t
}

// rdnName is the value of a DN's first RDN, for a node label.
func rdnName(dn string) string {
	d, err := directory.ParseDN(dn)
	if err != nil || len(d.RDNs) == 0 || len(d.RDNs[0].Attributes) == 0 {
		return dn
	}
	if strings.EqualFold(d.RDNs[0].Attributes[0].Type, "DC") {
		// A naming context reads best as its DNS name.
		var parts []string
		for _, r := range d.RDNs {
			parts = append(parts, r.Attributes[0].Value)
		}
		return strings.Join(parts, ".")
	}
	return d.RDNs[0].Attributes[0].Value
}

func (t *Tree) reflatten() {
	t.flat = t.flat[:0]
	var walk func(n *treeNode)
	walk = func(n *treeNode) {
		t.flat = append(t.flat, n)
		if n.expanded {
			for _, k := range n.kids {
				walk(k)
			}
		}
	}
	if t.root != nil {
		walk(t.root)
	}
	t.cursor = common.Clamp(t.cursor, 0, max(len(t.flat)-1, 0))
}

func (t *Tree) Selected() *treeNode {
	if t.cursor < len(t.flat) {
		return t.flat[t.cursor]
	}
	return nil
}

// find returns the node for dn among those already loaded.
func (t *Tree) find(dn string) *treeNode {
	key := directory.NormDN(dn)
	var walk func(n *treeNode) *treeNode
	walk = func(n *treeNode) *treeNode {
		if n.key == key {
			return n
		}
		for _, k := range n.kids {
			if f := walk(k); f != nil {
				return f
			}
		}
		return nil
	}
	if t.root == nil {
		return nil
	}
	return walk(t.root)
}

// expand opens n; it reports whether its children must be read first.
func (t *Tree) expand(n *treeNode) (load bool) {
	if n == nil || !n.c.HasChildren {
		return false
	}
	n.expanded = true
	if !n.loaded && !n.loading {
		n.loading = true
		n.err = nil
		load = true
	}
	t.reflatten()
	return load
}

func (t *Tree) collapse() {
	n := t.Selected()
	if n == nil {
		return
	}
	if n.expanded && (len(n.kids) > 0 || n.loading) {
		n.expanded = false
		t.reflatten()
		return
	}
	// Already closed: go to the parent, as file managers do.
	for i := t.cursor - 1; i >= 0; i-- {
		if t.flat[i].depth < n.depth {
			t.cursor = i
			return
		}
	}
}

// setChildren stores what the directory returned for dn.
func (t *Tree) setChildren(dn string, kids []directory.Container, err error) {
	n := t.find(dn)
	if n == nil {
		return
	}
	n.loading = false
	if err != nil {
		n.err = err
		return
	}
	n.loaded = true
	n.kids = n.kids[:0]
	for _, c := range kids {
		n.kids = append(n.kids, &treeNode{c: c, key: directory.NormDN(c.DN), depth: n.depth + 1})
	}
	n.c.HasChildren = len(kids) > 0
	t.reflatten()
}

// setUserCount records how many users a finished listing found directly in
// dn, so the root (whose count the directory does not give) shows it too.
func (t *Tree) setUserCount(dn string, n int) {
	if node := t.find(dn); node != nil {
		node.c.Users = n
	}
}

// under reports whether the DN with key k is key anc or lies below it; keys
// are NormDN forms, so a suffix after an unescaped comma is an ancestor.
func under(k, anc string) bool {
	if k == anc {
		return true
	}
	i := len(k) - len(anc) - 1
	if i <= 0 || !strings.HasSuffix(k, anc) || k[i] != ',' {
		return false
	}
	// The comma separates RDNs unless an odd run of backslashes escapes it.
	n := 0
	for j := i - 1; j >= 0 && k[j] == '\\'; j-- {
		n++
	}
	return n%2 == 0
}

// cursorTo puts the cursor on n if it is visible.
func (t *Tree) cursorTo(n *treeNode) {
	for i, f := range t.flat {
		if f == n {
			t.cursor = i
			return
		}
	}
}

func (t *Tree) move(delta int) {
	t.cursor = common.Clamp(t.cursor+delta, 0, max(len(t.flat)-1, 0))
}

// view renders h lines of width w. spin is the current spinner frame for
// nodes being read; listed is the DN shown in the user list.
func (t *Tree) view(st styles.Styles, w, h int, focused bool, spin, listed string) []string {
	t.offset = common.Window(t.cursor, t.offset, h, len(t.flat))
	listedKey := directory.NormDN(listed)
	lines := make([]string, 0, h)
	for i := t.offset; i < len(t.flat) && len(lines) < h; i++ {
		n := t.flat[i]
		glyph := " "
		switch {
		case n.loading:
			glyph = spin
		case n.expanded:
			glyph = "▾"
		case n.c.HasChildren:
			glyph = "▸"
		}
		count := ""
		switch {
		case n.c.Users > 0:
			count = fmt.Sprintf(" (%d)", n.c.Users)
		case n.c.Users == 0 && !n.c.HasChildren:
			// Empty containers read as such without colour.
			count = " (0)"
		}
		// A container whose users are all in sub-OUs (Corp) shows no count:
		// "(0)" there reads as empty. The count is of direct members only.
		mark := "  "
		if i == t.cursor {
			mark = "› "
		}
		here := ""
		if listed != "" && n.key == listedKey {
			here = " •"
		}
		text := mark + strings.Repeat("  ", n.depth) + glyph + " " + termtext.Safe(n.c.Name) + count + here
		if n.err != nil {
			text += " ✗ " + termtext.Safe(n.err.Error())
		}
		text = common.Fit(text, w)
		switch {
		case i == t.cursor && focused:
			text = st.Selected.Render(text)
		case i == t.cursor:
			text = st.SelectedBlurred.Render(text)
		case n.c.Users == 0 && !n.c.HasChildren:
			text = st.Dim.Render(text)
		}
		lines = append(lines, text)
	}
	return lines
}

// DN is the container's DN.
func (n *treeNode) DN() string { return n.c.DN }
