// Package cli is ocsflags' command line: the console (no subcommand) and the
// scriptable commands explain, audit, set, history and undo, with the
// connection options they share. Exit codes: 0 success, 1 audit found users
// not ready (or not known to be: the pools could not be read), undo refused
// a part, history found damaged lines; 2 error.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"ocsflags/directory"
	"ocsflags/termtext"
	"ocsflags/ui"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitNotReady = 1
	// ExitRefused: undo refused a part (the directory moved on, a write
	// rule); history found damaged journal lines and listed the rest.
	ExitRefused = 1
	ExitError   = 2
)

// Env is what a command may touch outside itself; tests replace all of it.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// TTYPassword reads a password without echo; nil when there is no
	// terminal.
	TTYPassword func(prompt string) (string, error)
	// Signals delivers StopSignals (main subscribes to them); nil leaves
	// signals to their default action.
	Signals <-chan os.Signal
	// Exit ends the process at a second signal (os.Exit when nil).
	Exit func(code int)
	// OpenDemo opens the built-in demo (directory.OpenDemo when nil); a
	// test gives the demo as an account with less access sees it, so the
	// command line and the console judge the same directory.
	OpenDemo func() (directory.Directory, error)
}

// Main runs ocsflags with args (without the program name).
func Main(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		return printVersion(env)
	}
	cmd, rest := "", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	var err error
	ctx, sigs := routeSignals(ctx, env)
	if cmd == "" {
		err = runConsole(ctx, rest, env, sigs)
		var se *ui.SignalError
		if errors.As(err, &se) {
			fmt.Fprintf(env.Stderr, "ocsflags: %s\n", errorText(err))
			return SignalExitCode(se.Signal)
		}
		if sig := sigs.received(); sig != nil {
			// Before the console started (at the password prompt, say).
			fmt.Fprintf(env.Stderr, "ocsflags: stopped by %s\n", ui.SignalName(sig))
			return SignalExitCode(sig)
		}
		return exitCode(err, env)
	}
	code := ExitOK
	switch cmd {
	case "explain":
		err = runExplain(rest, env)
	case "audit":
		code = runAudit(ctx, rest, env)
	case "set":
		err = runSet(ctx, rest, env)
	case "history":
		return runHistory(ctx, rest, env)
	case "undo":
		code = runUndo(ctx, rest, env)
	case "find":
		err = runFind(ctx, rest, env)
	case "help":
		fmt.Fprint(env.Stdout, usage)
		return ExitOK
	case "version":
		return printVersion(env)
	default:
		err = usageError("unknown command %s: use explain, audit, find, set, history or undo, or no command for the console (ocsflags help)", termtext.Quote(cmd))
	}
	// A bulk set whose report said some users are not in the target
	// state: exit 1, nothing more to say.
	var nd notAllDone
	if errors.As(err, &nd) {
		code, err = ExitNotReady, nil
	}
	if sig := sigs.received(); sig != nil {
		if text, ok := stoppedText(err, sig); ok {
			printf(env.Stderr, "ocsflags: %s\n", text)
			return SignalExitCode(sig)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "ocsflags: %s\n", errorText(err))
		}
		fmt.Fprintf(env.Stderr, "ocsflags: stopped by %s\n", ui.SignalName(sig))
		return SignalExitCode(sig)
	}
	if err == nil {
		return code
	}
	return exitCode(err, env)
}

// exitCode reports err and says how the command ends.
func exitCode(err error, env Env) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(env.Stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(env.Stderr, "ocsflags: %s\n", errorText(err))
	return ExitError
}

