package review

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"ocsflags/directory"
	"ocsflags/ui/common"
)

// CommitMsg is the result of one user's compare-and-swap.
type CommitMsg struct {
	dn   string
	sent directory.Change
	user directory.User
	err  error
}

func applyChange(ctx context.Context, d directory.Directory, c directory.Change, claim string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, common.ReadTimeout)
		defer cancel()
		// Just before the write, whatever route staged the sign-in name
		// (the editor, an audit fix, E on a disabled user, a choice made
		// before another admin took it): one someone else holds is not
		// written. ConfirmClaim looks again after the write.
		var re *directory.RefusedError
		if err := directory.ClaimSIP(ctx, d, c.DN, claim); errors.As(err, &re) {
			return CommitMsg{dn: c.DN, sent: c, err: fmt.Errorf("nothing was written: %w", err)}
		} else if err != nil {
			return CommitMsg{dn: c.DN, sent: c, err: err}
		}
		u, err := d.Apply(ctx, c)
		if err == nil {
			u, err = directory.ConfirmClaim(context.WithoutCancel(ctx), d, claim, c, u)
		}
		return CommitMsg{dn: c.DN, sent: c, user: u, err: err}
	}
}

// SettleMsg is what reading the user again told of a write whose outcome
// was unknown.
type SettleMsg struct {
	dn      string
	sent    directory.Change
	user    directory.User
	outcome directory.WriteOutcome
	err     error
}

// settleChange reads the user of a write whose outcome is unknown until
// the directory answers (directory.Settle, which journals the answer); a
// write found landed gets the sign-in name check any write gets.
func settleChange(ctx context.Context, d directory.Directory, ue *directory.UnknownOutcomeError, claim string) tea.Cmd {
	return func() tea.Msg {
		// Telling the outcome is part of the write: quitting waits for it,
		// so it does not end with the session's context.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), common.ReadTimeout)
		defer cancel()
		u, o, err := directory.Settle(ctx, d, ue)
		if o.Changed() {
			u, err = directory.ConfirmClaim(ctx, d, claim, ue.Change, u)
		}
		return SettleMsg{dn: ue.Change.DN, sent: ue.Change, user: u, outcome: o, err: err}
	}
}
