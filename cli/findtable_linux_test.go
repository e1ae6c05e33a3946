//go:build linux

package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// openPTY opens a pseudo-terminal cols wide: the controller, and the
// terminal a program writes to.
func openPTY(t *testing.T, cols int) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	ioctl := func(f *os.File, req uintptr, arg unsafe.Pointer) {
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), req, uintptr(arg)); e != 0 {
			t.Fatalf("ioctl %#x: %v", req, e)
		}
	}
	var unlock int32
	ioctl(ptmx, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	var n uint32
	ioctl(ptmx, syscall.TIOCGPTN, unsafe.Pointer(&n))
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	ws := struct{ rows, cols, x, y uint16 }{24, uint16(cols), 0, 0}
	ioctl(tty, syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
	t.Cleanup(func() { tty.Close(); ptmx.Close() })
	return ptmx, tty
}

// find on a real terminal fits its width (the terminal's size, or
// $COLUMNS when set): no line wraps.
func TestFindOnATerminalFitsItsWidth(t *testing.T) {
	for _, tt := range []struct{ size, columns, want int }{{80, 0, 80}, {100, 200, 200}} {
		ptmx, tty := openPTY(t, tt.size)
		var screen bytes.Buffer
		done := make(chan struct{})
		go func() { io.Copy(&screen, ptmx); close(done) }()
		var errb bytes.Buffer
		code := Main(context.Background(), []string{"find", "--demo", "--ou", "OU=Corp,DC=corp,DC=example", "--subtree"}, Env{
			Stdin: strings.NewReader(""), Stdout: tty, Stderr: &errb,
			Getenv: func(k string) string {
				if k == "COLUMNS" && tt.columns > 0 {
					return fmt.Sprint(tt.columns)
				}
				return map[string]string{"LDAPNOINIT": "1", "XDG_STATE_HOME": t.TempDir()}[k]
			}})
		tty.Close() // the controller reads to the end
		<-done
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		lines := strings.Split(strings.ReplaceAll(screen.String(), "\r", ""), "\n")
		longest := 0
		for _, l := range lines {
			longest = max(longest, utf8.RuneCountInString(l))
		}
		if longest > tt.want || longest < tt.want*3/4 || len(lines) < 10 {
			t.Errorf("a %d-column terminal (COLUMNS %d): longest line %d of %d lines:\n%s", tt.size, tt.columns, longest, len(lines), screen.String())
		}
		if tt.want == 80 && strings.Contains(lines[0], "TELEPHONY") {
			t.Errorf("80 columns: %q", lines[0])
		}
		// The home server that is no pool (Sam Taylor's) is whole: the row's
		// features leave it the room.
		if !strings.Contains(screen.String(), "Retired Servers (not a pool)") {
			t.Errorf("a %d-column terminal: the pool cell cut:\n%s", tt.size, screen.String())
		}
	}
}