const usage = `ocsflags: browse and edit msRTCSIP-OptionFlags and the other OCS 2007 user settings in AD

Usage:
  ocsflags [connection options] [--ou DN] [--user ID]   the console
  ocsflags explain [--json] VALUE                         decode an OptionFlags value
  ocsflags audit [connection options] [--json] USER...    why can't these users sign in?
  ocsflags audit [connection options] --ou DN [--subtree]
  ocsflags find [connection options] [--ou DN] [--subtree] [--where WHERE]... [--json | --csv] [--count]
                                                          list (or count) the users whose settings match;
                                                          without --ou, the whole domain
      WHERE: NAME=VALUE, all must hold: pic ev rcc pbx anonymous ep federation remote-access enabled
             =on|off; telephony=pc|rcc|ev|pbx|rcc+pbx|inconsistent; archiving=none|internal|federated|both;
             pool=HOST|none; ready=yes|no; finding=ID (an audit finding); sip=, line=, line-server= a value
             with * wildcards, case-insensitive (empty: not set)
  ocsflags set [connection options] [--dry-run] USER CHANGE...
  ocsflags set [connection options] (--ou DN [--subtree] | --users-from FILE) [--where NAME=VALUE]...
               [--dry-run] [--parallel N] [--json] CHANGE...
                                                          the same change for many users: each its own
                                                          compare-and-swap, N at once (default 4);
                                                          FILE: one USER a line (- for standard input);
                                                          exit 1 when some were skipped or failed
      CHANGE: +FEATURE, -FEATURE, telephony=pc|rcc|ev|pbx|rcc+pbx,
              archiving=none|internal|federated|both, sip=, line=, line-server=, pool=
      FEATURE: pic rcc anonymous ev ep pbx (bits), federation remote-access, or a bit value
  USER: sAMAccountName, userPrincipalName, mail, SIP address, DN, or the name ADUC shows
  ocsflags history [--journal FILE] [--user ID] [--since DURATION|DATE] [--json]
                                                          the journaled writes, oldest first
  ocsflags undo [connection options] [--journal FILE] [--dry-run] ID...
                                                          take back a write or a whole run by its id
  ocsflags version                                        (or --version) the version and revision

The console with no connection options opens its built-in demo directory (in memory); audit and
set use the URI of ldap.conf too, and set refuses to run with no directory named at all.
Connection options:
  --url URL              ldaps://dc.corp.example or ldap://... (or LDAPURI, ldap.conf URI)
  --start-tls            upgrade ldap:// with StartTLS
  --ca-cert FILE         CA certificates (PEM) to verify the DC (or ldap.conf TLS_CACERT)
  --insecure-skip-verify do not verify the DC's certificate (every command warns)
  --allow-cleartext-password
                         allow a simple bind over unencrypted ldap:// (refused otherwise; every
                         command warns). CORP\admin binds with NTLM, which does not send the password.
  --kerberos             bind with your Kerberos ticket (kinit; on Windows the logon), no password;
                         works over ldap:// too (or SASL_MECH GSSAPI in ldap.conf, LDAPSASL_MECH).
                         Reads KRB5CCNAME and KRB5_CONFIG (default /etc/krb5.conf)
  --spn SPN              the DC's service principal (default ldap/<host of --url>)
  --bind ID              admin@corp.example, CORP\admin or a DN (or LDAPBINDDN, ldap.conf BINDDN)
  --password-file FILE   read the password from FILE (- for standard input);
                         otherwise it is asked for without echo. Never on the command line.
  --base DN              start at DN instead of the default naming context (or LDAPBASE)
  --gc URL               Global Catalog for sign-in names across the forest and the root
                         domain's pools (default: port 3268, or 3269 with ldaps://, of the DC
                         when it is a Global Catalog; without one, names are checked in this
                         domain only and the audit says so)
  --ldif FILE            open an LDIF export (ldifde -f, ldapsearch -LLL) in memory
  --changes-out FILE     with --ldif: append applied changes as LDIF change records
  --demo                 use the built-in demo directory (what the console opens with no options)
  --read-only            refuse every write
  --journal FILE         change journal (default $XDG_STATE_HOME/ocsflags/journal.jsonl;
                         %LOCALAPPDATA%\ocsflags\journal.jsonl on Windows)
  --timeout DURATION     how long one directory operation may take: 30s, 2m, or a number of
                         seconds (default 30s)
`

type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }

func usageError(format string, a ...any) error { return usageErr{fmt.Sprintf(format, a...)} }

// parse parses flags anywhere on the line. Only names the flag set defines
// are flags; anything else that starts with one dash (-ep, -1) is an
// argument, because set's CHANGEs and explain's negative values look like
// flags.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var flagArgs, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			if strings.HasPrefix(a, "--") || name == "h" || name == "help" {
				if name == "h" || name == "help" {
					return nil, flag.ErrHelp
				}
				return nil, usageError("unknown option %s (ocsflags help lists them)", a)
			}
			pos = append(pos, a)
			continue
		}
		flagArgs = append(flagArgs, a)
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !hasValue && !(ok && bf.IsBoolFlag()) {
			if i+1 >= len(args) {
				return nil, usageError("option %s needs a value", a)
			}
			i++
			flagArgs = append(flagArgs, args[i])
		}
	}
	if err := fs.Parse(flagArgs); err != nil {
		// A Value of ours says what is wrong in words that start with the
		// option's name; the flag package's frame around them (invalid
		// value "5x" for flag -timeout) adds only a second quoting.
		if _, msg, ok := strings.Cut(err.Error(), ": --"); ok && strings.HasPrefix(err.Error(), "invalid value ") {
			return nil, usageError("--%s", msg)
		}
		return nil, usageError("%v", err)
	}
	return pos, nil
}
