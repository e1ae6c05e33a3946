package cli

import (
	"fmt"
	"runtime/debug"
)

// versionText says which build this is: the module version and the VCS
// revision the go command stamped into it (go build in a checkout), so a
// bug report names the exact code.
func versionText(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "ocsflags (no build information)\n"
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, when string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	out := "ocsflags " + version
	if rev == "" {
		out += ", revision unknown (built without VCS information)"
	} else {
		out += ", revision " + rev
		if when != "" {
			out += " of " + when
		}
		if modified {
			out += " with local changes"
		}
	}
	return fmt.Sprintf("%s, %s\n", out, bi.GoVersion)
}

func printVersion(env Env) int {
	bi, ok := debug.ReadBuildInfo()
	fmt.Fprint(env.Stdout, versionText(bi, ok))
	return ExitOK
}
