package cli

// set over many users: set [connection] (--ou DN [--subtree] |
// --users-from FILE) [--where …]… [--dry-run] [--parallel N] [--json]
// CHANGE…, on directory's bulk engine (PlanBulk, ApplyBulk).

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

// bulkFlags are set's options for many users.
type bulkFlags struct {
	ou, usersFrom string
	subtree       bool
	asJSON        bool
	where         *whereFlag
	parallel      parallelFlag
	// given names the options given on the command line.
	given map[string]bool
	fs    *flag.FlagSet
}

// parallelFlag is --parallel N: how many users are written at once.
type parallelFlag int

func (p *parallelFlag) String() string { return strconv.Itoa(int(*p)) }

func (p *parallelFlag) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > directory.MaxParallel {
		return fmt.Errorf("--parallel %s: give how many users to write at once, from 1 to %d (default %d)", termtext.Safe(s), directory.MaxParallel, directory.DefaultParallel)
	}
	*p = parallelFlag(n)
	return nil
}

func (b *bulkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.ou, "ou", "", "")
	fs.BoolVar(&b.subtree, "subtree", false, "")
	fs.StringVar(&b.usersFrom, "users-from", "", "")
	b.where = registerWhere(fs)
	fs.Var(&b.parallel, "parallel", "")
	fs.BoolVar(&b.asJSON, "json", false, "")
	b.parallel = directory.DefaultParallel
	b.given = map[string]bool{}
	b.fs = fs
}

// on reports whether set runs over many users.
func (b *bulkFlags) on() bool { return b.given["ou"] || b.given["users-from"] }

// check reads which options were given and refuses combinations that
// make no sense, before anything is read or connected.
func (b *bulkFlags) check() error {
	b.fs.Visit(func(f *flag.Flag) { b.given[f.Name] = true })
	switch {
	case b.given["ou"] && b.given["users-from"]:
		return usageError("give --ou DN or --users-from FILE, not both")
	case b.given["ou"] && strings.TrimSpace(b.ou) == "":
		return usageError("--ou needs the DN of an OU (e.g. --ou OU=Sales,OU=Corp,DC=corp,DC=example)")
	case b.given["users-from"] && b.usersFrom == "":
		return usageError("--users-from needs a file of users, one a line (- for standard input)")
	case b.subtree && !b.given["ou"]:
		return usageError("--subtree goes with --ou DN")
	case !b.on():
		for _, o := range []string{"where", "parallel", "json"} {
			if b.given[o] {
				return usageError("--%s goes with --ou DN or --users-from FILE (set over many users); for one user: ocsflags set USER CHANGE...", o)
			}
		}
	}
	return nil
}

// readUserList reads --users-from: one identifier a line, as --user
// takes them; blank lines and lines starting with # are left out. lines
// says on which line of the file each identifier is.
func readUserList(name string, env Env) (ids []string, lines []int, err error) {
	var r io.Reader
	what := name
	if name == "-" {
		if env.Stdin == nil {
			return nil, nil, usageError("--users-from -: there is no standard input to read users from")
		}
		r, what = env.Stdin, "standard input"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, nil, usageError("--users-from %s: %v", name, errors.Unwrap(err))
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	n := 0
	for sc.Scan() {
		n++
		text := sc.Text()
		if n == 1 {
			text = strings.TrimPrefix(text, "\uFEFF") // a byte-order mark from Notepad
		}
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
			return nil, nil, usageError("--users-from %s: line %d is not text (is this a list of users, one a line, in UTF-8?)", what, n)
		}
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		ids, lines = append(ids, text), append(lines, n)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, nil, usageError("--users-from %s: line %d is longer than 64 KiB: is this a list of users, one a line?", what, n+1)
		}
		return nil, nil, fmt.Errorf("--users-from %s: %w", what, err)
	}
	if len(ids) == 0 {
		return nil, nil, usageError("--users-from %s names no users: give one identifier a line (sAMAccountName, UPN, SIP address, DN or name as ADUC shows it)", what)
	}
	return ids, lines, nil
}

