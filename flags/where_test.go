package flags

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

const testHome = "CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"

// whereUser is a fully provisioned user (ready) with the given OptionFlags;
// edit changes it before it is judged.
func whereUser(flags Value, edit func(s *Settings)) Facts {
	s := Settings{
		Enabled: Some(true), SIPAddress: Some("sip:Ann.Lee@Corp.Example"), HomeServer: Some(testHome),
		OptionFlags: Some(flags), Federation: Some(true), Line: Some("tel:+14255551297;ext=51297"),
	}
	if edit != nil {
		edit(&s)
	}
	in := AuditInput{Settings: s, IsPool: func(dn string) bool { return dn == testHome }}
	fs := Audit(in)
	f := Facts{Settings: s, Findings: fs, Verdict: Judge(fs)}
	if s.HomeServer.Set && s.HomeServer.V == testHome {
		f.Pool = "pool01.corp.example"
	}
	return f
}

func TestWhereMatch(t *testing.T) {
	ready := whereUser(EnhancedPresence|PublicIM|EnterpriseVoice, nil)
	plain := whereUser(EnhancedPresence, func(s *Settings) { s.Federation = Opt[bool]{}; s.Line = Opt[string]{} })
	noFlags := whereUser(0, func(s *Settings) { s.OptionFlags = Opt[Value]{} })
	noSIP := whereUser(EnhancedPresence, func(s *Settings) { s.SIPAddress = Opt[string]{} })
	noPool := whereUser(EnhancedPresence, func(s *Settings) { s.HomeServer = Opt[string]{} })
	hostPool := whereUser(EnhancedPresence, func(s *Settings) { s.HomeServer = Some("pool01.corp.example") })
	inconsistent := whereUser(EnhancedPresence|RemoteCallControl|EnterpriseVoice, nil)
	rccPBX := whereUser(EnhancedPresence|RemoteCallControl|EnterpriseVoice|PBXIntegration, func(s *Settings) { s.LineServer = Some("sip:gw@corp.example") })
	all := whereUser(EnhancedPresence|PublicIM|AnonymousParticipants|EnterpriseVoice|PBXIntegration, func(s *Settings) {
		s.RemoteAccess = Some(true)
		s.Archiving = Some(ArchiveInternal | ArchiveFederated)
	})
	legacyArch := whereUser(EnhancedPresence, func(s *Settings) { s.Archiving = Some(ArchiveInternal | 1) })
	enabledNoSIP := whereUser(EnhancedPresence, func(s *Settings) { s.SIPAddress = Opt[string]{}; s.Enabled = Some(true) })
	disabled := whereUser(EnhancedPresence, func(s *Settings) { s.Enabled = Some(false) })

	tests := []struct {
		expr    string
		yes, no []Facts
	}{
		{"pic=on", []Facts{ready, all}, []Facts{plain, noFlags}},
		{"pic=off", []Facts{plain, noFlags}, []Facts{ready}},
		{"PIC=ON", []Facts{ready}, []Facts{plain}},
		{"ev=on", []Facts{ready, all, inconsistent}, []Facts{plain}},
		{"rcc=on", []Facts{inconsistent, rccPBX}, []Facts{ready, plain}},
		{"pbx=on", []Facts{all, rccPBX}, []Facts{ready}},
		{"anonymous=on", []Facts{all}, []Facts{ready, noFlags}},
		{"ep=off", []Facts{noFlags}, []Facts{ready, plain}},
		{"ep=on", []Facts{ready, plain}, []Facts{noFlags}},
		{"federation=on", []Facts{ready}, []Facts{plain}},
		{"fed=off", []Facts{plain}, []Facts{ready}},
		{"remote-access=on", []Facts{all}, []Facts{ready}},
		{"remote-access=off", []Facts{ready}, []Facts{all}},
		// The console's box: TRUE without a sign-in name is not enabled.
		{"enabled=on", []Facts{ready, noPool}, []Facts{enabledNoSIP, disabled}},
		{"enabled=off", []Facts{enabledNoSIP, disabled}, []Facts{ready}},
		{"telephony=pc", []Facts{plain, noFlags}, []Facts{ready}},
		{"telephony=ev", []Facts{ready}, []Facts{plain, all}},
		{"tel=pbx", []Facts{all}, []Facts{ready, rccPBX}},
		{"telephony=rcc+pbx", []Facts{rccPBX}, []Facts{all}},
		{"telephony=rcc", nil, []Facts{rccPBX, inconsistent}},
		{"telephony=inconsistent", []Facts{inconsistent}, []Facts{ready, rccPBX}},
		{"archiving=both", []Facts{all}, []Facts{ready, legacyArch}},
		{"archiving=internal", []Facts{legacyArch}, []Facts{all}},
		{"archiving=none", []Facts{ready, noFlags}, []Facts{all}},
		{"pool=pool01.corp.example", []Facts{ready}, []Facts{noPool, hostPool}},
		{"pool=POOL01", []Facts{ready}, []Facts{noPool, hostPool}},
		{"pool=pool*", []Facts{ready}, []Facts{hostPool}},
		{"pool=pool02", nil, []Facts{ready}},
		{"pool=pool01.corp", nil, []Facts{ready}},
		{"pool=none", []Facts{noPool}, []Facts{ready, hostPool}},
		{"ready=yes", []Facts{ready, plain}, []Facts{noFlags, noSIP, noPool, hostPool, disabled}},
		{"ready=no", []Facts{noFlags, noSIP, hostPool}, []Facts{ready}},
		{"finding=home-server-not-a-pool", []Facts{hostPool}, []Facts{ready, noPool}},
		{"finding=no-home-server", []Facts{noPool}, []Facts{ready, hostPool}},
		{"finding=telephony-inconsistent", []Facts{inconsistent}, []Facts{ready}},
		{"finding=archiving-legacy-value", []Facts{legacyArch}, []Facts{all}},
		{"sip=sip:ann.lee@corp.example", []Facts{ready}, []Facts{noSIP}},
		{"sip=ANN.LEE@corp.example", []Facts{ready}, []Facts{noSIP}},
		{"sip=*@corp.example", []Facts{ready}, []Facts{noSIP}},
		{"sip=ann*", []Facts{ready}, nil},
		{"sip=*lee*", []Facts{ready}, nil},
		{"sip=*@other.example", nil, []Facts{ready}},
		{"sip=*", []Facts{ready}, []Facts{noSIP}},
		{"sip=", []Facts{noSIP}, []Facts{ready}},
		{"line=tel:+1425*", []Facts{ready}, []Facts{plain}},
		{"line=*;ext=51297", []Facts{ready}, []Facts{plain}},
		{"line=", []Facts{plain}, []Facts{ready}},
		{"line-server=sip:gw@*", []Facts{rccPBX}, []Facts{ready}},
	}
	for _, tt := range tests {
		w, err := ParseWhere([]string{tt.expr})
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		for i, f := range tt.yes {
			if !w.Match(f) {
				t.Errorf("%s does not match yes[%d] (%+v)", tt.expr, i, f.Settings)
			}
		}
		for i, f := range tt.no {
			if w.Match(f) {
				t.Errorf("%s matches no[%d] (%+v)", tt.expr, i, f.Settings)
			}
		}
	}
}

