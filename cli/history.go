package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

// history lists the journal: every write, oldest first, one line each, the
// writes of a bulk run (or of an undo of several) under their run id. It
// reads only the journal file, never a directory.
//
// Exit status: 0 when every line was read, 1 when some lines are damaged
// (each is named on standard error and left out; the rest is listed), 2
// when the journal cannot be read at all or the options are wrong.

// journalFile is where the journal is: --journal, or the default path.
func journalFile(flagValue string) (path string, explicit bool, err error) {
	if flagValue != "" {
		return flagValue, true, nil
	}
	path, err = directory.DefaultJournalPath()
	return path, false, err
}

// readWrites reads the journal at path as writes, and its damaged lines.
// A default journal that does not exist yet is empty (nothing was ever
// written from this account); a missing --journal file is an error.
func readWrites(path string, explicit bool) ([]directory.JournalWrite, []directory.JournalDamage, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read the journal: %w", err)
	}
	defer f.Close()
	lines, damage, err := directory.ReadJournalLines(f)
	if err != nil {
		return nil, nil, fmt.Errorf("read the journal %s: %w", path, err)
	}
	return directory.Writes(lines), damage, nil
}

// reportDamage names each damaged line on standard error.
func reportDamage(w io.Writer, path string, damage []directory.JournalDamage) {
	for _, d := range damage {
		printf(w, "ocsflags: journal %s line %d is damaged and left out: %s\n", path, d.Line, d.Why)
	}
}

// sinceFlag is --since: a duration back from now (90m, 24h, 7d, 2w) or a
// date (2026-11-30, 2026-11-30T14:00, RFC 3339); a date without a zone is
// UTC, as the journal's times are.
type sinceFlag struct {
	t   time.Time
	now func() time.Time
}

func (f *sinceFlag) String() string { return f.t.String() }

func (f *sinceFlag) Set(s string) error {
	bad := fmt.Errorf("--since %s: give a duration back from now (90m, 24h, 7d, 2w) or a date (2026-11-30, 2026-11-30T14:00, or RFC 3339 with a zone)", s)
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	if n := len(s); n > 1 && (s[n-1] == 'd' || s[n-1] == 'w') {
		days, err := strconv.ParseFloat(s[:n-1], 64)
		if err != nil || days < 0 || days > 36500 {
			return bad
		}
		if s[n-1] == 'w' {
			days *= 7
		}
		f.t = now().Add(-time.Duration(days * 24 * float64(time.Hour)))
		return nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return bad
		}
		f.t = now().Add(-d)
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			f.t = t
			return nil
		}
	}
	return bad
}

