//go:build windows

package cli

import "os"

// openTerminal opens the console: CONIN$ to read the password from (with
// echo off), CONOUT$ for the prompt, whatever standard input and output are
// redirected to.
func openTerminal() (in, out *os.File, err error) {
	in, err = os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	out, err = os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		in.Close()
		return nil, nil, err
	}
	return in, out, nil
}
