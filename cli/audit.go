package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

type auditJSON struct {
	DN   string `json:"dn"`
	Name string `json:"name"`
	// The settings find --json shows, under the same names.
	userFields
	Ready bool `json:"ready"`
	// Verdict is the one verdict every surface shows (flags.Judge).
	Verdict  flags.Verdict `json:"verdict"`
	Findings []findingJSON `json:"findings"`
	// Notes say why a rule passes where one might expect it to fail (a
	// disabled resource-forest account, a central-forest contact).
	Notes []flags.Note `json:"notes"`
}

// findingFields is one finding as find --json and audit --json both show
// it, so a script reads "findings" the same way from either.
type findingFields struct {
	ID         string         `json:"id"`
	Severity   flags.Severity `json:"severity"`
	Attribute  string         `json:"attribute"`
	Value      string         `json:"value"`
	Message    string         `json:"message"`
	Experience string         `json:"experience"`
}

func newFindingFields(f flags.Finding) findingFields {
	return findingFields{ID: f.ID, Severity: f.Severity, Attribute: f.Attribute, Value: f.Value, Message: f.Problem, Experience: f.Experience}
}

// findingJSON is a finding of audit --json: find's fields and its fix.
type findingJSON struct {
	findingFields
	// Fix is the command the text audit prints to repair the finding
	// (null when no single command does); FixHint says what to do then.
	Fix     *string `json:"fix"`
	FixHint *string `json:"fixHint"`
}

// runAudit returns the exit code itself: 1 (not ready) is not an error.
func runAudit(ctx context.Context, args []string, env Env) int {
	// Standard output is buffered and flushed after each batch of users
	// the directory delivers (and before any error), so the first lines
	// still show at once but 100k users are not a write each.
	bw := bufio.NewWriterSize(env.Stdout, 64<<10)
	fail := func(err error) int {
		bw.Flush()
		fmt.Fprintf(env.Stderr, "ocsflags: %s\n", errorText(err))
		return ExitError
	}
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	var c conn
	c.register(fs)
	asJSON := fs.Bool("json", false, "")
	ou := fs.String("ou", "", "")
	subtree := fs.Bool("subtree", false, "")
	ids, err := parse(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(bw, usage)
			bw.Flush()
			return ExitOK
		}
		return fail(err)
	}
	switch {
	case *ou == "" && len(ids) == 0:
		return fail(usageError("name the users to audit (sAMAccountName, UPN, SIP address, DN or name as ADUC shows it), or --ou DN"))
	case *ou != "" && len(ids) > 0:
		return fail(usageError("give users or --ou, not both"))
	case *subtree && *ou == "":
		return fail(usageError("--subtree goes with --ou DN"))
	}
	if *ou != "" {
		if err := checkOU(*ou); err != nil {
			return fail(err)
		}
	}
	d, err := c.open(ctx, env)
	if err != nil {
		return fail(err)
	}
	defer d.Close()
	pl, err := d.Pools(ctx)
	if err != nil {
		return fail(fmt.Errorf("list pools: %w", err))
	}
	pools := directory.NewPoolSetFrom(pl)
	if info := d.Info(); info.SIPScope == flags.ScopeDomain && !*asJSON {
		printf(env.Stderr, "ocsflags: note: sign-in names are checked in this domain only, not the forest: %s\n", info.GCProblem)
	}

	// One plan for every multi-user path: the pools (read above), one read
	// of the sign-in names (all of them in scope for an OU, those the named
	// users need otherwise) into an index, the users, and then each user is
	// judged in memory. Users are printed as they are judged, in the order
	// the directory delivers them (sorting would hold back the first line
	// until the last user is read).
	aud := &directory.Auditor{Pools: pools, Scope: d.Info().SIPScope}
	out := newAuditWriter(bw, *asJSON)
	counts := map[string]int{}
	n, ready := 0, 0
	var unchecked uncheckedHomes
	// One auditJSON and its findings are reused for every user: each is
	// written before the next is judged.
	var a auditJSON
	judge := func(u directory.User, offers bool) error {
		in := aud.Input(u)
		if offers {
			// The per-user text and --json print fixes: they need which
			// sign-in names a fix may offer (answered from the index).
			aud.AddSIPOffers(u, &in)
		}
		fs, notes := flags.Audit(in), flags.Notes(in)
		v := flags.Judge(fs)
		a = auditJSON{DN: u.DN, Name: u.Label(), Ready: v == flags.VerdictReady, Verdict: v, Findings: a.Findings[:0], Notes: notes}
		if a.Notes == nil {
			a.Notes = []flags.Note{}
		}
		if *asJSON {
			host := ""
			if u.OCS.HomeServer.Set {
				host = aud.PoolHost(u.OCS.HomeServer.V)
			}
			a.userFields = newUserFields(u, flags.Facts{Settings: u.OCS, Findings: fs, Verdict: v, Pool: host})
		}
		if a.Findings == nil {
			a.Findings = []findingJSON{}
		}
		for i := range fs {
			f := &fs[i]
			fj := findingJSON{findingFields: newFindingFields(*f)}
			if *asJSON {
				if fix := fixCommand(u, *f, fs, pools, c.target); fix != "" {
					fj.Fix = &fix
				} else if f.FixHint != "" {
					fj.FixHint = &f.FixHint
				}
			}
			a.Findings = append(a.Findings, fj)
			counts[f.ID]++
		}
		n++
		if a.Ready {
			ready++
		}
		unchecked.add(u, aud)
		switch {
		case *asJSON:
			return out.audit(&a)
		case *ou != "":
			writeAuditLine(bw, u, a)
		default:
			writeAudit(bw, u, fs, notes, pools, c.target)
		}
		return nil
	}
	if *ou != "" {
		scope := directory.OneLevel
		if *subtree {
			scope = directory.Subtree
		}
		err = directory.UsersWithSIPIndex(ctx, d, *ou, scope, func(x *directory.SIPIndex, us []directory.User) error {
			aud.SIP = x
			for _, u := range us {
				if err := judge(u, *asJSON); err != nil {
					return err
				}
			}
			return bw.Flush()
		})
		if err != nil {
			out.abort()
			return fail(fmt.Errorf("list users of %s: %w", *ou, err))
		}
	} else {
		// Resolve every name first: a typo exits 2 before anything is
		// printed, so a script never reads half an answer.
		var users []directory.User
		var names []string
		for _, id := range ids {
			us, err := d.Resolve(ctx, id)
			if err != nil {
				return fail(fmt.Errorf("user %s: %w", termtext.Quote(id), err))
			}
			users = append(users, us...)
			for _, u := range us {
				names = append(names, directory.SIPNamesFor(u)...)
			}
		}
		aud.SIP = directory.NewSIPIndex()
		if len(names) == 0 {
			// Nothing to look up (an empty list would read every name).
		} else if aud.SIP, err = directory.ReadSIPIndex(ctx, d, names); err != nil {
			return fail(fmt.Errorf("read the sign-in names: %w", err))
		}
		for _, u := range users {
			if err := judge(u, true); err != nil {
				return fail(err)
			}
		}
	}
	if err := out.end(); err != nil {
		return fail(err)
	}
	if !*asJSON && *ou != "" {
		writeCounts(bw, n, ready, counts)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if !*asJSON && *ou != "" {
		unchecked.note(env.Stderr)
	}
	if ready < n {
		return ExitNotReady
	}
	return ExitOK
}

