package cli

import (
	"flag"
	"strings"

	"ocsflags/flags"
	"ocsflags/termtext"
)

// whereFlag is the repeatable --where NAME=VALUE option of find and set:
// each expression is parsed as it is given, so a bad one is refused before
// anything connects, and all of them must hold (flags.Where).
type whereFlag struct {
	w flags.Where
	// pools are the values of pool= (find says when one names no pool).
	pools []string
	// onOff remembers, for each on/off or yes/no NAME given, its value and
	// the expression, to refuse a later one that says the opposite.
	onOff map[string][2]string
}

// whereOnOffNames are the NAMEs whose value is on/off (or yes/no), with
// the short forms flags.ParseWhere accepts for them.
var whereOnOffNames = map[string]string{"pic": "pic", "ev": "ev", "rcc": "rcc", "pbx": "pbx", "anonymous": "anonymous",
	"ep": "ep", "federation": "federation", "fed": "federation", "remote-access": "remote-access", "remote": "remote-access",
	"enabled": "enabled", "ready": "ready"}

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
	name, value, _ := strings.Cut(s, "=")
	name, value = strings.ToLower(strings.TrimSpace(name)), strings.ToLower(strings.TrimSpace(value))
	if name == "pool" {
		f.pools = append(f.pools, strings.TrimSpace(s[strings.Index(s, "=")+1:]))
	}
	if n, ok := whereOnOffNames[name]; ok {
		on := value == "on" || value == "yes" || value == "true"
		v := map[bool]string{true: "on", false: "off"}[on]
		if prev, seen := f.onOff[n]; seen && prev[0] != v {
			return usageError("--where %s contradicts --where %s: no user has both, so nothing would match (give one of them)",
				termtext.Quote(s), termtext.Quote(prev[1]))
		}
		if f.onOff == nil {
			f.onOff = map[string][2]string{}
		}
		f.onOff[n] = [2]string{v, s}
	}
	f.w = f.w.And(w)
	return nil
}

// Where is every --where given, to be matched against each user's facts
// (directory.Auditor.Facts).
func (f *whereFlag) Where() flags.Where { return f.w }
