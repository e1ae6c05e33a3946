package cli

import (
	"flag"

	"ocsflags/flags"
)

// whereFlag is the repeatable --where NAME=VALUE option of find and set:
// each expression is parsed as it is given, so a bad one is refused before
// anything connects, and all of them must hold (flags.Where).
type whereFlag struct {
	w flags.Where
}

// registerWhere adds --where to fs; Where() is the parsed list.
func registerWhere(fs *flag.FlagSet) *whereFlag {
	f := &whereFlag{}
	fs.Var(f, "where", "")
	return f
}

func (f *whereFlag) String() string {
	if f == nil {
		return ""
	}
	return f.w.String()
}

func (f *whereFlag) Set(s string) error {
	w, err := flags.ParseWhere([]string{s})
	if err != nil {
		// parse turns "invalid value … for flag -where: --where …" into
		// the part after the colon.
		return usageError("--where %s", err)
	}
	f.w = f.w.And(w)
	return nil
}

// Where is every --where given, to be matched against each user's facts
// (directory.Auditor.Facts).
func (f *whereFlag) Where() flags.Where { return f.w }
