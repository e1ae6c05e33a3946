package cli

import (
	"strings"
	"testing"
	"time"

	"ocsflags/directory"
	"ocsflags/flags"
)

func TestAuditCountsInWords(t *testing.T) {
	var b strings.Builder
	writeCounts(&b, 1, 1, map[string]int{})
	if !strings.Contains(b.String(), "1 user: 1 ready, 0 not ready") {
		t.Errorf("%q", b.String())
	}
	b.Reset()
	writeCounts(&b, 2, 1, map[string]int{})
	if !strings.Contains(b.String(), "2 users: 1 ready, 1 not ready") {
		t.Errorf("%q", b.String())
	}
	u := directory.User{DN: "CN=Ann Lee,DC=corp,DC=example", SAMAccountName: "alee"}
	for n, want := range map[int]string{1: "with 1 warning\n", 2: "with 2 warnings\n"} {
		var fs []flags.Finding
		for range n {
			fs = append(fs, flags.Finding{ID: "w", Severity: flags.Warning, Problem: "p"})
		}
		b.Reset()
		writeAudit(&b, u, fs, nil, directory.PoolSet{}, fixTarget{})
		if !strings.Contains(b.String(), "READY: can sign in, "+want) {
			t.Errorf("%d warnings:\n%s", n, b.String())
		}
	}
}

func TestTimeoutTakesSecondsOrADuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"5": 5 * time.Second, "0.5": 500 * time.Millisecond, "2m": 2 * time.Minute, "30s": 30 * time.Second} {
		var f timeoutFlag
		if err := f.Set(in); err != nil || time.Duration(f) != want {
			t.Errorf("--timeout %s: %v, %v", in, time.Duration(f), err)
		}
	}
	code, _, errs := run(t, "audit", "--demo", "--timeout", "5x", "alee")
	if code != 2 || !strings.Contains(errs, "--timeout 5x: use a duration like 30s") || strings.Contains(errs, "invalid value") {
		t.Errorf("--timeout 5x: exit %d %q", code, errs)
	}
	if code, _, errs := run(t, "audit", "--demo", "--timeout", "5", "alovelace"); code != 0 {
		t.Errorf("--timeout 5: exit %d %q", code, errs)
	}
}

// Values a message quotes are shown in termtext's escapes, the one style of
// every output, never Go's %q (\a, doubled backslashes); a feature name is
// shown as typed.
func TestMessagesQuoteInOneStyle(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"set", "--demo", "jryan", "line=tel:+1\x07"}, `Line URI "tel:+1\x07"`},
		{[]string{"set", "--demo", "jryan", "+PIX"}, `unknown feature "PIX" in +PIX`},
		{[]string{"set", "--demo", `CORP\nobody`, "+pic"}, `user "CORP\nobody"`},
		{[]string{"set", "--demo", "jryan", "telephony=v\u202eoip"}, `"v\u202eoip" is not a telephony mode`},
	} {
		code, _, errs := run(t, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.want) || strings.Contains(errs, `\a`) || strings.Contains(errs, `\\`) {
			t.Errorf("%q: exit %d, want %s in:\n%s", tt.args, code, tt.want, errs)
		}
	}
}
