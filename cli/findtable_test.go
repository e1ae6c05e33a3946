package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"ocsflags/directory"
	"ocsflags/flags"
)

// findTable runs find on the demo with the text table laid out for a
// terminal cols wide (0: a pipe), as runFind does on such a terminal.
func findTable(t *testing.T, cols int, args ...string) []string {
	t.Helper()
	d, err := directory.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	pl, err := d.Pools(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	aud := &directory.Auditor{Pools: directory.NewPoolSetFrom(pl), Scope: d.Info().SIPScope}
	var b bytes.Buffer
	out := &findTextOut{w: &b, layout: fitFindTable(cols), pools: aud}
	where, err := flags.ParseWhere(args)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = directory.UsersWithSIPIndex(context.Background(), d, "DC=corp,DC=example", directory.Subtree, func(x *directory.SIPIndex, us []directory.User) error {
		aud.SIP = x
		for _, u := range us {
			if f := aud.Facts(u); where.Match(f) {
				n++
				out.user(u, f)
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("%d users, %v", n, err)
	}
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

// On a terminal the table fits: at 80 columns no line is longer (so none
// wraps), the name and the pool's distinguishing part stay; at 200 every
// column is there and nothing a demo user holds is cut.
func TestFindTableFitsTheTerminal(t *testing.T) {
	for _, cols := range []int{80, 200} {
		lines := findTable(t, cols)
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > cols {
				t.Fatalf("%d columns: a line of %d:\n%s", cols, n, l)
			}
		}
		text := strings.Join(lines, "\n")
		for _, want := range []string{"NAME", "POOL", "Jürgen Groß", "pool01.corp.exa", "Retired Servers"} {
			if !strings.Contains(text, want) {
				t.Errorf("%d columns: no %q in\n%s", cols, want, strings.Join(lines[:5], "\n"))
			}
		}
	}
	narrow, wide := findTable(t, 80)[0], findTable(t, 200)[0]
	if strings.Contains(narrow, "TELEPHONY") || !strings.Contains(narrow, "FEATURES") {
		t.Errorf("80 columns: header %q", narrow)
	}
	if !strings.Contains(wide, "SAMACCOUNTNAME") || !strings.Contains(wide, "TELEPHONY") || !strings.Contains(wide, "FEATURES") {
		t.Errorf("200 columns: header %q", wide)
	}
	for _, l := range findTable(t, 200) {
		if strings.Contains(l, "…") {
			t.Errorf("200 columns: a cut cell in %q", l)
		}
	}
}

// At 80 columns the pool column keeps a pool's FQDN whole, and a pool cell
// longer than its column (a home server that is no pool) takes the room
// the row's features leave, so it is whole too while the line still fits;
// a row whose pool fits keeps its features under FEATURES.
func TestFindTablePoolTakesTheFeaturesRoom(t *testing.T) {
	lines := findTable(t, 80)
	col := utf8.RuneCountInString(lines[0][:strings.Index(lines[0], "FEATURES")])
	var sam bool
	for _, l := range lines[1:] {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("a line of %d: %q", n, l)
		}
		if strings.Contains(l, "pool01.corp.exa") && !strings.Contains(l, "pool01.corp.example ") {
			t.Errorf("the pool cut: %q", l)
		}
		if strings.Contains(l, "Sam Taylor") {
			sam = true
			if !strings.Contains(l, "Retired Servers (not a pool)  ep") {
				t.Errorf("the home server that is no pool cut, with room in FEATURES: %q", l)
			}
		}
		if r := []rune(l); strings.Contains(l, "pool01.corp.example") && (len(r) <= col || r[col-1] != ' ' || r[col] == ' ') {
			t.Errorf("features not under FEATURES (column %d): %q", col, l)
		}
	}
	if !sam {
		t.Fatal("no Sam Taylor (home server not a pool) in the demo")
	}
}

// On a pipe the table is whole: no cell is cut, and a home server that
// names no pool shows the part of its DN that tells it apart.
func TestFindTableOnAPipeIsWhole(t *testing.T) {
	code, out, errs := run(t, "find", "--demo", "--subtree", "--where", "finding=home-server-not-a-pool")
	if code != 0 || !strings.Contains(out, "Retired Servers (not a pool)") || strings.Contains(out, "…") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	lines := findTable(t, 0)
	if !strings.HasPrefix(lines[0], "READY          NAME                        SAMACCOUNTNAME    POOL                      TELEPHONY     FEATURES") {
		t.Errorf("header %q", lines[0])
	}
}

func TestFitFindTable(t *testing.T) {
	for cols := 20; cols <= 240; cols++ {
		l := fitFindTable(cols)
		used := 0
		for c := range findCols {
			if w := l.width[c]; w > 0 {
				used += w + 2
			}
		}
		if l.width[findColName] == 0 || l.width[findColVerdict] == 0 || l.width[findColPool] == 0 {
			t.Fatalf("%d columns: %v drops the name, the verdict or the pool", cols, l.width)
		}
		if cols >= 60 && used-2 > cols {
			t.Errorf("%d columns: %v is %d wide", cols, l.width, used-2)
		}
	}
	if l := fitFindTable(0); l.cut || l.width[findColFeatures] != -1 {
		t.Errorf("a pipe: %+v", l)
	}
}

func TestPoolCell(t *testing.T) {
	tests := []struct {
		hs, host, want string
		unknown        bool
	}{
		{"", "", "—", false},
		{"CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,DC=x", "pool01.corp.example", "pool01.corp.example", false},
		{"CN=LC Services,CN=Retired Servers,DC=corp,DC=example", "", "Retired Servers (not a pool)", false},
		{"CN=LC Services,CN=Microsoft,CN=OCS2007-SE,CN=Pools,DC=x", "", "OCS2007-SE (unreadable)", true},
		{"not a dn", "", "not a dn (not a pool)", false},
	}
	for _, tt := range tests {
		hs := flags.Opt[string]{}
		if tt.hs != "" {
			hs = flags.Some(tt.hs)
		}
		if got := poolCell(hs, tt.host, fakePoolCheck(tt.unknown)); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.hs, got, tt.want)
		}
	}
}

type fakePoolCheck bool

func (f fakePoolCheck) IsPool(string) bool { return false }
func (f fakePoolCheck) Unknown(string) string {
	if f {
		return "the pools cannot be read"
	}
	return ""
}

// A --csv that fails before any user (an OU that does not exist) writes
// nothing to standard output: no BOM, no header.
func TestFindCSVWritesNothingBeforeAnError(t *testing.T) {
	code, out, errs := run(t, "find", "--demo", "--csv", "--ou", "OU=Nope,DC=corp,DC=example")
	if code != 2 || out != "" || !strings.Contains(errs, "OU=Nope") {
		t.Errorf("exit %d, stdout %q, stderr %s", code, out, errs)
	}
	// An OU without a match is a header alone.
	code, out, _ = run(t, "find", "--demo", "--csv", "--ou", "OU=Corp,DC=corp,DC=example", "--where", "pic=on")
	if code != 0 || out != utf8BOM+strings.Join(findColumns, ",")+"\r\n" {
		t.Errorf("exit %d, %q", code, out)
	}
}

// --count lists the bits without a name in bit order, whatever their
// counts; pools by count.
func TestFindCountOrder(t *testing.T) {
	var b strings.Builder
	b.Write(directory.DemoLDIF())
	b.WriteString("\ndn: OU=CountOrder,DC=corp,DC=example\nobjectClass: top\nobjectClass: organizationalUnit\n")
	home := "CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"
	for i, of := range []int{256 | 1024 | 2, 256 | 1024, 256 | 1024, 256} {
		fmt.Fprintf(&b, "\ndn: CN=Count %d,OU=CountOrder,DC=corp,DC=example\nobjectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user\n"+
			"cn: Count %d\nsAMAccountName: count%d\nuserAccountControl: 544\nmsRTCSIP-UserEnabled: TRUE\nmsRTCSIP-PrimaryUserAddress: sip:count%d@corp.example\nmsRTCSIP-OptionFlags: %d\n", i, i, i, i, of)
		if i < 3 {
			fmt.Fprintf(&b, "msRTCSIP-PrimaryHomeServer: %s\n", home)
		}
	}
	path := filepath.Join(t.TempDir(), "count.ldif")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "find", "--ldif", path, "--ou", "OU=CountOrder,DC=corp,DC=example", "--count")
	i2, i1024 := strings.Index(out, "       1  2 "), strings.Index(out, "       3  1024 ")
	if code != 0 || i2 < 0 || i1024 < 0 || i2 > i1024 {
		t.Errorf("bit 2 (1 user) not before bit 1024 (3 users): exit %d\n%s%s", code, out, errs)
	}
	if p, n := strings.Index(out, "3  pool01.corp.example"), strings.Index(out, "1  none"); p < 0 || n < p {
		t.Errorf("pools not by count:\n%s", out)
	}
	code, out, _ = run(t, "find", "--ldif", path, "--ou", "OU=CountOrder,DC=corp,DC=example", "--count", "--json")
	var c findCounts
	if err := json.Unmarshal([]byte(out), &c); err != nil || code != 0 || c.Features["2"] != 1 || c.Features["1024"] != 3 || c.Features["ep"] != 4 {
		t.Errorf("--count --json: %v %+v", err, c)
	}
}

