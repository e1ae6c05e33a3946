package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"ocsflags/directory"
	"ocsflags/termtext"
)

// conn holds the connection options every command shares, with the same
// names everywhere.
type conn struct {
	url, caCert, bind, passwordFile, base string
	gc                                    string
	ldif, changesOut, journal             string
	startTLS, insecure, readOnly          bool
	allowCleartext, demo                  bool
	kerberos                              bool
	spn                                   string

	// Set by the command before open, not by flags.
	//
	// console: plain "ocsflags" opens the demo when nothing names a
	// directory, so trying the tool never lands on production.
	console bool
	// writes: the command changes the directory, so it must be told where:
	// a forgotten --url must not "succeed" on the demo.
	writes bool
	// dryRun: the writing command only plans (--dry-run), so the demo
	// notice says nothing is written.
	dryRun bool

	timeout time.Duration

	// mem is the in-memory directory opened (--demo, --ldif), nil for a
	// DC: the console says at exit what vanished with it.
	mem *directory.Memory
	// target is the directory open repeats as options for a command an
	// output suggests (the audit's fixes), so that a pasted fix writes
	// where the audit read, never where LDAPURI or ldap.conf point.
	target fixTarget
}

func (c *conn) register(fs *flag.FlagSet) {
	fs.StringVar(&c.url, "url", "", "")
	fs.BoolVar(&c.startTLS, "start-tls", false, "")
	fs.StringVar(&c.caCert, "ca-cert", "", "")
	fs.BoolVar(&c.insecure, "insecure-skip-verify", false, "")
	fs.BoolVar(&c.allowCleartext, "allow-cleartext-password", false, "")
	fs.BoolVar(&c.kerberos, "kerberos", false, "")
	fs.StringVar(&c.spn, "spn", "", "")
	fs.StringVar(&c.bind, "bind", "", "")
	fs.StringVar(&c.passwordFile, "password-file", "", "")
	fs.StringVar(&c.base, "base", "", "")
	fs.StringVar(&c.gc, "gc", "", "")
	fs.StringVar(&c.ldif, "ldif", "", "")
	fs.StringVar(&c.changesOut, "changes-out", "", "")
	fs.BoolVar(&c.demo, "demo", false, "")
	fs.BoolVar(&c.readOnly, "read-only", false, "")
	fs.StringVar(&c.journal, "journal", "", "")
	fs.Var((*timeoutFlag)(&c.timeout), "timeout", "")
}

// timeoutFlag is --timeout: a duration (30s, 2m) or, as ldapsearch -l
// takes it, a bare number of seconds.
type timeoutFlag time.Duration

func (f *timeoutFlag) String() string { return time.Duration(*f).String() }

func (f *timeoutFlag) Set(s string) error {
	if n, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(n, 0) && !math.IsNaN(n) && math.Abs(n) < 1e9 {
		*f = timeoutFlag(time.Duration(n * float64(time.Second)))
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("--timeout %s: use a duration like 30s or 2m (or a number of seconds)", termtext.Safe(s))
	}
	*f = timeoutFlag(d)
	return nil
}

// deadline is how long one directory operation may take.
func (c *conn) deadline() time.Duration {
	if c.timeout > 0 {
		return c.timeout
	}
	return directory.DefaultTimeout
}

