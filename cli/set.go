package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

// booleans are the set command's names for the Boolean attributes.
var booleans = map[string]func(*flags.Change, bool){
	"federation":    func(c *flags.Change, v bool) { c.Federation = flags.Some(v) },
	"remote-access": func(c *flags.Change, v bool) { c.RemoteAccess = flags.Some(v) },
	"enabled":       func(c *flags.Change, v bool) { c.Enabled = flags.Some(v) },
}

// ParseChanges is set's reading of its CHANGE arguments (+pic, -64,
// telephony=ev, sip=…, pool=HOST), for other paths and tests that take the
// same syntax.
func ParseChanges(args []string) (c flags.Change, pool string, err error) { return parseChanges(args) }

// parseChanges turns set's CHANGE arguments into one intent. Nothing here
// is a literal OptionFlags value: +X and -X name bits, telephony=MODE names
// a radio option, and everything else stays as it is in the directory.
// A pool= value is returned as written: it is looked up once connected.
func parseChanges(args []string) (c flags.Change, pool string, err error) {
	named := map[string]string{}
	note := func(key, arg string) error {
		if prev, ok := named[key]; ok {
			return usageError("%s and %s both change %s: give one", prev, arg, key)
		}
		named[key] = arg
		return nil
	}
	for _, a := range args {
		if k, v, ok := strings.Cut(a, "="); ok {
			if err := note(k, a); err != nil {
				return c, "", err
			}
			switch k {
			case "telephony":
				t, err := flags.ParseTelephony(v)
				if err != nil {
					return c, "", usageError("%s: %v", a, err)
				}
				c.Flags = c.Flags.Then(flags.SetTelephony(t))
				for _, b := range flags.TelephonyMask.Bits() {
					named[fmt.Sprint(uint32(b))] = a
				}
			case "sip":
				v = flags.NormalizeScheme(v)
				if v != "" {
					if err := flags.CheckSIPAddress(v); err != nil {
						return c, "", usageError("%s: %v", a, err)
					}
				}
				c.SIPAddress = flags.Some(v)
			case "line":
				v = flags.NormalizeScheme(v)
				if v != "" {
					if err := flags.CheckLineURI(v); err != nil {
						return c, "", usageError("%s: %v", a, err)
					}
				}
				c.Line = flags.Some(v)
			case "line-server":
				v = flags.NormalizeScheme(v)
				if v != "" {
					if err := flags.CheckServerURI(v); err != nil {
						return c, "", usageError("%s: %v", a, err)
					}
				}
				c.LineServer = flags.Some(v)
			case "archiving":
				bits, err := flags.ParseArchiving(v)
				if err != nil {
					return c, "", usageError("%s: %v", a, err)
				}
				c.Archiving = flags.SetArchiving(bits)
			case "pool":
				if v == "" {
					return c, "", usageError("pool= needs a pool's host name or DN; a user without a home server cannot sign in")
				}
				pool = v
			default:
				name := strings.ToLower(k)
				f, isBit := flags.ByShort(name)
				if _, isBool := booleans[name]; isBool || isBit && f.Short == name {
					// federation=off as --where says it: a feature is
					// turned on and off with + and -.
					return c, "", usageError("%s: turn %s on with +%s and off with -%s (NAME=VALUE is for telephony=, archiving=, sip=, line=, line-server= and pool=)", termtext.Quote(a), name, name, name)
				}
				return c, "", usageError("unknown setting %s: use telephony=, archiving=, sip=, line=, line-server= or pool=", termtext.Quote(k))
			}
			continue
		}
		if len(a) < 2 || (a[0] != '+' && a[0] != '-') {
			return c, "", usageError("%s is not a change: use +FEATURE, -FEATURE or telephony=MODE (FEATURE: pic rcc anonymous ev ep pbx federation remote-access enabled, or a bit value)", termtext.Quote(a))
		}
		on, name := a[0] == '+', strings.ToLower(a[1:])
		if set, ok := booleans[name]; ok {
			if err := note(name, a); err != nil {
				return c, "", err
			}
			set(&c, on)
			continue
		}
		f, ok := flags.ByShort(name)
		if !ok {
			v, err := flags.ParseInput(name)
			switch {
			case err != nil:
				return c, "", usageError("unknown feature %s in %s: use pic rcc anonymous ev ep pbx federation remote-access enabled, or a single bit value such as 64", termtext.Quote(a[1:]), a)
			case flags.BitIndex(v) < 0:
				return c, "", usageError("%s names several bits; name each bit on its own (+1 +256), never a whole value", a)
			}
			f = flags.Feature{Value: v, Bit: flags.BitIndex(v)}
		}
		d := flags.Delta{Set: f.Value}
		if !on {
			d = flags.Delta{Clear: f.Value}
		}
		// The bit rules are checked here, before connecting, so a typo
		// costs no bind.
		if r := directory.CheckBits(d); len(r) > 0 {
			if r[0].Rule == directory.RuleEnhancedPresence {
				return c, "", r[0].Err
			}
			return c, "", usageError("%s: %s", a, r[0].Reason)
		}
		if err := note(fmt.Sprint(uint32(f.Value)), a); err != nil {
			return c, "", err
		}
		c.Flags = c.Flags.Then(d)
	}
	return c, pool, nil
}

