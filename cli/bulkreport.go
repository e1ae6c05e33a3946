package cli

// What set over many users says: the plan, each user's result, the
// summary, and the JSON Lines of --json.

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

// unresolvedLines says which lines of the list name no user or several.
func unresolvedLines(ue *directory.UnresolvedError, file string, lines []int) error {
	where := file
	if file == "-" {
		where = "standard input"
	}
	var out []string
	for i, p := range ue.Problems {
		if i == 20 {
			out = append(out, fmt.Sprintf("  … and %d more", len(ue.Problems)-i))
			break
		}
		out = append(out, fmt.Sprintf("  line %d: %s: %v", lines[p.Index], termtext.Quote(p.ID), p.Err))
	}
	unit := "lines name"
	if len(ue.Problems) == 1 {
		unit = "line names"
	}
	return &linesError{fmt.Sprintf("--users-from %s: %d %s no user or more than one; nothing was written (fix or remove them and run again):", where, len(ue.Problems), unit), out}
}

// bulkReason words why a user is left alone, for every surface of set.
func bulkReason(r *directory.Refusal) string {
	switch r.Rule {
	case directory.RuleWorkingPool:
		return fmt.Sprintf("already on a working pool (%s); %s", r.Pool, r.Reason)
	case directory.RulePoolUnknown:
		return "cannot tell whether its home server is a working pool, so it is left alone: " + r.Reason
	case directory.RuleEnableIncomplete:
		return fmt.Sprintf("has no %s: %s", strings.Join(r.Missing, " or "), r.Reason)
	}
	return r.Reason
}

func resultReason(r directory.BulkResult) string {
	if r.Refusal != nil && r.Outcome == directory.BulkSkipped {
		return bulkReason(r.Refusal)
	}
	if r.Err != nil {
		return r.Err.Error()
	}
	if r.Refusal != nil {
		return bulkReason(r.Refusal)
	}
	return ""
}