func TestWhereAllMustHold(t *testing.T) {
	ready := whereUser(EnhancedPresence|PublicIM, nil)
	w, err := ParseWhere([]string{"pic=on", "fed=on", "ready=yes"})
	if err != nil {
		t.Fatal(err)
	}
	if !w.Match(ready) {
		t.Error("all three hold, no match")
	}
	w2, _ := ParseWhere([]string{"pic=on", "fed=off"})
	if w2.Match(ready) {
		t.Error("fed=off does not hold, but matched")
	}
	if got := w.And(w2).String(); got != "pic=on fed=on ready=yes pic=on fed=off" {
		t.Errorf("String = %q", got)
	}
	if (Where{}).Match(ready) != true || !(Where{}).Empty() {
		t.Error("the empty Where must match everyone")
	}
}

func TestWhereErrors(t *testing.T) {
	tests := []struct {
		expr string
		want []string // every one must be in the message
	}{
		{"pic", []string{`"pic"`, "not NAME=VALUE", "telephony=pc|rcc|ev|pbx|rcc+pbx|inconsistent", "ready=yes|no"}},
		{"color=red", []string{`"color=red"`, `unknown name "color"`, "pic ev rcc pbx anonymous ep federation remote-access enabled"}},
		{"pic=maybe", []string{`"pic=maybe"`, `"maybe" is not on or off`}},
		{"federation=1", []string{`"1" is not on or off`}},
		{"telephony=voice", []string{`"voice" is not a telephony mode`, "pc, rcc, ev, pbx, rcc+pbx or inconsistent"}},
		{"ready=maybe", []string{`"maybe" is not yes or no`}},
		{"finding=no-pool", []string{`"no-pool" is not a finding id`, "home-server-not-a-pool", "home-server-unchecked", "control-characters"}},
		{"pool=", []string{"give a pool's host name"}},
		{"archiving=all", []string{`"all" is not an archiving setting`}},
		{"sip\x1b[2J=x", []string{`\x1b`}},
	}
	for _, tt := range tests {
		_, err := ParseWhere([]string{"pic=on", tt.expr})
		if err == nil {
			t.Errorf("%q parsed", tt.expr)
			continue
		}
		we, ok := err.(*WhereError)
		if !ok || we.Expr != tt.expr {
			t.Errorf("%q: error %T %v does not name the expression", tt.expr, err, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %q lacks %q", tt.expr, err, w)
			}
		}
		if strings.Contains(err.Error(), "\x1b") {
			t.Errorf("%q: raw escape in the error", tt.expr)
		}
	}
}

