package ui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"ocsflags/directory"
	"ocsflags/termtext"
)

// Values a hostile writer could store: a title change (OSC 0), a screen
// clear and a cursor-position query (CSI), a fake green verdict (SGR), a
// hyperlink (OSC 8), CR and LF that fake lines, a C1 CSI (U+009B) and a
// right-to-left override (U+202E).
const (
	hostileName = "Mal\x1b]0;PWNED-TITLE\x07lory \x1b[2J\x1b[32m✓ READY\x1b[0m \x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\ A\rB C\nD \u009b31m \u202eRTL"
	hostileSIP  = "sip:mal\x1b[6nlory@corp.example"
	hostileLine = "tel:+1425\u009b2J555\x07;ext=1\r\n"
	hostileOU   = "Evil\u202eUO"
)

// rawData are byte strings of the hostile values that must never reach the
// terminal as they are: the console's own output has none of them.
var rawData = []string{"\x1b]0;", "PWNED-TITLE\x07", "\x1b]8;", "http://evil.example/\x1b", "\x1b[6n", "A\rB", "C\nD", "\u009b", "\u202e", "555\x07"}

func hostileLDIF() string {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	return fmt.Sprintf(`dn: DC=corp,DC=example
objectClass: domain

dn:: %s
objectClass: organizationalUnit

dn:: %s
objectClass: user
cn: Mallory
sAMAccountName: mallory
displayName:: %s
mail: mallory@corp.example
msRTCSIP-UserEnabled: TRUE
msRTCSIP-PrimaryUserAddress:: %s
msRTCSIP-OptionFlags: 272
msRTCSIP-Line:: %s
msRTCSIP-LineServer:: %s
`, b64("OU="+hostileOU+",DC=corp,DC=example"), b64("CN=Mallory,OU="+hostileOU+",DC=corp,DC=example"), b64(hostileName), b64(hostileSIP), b64(hostileLine), b64("sip:gw@corp.example\x1b]8;;http://evil.example/\x07"))
}

func hostileDir(t *testing.T) *directory.Memory {
	t.Helper()
	m, err := directory.LoadLDIF(strings.NewReader(hostileLDIF()), "hostile\x1b]0;T\x07.ldif")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The console shows every hostile value escaped (so the admin sees it is
// odd) and no control byte of the data reaches the terminal: the raw output
// is scanned byte by byte.
func TestHostileValuesNeverReachTheTerminal(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			s := startSession(t, Options{Dir: hostileDir(t), User: "mallory"}, sz.w, sz.h)
			// The detail: name, sign-in name, Line URI, Server URI.
			s.waitFor(`Mal\x1b]0;PWNED-TITLE\x07lory`, `sip:mal\x1b[6nlory@corp.example`)
			s.waitFrame(termtext.Safe(hostileSIP))
			if sz.w >= 200 {
				s.waitFrame(`tel:+1425\u009b2J555\x07;ext=1\x0d\x0a`, `Evil\u202eUO (1)`, `sip:gw@corp.example\x1b]8;;http://evil.example/\x07`)
			}
			// The editor shows what the directory holds.
			s.keys("j", "enter")
			s.waitFor("In the directory: " + termtext.Safe(hostileSIP)[:20])
			s.keys("esc")
			// The audit names the user and the stored values.
			s.keys("a")
			s.waitFor("Audit of Mal")
			if sz.w >= 200 {
				s.waitFrame("! Names and URIs hold no control characters", "displayName, msRTCSIP-PrimaryUserAddress, msRTCSIP-Line, msRTCSIP-LineServer hold control")
				s.waitFrame("Audit of " + termtext.Safe(hostileName))
			}
			s.keys("esc")
			// A pending edit, its review and the LDIF of the write.
			s.keys("j", "j", "j", "j", "j", "space", "c", "l")
			s.waitFor("Review pending changes")
			s.waitFrame(`Mal\x1b]0;PWNED-TITLE`)
			s.keys("esc")
			// The Enable Users wizard names the user.
			s.keys("u", "e")
			s.waitFor("Enable users for Office Communications Server", `for Mal\x1b]0;PWNED-TITLE\x07lory`)
			s.keys("esc")
			// The list of the OU and the tree.
			s.keys("esc", "esc", "esc")
			if err := s.tm.Quit(); err != nil {
				t.Fatal(err)
			}
			out, err := io.ReadAll(s.tm.FinalOutput(t, teatest.WithFinalTimeout(5*time.Second)))
			if err != nil {
				t.Fatal(err)
			}
			checkRawOutput(t, out)
		})
	}
}

// waitFrame waits until the frame (styling stripped) contains every string.
func (s *teaSession) waitFrame(want ...string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		scr, _ := s.p.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(scr, w)
		}
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	scr, _ := s.p.screen()
	s.t.Fatalf("frame never showed %q; last frame:\n%s", want, scr)
}

// checkRawOutput scans what the program wrote to the terminal: none of the
// data's sequences appear raw; no C1 or bidi character appears at all (the
// console's own output has none); every BEL ends the console's own window
// title (OSC 2), and that title holds no control byte.
func checkRawOutput(t *testing.T, out []byte) {
	t.Helper()
	if len(out) < 1000 {
		t.Fatalf("only %d bytes of output", len(out))
	}
	for _, d := range rawData {
		if i := bytes.Index(out, []byte(d)); i >= 0 {
			t.Errorf("raw %q reached the terminal at byte %d: %q", d, i, out[max(i-40, 0):min(i+40, len(out))])
		}
	}
	// The console's only operating-system commands are its window title
	// and Bubble Tea's background-colour query: a data OSC (0 title, 8
	// link, 52 clipboard) would be any other.
	for rest, at := out, 0; ; {
		i := bytes.Index(rest, []byte("\x1b]"))
		if i < 0 {
			break
		}
		if seq := rest[i:]; !bytes.HasPrefix(seq, []byte("\x1b]2;")) && !bytes.HasPrefix(seq, []byte("\x1b]11;?\x07")) {
			t.Errorf("an OSC other than the title at byte %d: %q", at+i, seq[:min(len(seq), 40)])
		}
		rest, at = rest[i+2:], at+i+2
	}
	titled := false
	defer func() {
		if !titled {
			t.Error("no window title shows the file name escaped")
		}
	}()
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			t.Fatalf("invalid UTF-8 byte %#x at %d: %q", out[i], i, out[max(i-40, 0):min(i+40, len(out))])
		case r >= 0x80 && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			t.Fatalf("%U at byte %d: %q", r, i, out[max(i-40, 0):min(i+40, len(out))])
		case r == 0x07:
			start := bytes.LastIndex(out[:i], []byte("\x1b]"))
			if start >= 0 && string(out[start:i]) == "\x1b]11;?" {
				break // Bubble Tea asks the terminal for its background colour
			}
			if start < 0 || !bytes.HasPrefix(out[start:], []byte("\x1b]2;")) {
				t.Fatalf("BEL at byte %d outside the window title: %q", i, out[max(i-40, 0):i+1])
			}
			for _, c := range out[start+4 : i] {
				if c < 0x20 || c == 0x7f {
					t.Fatalf("control byte %#x in the window title %q", c, out[start:i+1])
				}
			}
			if bytes.Contains(out[start:i], []byte(`hostile\x1b]0;T\x07.ldif`)) {
				titled = true
			}
		}
		i += n
	}
}