// editsText is a write's edits on one line.
func editsText(edits []flags.AttrEdit) string {
	var parts []string
	for _, e := range edits {
		t := fmt.Sprintf("%s %s -> %s", e.Attr, optOrAbsent(e.Old), optOrAbsent(e.New))
		if e.Attr == flags.AttrOptionFlags {
			o, _ := flags.ParseAD(e.Old.Or("0"))
			n, _ := flags.ParseAD(e.New.Or("0"))
			t += fmt.Sprintf(" (%s)", flags.Diff(o, n))
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, "; ")
}

// bulkTable is the columns of the plan and the report: the outcome, the
// name ADUC shows and the sAMAccountName, which tells apart two users of
// one display name (an object without one, a contact, gets its DN on a
// line of its own), sized to the plan's users so the changes start as
// far left as they can.
type bulkTable struct{ name, account int }

const (
	outcomeWidth = 9
	maxName      = 30
	maxAccount   = 20 // the longest sAMAccountName AD allows
)

func newBulkTable(p *directory.BulkPlan) bulkTable {
	t := bulkTable{name: len("USER"), account: len("ACCOUNT")}
	for _, it := range p.Items {
		t.name = max(t.name, min(utf8.RuneCountInString(termtext.Safe(it.User.Label())), maxName))
		t.account = max(t.account, min(utf8.RuneCountInString(termtext.Safe(it.User.SAMAccountName)), maxAccount))
	}
	return t
}

func (t bulkTable) header(w io.Writer, first, last string) {
	printf(w, "%s %s %s %s\n", padRight(first, outcomeWidth), padRight("USER", t.name), padRight("ACCOUNT", t.account), last)
}

// row prints one user; text is already safe for the terminal except the
// name, account and DN, which come from the directory.
func (t bulkTable) row(w io.Writer, outcome, name, sam, dn, detail string) {
	account := sam
	if sam == "" {
		account = "-"
	}
	name, account = termtext.Safe(name), termtext.Safe(account)
	fmt.Fprintf(w, "%s %s %s %s\n", padRight(outcome, outcomeWidth), padRight(truncate(name, t.name), t.name),
		padRight(truncate(account, t.account), t.account), termtext.Safe(detail))
	if sam == "" {
		printf(w, "%s dn: %s\n", strings.Repeat(" ", outcomeWidth), dn)
	}
}

func (t bulkTable) writeResultLine(w io.Writer, r directory.BulkResult) {
	detail := resultReason(r)
	switch r.Outcome {
	case directory.BulkWritten:
		detail = editsText(r.Sent.Edits)
		if len(r.Others) > 0 {
			detail += "; kept what another writer changed meanwhile: " + editsText(r.Others)
		}
		if r.Err != nil {
			detail += "; " + r.Err.Error()
		}
	case directory.BulkUnchanged:
		detail = "already holds this"
	}
	t.row(w, string(r.Outcome), r.Name, r.SAM, r.DN, detail)
}

// selectedText says what the selection read and kept.
func selectedText(p *directory.BulkPlan, sel directory.BulkSelection, filtered bool) string {
	from := fmt.Sprintf("below %s", sel.OU)
	if sel.Scope == directory.OneLevel && sel.OU != "" {
		from = fmt.Sprintf("directly in %s", sel.OU)
	}
	if sel.OU == "" {
		from = "named in the list"
	}
	s := fmt.Sprintf("%d user%s %s", p.Read, plural(p.Read), from)
	if filtered {
		s += fmt.Sprintf(", %d match --where", p.Selected)
	}
	if p.Settled > 0 {
		// A rerun: the users an earlier run changed no longer match.
		s += fmt.Sprintf("; %d of the others already hold%s this change (unchanged)", p.Settled, map[bool]string{true: "s"}[p.Settled == 1])
	}
	if p.Selected == 0 {
		s += ": nothing to do"
	}
	return s
}

func writeBulkSummary(w io.Writer, p *directory.BulkPlan, rep *directory.BulkReport, sel directory.BulkSelection, filtered, journaled bool) {
	printf(w, "\n%s\n", selectedText(p, sel, filtered))
	printf(w, "%d written, %d unchanged, %d skipped, %d conflict%s, %d failed\n",
		rep.Count(directory.BulkWritten), rep.Count(directory.BulkUnchanged), rep.Count(directory.BulkSkipped),
		rep.Count(directory.BulkConflict), plural(rep.Count(directory.BulkConflict)), rep.Count(directory.BulkFailed))
	if rep.Stopped {
		n := 0
		for _, r := range rep.Results {
			if r.Refusal != nil && r.Refusal.Rule == directory.RuleStopped {
				n++
			}
		}
		printf(w, "stopped: the writes in flight were finished; %d user%s not written and untouched: run the same command again to finish\n", n, plural(n))
	}
	if journaled && rep.Count(directory.BulkWritten) > 0 {
		printf(w, "journaled as run %s\n", rep.Run)
	}
}

// writeBulkWarnings says the plan's write warnings once per kind, with a
// count, on standard error: one line per user would bury the report.
func writeBulkWarnings(w io.Writer, p *directory.BulkPlan) {
	type seen struct {
		n     int
		first string
		text  string
	}
	var order []directory.Rule
	by := map[directory.Rule]*seen{}
	for _, it := range p.Items {
		for _, x := range it.Warnings {
			s, ok := by[x.Rule]
			if !ok {
				first := it.User.Label()
				if sam := it.User.SAMAccountName; sam != "" {
					first += " (" + sam + ")"
				}
				s = &seen{first: first, text: x.Reason}
				by[x.Rule] = s
				order = append(order, x.Rule)
			}
			s.n++
		}
	}
	for _, r := range order {
		s := by[r]
		hint := ""
		if r == directory.WarnNoEnhancedPresence {
			hint = " (add +ep; it is one-way)"
		}
		printf(w, "ocsflags: warning: %d user%s (first %s): %s%s\n", s.n, plural(s.n), s.first, s.text, hint)
	}
}

// writeJSONLine writes v as one compact line: set --json is JSON Lines
// (one object a line, the summary last), so a script can read it line by
// line (while read, jq -c) as users complete.
func writeJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(safeJSON(append(b, '\n')))
	return err
}

