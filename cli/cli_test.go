package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"ocsflags/directory"
	"ocsflags/flags"
)

// run runs ocsflags with args and returns exit code, stdout and stderr.
// LDAPURI and friends are never read from the machine.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runEnv(t, map[string]string{"LDAPNOINIT": "1"}, args...)
}

// runEnv is run with the given environment variables (and a scratch
// XDG_STATE_HOME).
func runEnv(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			if k == "XDG_STATE_HOME" {
				return t.TempDir()
			}
			return vars[k]
		},
	})
	return code, out.String(), errb.String()
}

func TestExplain(t *testing.T) {
	code, out, _ := run(t, "explain", "961")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"[x]    1  Enable public IM connectivity",
		"[x]   64  Allow anonymous participants",
		"[x]  128  Enable Enterprise Voice",
		"[x]  256  Enable enhanced presence",
		"[x]  512  Enable PBX integration for Enterprise Voice",
		"[ ]   16  Enable remote call control",
		"Telephony: Enable PBX integration for Enterprise Voice",
		"hex 0x000003C1",
		"One-way",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain 961 lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = run(t, "explain", "1024")
	if !strings.Contains(out, "[x] 1024  undocumented") {
		t.Errorf("explain 1024 does not call it undocumented:\n%s", out)
	}
	_, out, _ = run(t, "explain", "-1")
	if !strings.Contains(out, "decimal 4294967295   AD form -1") || !strings.Contains(out, "Unknown bits") || !strings.Contains(out, "2147483648 (bit 31)") {
		t.Errorf("explain -1:\n%s", out)
	}
	if _, out, _ = run(t, "explain", "0x181"); !strings.Contains(out, "msRTCSIP-OptionFlags 385") {
		t.Errorf("explain 0x181:\n%s", out)
	}
	for _, bad := range [][]string{{"explain", "abc"}, {"explain"}, {"explain", "1", "2"}, {"explain", "99999999999"}} {
		code, out, errs := run(t, bad...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line", bad, code, out, errs)
		}
	}
	if _, _, errs := run(t, "explain", "abc"); !strings.Contains(errs, `"abc"`) || !strings.Contains(errs, "0x") {
		t.Errorf("error does not name the input and the accepted forms: %q", errs)
	}
}

