package common

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A value longer than the box scrolls to keep the cursor in view (moved
// from ui's TestLineInputCursor with the field it tests).
func TestInputScrollsLongValue(t *testing.T) {
	// A value longer than the box scrolls to keep the cursor in view.
	in := Input{Value: "sip:" + strings.Repeat("a", 100) + "@gw.corp.example"}
	if v := ansi.Strip(in.ViewIn("› ", 40)); ansi.StringWidth(v) > 40 || !strings.HasSuffix(v, "corp.example█") || !strings.Contains(v, "…") {
		t.Errorf("end of a long value: %q", v)
	}
	in.tail = len(in.Value)
	if v := ansi.Strip(in.ViewIn("› ", 40)); ansi.StringWidth(v) > 40 || !strings.HasPrefix(v, "› sip:") || !strings.HasSuffix(v, "…") {
		t.Errorf("start of a long value: %q", v)
	}
}
