package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

type auditJSON struct {
	DN    string `json:"dn"`
	Name  string `json:"name"`
	Ready bool   `json:"ready"`
	// Verdict is the one verdict every surface shows (flags.Judge).
	Verdict  flags.Verdict `json:"verdict"`
	Findings []findingJSON `json:"findings"`
	// Notes say why a rule passes where one might expect it to fail (a
	// disabled resource-forest account, a central-forest contact).
	Notes []flags.Note `json:"notes"`
}

type findingJSON struct {
	ID         string         `json:"id"`
	Severity   flags.Severity `json:"severity"`
	Attribute  string         `json:"attribute"`
	Value      string         `json:"value"`
	Message    string         `json:"message"`
	Experience string         `json:"experience"`
}

// runAudit returns the exit code itself: 1 (not ready) is not an error.
func runAudit(ctx context.Context, args []string, env Env) int {
	fail := func(err error) int {
		fmt.Fprintf(env.Stderr, "ocsflags audit: %s\n", errorText(err))
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
			fmt.Fprint(env.Stdout, usage)
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
		if _, err := directory.ParseDN(*ou); err != nil {
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
		fmt.Fprintf(env.Stderr, "ocsflags: note: sign-in names are checked in this domain only, not the forest: %s\n", info.GCProblem)
	}

	var users []directory.User
	if *ou != "" {
		scope := directory.OneLevel
		if *subtree {
			scope = directory.Subtree
		}
		err = d.Users(ctx, *ou, scope, func(b directory.Batch) error {
			users = append(users, b.Users...)
			return nil
		})
		if err != nil {
			return fail(fmt.Errorf("list users of %s: %w", *ou, err))
		}
	} else {
		// Resolve every name first: a typo exits 2 before anything is
		// printed, so a script never reads half an answer.
		for _, id := range ids {
			us, err := d.Resolve(ctx, id)
			if err != nil {
				return fail(fmt.Errorf("user %s: %w", termtext.Quote(id), err))
			}
			users = append(users, us...)
		}
	}

	var out []auditJSON
	allReady := true
	counts := map[string]int{}
	for _, u := range users {
		in, err := directory.AuditInputFor(ctx, d, u, pools)
		if err == nil && !*asJSON && *ou == "" {
			// Only the per-user text prints fixes: only it looks up which
			// sign-in names a fix may offer.
			err = directory.AddSIPOffers(ctx, d, u, &in)
		}
		if err != nil {
			return fail(fmt.Errorf("audit %s: %w", u.DN, err))
		}
		fs, notes := flags.Audit(in), flags.Notes(in)
		a := auditJSON{DN: u.DN, Name: u.Label(), Ready: flags.Ready(fs), Verdict: flags.Judge(fs), Findings: []findingJSON{}, Notes: notes}
		if a.Notes == nil {
			a.Notes = []flags.Note{}
		}
		for _, f := range fs {
			a.Findings = append(a.Findings, findingJSON{f.ID, f.Severity, f.Attribute, f.Value, f.Problem, f.Experience})
			counts[f.ID]++
		}
		allReady = allReady && a.Ready
		if !*asJSON {
			if *ou != "" {
				writeAuditLine(env.Stdout, u, a)
			} else {
				writeAudit(env.Stdout, u, fs, notes, pools, c.target)
			}
		}
		out = append(out, a)
	}
	if *asJSON {
		if out == nil {
			out = []auditJSON{}
		}
		if err := writeJSON(env.Stdout, out); err != nil {
			return fail(err)
		}
	} else if *ou != "" {
		writeCounts(env.Stdout, len(users), counts, out)
	}
	if !allReady {
		return ExitNotReady
	}
	return ExitOK
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
	errs, warns := flags.Counts(fs)
	switch v := flags.Judge(fs); v {
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
		if warns > 1 {
			printf(w, ", with %d other warning%s", warns-1, plural(warns-1))
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
	mark := fmt.Sprintf("%-13s", a.Verdict.Word())
	var ids []string
	for _, f := range a.Findings {
		ids = append(ids, f.ID)
	}
	printf(w, "%s  %-32s %s\n", mark, truncate(u.Label(), 32), strings.Join(ids, " "))
}

func writeCounts(w io.Writer, n int, counts map[string]int, out []auditJSON) {
	ready := 0
	for _, a := range out {
		if a.Ready {
			ready++
		}
	}
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

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
