package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"ocsflags/directory"
)

// conn holds the connection options every command shares, with the same
// names everywhere.
type conn struct {
	url, caCert, bind, passwordFile, base string
	ldif, changesOut, journal             string
	startTLS, insecure, readOnly          bool
}

func (c *conn) register(fs *flag.FlagSet) {
	fs.StringVar(&c.url, "url", "", "")
	fs.BoolVar(&c.startTLS, "start-tls", false, "")
	fs.StringVar(&c.caCert, "ca-cert", "", "")
	fs.BoolVar(&c.insecure, "insecure-skip-verify", false, "")
	fs.StringVar(&c.bind, "bind", "", "")
	fs.StringVar(&c.passwordFile, "password-file", "", "")
	fs.StringVar(&c.base, "base", "", "")
	fs.StringVar(&c.ldif, "ldif", "", "")
	fs.StringVar(&c.changesOut, "changes-out", "", "")
	fs.BoolVar(&c.readOnly, "read-only", false, "")
	fs.StringVar(&c.journal, "journal", "", "")
}

// open opens the directory the options name: an LDIF file, a live
// directory, or the built-in demo when nothing names one. ldap.conf alone
// does not leave the demo: an admin who types plain "ocsflags" to try it
// must not land on production because of a system file; --url, --bind or
// LDAPURI say "connect".
func (c *conn) open(ctx context.Context, env Env) (directory.Directory, error) {
	live := c.url != "" || c.bind != "" || env.Getenv("LDAPURI") != ""
	var d directory.Directory
	switch {
	case c.ldif != "":
		if live {
			return nil, usageError("--ldif opens a file; it cannot be combined with --url or --bind")
		}
		m, err := directory.OpenLDIF(c.ldif, c.changesOut)
		if err != nil {
			return nil, err
		}
		d = m
	case c.changesOut != "":
		return nil, usageError("--changes-out records the changes made to an --ldif file; add --ldif FILE")
	case live:
		l, err := c.dialLDAP(ctx, env)
		if err != nil {
			return nil, err
		}
		d = l
	default:
		m, err := directory.OpenDemo()
		if err != nil {
			return nil, err
		}
		d = m
	}
	if c.readOnly {
		return directory.ReadOnly{Directory: d}, nil
	}
	// The demo's changes vanish at exit; journaling them would mix make-
	// believe with real changes in the admin's journal.
	if d.Info().Kind == "demo" {
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
	return j, nil
}

func (c *conn) dialLDAP(ctx context.Context, env Env) (directory.Directory, error) {
	home, _ := os.UserHomeDir()
	cfg, err := directory.LDAPDefaults(env.Getenv, home)
	if err != nil {
		return nil, err
	}
	for _, o := range []struct {
		dst *string
		v   string
	}{{&cfg.URL, c.url}, {&cfg.CACertFile, c.caCert}, {&cfg.Bind, c.bind}, {&cfg.Base, c.base}} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	cfg.StartTLS = cfg.StartTLS || c.startTLS
	cfg.InsecureSkipVerify = c.insecure
	cfg.ReadOnly = c.readOnly
	if cfg.URL == "" {
		return nil, usageError("no directory to connect to: give --url ldap://dc.corp.example (or set LDAPURI)")
	}
	if cfg.Bind != "" {
		if cfg.Password, err = c.password(cfg.Bind, env); err != nil {
			return nil, err
		}
	}
	return directory.DialLDAP(ctx, cfg)
}

// password reads the bind password from a file, standard input or the
// terminal; never from the command line, where ps and shell history see it.
func (c *conn) password(bind string, env Env) (string, error) {
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
		return env.TTYPassword(fmt.Sprintf("Password for %s: ", bind))
	}
	return "", usageError("a password is needed for --bind %s: use --password-file FILE (or - for standard input), or run ocsflags in a terminal to be asked", bind)
}

// TerminalPassword asks on the controlling terminal without echo.
func TerminalPassword(prompt string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("no terminal to ask for the password (%v): use --password-file", err)
	}
	defer tty.Close()
	fmt.Fprint(tty, prompt)
	b, err := term.ReadPassword(tty.Fd())
	fmt.Fprintln(tty)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}
