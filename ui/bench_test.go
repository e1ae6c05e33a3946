package ui

import (
	"context"
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/browse"
)

// bigList is a console with 100,000 users loaded in the list and one open.
func bigList(b *testing.B, w, h int) *Model {
	b.Helper()
	m := newModel(context.Background(), Options{Dir: demo(b)})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.sess.PoolsLoaded = true
	pool := "CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"
	m.sess.Pools = directory.NewPoolSet([]directory.Pool{{HomeServerDN: pool, Host: "pool01.corp.example"}})
	m.browse.SetRoot("DC=corp,DC=example")
	m.browse.List.Reset("OU=Big,DC=corp,DC=example", "Big", 1)
	rows := make([]browse.Row, 100000)
	for i := range rows {
		sam := fmt.Sprintf("user%06d", i)
		u := directory.User{
			DN: fmt.Sprintf("CN=User %06d,OU=Big,DC=corp,DC=example", i), Name: "User " + sam, DisplayName: fmt.Sprintf("Given%d Surname%d", i%97, i),
			SAMAccountName: sam,
			OCS: flags.Settings{
				Enabled: flags.Some(true), SIPAddress: flags.Some("sip:" + sam + "@corp.example"),
				HomeServer: flags.Some(pool), OptionFlags: flags.Some(flags.Value(256 + i%2)),
			},
		}
		rows[i] = browse.MakeRow(u, m.sess.Pools)
	}
	m.browse.List.Add(rows)
	m.browse.List.Cursor = 50000
	m.browse.Detail = browse.Detail{User: rows[50000].U, Has: true}
	m.browse.Focus = browse.PaneList
	return m
}

func benchView(b *testing.B, w, h int) {
	m := bigList(b, w, h)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// Full-screen frame with 100k users loaded; target < 2 ms.
func BenchmarkView100kWide(b *testing.B)   { benchView(b, 200, 50) }
func BenchmarkView100kNarrow(b *testing.B) { benchView(b, 80, 24) }

// One filter keystroke over 100k users; target < 16 ms. Backspace is the
// worst case (the filter widens, so every row is scanned again); typing a
// character only narrows the current matches.
func BenchmarkFilterKeystroke100kFullScan(b *testing.B) {
	m := bigList(b, 200, 50)
	m.Update(keyMsg("/"))
	for _, r := range "given1" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.Update(keyMsg("backspace")) // "given": scans all 100k
		b.StopTimer()
		m.Update(tea.KeyPressMsg{Code: '1', Text: "1"})
		b.StartTimer()
	}
}

func BenchmarkFilterKeystroke100kFirstChar(b *testing.B) {
	m := bigList(b, 200, 50)
	m.Update(keyMsg("/"))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.Update(tea.KeyPressMsg{Code: 'u', Text: "u"}) // every row matches
		b.StopTimer()
		m.Update(keyMsg("backspace"))
		b.StartTimer()
	}
}

// Keystroke plus the frame it causes, as the admin sees it.
func BenchmarkFilterKeystrokeAndFrame100k(b *testing.B) {
	m := bigList(b, 200, 50)
	m.Update(keyMsg("/"))
	for _, r := range "given1" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.Update(keyMsg("backspace"))
		_ = m.View()
		b.StopTimer()
		m.Update(tea.KeyPressMsg{Code: '1', Text: "1"})
		b.StartTimer()
	}
}

// Start to first frame on the demo: open the demo (5,000 generated users),
// build the model, run Init's reads, draw.
func BenchmarkFirstFrameDemo(b *testing.B) {
	for b.Loop() {
		x := newHarness(b, Options{Dir: demo(b)}, 80, 24)
		_ = x.m.View()
	}
}
