package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
)

// undo takes journaled writes back: each ID is a write id or a run id (as
// history shows them, or a unique prefix of at least 4 characters). Each
// write's inverse is written as a compare-and-swap on what the directory
// holds now (directory.UndoWrite), newest first, so two writes of one user
// are taken back in the order that lets the older one's values match.
//
// Exit status: 0 when everything named was taken back (or had been
// already: a write an earlier undo took back is not written again, "already
// undone by ID; nothing to do"), 1 when any part was refused (the directory
// no longer holds what the write wrote, a write rule, a write that was not
// written, enhanced presence that stays), 2 on an error (an unknown id, the
// connection, a write that failed).

// undoTries is how often an undo plans again after a conflict.
const undoTries = 5

// minIDPrefix is the shortest prefix of an id undo accepts.
const minIDPrefix = 4

// undoTarget is what one ID named.
type undoTarget struct {
	arg    string
	run    bool
	writes []directory.JournalWrite
}

// resolveUndoIDs finds each id among the writes and runs of the journal.
func resolveUndoIDs(writes []directory.JournalWrite, ids []string, path string, damaged bool) ([]undoTarget, error) {
	var out []undoTarget
	for _, id := range ids {
		byWrite := map[string]bool{}
		byRun := map[string]bool{}
		for _, w := range writes {
			if w.ID == id || len(id) >= minIDPrefix && strings.HasPrefix(w.ID, id) {
				byWrite[w.ID] = true
			}
			if w.Run != "" && (w.Run == id || len(id) >= minIDPrefix && strings.HasPrefix(w.Run, id)) {
				byRun[w.Run] = true
			}
		}
		// An exact id wins over prefixes of others.
		for full := range byWrite {
			if full == id {
				byWrite, byRun = map[string]bool{id: true}, nil
			}
		}
		for full := range byRun {
			if full == id {
				byWrite, byRun = nil, map[string]bool{id: true}
			}
		}
		var names []string
		for k := range byWrite {
			names = append(names, "write "+k)
		}
		for k := range byRun {
			names = append(names, "run "+k)
		}
		sort.Strings(names)
		switch {
		case len(names) == 0:
			why := ""
			if damaged {
				why = " (unless it is on one of the damaged lines named above)"
			}
			if len(id) < minIDPrefix {
				why += fmt.Sprintf("; give at least %d characters of an id", minIDPrefix)
			}
			return nil, usageError("no write or run %s in the journal %s%s: ocsflags history lists them", id, path, why)
		case len(names) > 1:
			return nil, usageError("%s is the start of %s: give more of the id", id, strings.Join(names, " and "))
		}
		t := undoTarget{arg: id}
		for k := range byRun {
			t.run = true
			for _, w := range writes {
				if w.Run == k {
					t.writes = append(t.writes, w)
				}
			}
		}
		for k := range byWrite {
			for _, w := range writes {
				if w.ID == k {
					t.writes = append(t.writes, w)
				}
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// undoOutcome counts what an undo did.
type undoOutcome struct {
	undone, already, refused, failed, skipped int
	ids                                       []string
}

// undoneByNow is the undo that has taken w back and is itself in effect
// (not taken back in turn by an undo in effect), or false: an undo of an
// undo puts the write's change back, so it may be undone again.
func undoneByNow(undoneBy map[string][]directory.JournalWrite, id string, depth int) (directory.JournalWrite, bool) {
	if depth > 64 {
		return directory.JournalWrite{}, false
	}
	us := undoneBy[id]
	for i := len(us) - 1; i >= 0; i-- {
		if _, undone := undoneByNow(undoneBy, us[i].ID, depth+1); !undone {
			return us[i], true
		}
	}
	return directory.JournalWrite{}, false
}

func runUndo(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("undo", flag.ContinueOnError)
	c := conn{writes: true}
	c.register(fs)
	dry := fs.Bool("dry-run", false, "")
	pos, err := parse(fs, args)
	c.dryRun = *dry
	if err == nil && len(pos) == 0 {
		err = usageError("usage: ocsflags undo [connection options] [--journal FILE] [--dry-run] ID... (the ids ocsflags history shows: a write, or a whole run)")
	}
	if err == nil && c.ldif != "" && c.changesOut == "" && !*dry {
		err = usageError("--ldif %s without --changes-out: nothing would keep this undo (the export is never modified, and its copy in memory "+
			"vanishes at exit): add --changes-out FILE to record it as LDIF to replay, or use --dry-run", c.ldif)
	}
	if err != nil {
		return exitCode(err, env)
	}
	path, explicit, err := journalFile(c.journal)
	if err != nil {
		return exitCode(err, env)
	}
	// The ids are looked up before connecting, so a typo costs no bind.
	writes, damage, err := readWrites(path, explicit)
	if err != nil {
		return exitCode(err, env)
	}
	reportDamage(env.Stderr, path, damage)
	targets, err := resolveUndoIDs(writes, pos, path, len(damage) > 0)
	if err != nil {
		return exitCode(err, env)
	}
	d, err := c.open(ctx, env)
	if err != nil {
		return exitCode(err, env)
	}
	defer d.Close()
	res, err := undoTargets(ctx, d, writes, targets, *dry, env)
	if err != nil {
		return exitCode(err, env)
	}
	switch {
	case res.failed > 0:
		return ExitError
	case res.refused > 0:
		return ExitRefused
	}
	return ExitOK
}

// undoTargets undoes the writes the targets name, newest first, and says
// what became of each.
func undoTargets(ctx context.Context, d directory.Directory, writes []directory.JournalWrite, targets []undoTarget, dry bool, env Env) (undoOutcome, error) {
	var out undoOutcome
	undoneBy := map[string][]directory.JournalWrite{}
	for _, w := range writes {
		if w.Undoes != "" && w.Written() {
			undoneBy[w.Undoes] = append(undoneBy[w.Undoes], w)
		}
	}
	var todo []directory.JournalWrite
	seen := map[string]bool{}
	anyRun := false
	for _, t := range targets {
		anyRun = anyRun || t.run
		for _, w := range t.writes {
			if seen[w.ID] {
				continue
			}
			seen[w.ID] = true
			if t.run && w.Outcome == directory.JournalNotWritten {
				// Part of a run that did not land: nothing to take back,
				// and nothing to refuse either.
				out.skipped++
				continue
			}
			todo = append(todo, w)
		}
	}
	// Newest first across every ID named, whatever order they were typed
	// in: a later write of a user is taken back before an earlier one, so
	// the earlier one finds the values it wrote. writes is in journal time
	// order (line order breaks ties), so its index is the key.
	pos := make(map[string]int, len(writes))
	for i, w := range writes {
		pos[w.ID] = i
	}
	sort.SliceStable(todo, func(i, j int) bool { return pos[todo[i].ID] > pos[todo[j].ID] })
	run := ""
	if (anyRun || len(todo) > 1) && !dry {
		run = directory.NewRunID()
		ctx = directory.WithRun(ctx, run)
	}
	// Reading and deciding first, in memory, for every write: one read per
	// container, the pools once.
	var dns []string
	var pools directory.PoolSet
	needPools := false
	for _, w := range todo {
		dns = append(dns, w.DN)
		for _, e := range w.Edits {
			needPools = needPools || strings.EqualFold(e.Attr, flags.AttrPrimaryHomeServer)
		}
	}
	if needPools {
		pl, err := d.Pools(ctx)
		if err != nil {
			return out, fmt.Errorf("list pools: %w", err)
		}
		pools = directory.NewPoolSetFrom(pl)
	}
	users, err := directory.ReadUsers(ctx, d, dns)
	if err != nil {
		return out, err
	}
	// The sign-in names the undos could put back to use, in one read,
	// and after the writes one more for those they did: never a search
	// per user (one write alone is checked by itself).
	var claims *directory.UndoClaims
	if len(todo) > 1 {
		if claims, err = directory.ReadUndoClaims(ctx, d, todo, users); err != nil {
			return out, err
		}
	}
	targetOK := map[string]error{}
	counted := map[string]bool{} // the writes counted as undone
	notes := map[string]string{}
	for n, w := range todo {
		if ctx.Err() != nil {
			printf(env.Stderr, "ocsflags: stopped: %s not undone\n", count(len(todo)-n, "write"))
			out.failed++
			break
		}
		key := strings.ToLower(w.Directory)
		if _, ok := targetOK[key]; !ok {
			notes[key], targetOK[key] = directory.CheckUndoTarget(ctx, d, w.Directory, w.DN)
			if notes[key] != "" {
				printf(env.Stderr, "ocsflags: notice: %s\n", notes[key])
			}
		}
		printf(env.Stdout, "%s  (undo of %s, %s %s)\n", w.DN, w.ID, w.Outcome, timeText(w.Time))
		if by, ok := undoneByNow(undoneBy, w.ID, 0); ok {
			printf(env.Stdout, "  already undone by %s at %s; nothing to do (ocsflags undo %s puts this write's change back)\n", by.ID, timeText(by.Time), by.ID)
			out.already++
			continue
		}
		if err := targetOK[key]; err != nil {
			printf(env.Stdout, "  refused: %s\n", err)
			out.refused++
			continue
		}
		u, ok := users[directory.NormDN(w.DN)]
		if !ok {
			printf(env.Stdout, "  refused: %s is no longer in the directory (deleted, moved or renamed): nothing to take back\n", w.DN)
			out.refused++
			continue
		}
		r := directory.UndoWrite(ctx, d, w, u, directory.UndoOptions{DryRun: dry, Tries: undoTries, Pools: pools, SettleTimeout: directory.DefaultTimeout, Claims: claims})
		users[directory.NormDN(w.DN)] = r.After
		r.Plan.NameChangedSince(laterInEffect(writes, pos[w.ID], undoneBy))
		writeUndo(env.Stdout, r, dry, undoneBy[w.ID])
		var re *directory.RefusedError
		switch {
		case errors.As(r.Err, &re):
			out.refused++
		case r.Err != nil:
			out.failed++
		case !r.Plan.Complete():
			out.refused++
		default:
			out.undone++
			counted[w.ID] = true
		}
		if r.ID != "" {
			out.ids = append(out.ids, r.ID)
		}
	}
	if claims != nil && !dry {
		for _, c := range claims.Confirm(context.WithoutCancel(ctx), d) {
			printf(env.Stdout, "%s  (undo of %s)\n  failed: %s\n", c.DN, c.Undoes, c.Err)
			if counted[c.Undoes] {
				out.undone--
			} else {
				out.refused--
			}
			out.failed++
		}
	}
	if out.skipped > 0 {
		printf(env.Stdout, "%s of the run %s not written: nothing to undo for them\n", count(out.skipped, "write"), wasWere(out.skipped))
	}
	printf(env.Stdout, "\n%s\n", undoSummary(out, run, dry))
	return out, nil
}

// laterInEffect is the journal's writes after the one at index i that are
// written and not taken back by an undo in effect: those that may have
// changed what that write left (directory.UndoPlan.NameChangedSince picks
// the ones of its user and attributes).
func laterInEffect(writes []directory.JournalWrite, i int, undoneBy map[string][]directory.JournalWrite) []directory.JournalWrite {
	var out []directory.JournalWrite
	for _, w := range writes[i+1:] {
		if _, undone := undoneByNow(undoneBy, w.ID, 0); w.Written() && !undone {
			out = append(out, w)
		}
	}
	return out
}

// undoSummary is undo's last line: what became of the writes named, and
// the id that takes this undo back.
func undoSummary(o undoOutcome, run string, dry bool) string {
	var parts []string
	if o.undone > 0 || (o.already == 0 && o.refused == 0 && o.failed == 0) {
		verb := "undone"
		if dry {
			verb = "to undo"
		}
		parts = append(parts, count(o.undone, "write")+" "+verb)
	}
	if o.already > 0 {
		parts = append(parts, fmt.Sprintf("%d already undone", o.already))
	}
	if o.refused > 0 {
		parts = append(parts, fmt.Sprintf("%d refused or partly", o.refused))
	}
	if o.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", o.failed))
	}
	counts := strings.Join(parts, ", ")
	switch {
	case dry:
		return "# dry run: nothing was written (" + counts + ")"
	case run != "" && len(o.ids) > 0:
		return fmt.Sprintf("undo run %s: %s; ocsflags undo %s takes this undo back", run, counts, run)
	case len(o.ids) == 1:
		return fmt.Sprintf("undone as write %s (%s); ocsflags undo %s takes this undo back", o.ids[0], counts, o.ids[0])
	case o.already > 0 && o.undone == 0 && o.refused == 0 && o.failed == 0:
		return "nothing to do: " + counts
	}
	return "nothing written: " + counts
}

// count is "1 write", "2 writes".
func count(n int, word string) string { return fmt.Sprintf("%d %s%s", n, word, plural(n)) }

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// writeUndo prints what undoing one write did: the attributes written
// back (as set prints its delta), and each part refused or kept with why.
func writeUndo(w io.Writer, r directory.UndoResult, dry bool, undoneBy []directory.JournalWrite) {
	if len(r.Sent.Edits) > 0 && r.Err == nil {
		indent := ""
		if dry {
			fmt.Fprintln(w, "  would write:")
			indent = "  "
		}
		for _, e := range r.Sent.Edits {
			printf(w, "%s  %-32s %s -> %s", indent, e.Attr, optOrAbsent(e.Old), optOrAbsent(e.New))
			if d, ok := optionFlagsDelta(e); ok {
				printf(w, "  (%s)", flags.DeltaNames(d))
			}
			fmt.Fprintln(w)
		}
	}
	for _, p := range r.Plan.Parts {
		switch p.Action {
		case directory.UndoRefused:
			printf(w, "  refused: %s\n", p.Reason)
		case directory.UndoKept:
			printf(w, "  kept: %s\n", p.Reason)
		default:
			if p.Reason != "" {
				printf(w, "  note: %s\n", p.Reason)
			}
		}
	}
	var re *directory.RefusedError
	switch {
	case errors.As(r.Err, &re):
		for _, x := range re.Refusals {
			printf(w, "  refused (nothing written): %s\n", x.Reason)
		}
	case r.Err != nil:
		printf(w, "  failed: %s\n", r.Err)
	case r.Unread != nil:
		printf(w, "  note: written, but reading %s back failed (%v): reload it before relying on it\n", r.Sent.DN, r.Unread)
	case len(r.Sent.Edits) == 0:
		fmt.Fprintln(w, "  nothing written")
	}
	if !r.Plan.Complete() || r.Err != nil {
		for _, u := range undoneBy {
			printf(w, "  note: write %s took this write back at %s, and was itself taken back since\n", u.ID, timeText(u.Time))
		}
	}
}