// unreadPools says which pool containers this account could not read: ""
// when it read them all.
func unreadPools(l directory.PoolList) string {
	var why []string
	for _, p := range l.Places {
		if !p.Read {
			why = append(why, fmt.Sprintf("the %s container cannot be read with this account (%s): %s", p.Container, l.Reader, p.Why))
		}
	}
	return strings.Join(why, "; ")
}

// choosePool accepts a pool's host name or DN (or home-server DN) and
// returns the home-server DN; a host name that is no pool is an error that
// lists the pools, never a DN made up from the name.
func choosePool(v string, pools []directory.Pool) (string, error) {
	var hosts []string
	for _, p := range pools {
		if strings.EqualFold(p.Host, v) || directory.SameDN(p.DN, v) || directory.SameDN(p.HomeServerDN, v) {
			return p.HomeServerDN, nil
		}
		hosts = append(hosts, p.Host)
	}
	return "", fmt.Errorf("no pool %s in this directory; pools: %s", termtext.Quote(v), strings.Join(hosts, ", "))
}

func runSet(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("set", flag.ContinueOnError)
	c := conn{writes: true}
	c.register(fs)
	dry := fs.Bool("dry-run", false, "")
	tries := fs.Int("tries", 10, "")
	var bulk bulkFlags
	bulk.register(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	c.dryRun = *dry
	if err := bulk.check(); err != nil {
		return err
	}
	if bulk.on() {
		if c.ldif != "" && c.changesOut == "" && !*dry {
			return usageError("--ldif %s without --changes-out: nothing would keep these changes (the export is never modified, and its copy in memory "+
				"vanishes at exit): add --changes-out FILE to record them as LDIF to replay, or use --dry-run", c.ldif)
		}
		return runBulkSet(ctx, pos, &c, &bulk, *dry, *tries, env)
	}
	if len(pos) < 2 {
		return usageError("usage: ocsflags set [options] USER CHANGE... (e.g. ocsflags set alee +pic telephony=ev)")
	}
	if c.ldif != "" && c.changesOut == "" && !*dry {
		return usageError("--ldif %s without --changes-out: nothing would keep this change (the export is never modified, and its copy in memory "+
			"vanishes at exit): add --changes-out FILE to record it as LDIF to replay, or use --dry-run", c.ldif)
	}
	// The changes are checked before connecting, so a typo costs no bind.
	change, pool, err := parseChanges(pos[1:])
	if err != nil {
		return err
	}
	d, err := c.open(ctx, env)
	if err != nil {
		return err
	}
	defer d.Close()
	var pools []directory.Pool
	var poolSet directory.PoolSet
	if pool != "" {
		pl, err := d.Pools(ctx)
		if err != nil {
			return fmt.Errorf("list pools: %w", err)
		}
		pools, poolSet = pl.Pools, directory.NewPoolSetFrom(pl)
		dn, err := choosePool(pool, pools)
		if err != nil {
			if len(pools) == 0 {
				return usageError("pool=%s: %s", pool, poolSet.NoneWhy())
			}
			if why := unreadPools(pl); why != "" {
				// The pool may well exist where this account cannot look.
				return usageError("pool=%s: %v; %s", pool, err, why)
			}
			return usageError("pool=%s: %v", pool, err)
		}
		change.HomeServer = flags.Some(dn)
	}
	us, err := d.Resolve(ctx, pos[0])
	if err != nil {
		return fmt.Errorf("user %s: %w", termtext.Quote(pos[0]), err)
	}
	if len(us) > 1 {
		var dns []string
		for _, u := range us {
			dns = append(dns, "  "+u.DN)
		}
		return &linesError{fmt.Sprintf("user %s matches %d objects; name one by DN:", termtext.Quote(pos[0]), len(us)), dns}
	}
	u := us[0]
	// The write rules are directory.PlanWrite's, the same the console's
	// review and the Enable Users wizard apply; set only words a refusal
	// for its own arguments.
	if _, refusals := directory.PlanWrite(directory.WriteRequest{User: u, Change: change, Pools: poolSet}); len(refusals) > 0 {
		return setRefusal(refusals[0], pool)
	}
	planned, err := u.OCS.Apply(change)
	if err != nil {
		return err
	}
	if addr := flags.ClaimedSIP(u.OCS, planned); addr != "" {
		// The sign-in name this puts to use must be unique in the forest;
		// with two holders neither signs in reliably.
		var re *directory.RefusedError
		if err := directory.ClaimSIP(ctx, d, u.DN, addr); errors.As(err, &re) {
			return setRefusal(re.First(), pool)
		} else if err != nil {
			return err
		}
		if info := d.Info(); info.SIPScope == flags.ScopeDomain {
			printf(env.Stderr, "ocsflags: warning: %s was checked in this domain only, not the forest (%s): a user of another domain may hold it; give --gc URL to check the forest\n", addr, info.GCProblem)
		}
	}
	for _, w := range directory.WriteWarnings(u, change) {
		hint := ""
		if w.Rule == directory.WarnNoEnhancedPresence {
			hint = " (add +ep; it is one-way)"
		}
		printf(env.Stderr, "ocsflags: warning: %s: %s%s\n", u.DN, w.Reason, hint)
	}
	if *dry {
		ch, _, err := directory.Plan(u, change)
		if err != nil {
			return err
		}
		if len(ch.Edits) == 0 {
			printf(env.Stdout, "%s: nothing to change\n", u.DN)
			return nil
		}
		writeEdits(env.Stdout, u.DN, ch.Edits)
		text, err := directory.ChangeLDIF(ch)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "\n# dry run: nothing was written; this is the LDIF ocsflags would send\n")
		// go-ldap/ldif writes unsafe values as base64, but not DNs.
		for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
			printf(env.Stdout, "%s\n", l)
		}
		return nil
	}
	// The journal says the id of each write it records; the last is the
	// one that landed (a conflict journals its attempt as not written).
	var journaled []string
	ctx = directory.OnJournaled(ctx, func(id string) { journaled = append(journaled, id) })
	res, err := directory.UpdateDetail(ctx, d, u.DN, change, *tries)
	var ue *directory.UnknownOutcomeError
	if errors.As(err, &ue) {
		// The write went out and no answer came: say nothing until the
		// user has been read again, even after a signal.
		printf(env.Stderr, "ocsflags: %s: whether the write landed is unknown (%s); reading the user again…\n", u.DN, directory.Cause(ue.Err))
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.deadline())
		var got directory.User
		var o directory.WriteOutcome
		got, o, err = directory.Settle(sctx, d, ue)
		cancel()
		if !o.Changed() {
			return err
		}
		printf(env.Stderr, "ocsflags: %s: read again: the change was written\n", u.DN)
		res.After, res.Sent = got, ue.Change
	}
	if errors.Is(err, directory.ErrWrittenUnread) {
		// The write landed, only reading it back did not: what was written
		// is the change as sent.
		writeEdits(env.Stdout, u.DN, res.Sent.Edits)
		sayJournaled(env.Stdout, journaled)
		if ctx.Err() != nil {
			return &stoppedAfterWrite{dn: u.DN}
		}
		return err
	}
	if err != nil {
		if errors.Is(err, directory.ErrConflict) {
			return fmt.Errorf("%w (gave up after %d attempts; others keep changing this user)", err, *tries)
		}
		return err
	}
	if len(res.Sent.Edits) == 0 {
		printf(env.Stdout, "%s: nothing to change, the directory already holds this\n", u.DN)
		return nil
	}
	// The search before the write cannot see a claim racing it: look again
	// now that the name is written, and take it back if another object got
	// it too. Part of finishing the write, so a signal does not skip it.
	if _, err := directory.ConfirmClaim(context.WithoutCancel(ctx), d, directory.Claimed(res.Before, change), res.Sent, res.After); err != nil {
		return err
	}
	// What this command wrote is its own delta, as sent; what others
	// changed between the first read and the write it made (seen when a
	// conflict made it read again) is theirs, and said apart.
	writeEdits(env.Stdout, u.DN, res.Sent.Edits)
	if others := flags.Edits(u.OCS, res.Before.OCS); len(others) > 0 {
		fmt.Fprintln(env.Stdout, "  changed by another writer meanwhile, and kept:")
		writeEditLines(env.Stdout, "  ", others)
	}
	sayJournaled(env.Stdout, journaled)
	return nil
}

