package ui

import (
	"fmt"
	"testing"
)

// The user pane shows OptionFlags first, in decimal, hex and bits (the
// undocumented 1024 and the inferred PBX bit marked), with the telephony
// option, on the first screen of a small and a mid-sized terminal.
func TestGoldenValueFirst(t *testing.T) {
	for _, tt := range []struct {
		user string
		w, h int
	}{{"knguyen", 80, 24}, {"ipetrov", 80, 24}, {"knguyen", 100, 40}, {"ipetrov", 100, 40}} {
		t.Run(fmt.Sprintf("%s-%dx%d", tt.user, tt.w, tt.h), func(t *testing.T) {
			s := startSession(t, Options{Dir: demo(t), User: tt.user}, tt.w, tt.h)
			s.waitFor("Telephony   ")
			s.finish()
		})
	}
}