// repeatedLine finds the first identifier given twice (in any case): the
// line numbers of its first and second occurrence.
func repeatedLine(ids []string, lines []int) (first, again int, ok bool) {
	seen := map[string]int{}
	for i, id := range ids {
		k := strings.ToLower(id)
		if j, dup := seen[k]; dup {
			return lines[j], lines[i], true
		}
		seen[k] = i
	}
	return 0, 0, false
}

func listName(file string) string {
	if file == "-" {
		return "standard input"
	}
	return file
}

// bulkWhere is the --where conditions as the plan's filter: the find
// command's language, matched on the facts the plan's one read gives
// (directory.Auditor.Facts); nil when none was given.
func bulkWhere(w flags.Where) directory.Where {
	if w.Empty() {
		return nil
	}
	return directory.WhereFunc(func(u directory.User, a *directory.Auditor) bool { return w.Match(a.Facts(u)) })
}

func runBulkSet(ctx context.Context, pos []string, c *conn, b *bulkFlags, dry bool, tries int, env Env) error {
	if len(pos) == 0 {
		return usageError("name the changes to make, e.g. ocsflags set --ou OU=Sales,OU=Corp,DC=corp,DC=example +pic telephony=ev")
	}
	change, pool, err := parseChanges(pos)
	if err != nil {
		if a := pos[0]; !strings.HasPrefix(a, "+") && !strings.HasPrefix(a, "-") && !strings.Contains(a, "=") {
			return usageError("%v (with --ou or --users-from every argument is a change: the users come from the option)", err)
		}
		return err
	}
	// The engine's rules on the change alone, before connecting: a typo
	// costs no bind.
	if rs := directory.CheckBulkChange(change); len(rs) > 0 {
		return bulkChangeRefused(rs[0])
	}
	if c.readOnly && !dry {
		// As for one user: refuse before anything is read, not one
		// "failed" line per user of the OU.
		return fmt.Errorf("--read-only: ocsflags was started with --read-only, so a change to many users is refused before anything is read; nothing was written (add --dry-run to see the plan, or drop --read-only to write)")
	}
	where := bulkWhere(b.where.Where())
	sel := directory.BulkSelection{OU: strings.TrimSpace(b.ou), Scope: directory.OneLevel}
	if b.subtree {
		sel.Scope = directory.Subtree
	}
	var lines []int
	if sel.OU != "" {
		if _, err := directory.ParseDN(sel.OU); err != nil {
			return fmt.Errorf("--ou %s: %w", termtext.Quote(sel.OU), err)
		}
	} else {
		if b.usersFrom == "-" && c.passwordFile == "-" {
			return usageError("--users-from - and --password-file - both read standard input: put the password or the users in a file")
		}
		// The list is read before connecting: a bad file costs no bind.
		if sel.IDs, lines, err = readUserList(b.usersFrom, env); err != nil {
			return err
		}
	}
	d, err := c.open(ctx, env)
	if err != nil {
		return err
	}
	defer d.Close()
	req := directory.BulkRequest{Select: sel, Where: where, Change: change}
	if pool != "" {
		pl, err := d.Pools(ctx)
		if err != nil {
			return fmt.Errorf("list pools: %w", err)
		}
		dn, err := choosePool(pool, pl.Pools)
		if err != nil {
			ps := directory.NewPoolSetFrom(pl)
			if len(pl.Pools) == 0 {
				return usageError("pool=%s: %s", pool, ps.NoneWhy())
			}
			if why := unreadPools(pl); why != "" {
				return usageError("pool=%s: %v; %s", pool, err, why)
			}
			return usageError("pool=%s: %v", pool, err)
		}
		change.HomeServer = flags.Some(dn)
		req.Change, req.Pools = change, &pl
	}
	if w := b.where.Where(); !w.Empty() {
		// A rerun: the users the first run changed may no longer match
		// --where (the repair's finding is gone); those that match the
		// rest and hold the change already are reported unchanged.
		rest := w.Settled(req.Change)
		req.Settled = directory.WhereFunc(func(u directory.User, a *directory.Auditor) bool { return rest.Match(a.Facts(u)) })
	}
	plan, err := directory.PlanBulk(ctx, d, req)
	var ue *directory.UnresolvedError
	if errors.As(err, &ue) {
		return unresolvedLines(ue, b.usersFrom, lines)
	}
	if err != nil {
		return err
	}
	if len(sel.IDs) > plan.Read {
		// Two lines for one user (the same name twice, or alee and
		// sip:alee@…): planned once, said so that a count that looks short
		// is explained.
		first := ""
		if a, b, ok := repeatedLine(sel.IDs, lines); ok {
			first = fmt.Sprintf(" (line %d repeats line %d)", b, a)
		}
		printf(env.Stderr, "ocsflags: notice: --users-from %s: %d of its lines name %d user%s%s; each user is planned once\n",
			listName(b.usersFrom), len(sel.IDs), plan.Read, plural(plan.Read), first)
	}
	if info := d.Info(); info.SIPScope == flags.ScopeDomain && claims(plan) > 0 {
		printf(env.Stderr, "ocsflags: warning: the sign-in names this puts to use were checked in this domain only, not the forest (%s): a user of another domain may hold one; give --gc URL to check the forest\n", info.GCProblem)
	}
	writeBulkWarnings(env.Stderr, plan)
	if dry {
		return bulkDryRun(env, plan, b.asJSON, sel, where != nil)
	}
	if len(plan.Items) == 0 {
		if b.asJSON {
			// A real run that selected nobody: not a dry run.
			return writeJSONLine(env.Stdout, bulkSummary(plan, &directory.BulkReport{}))
		}
		printf(env.Stdout, "%s\n", selectedText(plan, sel, where != nil))
		return nil
	}

	ctx = directory.WithRun(ctx, directory.NewRunID())
	prog := newProgressLine(env.Stderr, env.Stdout, len(plan.Items))
	table := newBulkTable(plan)
	rep := directory.ApplyBulk(ctx, d, plan, directory.BulkOptions{
		Parallel: int(b.parallel), Tries: tries,
		Progress: func(r directory.BulkResult, done, total int) {
			prog.clear()
			if b.asJSON {
				writeJSONLine(env.Stdout, resultJSON(r))
			} else {
				table.writeResultLine(env.Stdout, r)
			}
			prog.update(done)
		},
	})
	prog.end()
	if b.asJSON {
		if err := writeJSONLine(env.Stdout, bulkSummary(plan, rep)); err != nil {
			return err
		}
	} else {
		_, journaled := d.(*directory.Journaled)
		writeBulkSummary(env.Stdout, plan, rep, sel, where != nil, journaled)
	}
	if !rep.Done() {
		return notAllDone{n: len(rep.Results) - rep.Count(directory.BulkWritten) - rep.Count(directory.BulkUnchanged), of: len(rep.Results)}
	}
	return nil
}

