package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

// findJSON is one user of find --json. Its field names are an interface
// (issue 16); verdict is the one verdict every surface shows.
type findJSON struct {
	DN   string `json:"dn"`
	Name string `json:"name"`
	userFields
	Ready    bool            `json:"ready"`
	Verdict  flags.Verdict   `json:"verdict"`
	Findings []findingFields `json:"findings"`
}

// findColumns are find --csv's header: find --json's fields, in its order,
// but lineServer, which came later, is the last column (where a sheet or
// script that reads columns by position does not see it move the others).
var findColumns = []string{"dn", "name", "sAMAccountName", "sip", "pool", "enabled", "optionFlags", "features",
	"telephony", "federation", "remoteAccess", "archiving", "line", "ready", "verdict", "findings", "lineServer"}

// appendCSVRecord is r as a row of find --csv (findColumns), in rec's
// storage (reused for every user).
func (r *findJSON) appendCSVRecord(rec []string) []string {
	opt := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	of := ""
	if r.OptionFlags != nil {
		of = strconv.FormatUint(uint64(*r.OptionFlags), 10)
	}
	rec = append(rec[:0], r.DN, r.Name, r.SAMAccountName, opt(r.SIP), opt(r.Pool), strconv.FormatBool(r.Enabled), of,
		strings.Join(r.Features, " "), r.Telephony, strconv.FormatBool(r.Federation), strconv.FormatBool(r.RemoteAccess),
		r.Archiving, opt(r.Line), strconv.FormatBool(r.Ready), r.Verdict.String(), findingIDs(r.Findings), opt(r.LineServer))
	for i, c := range rec {
		rec[i] = csvCell(c)
	}
	return rec
}

// findingIDs is the CSV's findings cell: the ids, space-separated.
func findingIDs(fs []findingFields) string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return strings.Join(ids, " ")
}

