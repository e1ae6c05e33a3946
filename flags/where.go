package flags

import (
	"fmt"
	"slices"
	"strings"

	"ocsflags/termtext"
)

// The --where language (find, set --ou … --where, the console's search
// tokens): NAME=VALUE expressions, all of which must hold. It is matched
// against Facts, which the caller builds once per user from what a
// multi-user read already has (directory.Auditor.Facts), so selecting users
// never costs a search per user.

// Facts are what a --where expression is matched against: one user's
// settings as read, the readiness findings on them and their verdict, and
// the pool their home server names.
type Facts struct {
	Settings Settings
	// Findings are Audit's findings for the user.
	Findings []Finding
	Verdict  Verdict
	// Pool is the host name (dNSHostName) of the pool the home server
	// names; "" when there is no home server or it names no pool known.
	Pool string
}

// ConsoleEnabled is "Enable user for Office Communications Server" as the
// OCS console ticks it: msRTCSIP-UserEnabled TRUE and a sign-in name. A
// user with TRUE and no sign-in name is shown (and counted) as not enabled.
func (s Settings) ConsoleEnabled() bool { return s.Enabled.Or(false) && s.SIPAddress.Set }

// Where is a parsed list of --where expressions; the zero value matches
// every user.
type Where struct {
	terms []whereTerm
}

type whereTerm struct {
	src   string // the expression as given, for String
	match func(f *Facts) bool
	// decided reports whether a change sets what the expression is about
	// (Settled); nil for none (ready=).
	decided func(c Change) bool
	// settings is set when match reads f.Settings alone (RulesOut).
	settings bool
}

// WhereError is a --where expression that does not parse: Expr is the
// expression as given, Msg what is wrong and what would be valid.
type WhereError struct {
	Expr, Msg string
}

func (e *WhereError) Error() string { return termtext.Quote(e.Expr) + ": " + e.Msg }

// whereFeatureNames are the on/off names in the order the help lists them:
// the OptionFlags bits by their set names, then the Boolean attributes.
var whereFeatureNames = []string{"pic", "ev", "rcc", "pbx", "anonymous", "ep", "federation", "remote-access", "enabled"}

// whereAliases are the short forms the console's search tokens use
// (fed:on tel:ev); the command line accepts them too.
var whereAliases = map[string]string{"fed": "federation", "tel": "telephony", "remote": "remote-access"}

// WhereNames lists every NAME the language knows, for help and hints.
func WhereNames() []string {
	return append(slices.Clone(whereFeatureNames), "telephony", "archiving", "pool", "ready", "finding", "sip", "line", "line-server")
}

// WhereHelp is the language in one paragraph, for usage texts, hint lines
// and parse errors.
const WhereHelp = "NAME=VALUE: pic ev rcc pbx anonymous ep federation remote-access enabled =on|off; " +
	"telephony=pc|rcc|ev|pbx|rcc+pbx|inconsistent; archiving=none|internal|federated|both; " +
	"pool=HOST|none; ready=yes|no; finding=ID; sip=, line=, line-server= a value with * wildcards (empty: not set)"

// FindingIDs lists every finding id Audit can report, in the rules' order
// (home-server-unchecked after the home-server rules).
func FindingIDs() []string {
	var out []string
	for _, r := range Rules {
		out = append(out, r.ID)
		if r.ID == FindingHomeServerNotAPool {
			out = append(out, FindingHomeServerUnchecked)
		}
	}
	return out
}

// canonicalName is a NAME as the language knows it: lower case, an alias
// (fed, tel, remote) resolved.
func canonicalName(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := whereAliases[n]; ok {
		return a
	}
	return n
}

// IsWhereName reports whether name (or an alias of it) is a --where NAME.
func IsWhereName(name string) bool {
	name = canonicalName(name)
	return slices.Contains(WhereNames(), name)
}

