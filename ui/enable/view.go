package enable

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"ocsflags/directory"
	"ocsflags/flags"
	"ocsflags/termtext"
	"ocsflags/ui/common"
	"ocsflags/ui/review"
	"ocsflags/ui/session"
)

// ---- view ----

func (m *Model) enableBody(w, h int) []string {
	st := m.com.Styles
	e := m.enableModel
	if e == nil {
		return common.Block(nil, w, h)
	}
	steps := map[enableStep]string{
		StepPool: "step 1 of 4: server or pool", StepPattern: "step 2 of 4: sign-in name",
		StepPlanning: "step 3 of 4: checking", StepPlan: "step 3 of 4: check and confirm",
		StepApplying: "step 4 of 4: enabling", StepResults: "step 4 of 4: results",
	}
	head := []string{
		common.Fit(st.Bold.Render("Enable users for Office Communications Server")+st.Dim.Render("  "+steps[e.Step]), w),
		common.Fit(st.Dim.Render(m.enableWho()), w),
		"",
	}
	var body []string
	scroll := false
	switch e.Step {
	case StepPool:
		body = m.enablePoolView(w)
	case StepPattern:
		body = m.enablePatternView(w, h-len(head))
	case StepPlanning:
		body = []string{m.com.Spin + " reading the users afresh and checking every sign-in name in the directory…", st.Dim.Render("esc stops; nothing is written in this step")}
	case StepPlan:
		body, scroll = m.enablePlanView(w), true
	default:
		body, scroll = m.enableResultView(w), true
	}
	if scroll {
		bodyH := h - len(head)
		e.offset = common.Clamp(e.offset, 0, max(len(body)-bodyH, 0))
		body = body[e.offset:]
	}
	return common.Block(append(head, body...), w, h)
}

func (m *Model) enableWho() string {
	us := m.enableModel.users
	if len(us) == 1 {
		return termtext.Safe("for " + us[0].Label() + " · " + us[0].DN)
	}
	var names []string
	for i, u := range us {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(us)-3))
			break
		}
		names = append(names, u.Label())
	}
	return termtext.Safe(fmt.Sprintf("for %d users: %s", len(us), strings.Join(names, ", ")))
}

func (m *Model) enablePoolView(w int) []string {
	st := m.com.Styles
	e := m.enableModel
	switch {
	case m.sess.PoolsErr != nil:
		return append([]string{st.Bad.Render("✗ The OCS pools could not be read, so none can be offered:")}, indent(common.Wrap(termtext.Safe(m.sess.PoolsErr.Error()), w-4), "    ")...)
	case !m.sess.PoolsLoaded:
		return []string{m.com.Spin + " reading the pools…"}
	case m.sess.Pools.Len() == 0:
		out := []string{st.Bad.Render("✗ No OCS pools were found in this directory.")}
		out = append(out, common.Wrap("Pools live under CN=Pools,CN=RTC Service in the System container (OCS 2007) or the Configuration container (R2). Create the pool with the OCS tools first; nothing can be enabled without one. esc closes.", w)...)
		return out
	}
	pools := session.PoolsByHost(m.sess.Pools)
	e.PoolCur = common.Clamp(e.PoolCur, 0, len(pools)-1)
	out := []string{"Which server or pool will register these users?", st.Dim.Render("Pools found in the directory, by host name:"), ""}
	hostW := 0
	for _, p := range pools {
		hostW = max(hostW, ansi.StringWidth(termtext.Safe(poolName(p))))
	}
	hostW = min(hostW, max(w/2, 10))
	for i, p := range pools {
		note := p.Container + " container"
		if p.Container == "" {
			note = p.DN
		}
		name, note := termtext.Safe(poolName(p)), termtext.Safe(note)
		if i == e.PoolCur {
			out = append(out, st.Selected.Render(common.Fit("› "+common.Fit(name, hostW)+"  "+note, w)))
		} else {
			out = append(out, "  "+common.Fit(name, hostW)+"  "+st.Dim.Render(note))
		}
	}
	out = append(out, "")
	p := pools[e.PoolCur]
	for _, l := range common.Wrap("Pool object: "+termtext.Safe(p.DN), w-2) {
		out = append(out, "  "+st.Dim.Render(l))
	}
	return out
}

func indent(lines []string, pre string) []string {
	for i := range lines {
		lines[i] = pre + lines[i]
	}
	return lines
}

