package cli

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ocsflags/flags"
)

// findUser is what the tests read back of find --json.
type findUser struct {
	DN             string        `json:"dn"`
	Name           string        `json:"name"`
	SAMAccountName string        `json:"sAMAccountName"`
	SIP            *string       `json:"sip"`
	Pool           *string       `json:"pool"`
	Enabled        bool          `json:"enabled"`
	OptionFlags    *uint32       `json:"optionFlags"`
	Features       []string      `json:"features"`
	Telephony      string        `json:"telephony"`
	Federation     bool          `json:"federation"`
	RemoteAccess   bool          `json:"remoteAccess"`
	Archiving      string        `json:"archiving"`
	Line           *string       `json:"line"`
	LineServer     *string       `json:"lineServer"`
	Ready          bool          `json:"ready"`
	Verdict        string        `json:"verdict"`
	Findings       []findFinding `json:"findings"`
}

// findFinding is a finding as find --json and audit --json both show it.
type findFinding struct {
	ID         string `json:"id"`
	Severity   string `json:"severity"`
	Attribute  string `json:"attribute"`
	Value      string `json:"value"`
	Message    string `json:"message"`
	Experience string `json:"experience"`
}

func findingIDsOf(fs []findFinding) string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return strings.Join(ids, " ")
}

// findJSONOf runs find --json with args and decodes the list.
func findJSONOf(t *testing.T, args ...string) []findUser {
	t.Helper()
	code, out, errs := run(t, append([]string{"find", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("find %q: exit %d: %s", args, code, errs)
	}
	var us []findUser
	if err := json.Unmarshal([]byte(out), &us); err != nil {
		t.Fatalf("find %q: %v\n%s", args, err, out)
	}
	return us
}

func sams(us []findUser) []string {
	var out []string
	for _, u := range us {
		out = append(out, firstNonEmpty(u.SAMAccountName, u.Name))
	}
	return out
}

// The demo's hand-made users: each --where name finds the ones that have
// the setting and none that do not.
func TestFindDemoWhere(t *testing.T) {
	tests := []struct {
		where   string
		yes, no []string
	}{
		{"pic=on", []string{"bcole", "ipetrov", "lmarsh"}, []string{"alee", "dpatel", "bnovak"}},
		{"pic=off", []string{"alee", "dpatel", "bnovak"}, []string{"bcole"}},
		{"ev=on", []string{"aturing", "cdubois", "nfischer"}, []string{"gstacy", "alee"}},
		{"rcc=on", []string{"gstacy", "htanaka", "gbest", "mito"}, []string{"fgallagher"}},
		{"pbx=on", []string{"fgallagher", "gbest", "obrown"}, []string{"aturing"}},
		{"anonymous=on", []string{"dpatel", "ipetrov"}, []string{"alee"}},
		{"ep=off", []string{"jryan", "srossi", "bnovak", "mito"}, []string{"alee", "ofarouk"}},
		{"federation=on", []string{"alee", "jgross", "thardy"}, []string{"cdiaz"}},
		{"remote-access=on", []string{"alee", "cdiaz", "thardy"}, []string{"jgross"}},
		{"enabled=on", []string{"alee", "ukent"}, []string{"qharper", "vhugo", "bnovak", "thardy"}},
		{"enabled=off", []string{"qharper", "vhugo", "bnovak"}, []string{"alee"}},
		{"telephony=pc", []string{"alee", "bnovak", "jryan"}, []string{"aturing", "nfischer"}},
		{"telephony=rcc", []string{"gstacy", "mito"}, []string{"gbest"}},
		{"telephony=ev", []string{"aturing", "dscully"}, []string{"fgallagher"}},
		{"telephony=pbx", []string{"fgallagher", "ipetrov"}, []string{"gbest", "obrown"}},
		{"telephony=rcc+pbx", []string{"gbest"}, []string{"fgallagher"}},
		{"telephony=inconsistent", []string{"nfischer", "obrown"}, []string{"alee"}},
		{"archiving=both", []string{"dpatel", "jroberts", "ifraser"}, []string{"cdiaz"}},
		{"archiving=internal", []string{"cdiaz", "thardy"}, []string{"dpatel"}},
		{"pool=pool01", []string{"alee", "jgross"}, []string{"ewalsh", "fhaddad", "staylor", "ralvarez"}},
		{"pool=poolr2.corp.example", []string{"ewalsh"}, []string{"alee"}},
		{"pool=ocs2007*", []string{"fhaddad", "jryan"}, []string{"alee"}},
		{"pool=none", []string{"ralvarez", "bnovak"}, []string{"alee", "staylor"}},
		{"ready=yes", []string{"bcole", "ofarouk", "rstone"}, []string{"alee", "jryan", "staylor", "vhugo"}},
		{"ready=no", []string{"alee", "jryan", "staylor", "vhugo"}, []string{"bcole"}},
		{"finding=home-server-not-a-pool", []string{"staylor"}, []string{"ralvarez", "alee"}},
		{"finding=sip-address-duplicate", []string{"alee", "annlee2"}, []string{"bcole"}},
		{"finding=no-enhanced-presence", []string{"jryan", "bnovak"}, []string{"alee"}},
		{"sip=*@partner.example", []string{"Xena Warrior", "Yusuf Ali"}, []string{"alee"}},
		{"sip=ALEE@corp.example", []string{"alee", "annlee2"}, []string{"bcole"}},
		{"sip=", []string{"bnovak", "qharper"}, []string{"alee"}},
		{"line=tel:+1425555011*", []string{"dscully", "ehunt", "fgallagher"}, []string{"aturing", "cdubois"}},
		{"line=*;ext=*", []string{"gstacy", "gbest"}, []string{"aturing"}},
	}
	for _, tt := range tests {
		got := sams(findJSONOf(t, "--demo", "--where", tt.where))
		for _, y := range tt.yes {
			if !slices.Contains(got, y) {
				t.Errorf("--where %s: %s missing from %v", tt.where, y, got)
			}
		}
		for _, n := range tt.no {
			if slices.Contains(got, n) {
				t.Errorf("--where %s: %s listed", tt.where, n)
			}
		}
	}
}

// Every on/off name splits the domain in two, the telephony options and
// ready/not ready partition it, and --count gives what find lists.
func TestFindDemoCountsMatchFind(t *testing.T) {
	all := len(findJSONOf(t, "--demo"))
	if all < 5000 {
		t.Fatalf("the whole demo domain is %d users", all)
	}
	code, out, errs := run(t, "find", "--demo", "--count", "--json")
	if code != 0 {
		t.Fatalf("count: exit %d: %s", code, errs)
	}
	var c findCounts
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if c.Users != all || c.Ready+c.NotReady != all || !c.Subtree || c.Scope != "DC=corp,DC=example" {
		t.Errorf("count %+v for %d users", c, all)
	}
	n := func(where ...string) int {
		var args []string
		for _, w := range where {
			args = append(args, "--where", w)
		}
		return len(findJSONOf(t, append([]string{"--demo"}, args...)...))
	}
	for _, name := range []string{"pic", "ev", "rcc", "pbx", "anonymous", "ep", "federation", "remote-access", "enabled"} {
		on, off := n(name+"=on"), n(name+"=off")
		if on+off != all || on != c.Features[name] {
			t.Errorf("%s: %d on + %d off, %d users; --count says %d", name, on, off, all, c.Features[name])
		}
	}
	sum := 0
	for _, mode := range []string{"pc", "rcc", "ev", "pbx", "rcc+pbx", "inconsistent"} {
		k := n("telephony=" + mode)
		if k != c.Telephony[mode] {
			t.Errorf("telephony=%s: find %d, --count %d", mode, k, c.Telephony[mode])
		}
		sum += k
	}
	if sum != all {
		t.Errorf("telephony options sum to %d of %d", sum, all)
	}
	if y, no := n("ready=yes"), n("ready=no"); y != c.Ready || no != c.NotReady {
		t.Errorf("ready %d/%d, --count %d/%d", y, no, c.Ready, c.NotReady)
	}
	pools := 0
	for p, k := range c.Pools {
		pools += k
		if strings.Contains(p, "=") {
			continue // a home server that is no pool: no pool=HOST finds it
		}
		if got := n("pool=" + p); got != k {
			t.Errorf("pool=%s: find %d, --count %d", p, got, k)
		}
	}
	if pools != all {
		t.Errorf("pools sum to %d of %d", pools, all)
	}
	// With --where, the counts are of the matching users.
	code, out, _ = run(t, "find", "--demo", "--count", "--json", "--where", "pic=on", "--where", "ready=no")
	var sub findCounts
	if json.Unmarshal([]byte(out), &sub); code != 0 || sub.Users != n("pic=on", "ready=no") || sub.Ready != 0 || sub.Features["pic"] != sub.Users {
		t.Errorf("count with --where: %+v", sub)
	}
}

// find --csv is what find --json says, one row per user under a header,
// read back by a CSV reader: "Lee, Ann" (a comma) and "Jürgen Groß" (an
// umlaut, in UTF-8 after a BOM) intact.
func TestFindDemoCSV(t *testing.T) {
	ou := []string{"--demo", "--ou", "OU=Corp,DC=corp,DC=example", "--subtree"}
	js := findJSONOf(t, ou...)
	code, out, errs := run(t, append([]string{"find", "--csv"}, ou...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, utf8BOM+"dn,name,") || !strings.Contains(out, "\r\n") {
		t.Fatalf("no BOM, header or CRLF: %.80q", out)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, utf8BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"dn", "name", "sAMAccountName", "sip", "pool", "enabled", "optionFlags", "features", "telephony",
		"federation", "remoteAccess", "archiving", "line", "ready", "verdict", "findings", "lineServer"}
	if !slices.Equal(rows[0], want) {
		t.Fatalf("header %v", rows[0])
	}
	if len(rows)-1 != len(js) || len(js) < 4000 {
		t.Fatalf("%d rows, find --json lists %d", len(rows)-1, len(js))
	}
	opt := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	seen := map[string]bool{}
	for i, r := range rows[1:] {
		j := js[i]
		of := ""
		if j.OptionFlags != nil {
			of = strconv.FormatUint(uint64(*j.OptionFlags), 10)
		}
		wantRow := []string{j.DN, j.Name, j.SAMAccountName, opt(j.SIP), opt(j.Pool), strconv.FormatBool(j.Enabled), of,
			strings.Join(j.Features, " "), j.Telephony, strconv.FormatBool(j.Federation), strconv.FormatBool(j.RemoteAccess),
			j.Archiving, opt(j.Line), strconv.FormatBool(j.Ready), j.Verdict, findingIDsOf(j.Findings), opt(j.LineServer)}
		if !slices.Equal(r, wantRow) {
			t.Errorf("row %d:\n%q\nwant %q", i+1, r, wantRow)
		}
		seen[r[1]] = true
	}
	for _, name := range []string{"Lee, Ann", "Jürgen Groß", "Zoë Ångström", "Costa, Yara (Contractor)"} {
		if !seen[name] {
			t.Errorf("%q is not a name read back", name)
		}
	}
}

// A cell a spreadsheet would take for a formula is made text, and control
// characters are shown escaped.
// find --json and --csv carry msRTCSIP-LineServer (the Server URI RCC
// needs) as lineServer: null, and an empty cell, where it is not set; in
// the CSV it is the last column, after the columns issue 16 named.
func TestFindLineServer(t *testing.T) {
	set := findJSONOf(t, "--demo", "--subtree", "--where", "line-server=*")
	unset := findJSONOf(t, "--demo", "--subtree", "--where", "line-server=")
	if len(set) < 3 || len(unset) < 1000 {
		t.Fatalf("%d users with a Server URI, %d without", len(set), len(unset))
	}
	for _, u := range set {
		if u.LineServer == nil || *u.LineServer == "" {
			t.Errorf("%s: lineServer %v, but it matches line-server=*", u.SAMAccountName, u.LineServer)
			continue
		}
		if u.SAMAccountName == "gstacy" && *u.LineServer != "sip:cstagw.corp.example@corp.example;gruu;opaque=srvr:cstagw" {
			t.Errorf("gstacy: lineServer %q", *u.LineServer)
		}
	}
	for _, u := range unset {
		if u.LineServer != nil {
			t.Errorf("%s: lineServer %q, but it matches line-server= (not set)", u.SAMAccountName, *u.LineServer)
		}
	}
	code, out, errs := run(t, "find", "--demo", "--subtree", "--where", "line-server=*", "--csv")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, utf8BOM))).ReadAll()
	if code != 0 || err != nil || len(rows) != 1+len(set) {
		t.Fatalf("exit %d, %v, %d rows: %s", code, err, len(rows), errs)
	}
	last := len(rows[0]) - 1
	if rows[0][last] != "lineServer" || rows[0][last-1] != "findings" {
		t.Fatalf("header %v", rows[0])
	}
	for i, r := range rows[1:] {
		if set[i].LineServer == nil || r[last] != *set[i].LineServer {
			t.Errorf("row %d: lineServer %q, --json says %v", i+1, r[last], set[i].LineServer)
		}
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"tel:+14255550101": "tel:+14255550101", "Jürgen": "Jürgen", "a\x1b[2Jb": `a\x1b[2Jb`, "\tx": `\x09x`, "": "",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// The text table: a header, a row per user with its verdict, and the
// count, scope and filter at the end.
func TestFindDemoText(t *testing.T) {
	code, out, errs := run(t, "find", "--demo", "--ou", "OU=Corp,DC=corp,DC=example", "--subtree", "--where", "fed=on")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "READY") || !strings.Contains(lines[0], "SAMACCOUNTNAME") {
		t.Errorf("header %q", lines[0])
	}
	for _, want := range []string{"✗ problems     Ann Lee", "✓ ready        Jürgen Groß                 jgross            pool01.corp.example",
		"7 users in OU=Corp,DC=corp,DC=example and below, where fed=on: 6 ready, 1 not ready"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if len(lines) != 1+7+2 {
		t.Errorf("%d lines:\n%s", len(lines), out)
	}
	code, out, _ = run(t, "find", "--demo", "--ou", "OU=Corp,DC=corp,DC=example", "--where", "pic=on")
	if code != 0 || !strings.Contains(out, "no user in OU=Corp,DC=corp,DC=example, where pic=on") {
		t.Errorf("an OU without a match: exit %d\n%s", code, out)
	}
}

// Bad input exits 2 before connecting, naming what is wrong.
func TestFindBadInput(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--where", "tel=voice"}, `--where "tel=voice": "voice" is not a telephony mode: use pc, rcc, ev, pbx, rcc+pbx or inconsistent`},
		{[]string{"--where", "finding=no-pool"}, `"no-pool" is not a finding id: use not-enabled, no-sip-address`},
		{[]string{"--where", "colour=red"}, `unknown name "colour": use NAME=VALUE: pic ev rcc`},
		{[]string{"--json", "--csv"}, "give --json or --csv, not both"},
		{[]string{"alee"}, "find takes no users (alee)"},
		{[]string{"--ou", "Corp"}, "not a valid distinguished name"},
		{[]string{"--ou", "OU=Nowhere,DC=corp,DC=example"}, "list users of OU=Nowhere,DC=corp,DC=example"},
	}
	for _, tt := range tests {
		code, out, errs := run(t, append([]string{"find", "--demo"}, tt.args...)...)
		if code != ExitError || !strings.Contains(errs, tt.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", tt.args, code, errs, tt.want)
		}
		if out != "" {
			t.Errorf("%q: printed %q", tt.args, out)
		}
	}
}

// audit --json carries find --json's fields for each user, and each
// finding's fix as the text audit prints it.
func TestAuditJSONCarriesFindFieldsAndFixes(t *testing.T) {
	code, out, errs := run(t, "audit", "--demo", "--json", "jryan", "ralvarez", "gbest")
	if code != ExitNotReady {
		t.Fatalf("exit %d: %s", code, errs)
	}
	type finding struct {
		findFinding
		Fix     *string `json:"fix"`
		FixHint *string `json:"fixHint"`
	}
	var got []struct {
		findUser
		Findings []finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	fu := map[string]findUser{}
	for _, u := range findJSONOf(t, "--demo", "--where", "sip=*") {
		fu[u.DN] = u
	}
	_, text, _ := run(t, "audit", "--demo", "jryan", "ralvarez", "gbest")
	for _, g := range got {
		want := fu[g.DN]
		// "findings" reads alike in both: find's fields, and audit's fix.
		same := []findFinding{}
		for _, f := range g.Findings {
			same = append(same, f.findFinding)
		}
		if !jsonEqual(same, want.Findings) {
			t.Errorf("%s: audit --json findings %+v\nfind --json's %+v", g.SAMAccountName, same, want.Findings)
		}
		g.findUser.Findings, want.Findings = nil, nil
		if g.findUser.DN == "" || !jsonEqual(g.findUser, want) {
			t.Errorf("audit --json user %+v\nfind --json says %+v", g.findUser, want)
		}
		for _, f := range g.Findings {
			switch {
			case f.Fix != nil && !strings.Contains(text, "fix: "+*f.Fix):
				t.Errorf("%s %s: fix %q is not the text audit's", g.SAMAccountName, f.ID, *f.Fix)
			case f.Fix == nil && f.FixHint == nil:
				t.Errorf("%s %s: neither fix nor hint", g.SAMAccountName, f.ID)
			}
		}
	}
	if !strings.Contains(out, `"fix": "ocsflags set --demo jryan +ep"`) || !strings.Contains(out, `"fix": "ocsflags set --demo ralvarez pool=POOL`) {
		t.Errorf("fixes missing:\n%s", out)
	}
	if len(got) != 3 || got[2].Telephony != flags.TelephonyRCCAndPBX.Short() || got[2].Line == nil || got[2].LineServer == nil {
		t.Errorf("%+v", got)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
