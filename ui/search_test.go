package ui

import (
	"regexp"
	"strings"
	"testing"

	"ocsflags/directory"
)

// The bar of issue 16, as a new user does it on the demo: everyone with
// federation on under Corp (t: and below) with a / token, then everyone
// whose home server is not a pool from the whole domain (D), then sorted
// by sAMAccountName (s once: the list starts by name). The counts are find's: 7 users, 6 ready.
func TestSearchTokensSubtreeDomainSort(t *testing.T) {
	s := startSession(t, Options{Dir: demo(t)}, 120, 30)
	s.waitFor("Migrated-LCS2005")
	s.keys("j", "j", "t") // Corp, and below
	s.waitFor("Users in and below Corp (5040)")
	s.keys("/")
	s.typeText("fed:on")
	s.waitFor(`7 match "fed:on" · 6 ready`, "tokens: fed:on", "Jürgen Groß", "Ann Lee")
	s.keys("enter", "s")
	s.waitFor("by sAMAccountName")
	scr, _ := s.p.screen()
	// alee bcole dpatel ehunt ipetrov jgross jroberts, in that order.
	order := regexp.MustCompile(`(?s)Ann Lee.*Brian Cole.*Dev Patel.*Ethan Hunt.*Ivan Petrov.*Jürgen Groß.*Julia Roberts`)
	if !order.MatchString(scr) {
		t.Errorf("not in sAMAccountName order:\n%s", scr)
	}
	s.keys("esc", "D")
	s.waitFor("Users in and below corp.example (5059)")
	s.keys("/")
	s.typeText("finding:home-server-not-a-pool")
	s.waitFor(`1 match`, "Sam Taylor")
	// A bad token says what is wrong, on the hint line.
	s.keys("esc", "/")
	s.typeText("ready:maybe")
	s.waitFrame(`✗ "ready=maybe": "maybe" is not yes or no`)
}

// D lists the whole domain from anywhere; the tree then shows the domain
// root as the container listed (cursor and •), not the container the admin
// was on, so tree and list agree.
func TestDomainPutsTreeOnRoot(t *testing.T) {
	for _, from := range []string{"tree", "list"} {
		x := newHarness(t, Options{Dir: demo(t)}, 160, 30) // all three panes
		x.key("j", "j")                                    // Corp
		if from == "list" {
			x.key("enter") // Corp listed, focus on the list
		}
		if n := x.m.browse.Tree.Selected(); n == nil || firstRDNValue(n.DN()) != "Corp" {
			t.Fatalf("%s: tree cursor on %+v before D, want Corp", from, n)
		}
		x.key("D")
		if n := x.m.browse.Tree.Selected(); n == nil || !directory.SameDN(n.DN(), x.m.browse.RootDN()) {
			t.Fatalf("%s: after D the tree cursor is on %+v, want the domain root %s", from, n, x.m.browse.RootDN())
		}
		var cursor string
		for _, l := range strings.Split(x.screen(), "\n") {
			if tree, _, _ := strings.Cut(l, "│"); strings.Contains(tree, "› ") {
				cursor = tree
			}
		}
		if !strings.Contains(cursor, "corp.example") || !strings.Contains(cursor, "•") {
			t.Errorf("%s: after D the tree's cursor line is %q, want the listed domain root", from, cursor)
		}
		mustContain(t, x.screen(), "Users in and below corp.example")
	}
}

func firstRDNValue(dn string) string {
	d, err := directory.ParseDN(dn)
	if err != nil || len(d.RDNs) == 0 {
		return dn
	}
	return d.RDNs[0].Attributes[0].Value
}

// The / hint names every token and key whole at 80x24 and up, wrapping
// between its pieces; a list too short for two hint lines shows the tokens
// on one.
func TestQueryHintFitsThePane(t *testing.T) {
	pieces := []string{"words search names", "tokens:", "fed:on", "tel:ev", "pool:HOST", "ready:no", "finding:ID", "pic:on", "ep:off", "line:tel:*", "s sort", "t below", "D domain"}
	short := "tokens: fed:on tel:ev pool:HOST ready:no finding:ID pic:on ep:off line:tel:*"
	for _, sz := range []struct{ w, h int }{{80, 24}, {100, 40}, {120, 30}, {160, 40}, {200, 50}, {80, 12}} {
		x := newHarness(t, Options{Dir: demo(t)}, sz.w, sz.h)
		x.key("j", "j", "enter", "/") // Corp's list, searching
		x.typeText("ep:on")
		scr := x.screen()
		want := pieces
		if sz.h < 24 {
			want = []string{short}
		}
		for _, p := range want {
			if !strings.Contains(scr, p) {
				t.Errorf("%dx%d: the hint lacks %q:\n%s", sz.w, sz.h, p, scr)
			}
		}
		for _, l := range strings.Split(scr, "\n") {
			if strings.Contains(l, "…") && (strings.Contains(l, "tokens:") || strings.Contains(l, "line:tel:")) {
				t.Errorf("%dx%d: hint line cut: %q", sz.w, sz.h, l)
			}
		}
	}
}