func (m *Model) enablePatternView(w, h int) []string {
	st := m.com.Styles
	e := m.enableModel
	out := []string{st.Dim.Render("Pool: " + termtext.Safe(poolName(e.Pool))), "How is the sign-in name (msRTCSIP-PrimaryUserAddress) formed?"}
	forms := map[directory.SignInPattern]string{
		directory.PatternMail:      "sip:<mail>",
		directory.PatternUPN:       "sip:<userPrincipalName>",
		directory.PatternFirstLast: "sip:<givenName>.<sn>@<domain>",
		directory.PatternSAM:       "sip:<sAMAccountName>@<domain>",
	}
	for i, p := range directory.SignInPatterns {
		row := fmt.Sprintf("%-24s %s", p.String(), forms[p])
		if i == e.Pattern {
			out = append(out, st.Selected.Render(common.Fit("› (•) "+row, w)))
		} else {
			out = append(out, "  ( ) "+row)
		}
	}
	dom := "Domain: " + termtext.Safe(e.Domain.Value)
	if e.editing {
		dom = e.Domain.View("Domain: ") + st.Dim.Render("   enter or tab when done")
	} else if e.usesDomain() {
		dom += st.Dim.Render("   tab edits it")
	} else {
		dom = st.Dim.Render(dom + "   (only for first.last@ and sAMAccountName@; tab edits it)")
	}
	out = append(out, dom, "")
	// Users who will be enabled come first, so the addresses about to be
	// written are on screen even when most of the selection is skipped.
	var rows, skipped []previewRow
	for _, r := range e.preview {
		if r.skip == "" {
			rows = append(rows, r)
		} else {
			skipped = append(skipped, r)
		}
	}
	ok := len(rows)
	rows = append(rows, skipped...)
	out = append(out, st.Bold.Render(fmt.Sprintf("Preview: %d can be enabled, %d skipped", ok, len(e.preview)-ok))+st.Dim.Render(" · enter checks them in the directory"))
	nameW := 0
	for i, r := range rows {
		r.label, r.addr, r.note, r.skip = termtext.Safe(r.label), termtext.Safe(r.addr), termtext.Safe(r.note), termtext.Safe(r.skip)
		rows[i] = r
		nameW = max(nameW, ansi.StringWidth(r.label))
	}
	nameW = min(nameW, max(w/3, 8))
	// A skip reason wraps under the address column rather than being cut:
	// it is what the admin has to act on.
	for i, r := range rows {
		var lines []string
		switch {
		case r.skip != "":
			for j, l := range common.Wrap("✗ "+r.skip, max(w-nameW-4, 20)) {
				head := common.Fit(r.label, nameW)
				if j > 0 {
					head, l = common.Fit("", nameW), "  "+l
				}
				lines = append(lines, "  "+head+"  "+st.Bad.Render(l))
			}
		case r.note != "":
			lines = []string{"  " + common.Fit(r.label, nameW) + "  " + r.addr + st.Dim.Render("  ("+r.note+")")}
		default:
			lines = []string{"  " + common.Fit(r.label, nameW) + "  " + r.addr}
		}
		if left := h - len(out); len(lines) > left-1 && i < len(rows)-1 || len(lines) > left {
			out = append(out, st.Dim.Render(fmt.Sprintf("  … and %d more: all are listed in the next step", len(rows)-i)))
			break
		}
		out = append(out, lines...)
	}
	return out
}

// enablePlanView is the plan as a scrollable document: what is skipped and
// why, then each user's attribute edits.
func (m *Model) enablePlanView(w int) []string {
	st := m.com.Styles
	e := m.enableModel
	n, skipped := e.counts()
	var out []string
	add := func(s string) { out = append(out, s) }
	add("Pool: " + termtext.Safe(poolName(e.Pool)) + " · sign-in name: " + termtext.Safe(e.signIn().String()))
	sum := st.Ok.Render(fmt.Sprintf("✓ %d will be enabled", n))
	if skipped > 0 {
		sum += " · " + st.Bad.Render(fmt.Sprintf("✗ %d skipped", skipped))
	} else {
		sum += st.Dim.Render(" · none skipped")
	}
	add(sum)
	for _, l := range common.Wrap("Addresses checked in the directory and among these users. Nothing is written before enter or y; each user is then its own compare-and-swap. Enhanced presence (256) is added, every other bit kept: it is one-way, and Communicator 2005 stops working after the first 2007 sign-in.", w) {
		add(st.Dim.Render(l))
	}
	if skipped > 0 {
		add("")
		add(st.Group.Render(fmt.Sprintf("Skipped (%d): nothing is written for them", skipped)))
		for _, p := range e.Plans {
			if p.Skip == "" {
				continue
			}
			add("  " + st.Bad.Render("✗") + " " + termtext.Safe(p.User.Label()))
			for _, l := range common.Wrap(termtext.Safe(p.Skip), w-6) {
				add("      " + l)
			}
		}
	}
	if n > 0 {
		add("")
		add(st.Group.Render(fmt.Sprintf("Will be enabled (%d)", n)))
	}
	attrW := 28
	for _, p := range e.Plans {
		if p.Skip != "" {
			continue
		}
		add("  " + st.Bold.Render(termtext.Safe(p.User.Label())) + "  " + termtext.Safe(p.Address))
		after, err := p.User.OCS.Apply(p.Change)
		if err != nil {
			add("      " + st.Bad.Render("✗ cannot apply: "+termtext.Safe(err.Error())))
			continue
		}
		for _, ed := range flags.Edits(p.User.OCS, after) {
			add("      " + common.Fit(ed.Attr, attrW) + " " + m.enableValue(ed.Attr, ed.Old) + " → " + st.Changed.Render(m.enableValue(ed.Attr, ed.New)))
			if ed.Attr == flags.AttrOptionFlags && p.User.OCS.OptionFlags.Set {
				for _, l := range common.Wrap(review.DeltaWords(p.Change.Flags.Effective(p.User.OCS.OptionFlags.V))+"; every other bit kept as found", max(w-attrW-7, 20)) {
					add("      " + st.Dim.Render(common.Fit("", attrW)+" "+l))
				}
			}
		}
		if !p.Change.HomeServer.Set {
			add("      " + st.Dim.Render(common.Fit(flags.AttrPrimaryHomeServer, attrW)+" already "+termtext.Safe(poolName(e.Pool))))
		}
	}
	return out
}

