package enable

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/ui/common"
)

// The Enable Users wizard of the OCS console: choose a pool, choose how the
// sign-in name is formed, check every address in the directory, confirm,
// then write each user as its own compare-and-swap and report per user.
// Planning and writing are directory.PlanEnable and directory.ApplyEnable;
// this file only asks, shows and routes.

type enableStep int

const (
	StepPool enableStep = iota
	StepPattern
	StepPlanning
	StepPlan
	StepApplying
	StepResults
)

// enableModel is one run of the wizard. Messages carry the pointer of the
// run they belong to, so the answers of a closed run are ignored.
type enableModel struct {
	users []directory.User
	Step  enableStep

	PoolCur int // index into session.PoolsByHost(m.sess.Pools)
	Pool    directory.Pool

	Pattern int // index into directory.SignInPatterns
	Domain  common.Input
	editing bool // the domain field has the keys
	preview []previewRow

	Plans   []directory.EnablePlan
	results []directory.EnableResult
	cancel  context.CancelFunc
	stopped bool // esc while writing: the rest were not attempted

	offset int // first line of the plan or result list shown
}

// previewRow is one user under the pattern picker: the address the pattern
// gives, or why the user will be skipped.
type previewRow struct {
	label, addr, note, skip string
}

// enableMsg is every message of the wizard; root.go routes them here.
type enableMsg interface{ wizard() *enableModel }

type enablePlanMsg struct {
	w     *enableModel
	plans []directory.EnablePlan
	err   error
}

type enableProgressMsg struct {
	w    *enableModel
	done int
	r    directory.EnableResult
	user *directory.User // the user as stored after a successful write
	ch   <-chan tea.Msg
}

type enableDoneMsg struct{ w *enableModel }

func (m enablePlanMsg) wizard() *enableModel     { return m.w }
func (m enableProgressMsg) wizard() *enableModel { return m.w }
func (m enableDoneMsg) wizard() *enableModel     { return m.w }

// ---- opening the wizard, and E ----

// ---- rules the wizard adds to PlanEnable ----

// SkipBefore says why u is left out before any address is formed: the
// wizard never writes over pending edits, never re-provisions a user who
// is already enabled and sound (a broken sign-in name or home server it
// does repair), and never moves a user to another pool (the OCS tools
// move the user's server data too; a DN rewrite does not). The pool rules
// are directory.PlanWrite's; the wizard adds that it re-enables a user
// without a sign-in name only on the pool it has (set may give such a user
// another: it names both).
func SkipBefore(u directory.User, pools directory.PoolSet, pool directory.Pool, pending bool) string {
	s := u.OCS
	host := func(dn string) string {
		p, _ := pools.ByHomeServer(dn)
		if p.Host != "" {
			return p.Host
		}
		return p.DN
	}
	homed := s.HomeServer.Set && pools.IsPool(s.HomeServer.V)
	var poolRefusal *directory.Refusal
	if pool.HomeServerDN != "" {
		_, refusals := directory.PlanWrite(directory.WriteRequest{User: u, Change: flags.Change{HomeServer: flags.Some(pool.HomeServerDN)}, Pools: pools})
		for i, r := range refusals {
			if r.Rule == directory.RuleWorkingPool || r.Rule == directory.RulePoolUnknown {
				poolRefusal = &refusals[i]
				break
			}
		}
	}
	switch {
	case pending:
		return "has pending edits: commit or undo them first"
	case poolRefusal != nil && poolRefusal.Rule == directory.RulePoolUnknown:
		return "cannot tell whether its home server is a working pool: " + poolRefusal.Reason
	case s.HomeServer.Set && !homed && pools.Unknown(s.HomeServer.V) != "":
		// Without a sign-in name too: it may be on a working pool this
		// account cannot see, and rewriting its home server would strand
		// its server data.
		return "cannot tell whether its home server is a working pool: " + pools.Unknown(s.HomeServer.V)
	case s.Enabled.Or(false) && s.SIPAddress.Set && flags.CheckSIPAddress(s.SIPAddress.V) == nil && homed:
		return "already enabled for OCS on " + host(s.HomeServer.V) + ": change its settings in the user pane"
	case poolRefusal != nil && poolRefusal.Rule == directory.RuleWorkingPool:
		return "homed on " + poolRefusal.Pool + ": choose that pool to re-enable it, or " + poolRefusal.Reason
	case homed && pool.HomeServerDN != "" && !directory.SameDN(s.HomeServer.V, pool.HomeServerDN):
		return "homed on " + host(s.HomeServer.V) + ": choose that pool to re-enable it, or move it with the OCS tools (they move its server data too)"
	}
	return ""
}

// dnsDomainOf is the DNS domain of a DN's DC= parts: DC=corp,DC=example
// gives corp.example.
func dnsDomainOf(dn string) string {
	d, err := directory.ParseDN(dn)
	if err != nil {
		return ""
	}
	var parts []string
	for _, r := range d.RDNs {
		if len(r.Attributes) == 1 && strings.EqualFold(r.Attributes[0].Type, "DC") {
			parts = append(parts, r.Attributes[0].Value)
		}
	}
	return strings.ToLower(strings.Join(parts, "."))
}

func (e *enableModel) signIn() directory.SignInPattern {
	return directory.SignInPatterns[common.Clamp(e.Pattern, 0, len(directory.SignInPatterns)-1)]
}

// usesDomain reports whether the pattern takes the domain field.
func (e *enableModel) usesDomain() bool {
	p := e.signIn()
	return p == directory.PatternFirstLast || p == directory.PatternSAM
}

// updatePreview forms each user's address locally; the directory check is
// the next step's.
func (m *Model) updatePreview() {
	e := m.enableModel
	p := e.signIn()
	dom := strings.TrimSpace(e.Domain.Value)
	rows := make([]previewRow, len(e.users))
	count := map[string]int{}
	for i, u := range e.users {
		r := previewRow{label: u.Label(), skip: SkipBefore(u, m.sess.Pools, e.Pool, m.sess.Pending.Get(u.DN) != nil)}
		switch {
		case r.skip != "":
		case u.OCS.SIPAddress.Set && flags.CheckSIPAddress(u.OCS.SIPAddress.V) == nil:
			r.addr, r.note = u.OCS.SIPAddress.V, "keeps its sign-in name"
		default:
			a, err := p.Address(u, dom)
			if err != nil {
				r.skip = "cannot form a sign-in name from " + p.String() + ": " + err.Error()
			}
			r.addr = a
		}
		if r.skip == "" {
			count[strings.ToLower(r.addr)]++
		}
		rows[i] = r
	}
	for i := range rows {
		if rows[i].skip == "" && count[strings.ToLower(rows[i].addr)] > 1 {
			rows[i].skip = rows[i].addr + " would be given to " + fmt.Sprint(count[strings.ToLower(rows[i].addr)]) + " of the users being enabled"
		}
	}
	e.preview = rows
}

// ---- commands ----

func (e *enableModel) counts() (enable, skip int) {
	for _, p := range e.Plans {
		if p.Skip == "" {
			enable++
		} else {
			skip++
		}
	}
	return enable, skip
}

func (e *enableModel) outcome() (ok, skipped, failed int) {
	for _, r := range e.results {
		switch {
		case r.Skipped:
			skipped++
		case r.Err != nil:
			failed++
		default:
			ok++
		}
	}
	return ok, skipped, failed
}

func poolName(p directory.Pool) string {
	if p.Host != "" {
		return p.Host
	}
	return p.DN
}