// open opens the directory the options name: an LDIF file, a live
// directory, or the built-in demo. --url, --bind or LDAPURI say "connect";
// so does the URI of ldap.conf for the scriptable commands, as for
// ldapsearch, but not for the console: an admin who types plain "ocsflags"
// to try it must not land on production because of a system file. A
// writing command with no target at all refuses; the other commands say on
// standard error that they read the demo.
func (c *conn) open(ctx context.Context, env Env) (directory.Directory, error) {
	live := c.url != "" || c.bind != "" || c.kerberos || env.Getenv("LDAPURI") != ""
	var d directory.Directory
	switch {
	case c.demo && (c.url != "" || c.bind != "" || c.kerberos || c.ldif != ""):
		return nil, usageError("--demo opens the built-in demo directory; it cannot be combined with --url, --bind, --kerberos or --ldif")
	case c.ldif != "":
		if live {
			return nil, usageError("--ldif opens a file; it cannot be combined with --url, --bind or --kerberos")
		}
		m, err := directory.OpenLDIF(c.ldif, c.changesOut)
		if err != nil {
			return nil, err
		}
		d, c.mem = m, m
		c.target = fixTarget{args: []string{"--ldif", c.ldif, "--changes-out", c.changesOut}}
		if c.changesOut == "" {
			// set refuses to change an export nothing keeps.
			c.target = fixTarget{args: []string{"--ldif", c.ldif, "--changes-out", "FILE"},
				note: "FILE: where to record the change as LDIF to replay; the export itself is never modified"}
		}
	case c.changesOut != "":
		return nil, usageError("--changes-out records the changes made to an --ldif file; add --ldif FILE")
	case c.demo:
		m, err := c.openDemo(env)
		if err != nil {
			return nil, err
		}
		d = m
	case live:
		l, err := c.dialLDAP(ctx, env, nil)
		if err != nil {
			return nil, err
		}
		d = l
	default:
		cfg, err := c.defaults(env)
		if err != nil {
			return nil, err
		}
		switch {
		case cfg.URL != "" && !c.console:
			l, err := c.dialLDAP(ctx, env, &cfg)
			if err != nil {
				return nil, err
			}
			d = l
		case c.writes:
			return nil, usageError("no directory to write to: aim at a DC with --url ldaps://dc.corp.example --bind admin@corp.example " +
				"(or LDAPURI, or URI in ldap.conf), at an export with --ldif FILE, or at the built-in demo with --demo")
		default:
			m, err := c.openDemo(env)
			if err != nil {
				return nil, err
			}
			d = m
		}
	}
	if c.readOnly {
		return directory.ReadOnly{Directory: d}, nil
	}
	// The changes of the demo, and of an LDIF export without
	// --changes-out, vanish at exit; journaling them as written would mix
	// make-believe with real changes in the admin's journal.
	if d.Info().InMemory {
		if _, journaled := d.(*directory.Journaled); c.journal != "" && c.writes && !c.console && !journaled {
			printf(env.Stderr, "ocsflags: notice: --journal %s is not used: %s vanish when ocsflags exits, so they are not journaled "+
				"(the journal holds only changes that stay in a directory, for history and undo)\n", c.journal, inMemoryWhat(d.Info()))
		}
		if c.console {
			// Journaled in this process only, so that the console's
			// history and undo work on the demo too.
			return directory.NewSessionJournaled(d), nil
		}
		return d, nil
	}
	path := c.journal
	if path == "" {
		var err error
		if path, err = directory.DefaultJournalPath(); err != nil {
			return nil, err
		}
	}
	j, err := directory.NewJournaled(d, path)
	if err != nil {
		d.Close()
		return nil, err
	}
	if n := j.Notice(); n != "" {
		printf(env.Stderr, "ocsflags: notice: %s\n", n)
	}
	return j, nil
}

// openDemo opens the built-in demo. Commands other than the console say so
// on standard error, where a script's log keeps it: their output looks
// like a real directory's.
func (c *conn) openDemo(env Env) (directory.Directory, error) {
	var m directory.Directory
	var err error
	if env.OpenDemo != nil {
		m, err = env.OpenDemo()
	} else {
		m, err = directory.OpenDemo()
	}
	if err != nil {
		return nil, err
	}
	if mm, ok := m.(*directory.Memory); ok {
		c.mem = mm
	}
	c.target = fixTarget{args: []string{"--demo"}}
	if !c.console {
		what := "reading the built-in demo, not a DC: give --url ldaps://dc.corp.example to read yours"
		switch {
		case c.writes && c.dryRun:
			what = "dry run on the built-in demo, not a DC: nothing is written"
		case c.writes:
			what = "changing the built-in demo in memory; the change vanishes when ocsflags exits"
		}
		fmt.Fprintf(env.Stderr, "ocsflags: (demo directory) %s\n", what)
	}
	return m, nil
}

