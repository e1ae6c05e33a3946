package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"ocsflags/termtext"
)

// printf is fmt.Fprintf for the text output of a command: the format is
// ocsflags' own, the arguments are data (names, DNs, values, messages that
// quote them), so every string, error and Stringer argument is rendered
// through termtext.Safe. A control character from the directory or a file
// is then shown escaped, and a name cannot end a line, clear the screen or
// paint a fake "✓ READY". JSON output does not come here: it must stay
// exact, and writeJSON escapes the same characters as JSON \u escapes.
func printf(w io.Writer, format string, a ...any) {
	args := make([]any, len(a))
	for i, v := range a {
		switch x := v.(type) {
		case string:
			args[i] = termtext.Safe(x)
		case error:
			args[i] = termtext.Safe(x.Error())
		case fmt.Stringer:
			args[i] = termtext.Safe(x.String())
		default:
			args[i] = v
		}
	}
	fmt.Fprintf(w, format, args...)
}

// linesError is an error of several lines (a head and a list), kept apart so
// that each line is escaped on its own and the list stays a list.
type linesError struct {
	head  string
	lines []string
}

func (e *linesError) Error() string { return e.head + "\n" + strings.Join(e.lines, "\n") }

// errorText renders an error for standard error: its text through
// termtext.Safe, line by line for a linesError.
func errorText(err error) string {
	var le *linesError
	if errors.As(err, &le) {
		out := []string{termtext.Safe(le.head)}
		for _, l := range le.lines {
			out = append(out, termtext.Safe(l))
		}
		return strings.Join(out, "\n")
	}
	return termtext.Safe(err.Error())
}