func TestWhereNamesAllParse(t *testing.T) {
	values := map[string]string{"telephony": "ev", "archiving": "none", "pool": "none", "ready": "yes", "finding": "not-enabled", "sip": "*", "line": "*", "line-server": "*"}
	for _, n := range WhereNames() {
		v, ok := values[n]
		if !ok {
			v = "on"
		}
		if _, err := ParseWhereTerm(n, v); err != nil {
			t.Errorf("%s=%s: %v", n, v, err)
		}
		if !IsWhereName(n) || !strings.Contains(WhereHelp, n) {
			t.Errorf("%s: not a where name, or not in the help", n)
		}
	}
	for _, id := range FindingIDs() {
		if _, err := ParseWhereTerm("finding", id); err != nil {
			t.Errorf("finding=%s: %v", id, err)
		}
	}
	if IsWhereName("name") || !IsWhereName("fed") || !IsWhereName("TEL") {
		t.Error("IsWhereName")
	}
}

// The hand-written glob agrees with a regular expression built from the
// same pattern.
func FuzzGlob(f *testing.F) {
	f.Add("sip:*@corp.example", "sip:ann@corp.example")
	f.Add("*a*a*", "banana")
	f.Add("a*a", "a")
	f.Add("**", "")
	f.Add("İ*", "i̇x")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		parts := strings.Split(strings.ToLower(pattern), "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		re, err := regexp.Compile("^(?s:" + strings.Join(parts, ".*") + ")$")
		if err != nil {
			t.Skip()
		}
		want := re.MatchString(strings.ToLower(s))
		if got := compileGlob(pattern).match(s); got != want {
			t.Fatalf("glob %q on %q = %v, regexp says %v", pattern, s, got, want)
		}
	})
}

// Any expression either parses or fails with a WhereError naming it.
func FuzzParseWhere(f *testing.F) {
	f.Add("pic=on")
	f.Add("sip=*@corp.example")
	f.Add("finding=home-server-not-a-pool")
	f.Add("=")
	f.Fuzz(func(t *testing.T, expr string) {
		w, err := ParseWhere([]string{expr})
		if err != nil {
			if we, ok := err.(*WhereError); !ok || we.Expr != expr {
				t.Fatalf("%q: %v", expr, err)
			}
			return
		}
		w.Match(whereUser(EnhancedPresence, nil))
		w.Match(Facts{})
	})
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		q, text, where, err string
	}{
		{"", "", "", ""},
		{"ann lee", "ann lee", "", ""},
		{"fed:on tel:ev pool:pool01 ready:no", "", "fed=on tel=ev pool=pool01 ready=no", ""},
		{"  lee   finding:home-server-not-a-pool  ", "lee", "finding=home-server-not-a-pool", ""},
		{"pic=on jürgen", "jürgen", "pic=on", ""},
		{"sip:alee@corp", "sip:alee@corp", "", ""},
		{"note:x 10:30", "note:x 10:30", "", ""},
		{"fed:", "", "", `"fed=": "" is not on or off`},
		{"tel:voice ann", "", "", `"voice" is not a telephony mode`},
	}
	for _, tt := range tests {
		text, w, err := ParseQuery(tt.q)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: error %v, want %q", tt.q, err, tt.err)
		case tt.err == "" && (err != nil || text != tt.text || w.String() != tt.where):
			t.Errorf("%q: text %q where %q err %v; want %q %q", tt.q, text, w.String(), err, tt.text, tt.where)
		}
	}
}

// yes/no and true/false read as on/off (and the other way round for
// ready), so a script's choice of words does not matter.
func TestWhereYesNoOnOff(t *testing.T) {
	on := Facts{Settings: Settings{Federation: Some(true)}, Verdict: VerdictReady}
	off := Facts{Settings: Settings{Federation: Some(false)}, Verdict: VerdictCannotSignIn}
	for _, tc := range []struct {
		expr    string
		on, off bool
	}{
		{"federation=on", true, false}, {"federation=yes", true, false}, {"federation=true", true, false},
		{"federation=off", false, true}, {"federation=no", false, true}, {"federation=FALSE", false, true},
		{"ready=yes", true, false}, {"ready=on", true, false}, {"ready=no", false, true}, {"ready=off", false, true},
	} {
		w, err := ParseWhere([]string{tc.expr})
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if w.Match(on) != tc.on || w.Match(off) != tc.off {
			t.Errorf("%s: matches on=%v off=%v, want %v %v", tc.expr, w.Match(on), w.Match(off), tc.on, tc.off)
		}
	}
}

