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

// ReadOnlyMsg is why nothing may be edited in a read-only session.
const ReadOnlyMsg = "read-only: nothing can be changed in this session (--read-only or a read-only directory)"

// CannotEdit is why the open user may not get a new edit ("" when it may):
// a read-only session, or pending edits that no longer apply. Every screen
// that stages edits asks it, so they refuse alike.
func CannotEdit(readOnly bool, applyErr error) string {
	switch {
	case readOnly:
		return ReadOnlyMsg
	case applyErr != nil:
		return "the pending edits of this user cannot apply (" + applyErr.Error() + "): undo with u first"
	}
	return ""
}
