package ui

import (
	"regexp"
	"testing"
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
