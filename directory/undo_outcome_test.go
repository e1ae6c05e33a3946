package directory

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"ocsflags/flags"
)

// unreadAfterWrite applies a write, then fails to read the user back
// (ErrWrittenUnread), as a DC whose connection drops after the modify.
type unreadAfterWrite struct{ *Memory }

func (u unreadAfterWrite) ApplyWithOutcome(ctx context.Context, c Change) (User, WriteOutcome, error) {
	if _, err := u.Memory.Apply(ctx, c); err != nil {
		return User{}, OutcomeNotWritten, err
	}
	return User{}, OutcomeWritten, &Error{Kind: ErrWrittenUnread, DN: c.DN, Msg: "reading the user back failed"}
}

func (u unreadAfterWrite) Apply(ctx context.Context, c Change) (User, error) {
	got, _, err := u.ApplyWithOutcome(ctx, c)
	return got, err
}

// An undo that landed but could not be read back counts as written, as in
// the bulk engine: no error, its id reported, After the settings it left.
func TestUndoWrittenUnreadCountsAsWritten(t *testing.T) {
	ctx := context.Background()
	m, err := OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := NewJournaled(unreadAfterWrite{m}, path)
	if err != nil {
		t.Fatal(err)
	}
	// The write itself, through a journal of the plain demo.
	j0, _ := NewJournaled(m, path)
	if _, _, err := Update(ctx, j0, leo, flags.Change{Flags: flags.Delta{Set: flags.AnonymousParticipants}}, 1); err != nil {
		t.Fatal(err)
	}
	ws := writesOf(t, path)
	cur, _ := m.User(ctx, leo)
	res := UndoWrite(ctx, j, ws[0], cur, UndoOptions{})
	if res.Err != nil || !errors.Is(res.Unread, ErrWrittenUnread) || res.ID == "" {
		t.Fatalf("undo: err %v, unread %v, id %q; want written with its id", res.Err, res.Unread, res.ID)
	}
	if res.After.OCS.OptionFlags.V != 1 {
		t.Errorf("After: OptionFlags %d, want 1 (what the undo left)", res.After.OCS.OptionFlags.V)
	}
	if u, _ := m.User(ctx, leo); u.OCS.OptionFlags.V != 1 {
		t.Errorf("directory: OptionFlags %d, want 1", u.OCS.OptionFlags.V)
	}
	if last := writesOf(t, path); last[len(last)-1].ID != res.ID || last[len(last)-1].Undoes != ws[0].ID {
		t.Errorf("journal: %+v", last[len(last)-1])
	}
}

// racingClaim is the demo where, as a write re-enables dn, another object
// claims its sign-in name at the same moment.
type racingClaim struct {
	*Memory
	dn, rival, addr string
}

func (r racingClaim) Apply(ctx context.Context, c Change) (User, error) {
	u, err := r.Memory.Apply(ctx, c)
	if err == nil && SameDN(c.DN, r.dn) && u.OCS.Enabled.V {
		rv, _ := r.Memory.User(ctx, r.rival)
		old := flags.Opt[string]{Set: rv.OCS.SIPAddress.Set, V: rv.OCS.SIPAddress.V}
		if !rv.OCS.SIPAddress.Set || rv.OCS.SIPAddress.V != r.addr {
			r.Memory.Apply(ctx, Change{DN: r.rival, Edits: []flags.AttrEdit{{Attr: flags.AttrPrimaryUserAddress, Old: old, New: flags.Some(r.addr)}}})
		}
	}
	return u, err
}

// The take-back of an undo's sign-in-name claim is journaled as part of the
// undo (undoes set), alone and in a batch (UndoClaims.Confirm).
func TestUndoClaimTakeBackIsJournaledAsTheUndo(t *testing.T) {
	ctx := context.Background()
	for _, batch := range []bool{false, true} {
		m, err := OpenDemo()
		if err != nil {
			t.Fatal(err)
		}
		var dn, rival, addr string
		m.Users(ctx, StaffOU, OneLevel, func(b Batch) error {
			for _, u := range b.Users {
				switch {
				case dn == "" && u.OCS.Enabled.V && u.OCS.SIPAddress.Set:
					dn, addr = u.DN, u.OCS.SIPAddress.V
				case dn != "" && rival == "" && !u.OCS.Enabled.V:
					rival = u.DN
				}
			}
			return nil
		})
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		j, _ := NewJournaled(racingClaim{Memory: m, dn: dn, rival: rival, addr: addr}, path)
		if _, _, err := Update(ctx, j, dn, flags.Change{Enabled: flags.Some(false)}, 1); err != nil {
			t.Fatal(err)
		}
		ws := writesOf(t, path)
		cur, _ := m.User(ctx, dn)
		o := UndoOptions{}
		if batch {
			users := map[string]User{NormDN(dn): cur}
			if o.Claims, err = ReadUndoClaims(ctx, j, ws, users); err != nil {
				t.Fatal(err)
			}
		}
		res := UndoWrite(ctx, j, ws[0], cur, o)
		var cc *ClaimConflictError
		if batch {
			if res.Err != nil {
				t.Fatalf("batch undo: %v", res.Err)
			}
			outs := o.Claims.Confirm(ctx, j)
			if len(outs) != 1 || !errors.As(outs[0].Err, &cc) || !cc.Undone || outs[0].Undoes != ws[0].ID {
				t.Fatalf("confirm: %+v", outs)
			}
		} else if !errors.As(res.Err, &cc) || !cc.Undone {
			t.Fatalf("undo: %v, want the claim taken back", res.Err)
		}
		all := writesOf(t, path)
		if len(all) != 3 {
			t.Fatalf("batch %v: %d writes journaled, want 3 (the write, its undo, the take-back)", batch, len(all))
		}
		if tb := all[2]; tb.Undoes != ws[0].ID {
			t.Errorf("batch %v: the take-back is journaled without undoes: %+v", batch, tb)
		}
		if u, _ := m.User(ctx, dn); u.OCS.Enabled.V {
			t.Errorf("batch %v: still enabled after the take-back", batch)
		}
	}
}
