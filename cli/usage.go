package cli

import (
	"fmt"
	"sort"
	"strings"
)

// Each command's own usage, for "ocsflags CMD -h" and "ocsflags help CMD":
// the synopsis, its options and an example or two, in 80 columns. The
// connection options are the same for every command and are listed once,
// in the global usage (and in "ocsflags help connect").

const connectHint = `
Connection options (--url, --bind, --password-file, --kerberos, --demo,
--ldif, --journal, ...) are the same for every command: ocsflags help connect.
`

var commandUsage = map[string]string{
	"explain": `Usage: ocsflags explain [--json] VALUE

Decode an msRTCSIP-OptionFlags value: every bit named and grouped as the OCS
Admin Console shows them, unknown and reserved bits, the telephony option.
VALUE is decimal, 0x hexadecimal, or AD's negative form (-1 is all 32 bits).
Reads no directory.

  --json    print JSON

Examples:
  ocsflags explain 961
  ocsflags explain 0x3C1 --json
`,
	"audit": `Usage: ocsflags audit [connection options] [--json] USER...
       ocsflags audit [connection options] [--json] --ou DN [--subtree]

Why can't these users sign in? Each user's verdict, its findings, and the
ocsflags set command that fixes each finding.

  --ou DN      the users of this OU (one level)
  --subtree    with --ou, the OUs below it too
  --json       print a JSON list

USER: sAMAccountName, userPrincipalName, mail, SIP address, DN, or the name
ADUC shows. Exit 0 when every user is ready, 1 when any is not (or cannot be
known to be: the pools could not be read), 2 on an error.
` + connectHint + `
Examples:
  ocsflags audit --demo jryan
  ocsflags audit --ou OU=Sales,OU=Corp,DC=corp,DC=example --subtree --json
`,
	"find": `Usage: ocsflags find [connection options] [--ou DN] [--subtree]
                     [--where NAME=VALUE]... [--json | --csv] [--count]

List (or count) the users whose settings match; without --ou, the whole
domain. Every --where must hold.

  --ou DN            the users of this OU (one level)
  --subtree          with --ou, the OUs below it too
  --where NAME=VALUE a condition; repeat it, all must hold (below)
  --json             print a JSON list
  --csv              print CSV (UTF-8 with a BOM, for Excel)
  --count            count the users per feature, telephony and pool

WHERE: pic ev rcc pbx anonymous ep federation remote-access enabled =on|off;
  telephony=pc|rcc|ev|pbx|rcc+pbx|inconsistent;
  archiving=none|internal|federated|both; pool=HOST|none; ready=yes|no;
  finding=ID (an audit finding); sip=, line=, line-server= a value with *
  wildcards, case-insensitive (empty: not set)
` + connectHint + `
Examples:
  ocsflags find --demo --where federation=on --where ready=no
  ocsflags find --where finding=home-server-not-a-pool --csv > broken.csv
`,
	"set": `Usage: ocsflags set [connection options] [--dry-run] USER CHANGE...
       ocsflags set [options] (--ou DN [--subtree] | --users-from FILE)
                    [--where NAME=VALUE]... [--dry-run] [--parallel N] [--json]
                    CHANGE...

Change one user, or many: each user's write is a compare-and-swap of its own
delta, journaled (history lists it, undo takes it back).

  --dry-run          print what would be written (and the LDIF); write nothing
  --tries N          re-read and re-apply after a conflict, up to N times
                     (default 10)
  --ou DN            every user of this OU (one level)
  --subtree          with --ou, the OUs below it too
  --users-from FILE  one USER a line (- for standard input)
  --where NAME=VALUE only the users that match (as find: ocsflags find -h)
  --parallel N       write N users at once (default 4)
  --json             a JSON report per user, then a summary

CHANGE: +FEATURE, -FEATURE (FEATURE: pic rcc anonymous ev ep pbx, a bit value,
  federation remote-access enabled); telephony=pc|rcc|ev|pbx|rcc+pbx;
  archiving=none|internal|federated|both; sip=, line=, line-server=, pool=
USER: sAMAccountName, userPrincipalName, mail, SIP address, DN, or the name
ADUC shows. Exit 0 when written (or already so), 1 when a bulk run skipped
or failed some users, 2 on an error or a refusal.
` + connectHint + `
Examples:
  ocsflags set --demo alee +pic telephony=ev line=tel:+14255550101
  ocsflags set --ou OU=Sales,DC=corp,DC=example +anonymous --dry-run
`,
	"history": `Usage: ocsflags history [--journal FILE] [--user USER] [--since WHEN] [--json]
                        [connection options]

The journaled writes, oldest first: when, the id, the outcome, the user's DN
and each attribute's before -> after; a bulk run's writes under its run id.

  --journal FILE   the journal (default $XDG_STATE_HOME/ocsflags/journal.jsonl)
  --user USER      one user's writes: sAMAccountName, DN, name (CN) or sign-in
                   name; with connection options also looked up there (for
                   the writes of an older ocsflags, which journaled no
                   sAMAccountName)
  --since WHEN     a duration back from now (90m, 24h, 7d, 2w) or a date
                   (2026-11-30, 2026-11-30T14:00; UTC unless a zone is given)
  --json           print a JSON list; each write has the id undo takes

The demo's changes are not journaled (they vanish at exit): the console's
history (H) shows its own. Exit 0, 1 when journal lines are damaged (each is
named, the rest listed), 2 when the journal cannot be read.

Examples:
  ocsflags history --user alee --since 7d
  ocsflags history --since 2026-11-30 --json
`,
	"undo": `Usage: ocsflags undo [connection options] [--journal FILE] [--dry-run] ID...

Take back journaled writes, each ID a write or a whole run (as history shows
them, or a unique start of at least 4 characters): the inverse delta, as a
compare-and-swap on what the directory holds now. A part someone changed
since is refused, with both values; enhanced presence stays (one-way); an
attribute the write created is removed again. The undo is journaled, and can
be undone in turn.

  --journal FILE   the journal (default $XDG_STATE_HOME/ocsflags/journal.jsonl)
  --dry-run        print what would be written and refused; write nothing

Exit 0 when everything named was taken back (or had been already: "already
undone by ID; nothing to do"), 1 when a part was refused or kept, 2 on an
error (an id not in the journal, the connection, a failed write).
` + connectHint + `
Examples:
  ocsflags undo 74d5b216e0a25954
  ocsflags undo --dry-run 9f8e
`,
	"version": `Usage: ocsflags version   (or ocsflags --version)

The version and the revision it was built from.
`,
}