// defaults reads ldap.conf, ldaprc and the LDAP* variables.
func (c *conn) defaults(env Env) (directory.LDAPConfig, error) {
	home, _ := os.UserHomeDir()
	return directory.LDAPDefaults(env.Getenv, home)
}

// dialLDAP connects with the options over cfg (LDAPDefaults when nil). A
// bind that would send the password in clear is refused before the
// password is asked for; the risks an admin accepted with a flag are said
// on standard error by every command, since only the console has a header
// to show them.
func (c *conn) dialLDAP(ctx context.Context, env Env, cfg *directory.LDAPConfig) (directory.Directory, error) {
	if cfg == nil {
		d, err := c.defaults(env)
		if err != nil {
			return nil, err
		}
		cfg = &d
	}
	for _, o := range []struct {
		dst *string
		v   string
	}{{&cfg.URL, c.url}, {&cfg.CACertFile, c.caCert}, {&cfg.Bind, c.bind}, {&cfg.Base, c.base}, {&cfg.GC, c.gc}} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	if err := c.chooseKerberos(env, cfg); err != nil {
		return nil, err
	}
	cfg.StartTLS = cfg.StartTLS || c.startTLS
	cfg.InsecureSkipVerify = c.insecure
	cfg.AllowCleartextPassword = c.allowCleartext
	cfg.ReadOnly = c.readOnly
	if c.timeout < 0 {
		return nil, usageError("--timeout %s: give a positive duration such as 30s or 2m", c.timeout)
	}
	cfg.Timeout = c.timeout
	if cfg.URL == "" {
		return nil, usageError("no directory to connect to: give --url ldaps://dc.corp.example (or set LDAPURI)")
	}
	c.target = c.liveTarget(*cfg)
	if err := cfg.CheckTransport(); err != nil {
		var de *directory.Error
		if errors.As(err, &de) {
			return nil, usageError("%s", de.Msg)
		}
		return nil, err
	}
	if cfg.CleartextPassword() {
		fmt.Fprintf(env.Stderr, "ocsflags: warning: CLEARTEXT: the password of %s crosses the network to %s unencrypted (--allow-cleartext-password): "+
			"anyone on the path can read it; use ldaps:// or --start-tls\n", termtext.Safe(cfg.Bind), termtext.Safe(cfg.URL))
	}
	if cfg.TLSUnverified() {
		fmt.Fprintf(env.Stderr, "ocsflags: warning: the certificate of %s is not verified (--insecure-skip-verify): "+
			"a machine in the middle can read and change everything, the password too; give the DC's CA with --ca-cert instead\n", termtext.Safe(cfg.URL))
	}
	if cfg.Kerberos {
		d, err := directory.DialLDAP(ctx, *cfg)
		if err == nil && !cfg.Encrypted() && !d.Info().Signed {
			// The DC declined the signing layer (or it is Windows' SSPI).
			fmt.Fprintf(env.Stderr, "ocsflags: notice: Kerberos over plain %s: no password crosses the network, but the DC did not agree to sign "+
				"what follows the bind, so it is neither signed nor encrypted; use ldaps:// or --start-tls to protect it\n", termtext.Safe(cfg.URL))
		}
		return d, err
	}
	if cfg.Bind == "" {
		return directory.DialLDAP(ctx, *cfg)
	}
	// The console asks again after a wrong password typed at its prompt,
	// as a logon screen does; a password from a file or a pipe, and the
	// scriptable commands, get one try (a script must not lock the account
	// out).
	tries := 1
	if c.console && c.passwordFile == "" && env.TTYPassword != nil {
		tries = passwordTries
	}
	for try := 1; ; try++ {
		var err error
		if cfg.Password, err = c.password(ctx, cfg.Bind, env, try, tries); err != nil {
			return nil, err
		}
		d, err := directory.DialLDAP(ctx, *cfg)
		if err == nil || try >= tries || !directory.WrongPassword(err) {
			return d, err
		}
		fmt.Fprintf(env.Stderr, "ocsflags: %s\n", errorText(err))
	}
}

