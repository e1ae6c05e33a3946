package cli

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
)

// fixTarget is how a suggested command names the directory the suggesting
// command read: its options, and a note when one of them is a placeholder.
type fixTarget struct {
	args []string
	note string
}

// setCommand spells "ocsflags set" aimed at t for user id with the changes,
// every argument shell-quoted; the notes explain placeholders.
func setCommand(t fixTarget, id string, changes []string, notes ...string) string {
	args := append(append(append([]string{"ocsflags", "set"}, t.args...), id), changes...)
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	cmd := strings.Join(q, " ")
	if t.note != "" {
		notes = append(notes, t.note)
	}
	if len(notes) > 0 {
		cmd += "   (" + strings.Join(notes, "; ") + ")"
	}
	return cmd
}

// fixCommand spells a finding's proposed fix as an ocsflags set command
// aimed at the directory the audit read.
func fixCommand(u directory.User, f flags.Finding, all []flags.Finding, pools directory.PoolSet, target fixTarget) string {
	id := firstNonEmpty(u.SAMAccountName, u.DN)
	// The pools are listed only for the fixes that name one (an audit of
	// many users asks for a fix per finding).
	poolNote := func() string {
		var hosts []string
		for _, p := range pools.All() {
			hosts = append(hosts, p.Host)
		}
		slices.Sort(hosts)
		return "POOL: " + strings.Join(hosts, ", ")
	}
	if (f.ID == flags.FindingNoHomeServer || f.ID == flags.FindingHomeServerNotAPool) && pools.Len() > 0 {
		return setCommand(target, id, []string{"pool=POOL"}, poolNote())
	}
	if f.ID == flags.FindingArchivingLegacyValue {
		return setCommand(target, id, []string{"archiving=MODE"}, "MODE: none, internal, federated or both; clears the LCS 2005 bits 1 and 2")
	}
	if f.Fix == nil {
		return ""
	}
	var parts []string
	if f.Fix.Flags.Set&flags.EnhancedPresence != 0 {
		parts = append(parts, "+ep")
	}
	if f.Fix.Enabled.Set && f.Fix.Enabled.V {
		parts = append(parts, "+enabled")
		// set refuses +enabled alone for a user without a sign-in name or
		// pool: the suggestion carries them, as the Enable Users wizard does.
		if !u.OCS.SIPAddress.Set {
			for _, g := range all {
				if g.ID == flags.FindingNoSIPAddress && g.Fix != nil && g.Fix.SIPAddress.Set {
					parts = append(parts, "sip="+g.Fix.SIPAddress.V)
				}
			}
			if len(parts) == 1 {
				parts = append(parts, "sip=sip:USER@DOMAIN")
			}
		}
		for _, g := range all {
			if g.ID == flags.FindingNoEnhancedPresence && !slices.Contains(parts, "+ep") {
				parts = append(parts, "+ep")
			}
		}
		if !u.OCS.HomeServer.Set {
			parts = append(parts, "pool=POOL")
			return setCommand(target, id, parts, poolNote())
		}
	}
	if f.Fix.SIPAddress.Set {
		parts = append(parts, "sip="+f.Fix.SIPAddress.V)
	}
	if len(parts) == 0 {
		return ""
	}
	return setCommand(target, id, parts)
}

// shellQuote makes s one word for a POSIX shell, as typed: bare when it
// holds only characters no shell treats specially, in single quotes
// otherwise. A value holding control or bidi characters (termtext.Unsafe)
// or bytes that are not UTF-8 is written as $'…' with escapes (bash, zsh,
// ksh), so that it stays exact when pasted and never reaches the terminal
// raw.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") == "" {
		return s
	}
	if !termtext.Contains(s) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x80 && termtext.Unsafe(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case termtext.Unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}