// bulkChangeRefused words a refusal of the change itself
// (directory.CheckBulkChange) for set's arguments.
func bulkChangeRefused(r directory.Refusal) error {
	switch {
	case r.Rule == directory.RuleOneUserValue && r.Attr == flags.AttrPrimaryUserAddress && r.Addr == "":
		return usageError("sip= with --ou or --users-from: %s (ocsflags set USER sip=); -enabled alone disables the users and keeps their names", r.Reason)
	case r.Rule == directory.RuleOneUserValue && r.Attr == flags.AttrPrimaryUserAddress:
		return usageError("sip= would give every user the same sign-in name, and a sign-in name belongs to one user: set it one user at a time (ocsflags set USER sip=…)")
	case r.Rule == directory.RuleOneUserValue && r.Attr == flags.AttrLine:
		return usageError("line= would give every user the same Line URI, and a line belongs to one user: set it one user at a time (ocsflags set USER line=…)")
	}
	return usageError("%s", r.Reason)
}

// notAllDone ends a bulk set whose users did not all end in the target
// state: exit 1, the report having said who and why.
type notAllDone struct{ n, of int }

func (e notAllDone) Error() string {
	return fmt.Sprintf("%d of %d users are not in the target state (skipped, conflict or failed)", e.n, e.of)
}

func claims(p *directory.BulkPlan) int {
	n := 0
	for _, it := range p.Items {
		if it.Outcome == directory.BulkWrite && it.Claim != "" {
			n++
		}
	}
	return n
}