// bulkDryRun prints the plan and the LDIF it would send.
func bulkDryRun(env Env, p *directory.BulkPlan, asJSON bool, sel directory.BulkSelection, filtered bool) error {
	var writes []directory.Change
	for _, it := range p.Items {
		if it.Outcome == directory.BulkWrite {
			writes = append(writes, it.Change)
		}
	}
	if asJSON {
		for _, it := range p.Items {
			if err := writeJSONLine(env.Stdout, planJSON(it)); err != nil {
				return err
			}
		}
		if err := writeJSONLine(env.Stdout, bulkSummary(p, nil)); err != nil {
			return err
		}
	} else if len(p.Items) == 0 {
		// No table of nobody: what was read and why nobody is left.
		printf(env.Stdout, "%s\n\n# dry run: nothing was written\n", selectedText(p, sel, filtered))
	} else {
		t := newBulkTable(p)
		t.header(env.Stdout, "PLAN", "BEFORE -> AFTER, OR WHY NOT")
		for _, it := range p.Items {
			detail := ""
			switch it.Outcome {
			case directory.BulkWrite:
				detail = editsText(it.Change.Edits)
			case directory.BulkUnchanged:
				detail = "already holds this"
			case directory.BulkSkipped:
				detail = bulkReason(it.Refusal)
			}
			t.row(env.Stdout, string(it.Outcome), it.User.Label(), it.User.SAMAccountName, it.User.DN, detail)
		}
		printf(env.Stdout, "\n%d user%s: %d to write, %d unchanged, %d skipped\n", len(p.Items), plural(len(p.Items)),
			p.Count(directory.BulkWrite), p.Count(directory.BulkUnchanged), p.Count(directory.BulkSkipped))
		fmt.Fprintf(env.Stdout, "\n# dry run: nothing was written; this is the LDIF ocsflags would send\n")
		if len(writes) > 0 {
			text, err := directory.ChangeLDIF(writes...)
			if err != nil {
				return err
			}
			for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				printf(env.Stdout, "%s\n", l)
			}
		}
	}
	if n := p.Count(directory.BulkSkipped); n > 0 {
		return notAllDone{n: n, of: len(p.Items)}
	}
	return nil
}

type editJSON struct {
	Attribute string  `json:"attribute"`
	Before    *string `json:"before"`
	After     *string `json:"after"`
}

func editsJSON(es []flags.AttrEdit) []editJSON {
	out := []editJSON{}
	for _, e := range es {
		j := editJSON{Attribute: e.Attr}
		if e.Old.Set {
			v := e.Old.V
			j.Before = &v
		}
		if e.New.Set {
			v := e.New.V
			j.After = &v
		}
		out = append(out, j)
	}
	return out
}

// bulkUserJSON is one user of set --json: its outcome, and the changes
// this run made (or would make, with --dry-run).
type bulkUserJSON struct {
	DN      string     `json:"dn"`
	Name    string     `json:"name"`
	SAM     string     `json:"sAMAccountName,omitempty"`
	Outcome string     `json:"outcome"`
	Rule    string     `json:"rule,omitempty"`
	Reason  string     `json:"reason,omitempty"`
	Changes []editJSON `json:"changes"`
	// Others are what another writer changed between the plan and the
	// write, kept.
	Others   []editJSON `json:"changedByOthers,omitempty"`
	Warnings []string   `json:"warnings,omitempty"`
	Attempts int        `json:"attempts,omitempty"`
}

func warningsText(ws []directory.Refusal) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Reason)
	}
	return out
}

func resultJSON(r directory.BulkResult) bulkUserJSON {
	j := bulkUserJSON{DN: r.DN, Name: r.Name, SAM: r.SAM, Outcome: string(r.Outcome), Reason: resultReason(r),
		Changes: editsJSON(r.Sent.Edits), Warnings: warningsText(r.Warnings), Attempts: r.Attempts}
	if r.Refusal != nil {
		j.Rule = string(r.Refusal.Rule)
	}
	if len(r.Others) > 0 {
		j.Others = editsJSON(r.Others)
	}
	return j
}

