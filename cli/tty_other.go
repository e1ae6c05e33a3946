//go:build !windows

package cli

import "os"

// openTerminal opens the controlling terminal, for input and output.
func openTerminal() (in, out *os.File, err error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	// Two handles on one file: both are closed by the caller.
	dup, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		tty.Close()
		return nil, nil, err
	}
	return tty, dup, nil
}