// Settled drops the expressions a change decides and keeps the others.
func TestWhereSettled(t *testing.T) {
	for _, tc := range []struct {
		where []string
		c     Change
		want  string
	}{
		{[]string{"finding=no-home-server"}, Change{HomeServer: Some("CN=x")}, ""},
		{[]string{"finding=home-server-not-a-pool", "enabled=on"}, Change{HomeServer: Some("CN=x")}, "enabled=on"},
		{[]string{"pic=off", "pool=pool01"}, Change{Flags: Delta{Set: PublicIM}}, "pool=pool01"},
		{[]string{"anonymous=off"}, Change{Flags: Delta{Set: PublicIM}}, "anonymous=off"},
		{[]string{"tel=inconsistent"}, Change{Flags: SetTelephony(TelephonyEnterpriseVoice)}, ""},
		{[]string{"fed=off", "ready=yes"}, Change{Federation: Some(true)}, "ready=yes"},
		{[]string{"finding=no-enhanced-presence"}, Change{Flags: Delta{Set: EnhancedPresence}}, ""},
		{[]string{"finding=no-enhanced-presence"}, Change{HomeServer: Some("CN=x")}, "finding=no-enhanced-presence"},
	} {
		w, err := ParseWhere(tc.where)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Settled(tc.c).String(); got != tc.want {
			t.Errorf("%v settled by %+v: %q, want %q", tc.where, tc.c, got, tc.want)
		}
	}
}

// RulesOut leaves out only a user no audit could bring into the
// selection: an expression about the settings alone fails.
func TestWhereRulesOut(t *testing.T) {
	picOff := Settings{OptionFlags: Some(EnhancedPresence), HomeServer: Some("CN=LC Services,CN=Microsoft,CN=pool01")}
	for _, c := range []struct {
		exprs []string
		out   bool
	}{
		{nil, false},
		{[]string{"pic=on"}, true},
		{[]string{"pic=off"}, false},
		{[]string{"ep=on", "federation=on"}, true},
		{[]string{"ready=yes"}, false},
		{[]string{"finding=sip-address-duplicate"}, false},
		{[]string{"pool=nowhere"}, false}, // the pools decide
		{[]string{"pool=none"}, true},
		{[]string{"ready=no", "sip="}, false},
		{[]string{"ready=no", "telephony=ev"}, true},
	} {
		w, err := ParseWhere(c.exprs)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.RulesOut(picOff); got != c.out {
			t.Errorf("%v: RulesOut = %v, want %v", c.exprs, got, c.out)
		}
		// Never out where Match would take the user in.
		if c.out && w.Match(Facts{Settings: picOff, Verdict: VerdictReady}) {
			t.Errorf("%v: ruled out a user it matches", c.exprs)
		}
	}
}

// Every --where name, whatever it reads: a user RulesOut leaves out is
// one Match refuses however the pools and the audit judge it.
func TestWhereRulesOutEveryName(t *testing.T) {
	sample := map[string][]string{
		"telephony": {"ev", "pc"}, "archiving": {"none", "internal"}, "pool": {"pool01", "none"},
		"ready": {"yes", "no"}, "finding": {FindingSIPAddressDuplicate}, "sip": {"*@corp.example", ""},
		"line": {"tel:*", ""}, "line-server": {"sip:*", ""},
	}
	users := []Settings{{}, {Enabled: Some(true), SIPAddress: Some("sip:a@corp.example"), OptionFlags: Some(EnhancedPresence | 16),
		Federation: Some(true), Line: Some("tel:+1"), LineServer: Some("sip:gw@corp.example"), HomeServer: Some("CN=x")}}
	judged := []Facts{{}, {Pool: "pool01.corp.example", Verdict: VerdictReady},
		{Findings: []Finding{{ID: FindingSIPAddressDuplicate}}, Verdict: VerdictCannotSignIn}}
	for _, name := range WhereNames() {
		values := sample[name]
		if values == nil && slices.Contains(whereFeatureNames, name) {
			values = []string{"on", "off"}
		}
		if values == nil {
			t.Errorf("%s: no sample value here; add some, and list it in readsSettingsOnly if it reads the settings alone", name)
		}
		for _, v := range values {
			w, err := ParseWhere([]string{name + "=" + v})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range users {
				if !w.RulesOut(s) {
					continue
				}
				for _, f := range judged {
					f.Settings = s
					if w.Match(f) {
						t.Errorf("%s=%s: ruled out %+v, which it matches when judged %v", name, v, s, f.Verdict)
					}
				}
			}
		}
	}
}