func TestExplainJSON(t *testing.T) {
	code, out, _ := run(t, "explain", "--json", "2305")
	if code != 0 {
		t.Fatal(code)
	}
	var e struct {
		Value    uint32 `json:"value"`
		Hex      string `json:"hex"`
		Features []struct {
			Value uint32 `json:"value"`
			Bit   int    `json:"bit"`
			Name  string `json:"name"`
			Label string `json:"label"`
			Group string `json:"group"`
			Set   bool   `json:"set"`
		} `json:"features"`
		Unknown   []uint32 `json:"unknown"`
		Telephony string   `json:"telephony"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err)
	}
	if e.Value != 2305 || e.Hex != "0x00000901" || len(e.Features) != 11 || e.Telephony != "pc" {
		t.Errorf("%+v", e)
	}
	if len(e.Unknown) != 1 || e.Unknown[0] != 2048 {
		t.Errorf("unknown = %v", e.Unknown)
	}
	if !e.Features[0].Set || e.Features[0].Label != "Enable public IM connectivity" || e.Features[0].Group != "Federation" || !e.Features[8].Set {
		t.Errorf("features = %+v", e.Features)
	}
}

func TestAuditExitCodesAndJSON(t *testing.T) {
	if code, out, _ := run(t, "audit", "alovelace"); code != 0 || !strings.Contains(out, "READY") {
		t.Errorf("ready user: exit %d\n%s", code, out)
	}
	code, out, _ := run(t, "audit", "jryan")
	if code != 1 || !strings.Contains(out, "no-enhanced-presence") || !strings.Contains(out, flags.ClientMsgNoEnhancedPresence) || !strings.Contains(out, "ocsflags set --demo jryan +ep") {
		t.Errorf("LCS user: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "audit", "--json", "alovelace", "sip:alee@corp.example")
	if code != 1 {
		t.Errorf("duplicate SIP address: exit %d", code)
	}
	var res []struct {
		DN       string `json:"dn"`
		Ready    bool   `json:"ready"`
		Findings []struct {
			ID        string `json:"id"`
			Severity  string `json:"severity"`
			Attribute string `json:"attribute"`
			Message   string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res) != 3 || !res[0].Ready || res[1].Ready || res[1].Findings[0].ID != "sip-address-duplicate" || res[1].Findings[0].Severity != "error" || res[1].Findings[0].Attribute != flags.AttrPrimaryUserAddress {
		t.Errorf("audit JSON = %+v", res)
	}
	for _, bad := range [][]string{
		{"audit", "nobody-at-all"},
		{"audit", "CN=Nobody,DC=corp,DC=example"},
		{"audit", "--ou", "not a DN"},
		{"audit"},
		{"audit", "--subtree", "alee"},
	} {
		code, out, errs := run(t, bad...)
		if code != 2 || out != "" || errs == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", bad, code, out, errs)
		}
	}
	code, out, _ = run(t, "audit", "--ou", "OU=Migrated-LCS2005,DC=corp,DC=example")
	if code != 1 || !strings.Contains(out, "9 users: 3 ready, 6 not ready") || !strings.Contains(out, "archiving-legacy-value") {
		t.Errorf("audit --ou: exit %d\n%s", code, out)
	}
}

// ldifCopy writes the demo organisation to a temporary export.
func ldifCopy(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "export.ldif")
	if err := os.WriteFile(p, directory.DemoLDIF(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSet(t *testing.T) {
	in := ldifCopy(t)
	changes := filepath.Join(t.TempDir(), "changes.ldif")
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	common := []string{"--ldif", in, "--changes-out", changes, "--journal", journal}

	// Kim Nguyen has the undocumented bit 1024 set (1280): +pic changes bit
	// 1 and nothing else.
	code, out, errs := run(t, append([]string{"set", "knguyen", "+pic"}, common...)...)
	if code != 0 || !strings.Contains(out, "1280 -> 1281  (+1 pic)") {
		t.Fatalf("set +pic: exit %d\n%s%s", code, out, errs)
	}
	rec, _ := os.ReadFile(changes)
	if !strings.Contains(string(rec), "delete: msRTCSIP-OptionFlags\nmsRTCSIP-OptionFlags: 1280\n-\nadd: msRTCSIP-OptionFlags\nmsRTCSIP-OptionFlags: 1281") {
		t.Errorf("changes file:\n%s", rec)
	}
	entries, err := directory.ReadJournal(journal)
	if err != nil || len(entries) != 2 || entries[0].Phase != directory.PhaseIntent || !entries[1].Written() || *entries[1].After != "1281" {
		t.Errorf("journal: %+v %v", entries, err)
	}
	if got, _ := os.ReadFile(in); !bytes.Equal(got, directory.DemoLDIF()) {
		t.Error("input LDIF modified")
	}

	code, _, errs = run(t, append([]string{"set", "knguyen", "-ep"}, common...)...)
	if code != 2 || !strings.Contains(errs, "one-way") {
		t.Errorf("-ep: exit %d %s", code, errs)
	}
	for _, bad := range [][]string{
		{"set", "--demo", "knguyen", "+frobnicate"},
		{"set", "--demo", "knguyen", "+257"},
		{"set", "--demo", "knguyen", "pic"},
		{"set", "--demo", "knguyen", "+pic", "-pic"},
		{"set", "--demo", "knguyen", "telephony=voip"},
		{"set", "--demo", "knguyen", "sip=alee@corp.example"},
		{"set", "--demo", "knguyen", "pool=nowhere.corp.example"},
		{"set", "--demo", "nobody-here", "+pic"},
		{"set", "--demo", "sip:alee@corp.example", "+pic"},
		{"set", "--demo", "knguyen"},
	} {
		code, _, errs := run(t, bad...)
		if code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", bad, code, errs)
		}
	}

	code, out, _ = run(t, "set", "--demo", "--dry-run", "jryan", "+ep", "telephony=ev")
	if code != 0 || !strings.Contains(out, "msRTCSIP-OptionFlags: 0\n-\nadd: msRTCSIP-OptionFlags\nmsRTCSIP-OptionFlags: 384") || !strings.Contains(out, "nothing was written") {
		t.Errorf("dry run:\n%s", out)
	}
	code, out, _ = run(t, "set", "--demo", "qharper", "sip=sip:qharper@corp.example", "pool=poolr2.corp.example")
	if code != 0 || !strings.Contains(out, "CN=LC Services,CN=Microsoft,CN=2:1,CN=Pools") {
		t.Errorf("set sip and pool:\n%s", out)
	}
}

// Two set commands at the same time on one user, for different bits, both
// land: the loser of the compare-and-swap re-reads and re-applies its delta.
func TestConcurrentSet(t *testing.T) {
	m, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	const dn = "CN=Kim Nguyen,OU=Engineering,OU=Corp,DC=corp,DC=example"
	var wg sync.WaitGroup
	for _, c := range []flags.Change{{Flags: flags.Delta{Set: flags.PublicIM}}, {Flags: flags.Delta{Set: flags.AnonymousParticipants}}, {Federation: flags.Some(true)}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := directory.Update(context.Background(), m, dn, c, 10); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	u, _ := m.User(context.Background(), dn)
	if u.OCS.OptionFlags.V != 1280|1|64 || !u.OCS.Federation.V {
		t.Errorf("after concurrent sets: %d federation %v", u.OCS.OptionFlags.V, u.OCS.Federation)
	}
}

func TestParseOptionsAnywhere(t *testing.T) {
	code, out, _ := run(t, "explain", "961", "--json")
	if code != 0 || !strings.HasPrefix(out, "{") {
		t.Errorf("option after the value: exit %d %q", code, out)
	}
	if code, _, errs := run(t, "explain", "--bogus", "1"); code != 2 || !strings.Contains(errs, "--bogus") {
		t.Errorf("unknown option: %d %q", code, errs)
	}
	if code, _, errs := run(t, "frobnicate"); code != 2 || !strings.Contains(errs, "frobnicate") {
		t.Errorf("unknown command: %d %q", code, errs)
	}
	if code, _, errs := run(t, "audit", "--changes-out", "x.ldif", "alee"); code != 2 || !strings.Contains(errs, "--ldif") {
		t.Errorf("--changes-out without --ldif: %d %q", code, errs)
	}
}

// -h and --help print the usage wherever they appear: an admin who types
// ocsflags -h must not get a silent exit.
func TestHelpPrintsUsage(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"set", "-h"}, {"audit", "--help"}, {"explain", "-h"}} {
		code, out, errs := run(t, args...)
		// explain reads no directory: its usage has no connection options.
		if code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "--password-file") && args[0] != "explain" || errs != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

// Bad input exits 2 with a message that names the problem, for audit and
// set alike.
func TestBadInputNamesTheProblem(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"audit", "nobody-here"}, `no user has sAMAccountName, userPrincipalName, mail, SIP address or name "nobody-here"`},
		{[]string{"audit", "CN=Ann Lee,,OU=Sales,DC=corp,DC=example"}, "not a valid distinguished name"},
		{[]string{"set", "--demo", "CN=Ann Lee,,OU=Sales,DC=corp,DC=example", "+pic"}, "not a valid distinguished name"},
		{[]string{"audit", "--ou", "OU=Sales,,DC=corp"}, "not a valid distinguished name"},
		{[]string{"set", "--demo", "knguyen", "+frobnicate"}, `unknown feature "frobnicate"`},
		{[]string{"set", "--demo", "knguyen", "telephony=voip"}, `"voip"`},
		{[]string{"set", "--demo", "knguyen", "line=4255550100"}, `Line URI "4255550100" must start with tel:`},
		{[]string{"set", "--demo", "knguyen", "sip=sip:alee@corp.example"}, `sip:alee@corp.example is already the sign-in name of CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example and CN=Lee\, Ann`},
		{[]string{"set", "--demo", "--dry-run", "knguyen", "sip=sip:ALEE@corp.example"}, `already the sign-in name of`},
		{[]string{"set", "--demo", "--dry-run", "ipetrov", "sip="}, `needs a sign-in name; add -enabled`},
		{[]string{"set", "--demo", "--dry-run", "ipetrov", "+2"}, `bit 1 (value 2) is reserved or undocumented`},
		{[]string{"set", "--demo", "--dry-run", "ipetrov", "-1024"}, `bit 10 (value 1024) is reserved or undocumented`},
		{[]string{"set", "--demo", "--dry-run", "ipetrov", "pool=poolr2.corp.example"}, `is already on a working pool (pool01.corp.example); move users between pools with the OCS tools`},
		{[]string{"set", "--demo", "--dry-run", "ushah", "+enabled"}, `has no sign-in name or pool; give sip= and pool=`},
		{[]string{"set", "--demo", "--dry-run", "ushah", "+enabled", "sip=sip:ushah@corp.example"}, `has no pool; give pool= with it`},
		{[]string{"set", "--demo", "knguyen", "line-server=gw.corp.example"}, `Server URI "gw.corp.example" must be a SIP URI`},
	}
	for _, tt := range tests {
		code, _, errs := run(t, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tt.args, code, errs, tt.want)
		}
	}
}

// set says what a Line URI change breaks, as the console does, and writes
// the scheme in lower case.
func TestSetLineWarnsAndNormalizes(t *testing.T) {
	code, out, errs := run(t, "set", "--demo", "--dry-run", "ipetrov", "line=TEL:51297")
	if code != 0 || !strings.Contains(errs, "warning: CN=Ivan Petrov") || !strings.Contains(errs, "Enterprise Voice is on") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, "msRTCSIP-Line: tel:51297") {
		t.Errorf("scheme not lower-cased:\n%s", out)
	}
	code, _, errs = run(t, "set", "--demo", "--dry-run", "ipetrov", "line=tel:+14255550199")
	if code != 0 || strings.Contains(errs, "warning") {
		t.Errorf("a good E.164 line warned: exit %d, %q", code, errs)
	}
}

// Enabling a disabled user whose stored sign-in name is malformed is
// refused: it would be enabled and unable to sign in.
func TestSetEnableRefusesMalformedSignInName(t *testing.T) {
	// The export, with Pat Quinn (sign-in name without sip:) disabled.
	in := ldifCopy(t)
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	at := strings.Index(text, "dn: CN=Pat Quinn,")
	rel := strings.Index(text[at:], "msRTCSIP-UserEnabled: TRUE")
	if at < 0 || rel < 0 {
		t.Fatal("no Pat Quinn in the export")
	}
	text = text[:at+rel] + "msRTCSIP-UserEnabled: FALSE" + text[at+rel+len("msRTCSIP-UserEnabled: TRUE"):]
	if err := os.WriteFile(in, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	common := []string{"--ldif", in, "--changes-out", filepath.Join(t.TempDir(), "c.ldif"), "--journal", filepath.Join(t.TempDir(), "journal.jsonl")}
	code, _, errs := run(t, append([]string{"set", "pquinn", "+enabled"}, common...)...)
	if code != 2 || !strings.Contains(errs, `+enabled: sign-in name "pquinn@corp.example" has no sip: prefix`) {
		t.Errorf("exit %d, %q", code, errs)
	}
}

// The fix audit suggests for a never-enabled user is one set command that
// works once POOL is filled in (set refuses +enabled alone for such a user).
func TestAuditSuggestsAWorkingEnableCommand(t *testing.T) {
	_, out, _ := run(t, "audit", "ushah")
	var line string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "fix: ocsflags set --demo ushah +enabled") {
			line = l
		}
	}
	if !strings.Contains(line, "sip=sip:ushah@corp.example") || !strings.Contains(line, "pool=POOL") || !strings.Contains(line, "+ep") {
		t.Fatalf("suggested %q", line)
	}
	cmd := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "fix: ocsflags "))
	var args []string
	for _, a := range cmd {
		if a == "(POOL:" {
			break
		}
		args = append(args, strings.Replace(a, "POOL", "pool01.corp.example", 1))
	}
	// As pasted: the fix names the demo the audit read.
	if code, _, errs := run(t, append(args, "--dry-run")...); code != 0 {
		t.Errorf("%v: exit %d %s", args, code, errs)
	}
}

// set keeps telephony on one of the console's options, and archiving= is a
// setting of its own that clears the LCS 2005 bits.
func TestSetTelephonyAndArchiving(t *testing.T) {
	in := ldifCopy(t)
	changes := filepath.Join(t.TempDir(), "changes.ldif")
	common := []string{"--ldif", in, "--changes-out", changes, "--journal", filepath.Join(t.TempDir(), "j.jsonl")}
	for _, tt := range []struct {
		args []string
	}{
		{[]string{"set", "gstacy", "+ev"}},        // RCC (272): +ev would write 400
		{[]string{"set", "alee", "+pbx"}},         // PC-only: 768
		{[]string{"set", "jryan", "+ep", "+pbx"}}, // 0: 768
		{[]string{"set", "fgallagher", "-ev"}},
		{[]string{"set", "gbest", "-rcc", "+pic"}}, // 912 - 16 = 896 is PBX: allowed, see below
	} {
		code, out, errs := run(t, append(tt.args, common...)...)
		if tt.args[1] == "gbest" {
			if code != 0 || !strings.Contains(out, "912 -> 897") {
				t.Errorf("%v: exit %d %s%s", tt.args, code, out, errs)
			}
			continue
		}
		if code != 2 || !strings.Contains(errs, "telephony=") || !strings.Contains(errs, "none of the console's options") {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming telephony=", tt.args, code, errs)
		}
	}
	if b, _ := os.ReadFile(changes); strings.Contains(string(b), "gstacy") || strings.Contains(string(b), "Ann Lee") {
		t.Errorf("a refused change was written:\n%s", b)
	}
	// telephony= moves between options.
	if code, out, errs := run(t, append([]string{"set", "gstacy", "telephony=ev"}, common...)...); code != 0 || !strings.Contains(out, "272 -> 384") {
		t.Errorf("telephony=ev: exit %d %s%s", code, out, errs)
	}

	// Omar Farouk has the legacy archiving value 3.
	code, out, errs := run(t, append([]string{"set", "ofarouk", "archiving=internal"}, common...)...)
	if code != 0 || !strings.Contains(out, flags.AttrArchivingEnabled) || !strings.Contains(out, "3 -> 4") {
		t.Fatalf("archiving=internal: exit %d\n%s%s", code, out, errs)
	}
	if b, _ := os.ReadFile(changes); !strings.Contains(string(b), "msRTCSIP-ArchivingEnabled: 3\n-\nadd: msRTCSIP-ArchivingEnabled\nmsRTCSIP-ArchivingEnabled: 4") {
		t.Errorf("changes file:\n%s", b)
	}
	for mode, want := range map[string]string{"none": "3 -> 0", "federated": "3 -> 8", "both": "3 -> 12"} {
		if code, out, errs := run(t, append([]string{"set", "--dry-run", "ofarouk", "archiving=" + mode}, common...)...); code != 0 || !strings.Contains(out, want) {
			t.Errorf("archiving=%s: exit %d %s%s", mode, code, out, errs)
		}
	}
	if code, _, errs := run(t, append([]string{"set", "ofarouk", "archiving=all"}, common...)...); code != 2 || !strings.Contains(errs, "none, internal, federated or both") {
		t.Errorf("archiving=all: exit %d %s", code, errs)
	}
	// The audit's fix for the legacy value is this setting.
	if _, out, _ := run(t, "audit", "--ldif", in, "ofarouk"); !strings.Contains(out, "ocsflags set --ldif "+shellQuote(in)+" --changes-out FILE ofarouk archiving=MODE") {
		t.Errorf("audit fix:\n%s", out)
	}
}

// explain --json carries the inferred markers of the catalogue and of the
// telephony options.
func TestExplainJSONInferred(t *testing.T) {
	code, out, _ := run(t, "explain", "--json", "896")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var e struct {
		Features []struct {
			Value    uint32 `json:"value"`
			Inferred *bool  `json:"inferred"`
		} `json:"features"`
		Telephony         string `json:"telephony"`
		TelephonyInferred *bool  `json:"telephony_inferred"`
		TelephonyOptions  []struct {
			Mode     string `json:"mode"`
			Label    string `json:"label"`
			Inferred *bool  `json:"inferred"`
			Selected bool   `json:"selected"`
		} `json:"telephony_options"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err)
	}
	inferred := map[uint32]bool{}
	for _, f := range e.Features {
		if f.Inferred == nil {
			t.Fatalf("feature %d has no inferred field:\n%s", f.Value, out)
		}
		inferred[f.Value] = *f.Inferred
	}
	if !inferred[512] || !inferred[1024] || inferred[256] || inferred[1] {
		t.Errorf("inferred = %v", inferred)
	}
	if e.Telephony != "pbx" || e.TelephonyInferred == nil || !*e.TelephonyInferred || len(e.TelephonyOptions) != 5 {
		t.Fatalf("telephony: %+v", e)
	}
	for _, o := range e.TelephonyOptions {
		want := o.Mode == "pbx" || o.Mode == "rcc+pbx"
		if o.Inferred == nil || *o.Inferred != want || o.Selected != (o.Mode == "pbx") {
			t.Errorf("option %+v", o)
		}
		if o.Mode == "pc" && o.Label != "Enable PC-to-PC communication only" {
			t.Errorf("PC-to-PC label %q (R2 wording)", o.Label)
		}
	}
}