// csvCell makes a value from the directory safe in a spreadsheet: a cell
// starting with = + - @ (or a tab or carriage return, which some
// spreadsheets skip before looking) would be read as a formula, so it gets
// a leading apostrophe, which spreadsheets show as text and do not
// display. Control and bidi characters are escaped as in the text output
// (termtext.Safe): a CSV is as likely to be read in a terminal as in a
// spreadsheet, and no legitimate name holds them (the audit flags them).
func csvCell(s string) string {
	s = termtext.Safe(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// runFind lists the users of a scope whose settings match every --where,
// as a table, JSON or CSV, or counts them (--count). Like audit --ou it
// reads the pools, every sign-in name and the users once each, and
// decides in memory; users are written as they arrive, in directory order.
func runFind(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("find", flag.ContinueOnError)
	var c conn
	c.register(fs)
	ou := fs.String("ou", "", "")
	subtree := fs.Bool("subtree", false, "")
	asJSON := fs.Bool("json", false, "")
	asCSV := fs.Bool("csv", false, "")
	count := fs.Bool("count", false, "")
	wf := registerWhere(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usageError("find takes no users (%s): choose them with --ou DN [--subtree] and --where NAME=VALUE", strings.Join(quoteAll(pos), " "))
	case *asJSON && *asCSV:
		return usageError("give --json or --csv, not both")
	}
	if *ou != "" {
		if err := checkOU(*ou); err != nil {
			return err
		}
	}
	where := wf.Where()
	d, err := c.open(ctx, env)
	if err != nil {
		return err
	}
	defer d.Close()

	base, scope := *ou, directory.OneLevel
	if *subtree {
		scope = directory.Subtree
	}
	if base == "" {
		// The whole domain: --base, or the default naming context.
		scope, base = directory.Subtree, c.base
		if base == "" {
			nc, err := d.NamingContexts(ctx)
			if err != nil {
				return fmt.Errorf("read the naming contexts: %w", err)
			}
			base = nc.Default
		}
	}
	pl, err := d.Pools(ctx)
	if err != nil {
		return fmt.Errorf("list pools: %w", err)
	}
	pools := directory.NewPoolSetFrom(pl)
	if info := d.Info(); info.SIPScope == flags.ScopeDomain && !*asJSON && !*asCSV {
		printf(env.Stderr, "ocsflags: note: sign-in names are checked in this domain only, not the forest: %s\n", info.GCProblem)
	}
	// A pool= that names no pool is most likely a typo: say so, with the
	// pools there are, rather than only "no user" (set refuses it).
	for _, p := range wf.pools {
		if note := unknownPoolNote(p, pools); note != "" {
			printf(env.Stderr, "ocsflags: note: %s\n", note)
		}
	}
	var unchecked uncheckedHomes

	bw := bufio.NewWriterSize(env.Stdout, 64<<10)
	var out findOutput
	switch {
	case *count:
		out = &findCounter{w: bw, json: *asJSON, csv: *asCSV}
	case *asJSON:
		out = &findJSONOut{w: newAuditWriter(bw, true)}
	case *asCSV:
		out = &findCSVOut{w: bw, cw: csv.NewWriter(bw)}
	}
	aud := &directory.Auditor{Pools: pools, Scope: d.Info().SIPScope}
	if out == nil {
		out = &findTextOut{w: bw, layout: fitFindTable(terminalColumns(env)), pools: aud}
	}
	if err := out.begin(); err != nil {
		return err
	}
	n, ready := 0, 0
	// The users are written once their read has ended (ReadUsersAndSIPIndex);
	// a long read says how far it is on a terminal meanwhile.
	prog := newProgressLine(env.Stderr, env.Stdout, -1)
	read := 0
	keep := func(u directory.User) bool {
		read++
		prog.update(read)
		return !where.RulesOut(u.OCS)
	}
	err = directory.ReadUsersAndSIPIndex(ctx, d, base, scope, keep, func(x *directory.SIPIndex, us []directory.User) error {
		prog.end()
		aud.SIP = x
		for _, u := range us {
			f := aud.Facts(u)
			if !where.Match(f) {
				continue
			}
			n++
			if f.Verdict == flags.VerdictReady {
				ready++
			}
			unchecked.add(u, aud)
			if err := out.user(u, f); err != nil {
				return err
			}
		}
		// A batch at a time: the first users show at once, and a large OU
		// is not a write per line.
		if f, ok := out.(interface{ flush() error }); ok {
			if err := f.flush(); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
	prog.end()
	if err != nil {
		out.abort()
		bw.Flush()
		return fmt.Errorf("list users of %s: %w", base, err)
	}
	if err := out.end(findScope{base, scope, where}, n, ready); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if !*asJSON && !*asCSV {
		unchecked.note(env.Stderr)
	}
	return nil
}

// checkOU refuses an --ou that is not a DN, naming the option.
func checkOU(ou string) error {
	if _, err := directory.ParseDN(ou); err != nil {
		return usageError("--ou %s is not a valid distinguished name: give the OU as ADUC's Attribute Editor shows it, for example OU=Staff,DC=corp,DC=example",
			termtext.Quote(ou))
	}
	return nil
}

// unknownPoolNote is what to say about --where pool=value when it matches
// none of the pools this account can see ("" when it matches one, or is
// none).
func unknownPoolNote(value string, pools directory.PoolSet) string {
	if strings.EqualFold(value, "none") {
		return ""
	}
	w, err := flags.ParseWhereTerm("pool", value)
	if err != nil {
		return ""
	}
	var hosts []string
	for _, p := range pools.All() {
		if w.Match(flags.Facts{Settings: flags.Settings{HomeServer: flags.Some(p.HomeServerDN)}, Pool: p.Host}) {
			return ""
		}
		hosts = append(hosts, p.Host)
	}
	if len(hosts) == 0 {
		return fmt.Sprintf("--where pool=%s: %s", value, pools.NoneWhy())
	}
	return fmt.Sprintf("--where pool=%s names none of the pools this account can see: %s", value, strings.Join(hosts, ", "))
}

// uncheckedHomes counts the users listed whose home server could not be
// checked (the pools it could be are unreadable with this account), for
// one note at the end: the table shows them as "(unreadable)" and
// "? unchecked", and the note says why.
type uncheckedHomes struct {
	n   int
	why string
}

func (c *uncheckedHomes) add(u directory.User, pools directory.PoolCheck) {
	if hs := u.OCS.HomeServer; hs.Set {
		if why := pools.Unknown(hs.V); why != "" {
			c.n++
			if c.why == "" {
				c.why = why
			}
		}
	}
}

func (c *uncheckedHomes) note(w io.Writer) {
	if c.n > 0 {
		printf(w, "ocsflags: note: the home server of %d user%s could not be checked: %s\n", c.n, plural(c.n), c.why)
	}
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = shellQuote(x)
	}
	return out
}

// findScope is what a find looked at, for the summary line.
type findScope struct {
	base  string
	scope directory.Scope
	where flags.Where
}

func (s findScope) String() string {
	t := s.base
	if s.scope == directory.Subtree {
		t += " and below"
	}
	if !s.where.Empty() {
		t += ", where " + s.where.String()
	}
	return t
}

func newFindRecord(u directory.User, f flags.Facts) findJSON {
	var r findJSON
	r.fill(u, f)
	return r
}

// fill sets r to u's record, reusing r's findings.
func (r *findJSON) fill(u directory.User, f flags.Facts) {
	fs := r.Findings[:0]
	if fs == nil {
		fs = make([]findingFields, 0, len(f.Findings))
	}
	for _, x := range f.Findings {
		fs = append(fs, newFindingFields(x))
	}
	*r = findJSON{DN: u.DN, Name: u.Label(), userFields: newUserFields(u, f), Ready: f.Verdict == flags.VerdictReady,
		Verdict: f.Verdict, Findings: fs}
}

// findOutput is one of find's outputs, fed the matching users in order.
type findOutput interface {
	begin() error
	user(u directory.User, f flags.Facts) error
	end(scope findScope, n, ready int) error
	// abort ends an output cut short by an error, so that what was
	// written stays one valid document.
	abort()
}

type findJSONOut struct {
	w *auditWriter
	r findJSON // reused for every user
}

func (o *findJSONOut) begin() error { return nil }
func (o *findJSONOut) user(u directory.User, f flags.Facts) error {
	o.r.fill(u, f)
	return o.w.find(&o.r)
}
func (o *findJSONOut) end(findScope, int, int) error { return o.w.end() }
func (o *findJSONOut) abort()                        { o.w.abort() }

// utf8BOM starts find --csv: without it Excel on Windows (where OCS admins
// open such files) reads the file in the ANSI code page and "Jürgen"
// becomes "JÃ¼rgen". Readers that do not expect it (Go's encoding/csv,
// Python's csv without utf-8-sig) see it in the first header cell only.
const utf8BOM = "\uFEFF"

// findCSVOut writes the BOM and the header with the first user (or at the
// end, for a file of no users), so that a run that fails before any user
// (an OU that does not exist) writes nothing but its error.
type findCSVOut struct {
	w      io.Writer
	cw     *csv.Writer
	header bool
	r      findJSON // reused for every user
	rec    []string
}

func (o *findCSVOut) begin() error {
	o.cw.UseCRLF = true // RFC 4180, what spreadsheets write themselves
	return nil
}

func (o *findCSVOut) writeHeader() error {
	o.header = true
	if _, err := io.WriteString(o.w, utf8BOM); err != nil {
		return err
	}
	return o.cw.Write(findColumns)
}

func (o *findCSVOut) user(u directory.User, f flags.Facts) error {
	if !o.header {
		if err := o.writeHeader(); err != nil {
			return err
		}
	}
	o.r.fill(u, f)
	o.rec = o.r.appendCSVRecord(o.rec)
	return o.cw.Write(o.rec)
}

// flush passes the rows of a batch on (csv.Writer buffers them).
func (o *findCSVOut) flush() error { o.cw.Flush(); return o.cw.Error() }

func (o *findCSVOut) end(findScope, int, int) error {
	if !o.header {
		if err := o.writeHeader(); err != nil {
			return err
		}
	}
	return o.flush()
}
func (o *findCSVOut) abort() { o.cw.Flush() }

func (o *findTextOut) end(scope findScope, n, ready int) error {
	if n == 0 {
		hint := ""
		if scope.scope == directory.OneLevel {
			hint = " (this OU only: --subtree looks in the OUs below it too)"
		}
		printf(o.w, "no user in %s%s\n", scope, hint)
		return nil
	}
	printf(o.w, "\n%d user%s in %s: %d ready, %d not ready\n", n, plural(n), scope, ready, n-ready)
	return nil
}

func (o *findTextOut) abort() {}