// find --where pool=HOST that names no pool says so, with the pools.
func TestFindWherePoolThatIsNoPool(t *testing.T) {
	code, out, errs := run(t, "find", "--demo", "--where", "pool=nosuch.corp.example")
	if code != 0 || !strings.Contains(out, "no user") || !strings.Contains(errs, "pool=nosuch.corp.example names none of the pools") || !strings.Contains(errs, "pool01.corp.example") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	for _, ok := range []string{"pool=pool01", "pool=poolr2.corp.example", "pool=ocs2007*", "pool=none"} {
		if _, _, errs := run(t, "find", "--demo", "--count", "--where", ok); strings.Contains(errs, "names none") {
			t.Errorf("%s: %s", ok, errs)
		}
	}
}

// --where that contradicts an earlier one is refused: nothing could match.
func TestWhereContradiction(t *testing.T) {
	for _, args := range [][]string{{"pic=on", "pic=off"}, {"fed=yes", "federation=no"}, {"ready=yes", "ready=no"}} {
		code, _, errs := run(t, "find", "--demo", "--where", args[0], "--where", args[1])
		if code != 2 || !strings.Contains(errs, "contradicts") {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
	}
	if code, _, errs := run(t, "find", "--demo", "--count", "--where", "pic=on", "--where", "PIC=yes"); code != 0 {
		t.Errorf("the same twice: exit %d: %s", code, errs)
	}
}

// A bad --ou is named as the --ou.
func TestBadOUNamesTheOption(t *testing.T) {
	for _, cmd := range []string{"find", "audit"} {
		code, _, errs := run(t, cmd, "--demo", "--ou", "garbage")
		if code != 2 || !strings.Contains(errs, `--ou "garbage" is not a valid distinguished name`) {
			t.Errorf("%s: exit %d: %s", cmd, code, errs)
		}
	}
}

// unreadablePools is the demo as an account that may not read the pools
// sees it.
type unreadablePools struct{ directory.Directory }

func (u unreadablePools) Pools(ctx context.Context) (directory.PoolList, error) {
	return directory.PoolList{Reader: "helpdesk@corp.example", Places: []directory.PoolPlace{{
		DN: "CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example", Container: "Configuration",
		Why: "insufficient access rights"}}}, nil
}

// When home servers could not be checked, find and audit --ou say why,
// once, on standard error.
func TestUncheckedHomeServersNote(t *testing.T) {
	for _, args := range [][]string{{"find", "--demo", "--ou", "OU=Corp,DC=corp,DC=example", "--subtree"}, {"audit", "--demo", "--ou", "OU=Corp,DC=corp,DC=example", "--subtree"}} {
		var out, errb bytes.Buffer
		Main(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string { return map[string]string{"LDAPNOINIT": "1", "XDG_STATE_HOME": t.TempDir()}[k] },
			OpenDemo: func() (directory.Directory, error) {
				d, err := directory.OpenDemo()
				return unreadablePools{d}, err
			}})
		if n := strings.Count(errb.String(), "could not be checked"); n != 1 || !strings.Contains(errb.String(), "insufficient access rights") {
			t.Errorf("%v: %d notes\n%s%s", args, n, out.String(), errb.String())
		}
		if args[0] == "find" && !strings.Contains(out.String(), "pool01 (unreadable)") {
			t.Errorf("find: %s", out.String())
		}
	}
	if _, _, errs := run(t, "find", "--demo", "--ou", "OU=Corp,DC=corp,DC=example", "--subtree"); strings.Contains(errs, "could not be checked") {
		t.Errorf("with the pools readable: %s", errs)
	}
}