// ParseWhere parses NAME=VALUE expressions (one per --where). Names and
// keyword values are case-insensitive; every expression must hold for a
// user to match.
func ParseWhere(exprs []string) (Where, error) {
	var w Where
	for _, e := range exprs {
		name, value, ok := strings.Cut(e, "=")
		if !ok {
			return Where{}, &WhereError{e, "not NAME=VALUE; " + WhereHelp}
		}
		t, err := parseTerm(name, value)
		if err != nil {
			return Where{}, &WhereError{e, err.Error()}
		}
		t.src = e
		t.decided = decidedBy(name, value)
		t.settings = readsSettingsOnly(name, value)
		w.terms = append(w.terms, t)
	}
	return w, nil
}

// ParseWhereTerm parses one NAME and VALUE given apart (the console's
// name:value tokens).
func ParseWhereTerm(name, value string) (Where, error) {
	return ParseWhere([]string{name + "=" + value})
}

// And is a Where that needs both w's and o's expressions.
func (w Where) And(o Where) Where {
	return Where{terms: append(slices.Clip(w.terms), o.terms...)}
}

// Empty reports whether w has no expression (and so matches every user).
func (w Where) Empty() bool { return len(w.terms) == 0 }

// String is the expressions as given, joined by spaces.
func (w Where) String() string {
	p := make([]string, len(w.terms))
	for i, t := range w.terms {
		p[i] = t.src
	}
	return strings.Join(p, " ")
}

// Settled is w less the expressions that c decides (c sets what they are
// about: +pic decides pic=off, pool=HOST decides pool= and the home-server
// findings). A user that w leaves out, that the rest still matches and
// that already holds c, is where a run of c over w leaves its users:
// rerunning the same change reports it unchanged (set's repair run twice).
func (w Where) Settled(c Change) Where {
	var out Where
	for _, t := range w.terms {
		if t.decided == nil || !t.decided(c) {
			out.terms = append(out.terms, t)
		}
	}
	return out
}

// decidedBy is which part of a change decides the expression name=value
// (already parsed, so valid).
func decidedBy(name, value string) func(c Change) bool {
	n := canonicalName(name)
	bits := func(v Value) func(c Change) bool {
		return func(c Change) bool { return c.Flags.Bits()&v != 0 }
	}
	switch n {
	case "pic", "ev", "rcc", "pbx", "anonymous", "ep":
		f, _ := ByShort(n)
		return bits(f.Value)
	case "telephony":
		return bits(TelephonyMask)
	case "federation":
		return func(c Change) bool { return c.Federation.Set }
	case "remote-access":
		return func(c Change) bool { return c.RemoteAccess.Set }
	case "enabled":
		return func(c Change) bool { return c.Enabled.Set }
	case "archiving":
		return func(c Change) bool { return !c.Archiving.IsZero() }
	case "pool":
		return func(c Change) bool { return c.HomeServer.Set }
	case "sip":
		return func(c Change) bool { return c.SIPAddress.Set }
	case "line":
		return func(c Change) bool { return c.Line.Set }
	case "line-server":
		return func(c Change) bool { return c.LineServer.Set }
	case "finding":
		switch strings.ToLower(strings.TrimSpace(value)) {
		case FindingNoHomeServer, FindingHomeServerNotAPool, FindingHomeServerUnchecked:
			return func(c Change) bool { return c.HomeServer.Set }
		case FindingNoEnhancedPresence:
			return bits(EnhancedPresence)
		case FindingTelephonyInconsistent:
			return bits(TelephonyMask)
		case FindingNotEnabled:
			return func(c Change) bool { return c.Enabled.Set }
		case FindingArchivingLegacyValue:
			return func(c Change) bool { return !c.Archiving.IsZero() }
		}
	}
	return nil
}

// RulesOut reports whether a user with settings s fails w whatever an
// audit finds: an expression about the settings alone does not hold. A
// path that must hold users until the audit can be made (find) keeps only
// the others.
func (w Where) RulesOut(s Settings) bool {
	f := Facts{Settings: s}
	for _, t := range w.terms {
		if t.settings && !t.match(&f) {
			return true
		}
	}
	return false
}