// auditWriter writes audit --json (and find --json) as it goes: a JSON
// array, one element at a time, byte for byte what writeJSON writes for
// the whole array (a two-space indent, unsafe runes as \u escapes), so a
// reader sees the first users at once and a script still reads one valid
// document at the end. The elements are encoded by hand (jsonEnc) into
// one buffer reused for every user; w is expected to be buffered.
type auditWriter struct {
	w      io.Writer
	json   bool
	n      int
	closed bool
	e      jsonEnc
}

func newAuditWriter(w io.Writer, asJSON bool) *auditWriter {
	return &auditWriter{w: w, json: asJSON, e: jsonEnc{prefix: "  "}}
}

// start begins the next element in a.e.
func (a *auditWriter) start() *jsonEnc {
	sep := ",\n  "
	if a.n == 0 {
		sep = "[\n  "
	}
	a.n++
	a.e.b = append(a.e.b[:0], sep...)
	a.e.depth = 0
	return &a.e
}

func (a *auditWriter) write() error {
	_, err := a.w.Write(a.e.b)
	return err
}

// head starts one user's object with what audit --json and find --json
// share, up to the key of its findings.
func (a *auditWriter) head(dn, name string, uf *userFields, ready bool, v flags.Verdict) *jsonEnc {
	e := a.start()
	e.open('{')
	e.key("dn")
	e.str(dn)
	e.key("name")
	e.str(name)
	e.userFields(uf)
	e.key("ready")
	e.boolean(ready)
	e.key("verdict")
	e.str(v.String())
	e.key("findings")
	return e
}

// audit writes one user of audit --json.
func (a *auditWriter) audit(x *auditJSON) error {
	e := a.head(x.DN, x.Name, &x.userFields, x.Ready, x.Verdict)
	objects(e, x.Findings, func(f *findingJSON) {
		e.findingFields(&f.findingFields)
		e.key("fix")
		e.strPtr(f.Fix)
		e.key("fixHint")
		e.strPtr(f.FixHint)
	})
	e.key("notes")
	objects(e, x.Notes, func(n *flags.Note) {
		e.key("id")
		e.str(n.ID)
		e.key("attribute")
		e.str(n.Attribute)
		e.key("value")
		e.str(n.Value)
		e.key("message")
		e.str(n.Message)
	})
	e.close('}')
	return a.write()
}