// The audit's fix for a malformed sign-in name never names an address
// another object holds: here someone else already has sip:pquinn@…, which
// both the stored name with sip: added and the mail and UPN would give.
func TestAuditSIPFixIsFree(t *testing.T) {
	in := ldifCopy(t)
	if code, out, errs := run(t, "audit", "--ldif", in, "pquinn"); code != 1 || !strings.Contains(out, "fix: ocsflags set --ldif "+shellQuote(in)+" --changes-out FILE pquinn sip=sip:pquinn@corp.example") {
		t.Fatalf("audit pquinn: exit %d\n%s%s", code, out, errs)
	}
	b, _ := os.ReadFile(in)
	b = bytes.Replace(b, []byte("msRTCSIP-PrimaryUserAddress: sip:bcole@corp.example"), []byte("msRTCSIP-PrimaryUserAddress: sip:pquinn@corp.example"), 1)
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "audit", "--ldif", in, "pquinn")
	if code != 1 || strings.Contains(out, "sip=sip:pquinn@corp.example") || !strings.Contains(out, "sip-address-malformed") {
		t.Errorf("audit pquinn with sip:pquinn@ held by Brian Cole: exit %d\n%s%s", code, out, errs)
	}
}

// pool= naming the pool a user is already on, with the stored home server
// in another case (DNs compare without case, as AD does), writes nothing.
func TestSetPoolSameDNOtherCase(t *testing.T) {
	in := ldifCopy(t)
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	const home = "msRTCSIP-PrimaryHomeServer: CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"
	at := strings.Index(string(data), "dn: CN=Brian Cole,")
	rel := strings.Index(string(data)[at:], home)
	if at < 0 || rel < 0 {
		t.Fatal("no Brian Cole on pool01 in the export")
	}
	lower := "msRTCSIP-PrimaryHomeServer: CN=LC Services,CN=Microsoft,cn=pool01,cn=pools,cn=RTC Service,cn=Services,cn=Configuration,dc=corp,dc=example"
	text := string(data[:at+rel]) + lower + string(data[at+rel+len(home):])
	if err := os.WriteFile(in, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "set", "--ldif", in, "--journal", filepath.Join(t.TempDir(), "j.jsonl"), "--dry-run", "bcole", "pool=pool01.corp.example")
	if code != 0 || strings.Contains(out, "msRTCSIP-PrimaryHomeServer") || !strings.Contains(out, "nothing to change") {
		t.Errorf("set pool= to the pool the user is on: exit %d\n%s%s", code, out, errs)
	}
}