func planJSON(it directory.BulkItem) bulkUserJSON {
	j := bulkUserJSON{DN: it.User.DN, Name: it.User.Label(), SAM: it.User.SAMAccountName, Outcome: string(it.Outcome),
		Changes: editsJSON(it.Change.Edits), Warnings: warningsText(it.Warnings)}
	if it.Refusal != nil {
		j.Rule, j.Reason = string(it.Refusal.Rule), bulkReason(it.Refusal)
	}
	return j
}

type bulkSummaryJSON struct {
	Summary struct {
		Run      string `json:"run,omitempty"`
		DryRun   bool   `json:"dryRun"`
		Read     int    `json:"read"`
		Selected int    `json:"selected"`
		// AlreadyDone is how many of the users --where left out hold the
		// change already (not in unchanged, which counts selected users):
		// what an earlier run of the same command leaves.
		AlreadyDone int `json:"alreadyDone"`
		// ToWrite is, in a dry run only, how many users would be written
		// (a real run says how many were: written).
		ToWrite   *int `json:"toWrite,omitempty"`
		Written   int  `json:"written"`
		Unchanged int  `json:"unchanged"`
		Skipped   int  `json:"skipped"`
		Conflict  int  `json:"conflict"`
		Failed    int  `json:"failed"`
		Stopped   bool `json:"stopped"`
	} `json:"summary"`
}

// bulkSummary is the last object of set --json; rep is nil for a plan.
func bulkSummary(p *directory.BulkPlan, rep *directory.BulkReport) bulkSummaryJSON {
	var s bulkSummaryJSON
	s.Summary.Read, s.Summary.Selected, s.Summary.AlreadyDone = p.Read, p.Selected, p.Settled
	if rep == nil {
		s.Summary.DryRun = true
		n := p.Count(directory.BulkWrite)
		s.Summary.ToWrite = &n
		s.Summary.Unchanged = p.Count(directory.BulkUnchanged)
		s.Summary.Skipped = p.Count(directory.BulkSkipped)
		return s
	}
	s.Summary.Run = rep.Run
	s.Summary.Written = rep.Count(directory.BulkWritten)
	s.Summary.Unchanged = rep.Count(directory.BulkUnchanged)
	s.Summary.Skipped = rep.Count(directory.BulkSkipped)
	s.Summary.Conflict = rep.Count(directory.BulkConflict)
	s.Summary.Failed = rep.Count(directory.BulkFailed)
	s.Summary.Stopped = rep.Stopped
	return s
}

// progressLine is the line on standard error, when it is a terminal,
// that says how far a bulk run is: done/total, rate and time left; or,
// for a total not known (-1, a read), how many users so far, once the
// read has taken long enough for silence to look like a hang.
type progressLine struct {
	w  io.Writer
	on bool
	// shared is set when standard output is the same terminal: the line
	// is taken away before each line of the report.
	shared  bool
	total   int
	start   time.Time
	last    time.Time
	done    int
	showing bool
}

// readQuiet is how long a read goes without a progress line.
const readQuiet = time.Second

func newProgressLine(w, stdout io.Writer, total int) *progressLine {
	return &progressLine{w: w, on: isTerminal(w), shared: isTerminal(stdout), total: total, start: time.Now()}
}

func (p *progressLine) update(done int) {
	p.done = done
	if !p.on || (time.Since(p.last) < 100*time.Millisecond && (p.total < 0 || done < p.total)) {
		return
	}
	if p.total < 0 && time.Since(p.start) < readQuiet {
		return
	}
	p.last = time.Now()
	el := time.Since(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(done) / el
	}
	if p.total < 0 {
		fmt.Fprintf(p.w, "\r\x1b[K%d users read  %.0f/s", done, rate)
		p.showing = true
		return
	}
	eta := "—"
	if rate > 0 && done < p.total {
		eta = (time.Duration(float64(p.total-done)/rate) * time.Second).Round(time.Second).String()
	} else if done >= p.total {
		eta = "0s"
	}
	fmt.Fprintf(p.w, "\r\x1b[K%d/%d users  %.0f/s  ETA %s", done, p.total, rate, eta)
	p.showing = true
}

// clear takes the line away before output is written to the terminal.
func (p *progressLine) clear() {
	if p.showing && p.shared {
		p.end()
	}
}

func (p *progressLine) end() {
	if p.showing {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.showing = false
	}
}