func runHistory(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	// The connection options are there to look --user up in a directory
	// (for the writes of an older ocsflags, which journaled no
	// sAMAccountName); history reads nothing else from it.
	c := conn{readOnly: true}
	c.register(fs)
	user := fs.String("user", "", "")
	var since sinceFlag
	fs.Var(&since, "since", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err == nil && len(pos) > 0 {
		err = usageError("history takes no arguments (%s): name a user with --user ID", strings.Join(pos, " "))
	}
	if err != nil {
		return exitCode(err, env)
	}
	path, explicit, err := journalFile(c.journal)
	if err != nil {
		return exitCode(err, env)
	}
	if c.demo {
		printf(env.Stderr, "ocsflags: (demo directory) the built-in demo's changes are not journaled to a file: each --demo run starts from the "+
			"built-in demo and its changes vanish at exit, so there is nothing to take back later; the console's history (ocsflags, then H) "+
			"lists and undoes its own demo changes\n")
	}
	writes, damage, err := readWrites(path, explicit)
	if err != nil {
		return exitCode(err, env)
	}
	reportDamage(env.Stderr, path, damage)
	var dns map[string]bool
	if *user != "" {
		dns = journalUserDNs(writes, *user)
		if c.named(env) {
			d, err := c.open(ctx, env)
			if err != nil {
				return exitCode(err, env)
			}
			us, err := d.Resolve(ctx, *user)
			d.Close()
			if err != nil && !errors.Is(err, directory.ErrNoSuchObject) {
				return exitCode(fmt.Errorf("user %s: %w", termtext.Quote(*user), err), env)
			}
			for _, u := range us {
				dns[directory.NormDN(u.DN)] = true
			}
		}
	}
	var shown []directory.JournalWrite
	for _, w := range writes {
		if !since.t.IsZero() && w.Time.Before(since.t) {
			continue
		}
		if dns != nil && !dns[directory.NormDN(w.DN)] {
			continue
		}
		shown = append(shown, w)
	}
	if *asJSON {
		out := make([]historyEntry, 0, len(shown))
		for _, w := range shown {
			out = append(out, historyEntryOf(w))
		}
		if err := writeJSON(env.Stdout, out); err != nil {
			return exitCode(err, env)
		}
	} else {
		writeHistory(env.Stdout, shown, writes)
		if len(shown) == 0 {
			switch {
			case len(writes) == 0 && !explicit && len(damage) == 0:
				printf(env.Stderr, "ocsflags: nothing journaled yet: %s does not exist or is empty (writes to a DC or an LDIF file with --changes-out are journaled there)\n", path)
			case *user != "" && len(dns) == 0 && !c.named(env):
				printf(env.Stderr, "ocsflags: the journal has no write for %s: it knows users by sAMAccountName, DN, name (CN) and the sign-in names written; "+
					"the writes of an older ocsflags carry no sAMAccountName: give the connection options (--url …) to look the user up\n", *user)
			case *user != "" && len(dns) == 0:
				printf(env.Stderr, "ocsflags: the journal has no write for %s, and the directory knows no such user\n", *user)
			default:
				printf(env.Stderr, "ocsflags: no write matches\n")
			}
		}
	}
	if len(damage) > 0 {
		return ExitNotReady
	}
	return ExitOK
}

// journalUserDNs is the DNs (NormDN) of the users id names in the journal:
// by the sAMAccountName journaled with the write (DOMAIN\name too), by DN,
// by their name (the CN), or by a sign-in name a write gave or took from
// them.
func journalUserDNs(writes []directory.JournalWrite, id string) map[string]bool {
	out := map[string]bool{}
	bare := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		return strings.TrimPrefix(s, "sip:")
	}
	sam := id
	if _, after, ok := strings.Cut(id, `\`); ok {
		sam = after
	}
	for _, w := range writes {
		match := w.SAM != "" && strings.EqualFold(w.SAM, sam) || directory.SameDN(w.DN, id)
		if !match {
			if p, err := directory.ParseDN(w.DN); err == nil && len(p.RDNs) > 0 && len(p.RDNs[0].Attributes) == 1 {
				match = strings.EqualFold(p.RDNs[0].Attributes[0].Value, id)
			}
		}
		for _, e := range w.Edits {
			if !match && strings.EqualFold(e.Attr, flags.AttrPrimaryUserAddress) {
				for _, v := range []flags.Opt[string]{e.Old, e.New} {
					if v.Set && bare(v.V) == bare(id) {
						match = true
					}
				}
			}
		}
		if match {
			out[directory.NormDN(w.DN)] = true
		}
	}
	return out
}

// historyEntry is one write in history --json.
type historyEntry struct {
	// ID is the write id, what undo takes; Run the run id that undoes
	// the whole run.
	ID        string        `json:"id"`
	Run       string        `json:"run,omitempty"`
	Undoes    string        `json:"undoes,omitempty"`
	Time      time.Time     `json:"time"`
	Directory string        `json:"directory"`
	BoundAs   string        `json:"bound_as"`
	DN        string        `json:"dn"`
	SAM       string        `json:"sam_account_name,omitempty"`
	Outcome   string        `json:"outcome"`
	Error     string        `json:"error,omitempty"`
	Changes   []historyAttr `json:"changes"`
	Lines     []int         `json:"lines"`
}

type historyAttr struct {
	Attribute string  `json:"attribute"`
	Before    *string `json:"before"`
	After     *string `json:"after"`
	// Set and Cleared are the OptionFlags bits the write changed.
	Set     []historyBit `json:"set,omitempty"`
	Cleared []historyBit `json:"cleared,omitempty"`
}

type historyBit struct {
	Value uint32 `json:"value"`
	Bit   int    `json:"bit"`
	Name  string `json:"name"`
}

func historyEntryOf(w directory.JournalWrite) historyEntry {
	h := historyEntry{ID: w.ID, Run: w.Run, Undoes: w.Undoes, Time: w.Time.UTC(), Directory: w.Directory, BoundAs: w.BoundAs,
		DN: w.DN, SAM: w.SAM, Outcome: w.Outcome, Error: w.Error, Lines: w.Lines, Changes: []historyAttr{}}
	ptr := func(o flags.Opt[string]) *string {
		if !o.Set {
			return nil
		}
		v := o.V
		return &v
	}
	bits := func(v flags.Value) []historyBit {
		var out []historyBit
		for _, b := range v.Bits() {
			out = append(out, historyBit{Value: uint32(b), Bit: flags.BitIndex(b), Name: flags.BitName(b)})
		}
		return out
	}
	for _, e := range w.Edits {
		a := historyAttr{Attribute: e.Attr, Before: ptr(e.Old), After: ptr(e.New)}
		if d, ok := optionFlagsDelta(e); ok {
			a.Set, a.Cleared = bits(d.Set), bits(d.Clear)
		}
		h.Changes = append(h.Changes, a)
	}
	return h
}

// optionFlagsDelta is the bits an OptionFlags edit changed.
func optionFlagsDelta(e flags.AttrEdit) (flags.Delta, bool) {
	if !strings.EqualFold(e.Attr, flags.AttrOptionFlags) {
		return flags.Delta{}, false
	}
	o, err1 := flags.ParseAD(e.Old.Or("0"))
	n, err2 := flags.ParseAD(e.New.Or("0"))
	if err1 != nil || err2 != nil {
		return flags.Delta{}, false
	}
	return flags.Diff(o, n), true
}

// timeText is how history shows a journal time: UTC, to the second.
func timeText(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

// writeHistory prints writes oldest first, a run's writes under a line for
// the run at the place of its first write; all is the whole journal, for
// the size of a run only part of which is shown. Each write takes a line
// for when, its id and outcome, then its user's DN and each attribute's
// before -> after on lines of their own, indented, so an entry fits 80
// columns. The directory and the account are said once above when every
// write shown shares them, on each write's first line otherwise.
func writeHistory(w io.Writer, writes, all []directory.JournalWrite) {
	if len(writes) == 0 {
		return
	}
	// A compare-and-swap try refused as a conflict and then tried again
	// is one change, not two: it is shown as a note under the try that
	// was written (history --json keeps every try, with its outcome).
	writes, retried := directory.FoldRetries(writes)
	all, _ = directory.FoldRetries(all)
	total := map[string]int{}
	for _, x := range all {
		if x.Run != "" {
			total[x.Run]++
		}
	}
	runs := map[string][]directory.JournalWrite{}
	for _, x := range writes {
		if x.Run != "" {
			runs[x.Run] = append(runs[x.Run], x)
		}
	}
	shared := true
	for _, x := range writes {
		shared = shared && strings.EqualFold(x.Directory, writes[0].Directory) && x.BoundAs == writes[0].BoundAs
	}
	if shared {
		by := ""
		if writes[0].BoundAs != "" {
			by = " by " + writes[0].BoundAs
		}
		printf(w, "writes to %s%s, oldest first\n\n", writes[0].Directory, by)
	}
	done := map[string]bool{}
	for _, x := range writes {
		if x.Run == "" {
			writeHistoryEntry(w, "", x, !shared)
			writeRetries(w, "", retried[x.ID])
			continue
		}
		if done[x.Run] {
			continue
		}
		done[x.Run] = true
		rs := runs[x.Run]
		count := map[string]int{}
		for _, r := range rs {
			count[r.Outcome]++
		}
		var parts []string
		for _, o := range []string{directory.JournalWritten, directory.JournalNotWritten, directory.JournalUnknown} {
			if count[o] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", count[o], o))
			}
		}
		kind := "run"
		if rs[0].Undoes != "" {
			kind = "undo run"
		}
		size := fmt.Sprintf("%d write%s", len(rs), plural(len(rs)))
		if n := total[x.Run]; n > len(rs) {
			size = fmt.Sprintf("%d of the run's %d write%s", len(rs), n, plural(n))
		}
		printf(w, "%s %s: %s (%s)\n", kind, x.Run, size, strings.Join(parts, ", "))
		for _, r := range rs {
			writeHistoryEntry(w, "  ", r, !shared)
			writeRetries(w, "  ", retried[r.ID])
		}
	}
}

// writeRetries notes the tries a written write replaced.
func writeRetries(w io.Writer, indent string, tries []directory.JournalWrite) {
	if len(tries) == 0 {
		return
	}
	var ids []string
	for _, t := range tries {
		ids = append(ids, t.ID)
	}
	printf(w, "%s    written on try %d; not written before: %s\n", indent, len(tries)+1, strings.Join(ids, ", "))
}

// writeHistoryEntry is one write: when, its id and the outcome (and where
// and as whom, with where), then the user's DN and each attribute's
// before -> after (with the OptionFlags bits named), indented.
func writeHistoryEntry(w io.Writer, indent string, x directory.JournalWrite, where bool) {
	head := ""
	if where {
		head = "  to " + x.Directory
		if x.BoundAs != "" {
			head += " by " + x.BoundAs
		}
	}
	if x.Undoes != "" {
		head += "  (undo of " + x.Undoes + ")"
	}
	printf(w, "%s%s  %s  %s%s\n", indent, timeText(x.Time), x.ID, x.Outcome, head)
	in := indent + "    "
	printf(w, "%s%s\n", in, x.DN)
	for _, e := range x.Edits {
		s := fmt.Sprintf("%s %s -> %s", e.Attr, optOrAbsent(e.Old), optOrAbsent(e.New))
		if d, ok := optionFlagsDelta(e); ok {
			s += " (" + flags.DeltaNames(d) + ")"
		}
		printf(w, "%s%s\n", in, s)
	}
	if x.Error != "" && !x.Written() {
		printf(w, "%s%s: %s\n", in, x.Outcome, x.Error)
	}
}

// named reports whether the options name a directory outright (ldap.conf
// alone does not, for history: listing the journal must not dial a DC).
func (c *conn) named(env Env) bool {
	return c.demo || c.url != "" || c.ldif != "" || c.bind != "" || c.kerberos || env.Getenv("LDAPURI") != ""
}