// readsSettingsOnly reports whether an expression is about the settings
// alone. A name not listed here is not (ready= and finding=, which the
// audit decides; pool= a host, which the pools decide; any name added
// later until it is listed), so RulesOut never leaves out a user on it.
func readsSettingsOnly(name, value string) bool {
	n := canonicalName(name)
	switch {
	case slices.Contains(whereFeatureNames, n):
		return true
	case n == "pool":
		return strings.EqualFold(strings.TrimSpace(value), "none")
	}
	return slices.Contains([]string{"telephony", "archiving", "sip", "line", "line-server"}, n)
}

// Match reports whether f satisfies every expression of w.
func (w Where) Match(f Facts) bool {
	for _, t := range w.terms {
		if !t.match(&f) {
			return false
		}
	}
	return true
}

func parseTerm(name, value string) (whereTerm, error) {
	n := canonicalName(name)
	v := strings.TrimSpace(value)
	lv := strings.ToLower(v)
	switch n {
	case "pic", "ev", "rcc", "pbx", "anonymous", "ep":
		f, _ := ByShort(n)
		on, err := onOff(lv)
		if err != nil {
			return whereTerm{}, err
		}
		return whereTerm{match: func(x *Facts) bool {
			return x.Settings.OptionFlags.V.Has(f.Value) == on
		}}, nil
	case "federation", "remote-access", "enabled":
		on, err := onOff(lv)
		if err != nil {
			return whereTerm{}, err
		}
		get := map[string]func(s *Settings) bool{
			"federation":    func(s *Settings) bool { return s.Federation.Or(false) },
			"remote-access": func(s *Settings) bool { return s.RemoteAccess.Or(false) },
			"enabled":       func(s *Settings) bool { return s.ConsoleEnabled() },
		}[n]
		return whereTerm{match: func(x *Facts) bool { return get(&x.Settings) == on }}, nil
	case "telephony":
		var t Telephony
		if lv == TelephonyInconsistent.Short() {
			t = TelephonyInconsistent
		} else {
			var err error
			if t, err = ParseTelephony(lv); err != nil {
				return whereTerm{}, fmt.Errorf("%s is not a telephony mode: use pc, rcc, ev, pbx, rcc+pbx or inconsistent", termtext.Quote(v))
			}
		}
		return whereTerm{match: func(x *Facts) bool { return TelephonyOf(x.Settings.OptionFlags.V) == t }}, nil
	case "archiving":
		bits, err := ParseArchiving(lv)
		if err != nil {
			return whereTerm{}, err
		}
		return whereTerm{match: func(x *Facts) bool {
			return x.Settings.Archiving.V&(ArchiveInternal|ArchiveFederated) == bits
		}}, nil
	case "pool":
		switch {
		case v == "":
			return whereTerm{}, fmt.Errorf("give a pool's host name (pool01 or pool01.corp.example, * wildcards) or none")
		case lv == "none":
			return whereTerm{match: func(x *Facts) bool { return !x.Settings.HomeServer.Set }}, nil
		}
		g := compileGlob(v)
		short := !strings.Contains(v, ".")
		return whereTerm{match: func(x *Facts) bool {
			if x.Pool == "" {
				return false
			}
			if g.match(x.Pool) {
				return true
			}
			// pool01 names pool01.corp.example, as an admin says it.
			first, _, _ := strings.Cut(x.Pool, ".")
			return short && g.match(first)
		}}, nil
	case "ready":
		want, ok := yesNo(lv)
		if !ok {
			return whereTerm{}, fmt.Errorf("%s is not yes or no", termtext.Quote(v))
		}
		return whereTerm{match: func(x *Facts) bool { return (x.Verdict == VerdictReady) == want }}, nil
	case "finding":
		ids := FindingIDs()
		if !slices.Contains(ids, lv) {
			return whereTerm{}, fmt.Errorf("%s is not a finding id: use %s", termtext.Quote(v), strings.Join(ids, ", "))
		}
		return whereTerm{match: func(x *Facts) bool {
			return slices.ContainsFunc(x.Findings, func(f Finding) bool { return f.ID == lv })
		}}, nil
	case "sip":
		if v == "" {
			return whereTerm{match: func(x *Facts) bool { return !x.Settings.SIPAddress.Set }}, nil
		}
		g := compileGlob(v)
		// sip=ann@corp.example names sip:ann@corp.example: the scheme is
		// not what an admin searches by.
		bare := !strings.HasPrefix(lv, "sip:") && !strings.HasPrefix(lv, "*")
		return whereTerm{match: func(x *Facts) bool {
			s := x.Settings.SIPAddress
			if !s.Set {
				return false
			}
			if g.match(s.V) {
				return true
			}
			return bare && len(s.V) >= 4 && strings.EqualFold(s.V[:4], "sip:") && g.match(s.V[4:])
		}}, nil
	case "line", "line-server":
		get := func(s *Settings) Opt[string] { return s.Line }
		if n == "line-server" {
			get = func(s *Settings) Opt[string] { return s.LineServer }
		}
		if v == "" {
			return whereTerm{match: func(x *Facts) bool { return !get(&x.Settings).Set }}, nil
		}
		g := compileGlob(v)
		return whereTerm{match: func(x *Facts) bool {
			o := get(&x.Settings)
			return o.Set && g.match(o.V)
		}}, nil
	}
	return whereTerm{}, fmt.Errorf("unknown name %s: use %s", termtext.Quote(strings.TrimSpace(name)), WhereHelp)
}