// enableValue shows a home-server DN by the pool's host name.
func (m *Model) enableValue(attr string, o flags.Opt[string]) string {
	v := session.EditValue(o)
	if o.Set && (attr == flags.AttrPrimaryHomeServer) {
		if p, ok := m.sess.Pools.ByHomeServer(o.V); ok && p.Host != "" {
			return termtext.Safe(p.Host) + " (pool)"
		}
	}
	return termtext.Safe(v)
}

func (m *Model) enableResultView(w int) []string {
	st := m.com.Styles
	e := m.enableModel
	ok, skipped, failed := e.outcome()
	var out []string
	add := func(s string) { out = append(out, s) }
	switch {
	case e.Step == StepApplying:
		add(m.com.Spin + fmt.Sprintf(" enabling on %s… %d of %d done · esc stops after the user being written", termtext.Safe(poolName(e.Pool)), len(e.results), len(e.Plans)))
	case e.stopped:
		add(st.Warn.Render(fmt.Sprintf("Stopped: %d enabled, %d skipped, %d not written", ok, skipped, failed)))
	default:
		add(st.Bold.Render(fmt.Sprintf("Done: %d enabled, %d skipped, %d failed", ok, skipped, failed)) + st.Dim.Render(" on "+termtext.Safe(poolName(e.Pool))))
	}
	if e.Step == StepResults && m.marksLeft {
		for _, l := range common.Wrap("The enabled users are deselected in the list; the others stay selected to fix and try again.", w) {
			add(st.Dim.Render(l))
		}
	}
	add("")
	for i, r := range e.results {
		label := r.DN
		if i < len(e.Plans) {
			label = e.Plans[i].User.Label()
		}
		label = termtext.Safe(label)
		switch {
		case r.Skipped:
			add("  " + st.Dim.Render("–") + " " + label + st.Dim.Render("  skipped"))
			for _, l := range common.Wrap(termtext.Safe(r.Err.Error()), w-6) {
				add("      " + st.Dim.Render(l))
			}
		case r.Err != nil:
			add("  " + st.Bad.Render("✗") + " " + label + st.Bad.Render("  not enabled"))
			for _, l := range common.Wrap(termtext.Safe(m.enableErrText(r.Err)), w-6) {
				add("      " + l)
			}
		default:
			add("  " + st.Ok.Render("✓") + " " + label + st.Ok.Render("  enabled") + " as " + termtext.Safe(r.Address))
		}
	}
	return out
}

// enableErrText says why a user was not written, in the directory's words
// with what to do.
func (m *Model) enableErrText(err error) string {
	var ce *directory.ConflictError
	var cc *directory.ClaimConflictError
	switch {
	case errors.Is(err, directory.ErrOutcomeUnknown):
		// Sent, no answer, and reading the user again did not tell: never
		// "nothing was written".
		return err.Error()
	case errors.As(err, &cc):
		return err.Error()
	case errors.Is(err, context.Canceled):
		return "stopped before it was written: nothing was written for this user"
	case errors.As(err, &ce):
		return err.Error() + ". Someone kept changing the user while it was written; run the wizard again for it."
	case errors.Is(err, directory.ErrInsufficientRights):
		who := m.com.Info.BoundAs
		if who == "" {
			who = "the bound account"
		}
		return err.Error() + ". " + who + " needs OCS user-admin rights (RTCUniversalUserAdmins); nothing was written for this user."
	}
	return err.Error() + "; nothing was written for this user."
}
