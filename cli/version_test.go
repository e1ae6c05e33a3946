package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionText(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "ocsflags", Version: "v1.2.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-12-01T08:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{bi, true, "ocsflags v1.2.0, revision 0123abcd of 2026-12-01T08:00:00Z with local changes, go1.26.8\n"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true, "ocsflags (devel), revision unknown (built without VCS information), go1.26.8\n"},
		{nil, false, "ocsflags (no build information)\n"},
	} {
		if got := versionText(tc.bi, tc.ok); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	code, out, _ := run(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "ocsflags ") {
		t.Errorf("--version: %d %q", code, out)
	}
	if code, out2, _ := run(t, "version"); code != 0 || out2 != out {
		t.Errorf("version: %d %q, --version %q", code, out2, out)
	}
}
