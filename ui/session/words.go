package session

import (
	"fmt"
	"strings"

	"ocsflags/directory"
	"ocsflags/flags"
)

func EditsSummary(es []flags.AttrEdit) string {
	var p []string
	for _, e := range es {
		p = append(p, fmt.Sprintf("%s %s → %s", e.Attr, EditValue(e.Old), EditValue(e.New)))
	}
	return strings.Join(p, ", ")
}

func EditValue(o flags.Opt[string]) string {
	if !o.Set {
		return "(absent)"
	}
	return o.V
}

// PendingHolder is the DN of another user whose pending edits would give
// them the sign-in name addr, or "": two users must not be written with the
// same address just because neither holds it in the directory yet.
func (s *Session) PendingHolder(addr, self string) string {
	if others := directory.OtherThan(s.Pending.SIPClaims()[strings.ToLower(addr)], self); len(others) > 0 {
		return others[0]
	}
	return ""
}

// PoolsByHost lists the pools by host name, as the console's pool lists do.
func PoolsByHost(s directory.PoolSet) []directory.Pool { return s.All() }
