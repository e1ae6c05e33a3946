//go:build !unix

package directory

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs") }
