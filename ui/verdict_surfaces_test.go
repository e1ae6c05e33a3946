package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"ocsflags/cli"
	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui"
)

// One verdict: for the states the forest layouts and LCS 2005 leave behind,
// the console's list, detail and audit screen and the command line's audit
// and audit --json all say the same thing, on the same demo directory.
func TestOneVerdictOnEverySurface(t *testing.T) {
	for _, tt := range []struct {
		name, id string
		// helpdesk: the demo as an account that cannot read the pool
		// objects sees it.
		helpdesk bool
		verdict  flags.Verdict
		findings []string // error and warning ids, as audit --json lists them
		notes    []string
		detail   string // what the detail's Readiness line says
	}{
		{"AD-disabled user", "ukent", false, flags.VerdictADDisabled, []string{flags.FindingADAccountDisabled}, nil,
			"✗ cannot sign in: the AD account is disabled"},
		{"resource-forest user (disabled + OriginatorSid)", "rstone", false, flags.VerdictReady, nil, []string{flags.FindingADAccountDisabled},
			"✓ ready to sign in · resource-forest account"},
		{"LCS-era user (0)", "jryan", false, flags.VerdictCommunicator2005Only, []string{flags.FindingNoEnhancedPresence}, nil,
			"✗ cannot sign in with Communicator 2007/R2 (Communicator 2005 still works)"},
		{"central-forest contact without OriginatorSid", "xena@partner.example", false, flags.VerdictCannotSignIn, []string{flags.FindingContactNoOriginatorSid}, nil,
			"✗ cannot sign in (1 problem)"},
		{"central-forest contact with OriginatorSid", "yusuf@partner.example", false, flags.VerdictReady, nil, []string{flags.FindingContactNoOriginatorSid},
			"✓ ready to sign in"},
		{"user on a pool this account cannot read", "bcole", true, flags.VerdictUnverified, []string{flags.FindingHomeServerUnchecked}, nil,
			"? cannot tell: this account cannot read the pools (home server not checked)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			open := func() (directory.Directory, error) {
				m, err := directory.OpenDemo()
				if err != nil || !tt.helpdesk {
					return m, err
				}
				return helpdeskView{m}, nil
			}
			d, err := open()
			if err != nil {
				t.Fatal(err)
			}
			for _, sz := range [][2]int{{200, 50}, {80, 24}} {
				list, detail, audit := ui.ConsoleVerdicts(t, d, tt.id, sz[0], sz[1])
				if list != tt.verdict.Word() {
					t.Errorf("%dx%d list: %q, want %q", sz[0], sz[1], list, tt.verdict.Word())
				}
				if !strings.HasPrefix(detail, tt.detail) {
					t.Errorf("%dx%d detail: %q, want %q", sz[0], sz[1], detail, tt.detail)
				}
				wantAudit := tt.verdict.Mark() + " " + tt.verdict.Headline()
				if tt.verdict == flags.VerdictCannotSignIn {
					wantAudit = "✗ cannot sign in: 1 problem"
				}
				if tt.helpdesk && !strings.Contains(ui.ConsoleHeader(t, d, tt.id, sz[0], sz[1]), "pools unreadable") {
					t.Errorf("%dx%d: the header does not say the pools cannot be read", sz[0], sz[1])
				}
				if !strings.HasPrefix(audit, wantAudit) {
					t.Errorf("%dx%d audit screen: %q, want %q", sz[0], sz[1], audit, wantAudit)
				}
			}

			code, out, errs := runCLI(open, "audit", tt.id)
			wantCode := 1
			wantText := "NOT READY: " + tt.verdict.Headline()
			switch tt.verdict {
			case flags.VerdictReady:
				wantCode, wantText = 0, "✓ READY: can sign in"
			case flags.VerdictCannotSignIn:
				wantText = "✗ NOT READY: cannot sign in (1 problem)"
			case flags.VerdictUnverified:
				// Not known to be ready: exit 1, as a script must not
				// take it for ready.
				wantText = "? NOT VERIFIED: " + tt.verdict.Headline()
			}
			if code != wantCode || !strings.Contains(out, wantText) {
				t.Errorf("audit: exit %d (want %d), want %q in:\n%s%s", code, wantCode, wantText, out, errs)
			}
			for _, id := range append(slices.Clone(tt.findings), tt.notes...) {
				if !strings.Contains(out, id) {
					t.Errorf("audit does not name %s:\n%s", id, out)
				}
			}

			code, out, errs = runCLI(open, "audit", "--json", tt.id)
			var got []struct {
				Ready    bool   `json:"ready"`
				Verdict  string `json:"verdict"`
				Findings []struct {
					ID string `json:"id"`
				} `json:"findings"`
				Notes []struct {
					ID      string `json:"id"`
					Message string `json:"message"`
				} `json:"notes"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 1 || code != wantCode {
				t.Fatalf("audit --json: exit %d, %v\n%s%s", code, err, out, errs)
			}
			a := got[0]
			var ids, notes []string
			for _, f := range a.Findings {
				ids = append(ids, f.ID)
			}
			for _, n := range a.Notes {
				notes = append(notes, n.ID)
				if n.Message == "" {
					t.Errorf("note %s says nothing", n.ID)
				}
			}
			if a.Ready != (tt.verdict == flags.VerdictReady) || a.Verdict != tt.verdict.String() || !slices.Equal(ids, tt.findings) || !slices.Equal(notes, tt.notes) {
				t.Errorf("audit --json: ready %v verdict %q findings %v notes %v; want verdict %q findings %v notes %v",
					a.Ready, a.Verdict, ids, notes, tt.verdict, tt.findings, tt.notes)
			}
		})
	}
}

func runCLI(open func() (directory.Directory, error), args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }, OpenDemo: open,
	})
	return code, out.String(), errb.String()
}

// helpdeskView is the demo as an account that may not read the pool objects
// sees it over LDAP: the containers are searched, and the server leaves the
// pools out without a word.
type helpdeskView struct{ *directory.Memory }

func (h helpdeskView) Pools(ctx context.Context) (directory.PoolList, error) {
	l, err := h.Memory.Pools(ctx)
	for i := range l.Places {
		l.Places[i].Complete = false
	}
	l.Pools, l.Reader = nil, "helpdesk@corp.example"
	return l, err
}