// liveTarget is the options that aim another command at the DC cfg names:
// its URL and how to reach it and bind, never a password (the command asks
// for it, or reads it where this one did).
func (c *conn) liveTarget(cfg directory.LDAPConfig) fixTarget {
	a := []string{"--url", cfg.URL}
	if cfg.StartTLS {
		a = append(a, "--start-tls")
	}
	for _, o := range []struct{ name, v string }{{"--ca-cert", cfg.CACertFile}, {"--base", c.base}, {"--gc", c.gc}} {
		if o.v != "" {
			a = append(a, o.name, o.v)
		}
	}
	switch {
	case cfg.Kerberos:
		a = append(a, "--kerberos")
		if c.spn != "" {
			a = append(a, "--spn", c.spn)
		}
	case cfg.Bind != "":
		a = append(a, "--bind", cfg.Bind)
	}
	if c.insecure {
		a = append(a, "--insecure-skip-verify")
	}
	if c.allowCleartext {
		a = append(a, "--allow-cleartext-password")
	}
	return fixTarget{args: a}
}

// passwordTries is how many passwords the console's prompt takes.
const passwordTries = 3

// chooseKerberos decides whether to bind with Kerberos: --kerberos, or
// ldap.conf's SASL_MECH GSSAPI (LDAPSASL_MECH) when the command line asks
// for no other bind, as ldapsearch does. The ticket names who binds, so a
// --bind or password alongside --kerberos is refused rather than ignored.
func (c *conn) chooseKerberos(env Env, cfg *directory.LDAPConfig) error {
	if c.kerberos && (c.bind != "" || c.passwordFile != "") {
		return usageError("--kerberos binds as the principal of your Kerberos ticket, with no password: drop --bind and --password-file (or drop --kerberos to bind with a password)")
	}
	kerb := c.kerberos || (cfg.SASLMech == "GSSAPI" && c.bind == "" && c.passwordFile == "")
	if c.spn != "" && !kerb {
		return usageError("--spn names the DC's service principal for a Kerberos bind: add --kerberos")
	}
	if !kerb {
		return nil
	}
	cfg.Kerberos, cfg.Bind, cfg.SPN = true, "", c.spn
	cfg.KRB5Config = env.Getenv("KRB5_CONFIG")
	cfg.CCache = env.Getenv("KRB5CCNAME")
	return nil
}

// password reads the bind password from a file, standard input or the
// terminal; never from the command line, where ps and shell history see it.
func (c *conn) password(ctx context.Context, bind string, env Env, try, tries int) (string, error) {
	switch {
	case c.passwordFile == "-":
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	case c.passwordFile != "":
		b, err := os.ReadFile(c.passwordFile)
		if err != nil {
			return "", fmt.Errorf("read --password-file: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	case env.TTYPassword != nil:
		prompt := fmt.Sprintf("Password for %s: ", termtext.Safe(bind))
		if try > 1 {
			prompt = fmt.Sprintf("Password for %s (try %d of %d): ", termtext.Safe(bind), try, tries)
		}
		// A signal at the prompt stops the command (the signal router
		// cancels ctx), as it did before ocsflags handled signals.
		type answer struct {
			pw  string
			err error
		}
		ch := make(chan answer, 1)
		go func() {
			pw, err := env.TTYPassword(prompt)
			ch <- answer{pw, err}
		}()
		select {
		case a := <-ch:
			return a.pw, a.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return "", usageError("a password is needed for --bind %s: use --password-file FILE (or - for standard input), or run ocsflags in a terminal to be asked", bind)
}

// TerminalPassword asks on the controlling terminal without echo (the
// console on Windows).
func TerminalPassword(prompt string) (string, error) {
	in, out, err := openTerminal()
	if err != nil {
		return "", fmt.Errorf("no terminal to ask for the password (%v): use --password-file", err)
	}
	defer in.Close()
	defer out.Close()
	fmt.Fprint(out, prompt)
	b, err := term.ReadPassword(in.Fd())
	fmt.Fprintln(out)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}

// inMemoryWhat names the changes of an in-memory directory that vanish.
func inMemoryWhat(info directory.Info) string {
	if info.Kind == "ldif" {
		return "the changes to the LDIF export (without --changes-out) live in memory only and"
	}
	return "the built-in demo's changes live in memory only and"
}