// find writes one user of find --json.
func (a *auditWriter) find(x *findJSON) error {
	e := a.head(x.DN, x.Name, &x.userFields, x.Ready, x.Verdict)
	objects(e, x.Findings, e.findingFields)
	e.close('}')
	return a.write()
}

// end closes the array ("[]" when nothing was written).
func (a *auditWriter) end() error {
	if !a.json || a.closed {
		return nil
	}
	a.closed = true
	closing := "\n]\n"
	if a.n == 0 {
		closing = "[]\n"
	}
	_, err := io.WriteString(a.w, closing)
	return err
}

// abort closes an array cut short by an error, so standard output stays
// one valid JSON document; the exit code (2) and standard error say the
// list is incomplete.
func (a *auditWriter) abort() {
	if a.n > 0 {
		a.end()
	}
}

func writeAudit(w io.Writer, u directory.User, fs []flags.Finding, notes []flags.Note, pools directory.PoolSet, target fixTarget) {
	printf(w, "%s (%s)\n  %s\n", u.Label(), firstNonEmpty(u.SAMAccountName, u.Mail), u.DN)
	pool := "—"
	if u.OCS.HomeServer.Set {
		pool = u.OCS.HomeServer.V
		if p, ok := pools.ByHomeServer(u.OCS.HomeServer.V); ok {
			pool = p.Host
		} else if flags.IsDeletedReference(pool) {
			pool = "(a pool that was deleted)"
		}
	}
	printf(w, "  sign-in name %s, pool %s, OptionFlags %s\n", orDash(u.OCS.SIPAddress), pool, flagsText(u.OCS.OptionFlags))
	if u.Kind == directory.KindContact {
		printf(w, "  contact, OriginatorSid %s\n", orDash(u.OCS.OriginatorSid))
	} else if u.OCS.OriginatorSid.Set {
		printf(w, "  OriginatorSid %s\n", u.OCS.OriginatorSid.V)
	}
	v, errs, warns := flags.JudgeCounts(fs)
	switch v {
	case flags.VerdictReady:
		printf(w, "  ✓ READY: can sign in")
		if warns > 0 {
			printf(w, ", with %d warning%s", warns, plural(warns))
		}
		fmt.Fprintln(w)
	case flags.VerdictCannotSignIn:
		unit := "problems"
		if errs == 1 {
			unit = "problem"
		}
		printf(w, "  ✗ NOT READY: cannot sign in (%d %s)\n", errs, unit)
	case flags.VerdictUnverified:
		// Not ready as far as anyone knows (exit 1): readiness needs a
		// home server that is an existing pool, and this account could
		// not see it; nor broken, so no fix rewrites it.
		printf(w, "  ? NOT VERIFIED: %s", v.Headline())
		if warns > 0 {
			printf(w, ", with %d other warning%s", warns, plural(warns))
		}
		fmt.Fprintln(w)
	default:
		printf(w, "  %s NOT READY: %s\n", v.Mark(), v.Headline())
	}
	for _, n := range notes {
		printf(w, "  ✓ note    %-24s %s\n", n.ID, n.Message)
	}
	for _, f := range fs {
		mark := "!"
		if f.Severity == flags.Error {
			mark = "✗"
		}
		printf(w, "  %s %-7s %-24s %s\n", mark, f.Severity, f.ID, f.Problem)
		printf(w, "      user sees: %s\n", f.Experience)
		if fix := fixCommand(u, f, fs, pools, target); fix != "" {
			printf(w, "      fix: %s\n", fix)
		} else if f.FixHint != "" {
			printf(w, "      fix: %s\n", f.FixHint)
		}
	}
	fmt.Fprintln(w)
}

func writeAuditLine(w io.Writer, u directory.User, a auditJSON) {
	mark := padRight(a.Verdict.Word(), 13)
	var ids []string
	for _, f := range a.Findings {
		ids = append(ids, f.ID)
	}
	printf(w, "%s  %s %s\n", mark, padRight(truncate(u.Label(), 32), 32), strings.Join(ids, " "))
}

func writeCounts(w io.Writer, n, ready int, counts map[string]int) {
	printf(w, "\n%d user%s: %d ready, %d not ready\n", n, plural(n), ready, n-ready)
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		printf(w, "  %6d  %s\n", counts[k], k)
	}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func orDash(o flags.Opt[string]) string {
	if !o.Set {
		return "—"
	}
	return o.V
}

func flagsText(o flags.Opt[flags.Value]) string {
	if !o.Set {
		return "not set"
	}
	return flags.FormatAD(o.V)
}

// padRight pads s with spaces to n characters; fmt's %-Ns counts bytes,
// which puts the columns after "✓ ready" or "Jürgen" out of line.
func padRight(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
