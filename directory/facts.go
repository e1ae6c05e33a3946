package directory

import "ocsflags/flags"

// Facts is what a --where expression (flags.Where) is matched against for
// u, answered from what the Auditor already holds (the pools and the index
// of sign-in names read once for the whole list): u's settings as read,
// the readiness findings on them, the verdict, and the host of the pool its
// home server names. A multi-user command (find, set --where) calls it for
// every user it reads and keeps the findings for its output; it costs no
// directory request.
func (a *Auditor) Facts(u User) flags.Facts {
	fs := flags.Audit(a.Input(u))
	f := flags.Facts{Settings: u.OCS, Findings: fs, Verdict: flags.Judge(fs)}
	if u.OCS.HomeServer.Set {
		f.Pool = a.answer(u.OCS.HomeServer.V).host
	}
	return f
}