// connectUsage is "ocsflags help connect": the connection options.
const connectUsage = `Connection options, the same for every command that reads or writes a
directory. The console with none opens its built-in demo directory; audit,
find and set also use the URI of ldap.conf; set and undo refuse to run with
no directory named at all.

  --url URL              ldaps://dc.corp.example or ldap://... (or LDAPURI,
                         ldap.conf URI)
  --start-tls            upgrade ldap:// with StartTLS
  --ca-cert FILE         CA certificates (PEM) to verify the DC (or ldap.conf
                         TLS_CACERT)
  --insecure-skip-verify do not verify the DC's certificate (warned about)
  --allow-cleartext-password
                         allow a simple bind over unencrypted ldap:// (refused
                         otherwise; warned about). CORP\admin binds with
                         NTLM, which does not send the password.
  --kerberos             bind with your Kerberos ticket (kinit; on Windows the
                         logon), no password; works over ldap:// too (or
                         SASL_MECH GSSAPI in ldap.conf, LDAPSASL_MECH). Reads
                         KRB5CCNAME and KRB5_CONFIG (default /etc/krb5.conf)
  --spn SPN              the DC's service principal (default ldap/<host>)
  --bind ID              admin@corp.example, CORP\admin or a DN (or
                         LDAPBINDDN, ldap.conf BINDDN)
  --password-file FILE   read the password from FILE (- for standard input);
                         otherwise it is asked for without echo. Never on the
                         command line.
  --base DN              start at DN instead of the default naming context
                         (or LDAPBASE)
  --gc URL               Global Catalog for sign-in names across the forest
                         and the root domain's pools (default: port 3268, or
                         3269 with ldaps://, of the DC when it is one)
  --ldif FILE            open an LDIF export (ldifde -f, ldapsearch -LLL) in
                         memory
  --changes-out FILE     with --ldif: append applied changes as LDIF records
  --demo                 the built-in demo directory, in memory
  --read-only            refuse every write
  --journal FILE         change journal (default
                         $XDG_STATE_HOME/ocsflags/journal.jsonl;
                         %LOCALAPPDATA%\ocsflags\journal.jsonl on Windows)
  --timeout DURATION     how long one directory operation may take: 30s, 2m,
                         or a number of seconds (default 30s)
`

// helpFor is the usage "ocsflags help TOPIC" prints, or an error naming
// the topics.
func helpFor(topic string) (string, error) {
	switch topic {
	case "", "ocsflags", "console":
		return usage, nil
	case "connect", "connection", "connection-options":
		return connectUsage, nil
	}
	if u, ok := commandUsage[topic]; ok {
		return u, nil
	}
	var topics []string
	for k := range commandUsage {
		topics = append(topics, k)
	}
	sort.Strings(topics)
	return "", usageError("no help for %q: ocsflags help CMD takes %s or connect", topic, strings.Join(topics, ", "))
}

// wantsHelp reports whether args ask for help (-h, -help, --help) before
// any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "--h":
			return true
		}
	}
	return false
}

// printHelp prints topic's usage, or says there is none.
func printHelp(topic string, env Env) int {
	u, err := helpFor(topic)
	if err != nil {
		return exitCode(err, env)
	}
	fmt.Fprint(env.Stdout, u)
	return ExitOK
}
