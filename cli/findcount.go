package cli

import (
	"cmp"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
)

// findCounter is find --count: how many of the matching users have each
// feature on, each telephony option, each pool, and are ready or not. Every
// count is what find lists with the matching --where (pic=on, telephony=ev,
// pool=HOST, ready=yes), so the two cannot disagree.
type findCounter struct {
	w         io.Writer
	json, csv bool
	c         findCounts
}

// findCounts is find --count --json. Features, telephony and pools list
// every key with at least one user; telephony lists all six options.
type findCounts struct {
	Scope    string `json:"scope"`
	Subtree  bool   `json:"subtree"`
	Where    string `json:"where"`
	Users    int    `json:"users"`
	Ready    int    `json:"ready"`
	NotReady int    `json:"notReady"`
	// Features: the OptionFlags bits by set name (bits without one by
	// value), and federation, remote-access and enabled.
	Features  map[string]int `json:"features"`
	Telephony map[string]int `json:"telephony"`
	// Pools by host; "none" for no home server, the stored value for a
	// home server that names no pool this account can see.
	Pools map[string]int `json:"pools"`
}

func (o *findCounter) begin() error {
	o.c.Features, o.c.Telephony, o.c.Pools = map[string]int{}, map[string]int{}, map[string]int{}
	for _, t := range append(slices.Clone(flags.TelephonyModes), flags.TelephonyInconsistent) {
		o.c.Telephony[t.Short()] = 0
	}
	return nil
}

func (o *findCounter) user(u directory.User, f flags.Facts) error {
	s := u.OCS
	names, v := bitNames(), s.OptionFlags.V
	for b := range 32 {
		if v&(1<<b) != 0 {
			o.c.Features[names[b]]++
		}
	}
	if s.Federation.Or(false) {
		o.c.Features["federation"]++
	}
	if s.RemoteAccess.Or(false) {
		o.c.Features["remote-access"]++
	}
	if s.ConsoleEnabled() {
		o.c.Features["enabled"]++
	}
	o.c.Telephony[flags.TelephonyOf(s.OptionFlags.V).Short()]++
	p := poolValue(s.HomeServer, f.Pool)
	if p == "" {
		p = "none"
	}
	o.c.Pools[p]++
	return nil
}

func (o *findCounter) abort() {}

// keys is the features in the catalogue's order, then the Booleans, then
// bits without a name in bit order (by value, whatever their counts);
// telephony in the console's order; pools by count, then name.
func (o *findCounter) keys(m map[string]int, order []string) []string {
	var out []string
	for _, k := range order {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(out, k) {
			rest = append(rest, k)
		}
	}
	slices.SortFunc(rest, func(a, b string) int {
		an, aerr := strconv.ParseUint(a, 10, 32)
		bn, berr := strconv.ParseUint(b, 10, 32)
		if aerr == nil && berr == nil {
			return cmp.Compare(an, bn) // bits: 2 before 1024
		}
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(strings.ToLower(a), strings.ToLower(b))
	})
	return append(out, rest...)
}

func featureOrder() []string {
	var out []string
	for _, f := range flags.Catalogue {
		if f.Short != "" {
			out = append(out, f.Short)
		}
	}
	return append(out, "federation", "remote-access", "enabled")
}

func telephonyOrder() []string {
	var out []string
	for _, t := range append(slices.Clone(flags.TelephonyModes), flags.TelephonyInconsistent) {
		out = append(out, t.Short())
	}
	return out
}

func (o *findCounter) end(scope findScope, n, ready int) error {
	o.c.Scope, o.c.Subtree, o.c.Where = scope.base, scope.scope == directory.Subtree, scope.where.String()
	o.c.Users, o.c.Ready, o.c.NotReady = n, ready, n-ready
	sections := []struct {
		name  string
		m     map[string]int
		order []string
	}{
		{"feature", o.c.Features, featureOrder()},
		{"telephony", o.c.Telephony, telephonyOrder()},
		{"pool", o.c.Pools, nil},
	}
	switch {
	case o.json:
		return writeJSON(o.w, o.c)
	case o.csv:
		if _, err := io.WriteString(o.w, utf8BOM); err != nil {
			return err
		}
		cw := csv.NewWriter(o.w)
		cw.UseCRLF = true
		cw.Write([]string{"category", "name", "count"})
		cw.Write([]string{"users", "all", strconv.Itoa(n)})
		cw.Write([]string{"ready", "yes", strconv.Itoa(ready)})
		cw.Write([]string{"ready", "no", strconv.Itoa(n - ready)})
		for _, s := range sections {
			for _, k := range o.keys(s.m, s.order) {
				cw.Write([]string{s.name, csvCell(k), strconv.Itoa(s.m[k])})
			}
		}
		cw.Flush()
		return cw.Error()
	}
	printf(o.w, "%d user%s in %s: %d ready, %d not ready\n", n, plural(n), scope, ready, n-ready)
	titles := map[string]string{"feature": "with the feature on", "telephony": "telephony", "pool": "pool (home server)"}
	for _, s := range sections {
		printf(o.w, "\n%s\n", titles[s.name])
		for _, k := range o.keys(s.m, s.order) {
			printf(o.w, "  %6d  %s%s\n", s.m[k], padRight(k, 16), countLabel(s.name, k))
		}
	}
	return nil
}

// countLabel is the console's wording beside a count's key.
func countLabel(section, key string) string {
	switch section {
	case "feature":
		if f, ok := flags.ByShort(key); ok {
			if f.Label != "" {
				return f.Label
			}
			return f.Name
		}
		switch key {
		case "":
		case "federation":
			return flags.DocFederation.Label
		case "remote-access":
			return flags.DocRemoteAccess.Label
		case "enabled":
			return flags.DocEnabled.Label
		default:
			return "not in the catalogue (unknown bit, kept as found)"
		}
	case "telephony":
		if key == flags.TelephonyInconsistent.Short() {
			return flags.TelephonyInconsistent.Label()
		}
		if t, err := flags.ParseTelephony(key); err == nil {
			return t.Label()
		}
	}
	return ""
}