// onOff reads a feature's value. An admin says a feature is on or off and
// a user is ready or not; both spellings are taken for either, so that
// federation=yes and ready=on do not stop a script over a choice of words.
func onOff(v string) (bool, error) {
	on, ok := yesNo(v)
	if !ok {
		return false, fmt.Errorf("%s is not on or off", termtext.Quote(v))
	}
	return on, nil
}

func yesNo(v string) (value, ok bool) {
	switch v {
	case "on", "yes", "true":
		return true, true
	case "off", "no", "false":
		return false, true
	}
	return false, false
}

// glob is a pattern with * wildcards, compared case-insensitively as AD
// compares its Unicode strings: * matches any run of characters, including
// none, and everything else matches itself.
type glob struct {
	// parts are the lower-cased pieces between the stars.
	parts []string
}

func compileGlob(p string) glob { return glob{parts: strings.Split(strings.ToLower(p), "*")} }

func (g glob) match(s string) bool {
	s = strings.ToLower(s)
	ps := g.parts
	if len(ps) == 1 {
		return s == ps[0]
	}
	if !strings.HasPrefix(s, ps[0]) {
		return false
	}
	s = s[len(ps[0]):]
	last := ps[len(ps)-1]
	for _, p := range ps[1 : len(ps)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}

// ParseQuery reads the console's search line: setting tokens NAME:VALUE
// (or NAME=VALUE) of the --where language (fed:on tel:ev pool:pool01
// ready:no finding:home-server-not-a-pool) next to plain words, which are
// returned as text for the name search. A word that starts with sip: is
// text, not a token: a sign-in name is what an admin pastes into a search,
// and the name search already finds it as part of the address. A bad
// token is an error naming it (a hint while the admin is typing).
func ParseQuery(q string) (text string, w Where, err error) {
	var words []string
	for _, tok := range strings.Fields(q) {
		i := strings.IndexAny(tok, ":=")
		if i <= 0 || !IsWhereName(tok[:i]) || strings.EqualFold(tok[:i], "sip") {
			words = append(words, tok)
			continue
		}
		t, err := ParseWhereTerm(tok[:i], tok[i+1:])
		if err != nil {
			return "", Where{}, err
		}
		w = w.And(t)
	}
	return strings.Join(words, " "), w, nil
}