// sayJournaled names the id the write was journaled under, the last of
// those the journal recorded (a conflict journals its attempt as not
// written): what history shows and undo takes.
func sayJournaled(w io.Writer, ids []string) {
	if len(ids) > 0 {
		id := ids[len(ids)-1]
		printf(w, "journaled as %s; ocsflags undo %s takes it back\n", id, id)
	}
}

// setRefusal words a write rule's refusal for set's arguments: the
// argument to change and how, around the rule's Reason.
func setRefusal(r directory.Refusal, pool string) error {
	switch r.Rule {
	case directory.RuleCannotApply:
		return r.Err
	case directory.RuleWorkingPool:
		return usageError("pool=%s: %s is already on a working pool (%s); %s", pool, r.DN, r.Pool, r.Reason)
	case directory.RulePoolUnknown:
		return usageError("pool=%s: cannot tell whether %s is on a working pool, so its home server is left alone: %s; run this with an account that can read the pools", pool, r.DN, r.Reason)
	case directory.RuleEnableBadSIP:
		return usageError("+enabled: %s; give a good one with sip= in the same command", r.Reason)
	case directory.RuleSIPRemovalEnabled:
		return usageError("sip=: %s: %s; add -enabled to disable it as well, or give a new address", r.DN, r.Reason)
	case directory.RuleEnableIncomplete:
		var args []string
		for _, m := range r.Missing {
			if m == "pool" {
				args = append(args, "pool=")
			} else {
				args = append(args, "sip=")
			}
		}
		return usageError("+enabled: %s has no %s; give %s with it (%s)", r.DN, strings.Join(r.Missing, " or "), strings.Join(args, " and "), r.Reason)
	case directory.RuleSIPTaken:
		return usageError("%s", r.Reason)
	}
	return usageError("%s: %s", r.DN, r.Reason)
}

func writeEdits(w io.Writer, dn string, edits []flags.AttrEdit) {
	printf(w, "%s\n", dn)
	writeEditLines(w, "", edits)
}

func writeEditLines(w io.Writer, indent string, edits []flags.AttrEdit) {
	for _, e := range edits {
		printf(w, "%s  %-32s %s -> %s", indent, e.Attr, optOrAbsent(e.Old), optOrAbsent(e.New))
		if e.Attr == flags.AttrOptionFlags {
			o, _ := flags.ParseAD(e.Old.Or("0"))
			n, _ := flags.ParseAD(e.New.Or("0"))
			printf(w, "  (%s)", flags.DeltaNames(flags.Diff(o, n)))
		}
		fmt.Fprintln(w)
	}
}

func optOrAbsent(o flags.Opt[string]) string {
	if !o.Set {
		return "(absent)"
	}
	return o.V
}
