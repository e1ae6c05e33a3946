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
	if _, ok := commandUsage[cmd]; ok && wantsHelp(rest) {
		return printHelp(cmd, env)
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
		topic := ""
		if len(rest) > 0 {
			topic = rest[0]
		}
		return printHelp(topic, env)
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

const usage = `ocsflags: browse and edit msRTCSIP-OptionFlags and the other OCS 2007/R2 user
settings in Active Directory

Usage:
  ocsflags [connection options] [--ou DN] [--user USER]   the console
  ocsflags explain [--json] VALUE         decode an OptionFlags value
  ocsflags audit [options] USER...        why can't these users sign in?
  ocsflags audit [options] --ou DN [--subtree]
  ocsflags find [options] [--ou DN] [--subtree] [--where NAME=VALUE]...
                [--json | --csv] [--count]
                                          list (or count) the users that match
  ocsflags set [options] [--dry-run] USER CHANGE...
                                          change one user
  ocsflags set [options] (--ou DN [--subtree] | --users-from FILE)
               [--where NAME=VALUE]... [--dry-run] [--parallel N] [--json]
               CHANGE...                  the same change for many users
  ocsflags history [--journal FILE] [--user USER] [--since WHEN] [--json]
                                          the journaled writes, oldest first
  ocsflags undo [options] [--journal FILE] [--dry-run] ID...
                                          take back a write or a whole run
  ocsflags version                        (or --version) version and revision
  ocsflags help CMD                       (or ocsflags CMD -h) one command's
                                          options and examples

  CHANGE: +FEATURE, -FEATURE, telephony=pc|rcc|ev|pbx|rcc+pbx,
          archiving=none|internal|federated|both, sip=, line=, line-server=,
          pool=
  FEATURE: pic rcc anonymous ev ep pbx (bits), federation remote-access
           enabled, or a bit value
  USER: sAMAccountName, userPrincipalName, mail, SIP address, DN, or the
        name ADUC shows
  NAME=VALUE: ocsflags help find

The console with no connection options opens its built-in demo directory (in
memory); audit, find and set use the URI of ldap.conf too, and set refuses to
run with no directory named at all.

Connection options (ocsflags help connect describes each): --url URL,
--start-tls, --ca-cert FILE, --insecure-skip-verify,
--allow-cleartext-password, --kerberos, --spn SPN, --bind ID,
--password-file FILE, --base DN, --gc URL, --ldif FILE, --changes-out FILE,
--demo, --read-only, --journal FILE, --timeout DURATION
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
				where := "ocsflags help"
				if _, ok := commandUsage[fs.Name()]; ok {
					where = "ocsflags " + fs.Name() + " -h"
				}
				return nil, usageError("unknown option %s (%s lists them)", a, where)
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
