package directory

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
)

func dialDC(t testing.TB, cfg LDAPConfig) *LDAP {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := DialLDAP(ctx, cfg)
	if err != nil {
		t.Fatalf("DialLDAP(%s as %s): %v", cfg.URL, cfg.Bind, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// TestLDAPContract runs the Directory contract against the Samba AD DC
// holding the demo organisation, over each way of connecting, with the CA
// verified on both TLS paths.
func TestLDAPContract(t *testing.T) {
	env := requireDC(t)
	for _, tc := range []struct {
		name string
		cfg  LDAPConfig
	}{
		{"ldap", env.adminConfig()},
		{"ldaps", LDAPConfig{URL: env.LDAPSURL, CACertFile: env.CACert, Bind: env.AdminUPN, Password: env.AdminPassword}},
		{"starttls", LDAPConfig{URL: env.URL, StartTLS: true, CACertFile: env.CACert, Bind: env.AdminUPN, Password: env.AdminPassword}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := dialDC(t, tc.cfg)
			if info := l.Info(); info.Kind != "ldap" || info.Name == "" || info.BoundAs != env.AdminUPN || info.TLSUnverified {
				t.Errorf("Info() = %+v", info)
			}
			runContract(t, contract{dir: l, bigOU: env.PagingOU, bigCount: env.PagingCount, writers: 10})
		})
	}
}

func TestLDAPSambaBinds(t *testing.T) {
	env := requireDC(t)
	for _, id := range []string{env.AdminUPN, env.AdminDN} {
		t.Run(id, func(t *testing.T) {
			l := dialDC(t, env.tlsConfig(id, env.AdminPassword))
			if _, err := l.User(context.Background(), env.UserDN); err != nil {
				t.Fatalf("read as %s: %v", id, err)
			}
			if l.Info().BoundAs != id || l.Info().Cleartext || l.Info().TLSUnverified {
				t.Errorf("Info() = %+v", l.Info())
			}
		})
	}
	// Samba does not do AD's NTLM bind. DOMAIN\user used to fall back to
	// a simple bind, which sends the password; now it is refused with the
	// way out, over TLS as well (TestLDAPNoSimpleBindAfterNTLM watches the
	// wire).
	t.Run("DOMAIN\\user without NTLM", func(t *testing.T) {
		id := env.Domain + `\Administrator`
		_, err := DialLDAP(context.Background(), env.tlsConfig(id, env.AdminPassword))
		if !errors.Is(err, ErrAuthentication) || !strings.Contains(err.Error(), "NTLM") || !strings.Contains(err.Error(), "UPN (Administrator@") {
			t.Errorf("%s on Samba: %v", id, err)
		}
	})
	t.Run("insecure skip verify is reported", func(t *testing.T) {
		l := dialDC(t, LDAPConfig{URL: env.LDAPSURL, InsecureSkipVerify: true, Bind: env.AdminUPN, Password: env.AdminPassword})
		if !l.Info().TLSUnverified {
			t.Error("Info().TLSUnverified is false with InsecureSkipVerify")
		}
	})
	t.Run("unknown CA is refused", func(t *testing.T) {
		_, err := DialLDAP(context.Background(), LDAPConfig{URL: env.LDAPSURL, Bind: env.AdminUPN, Password: env.AdminPassword})
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "--ca-cert") {
			t.Errorf("ldaps without the test CA: %v", err)
		}
	})
}

func TestLDAPSambaWrongPassword(t *testing.T) {
	env := requireDC(t)
	wrong := "not-" + env.UserPassword
	for _, id := range []string{env.UserUPN, env.UserDN, env.Domain + `\helpdesk`} {
		_, err := DialLDAP(context.Background(), env.tlsConfig(id, wrong))
		var de *Error
		if !errors.Is(err, ErrAuthentication) || !errors.As(err, &de) {
			t.Fatalf("wrong password for %s: %v", id, err)
		}
		// Samba refuses NTLM before any password is checked.
		want := "wrong user name or password for " + id
		if strings.Contains(id, `\`) {
			want = "did not complete an NTLM bind for " + id
		}
		if !strings.Contains(de.Msg, want) {
			t.Errorf("wrong password for %s: message %q lacks %q", id, de.Msg, want)
		}
		if strings.Contains(err.Error(), wrong) {
			t.Fatal("the error message contains the password")
		}
	}
	_, err := DialLDAP(context.Background(), env.tlsConfig(env.UserUPN, ""))
	if !errors.Is(err, ErrAuthentication) {
		t.Errorf("bind without a password: %v (must not fall back to an unauthenticated bind)", err)
	}
}

// pagingUser returns a user of the paging OU for the write tests, so they do
// not disturb the demo organisation the contract reads.
func pagingUser(t *testing.T, l *LDAP, env dcEnv, i int) User {
	t.Helper()
	us, err := l.Search(context.Background(), env.PagingOU, "", i+1)
	if err != nil || len(us) <= i {
		t.Fatalf("users of %s: %d, %v", env.PagingOU, len(us), err)
	}
	return us[i]
}

func optionFlagsEdit(u User, v string) flags.AttrEdit {
	e := flags.AttrEdit{Attr: flags.AttrOptionFlags, New: flags.Some(v)}
	if u.OCS.OptionFlags.Set {
		e.Old = flags.Some(flags.FormatAD(u.OCS.OptionFlags.V))
	}
	return e
}

func TestLDAPSambaNonAdminWriteRefused(t *testing.T) {
	env := requireDC(t)
	admin := dialDC(t, env.adminConfig())
	u := pagingUser(t, admin, env, 0)
	helpdesk := dialDC(t, env.tlsConfig(env.UserUPN, env.UserPassword))
	next := flags.FormatAD(u.OCS.OptionFlags.V ^ flags.PublicIM)
	_, err := helpdesk.Apply(context.Background(), Change{DN: u.DN, Edits: []flags.AttrEdit{optionFlagsEdit(u, next)}})
	var de *Error
	if !errors.Is(err, ErrInsufficientRights) || !errors.As(err, &de) {
		t.Fatalf("non-admin write: %v", err)
	}
	if !strings.Contains(err.Error(), u.DN) || !strings.Contains(err.Error(), flags.AttrOptionFlags) || !strings.Contains(err.Error(), env.UserUPN) {
		t.Errorf("message does not name the DN, the attribute and the identity: %v", err)
	}
	after, err := admin.User(context.Background(), u.DN)
	if err != nil || after.OCS.OptionFlags != u.OCS.OptionFlags {
		t.Errorf("value after the refused write: %+v (was %+v), %v", after.OCS.OptionFlags, u.OCS.OptionFlags, err)
	}
}

func TestLDAPSambaCompareAndSwap(t *testing.T) {
	env := requireDC(t)
	l := dialDC(t, env.adminConfig())
	ctx := context.Background()
	u := pagingUser(t, l, env, 1)
	next := flags.FormatAD(u.OCS.OptionFlags.V ^ flags.PublicIM)
	ch := Change{DN: u.DN, Edits: []flags.AttrEdit{optionFlagsEdit(u, next)}}
	got, o, err := l.ApplyWithOutcome(ctx, ch)
	if err != nil || o != OutcomeWritten || flags.FormatAD(got.OCS.OptionFlags.V) != next {
		t.Fatalf("first write: %v %v %+v", o, err, got.OCS.OptionFlags)
	}
	// The same change again is stale: it expects the old value.
	_, o, err = l.ApplyWithOutcome(ctx, ch)
	var ce *ConflictError
	if !errors.As(err, &ce) || o != OutcomeNotWritten {
		t.Fatalf("stale CAS: %v, %v", o, err)
	}
	if len(ce.Attrs) != 1 || ce.Attrs[0] != flags.AttrOptionFlags || flags.FormatAD(ce.Current.OCS.OptionFlags.V) != next {
		t.Errorf("conflict = %v, current %+v", ce.Attrs, ce.Current.OCS.OptionFlags)
	}
	if now, _ := l.User(ctx, u.DN); flags.FormatAD(now.OCS.OptionFlags.V) != next {
		t.Errorf("stale CAS changed the value to %v", now.OCS.OptionFlags)
	}
	// Adding to a present single-valued attribute (result 20).
	_, err = l.Apply(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, New: flags.Some("1")}}})
	if !errors.As(err, &ce) || ce.Attrs[0] != flags.AttrOptionFlags {
		t.Errorf("add on a present value: %v", err)
	}
	if now, _ := l.User(ctx, u.DN); flags.FormatAD(now.OCS.OptionFlags.V) != next {
		t.Errorf("refused add changed the value to %v", now.OCS.OptionFlags)
	}
}

// AD stores Integer attributes as signed 32-bit values: the unsigned
// spelling goes out as -1 and comes back as the same bits.
func TestLDAPSambaSignedIntegers(t *testing.T) {
	env := requireDC(t)
	l := dialDC(t, env.adminConfig())
	ctx := context.Background()
	u := pagingUser(t, l, env, 2)
	got, err := l.Apply(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{optionFlagsEdit(u, "4294967295")}})
	if err != nil {
		t.Fatal(err)
	}
	if got.OCS.OptionFlags != flags.Some(flags.Value(0xFFFFFFFF)) {
		t.Errorf("4294967295 read back as %+v", got.OCS.OptionFlags)
	}
	if raw := rawValues(t, l, u.DN, flags.AttrOptionFlags); len(raw) != 1 || raw[0] != "-1" {
		t.Errorf("the DC holds %q, want -1", raw)
	}
	// The expected value may be given in either spelling.
	if _, err := l.Apply(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{{Attr: flags.AttrOptionFlags, Old: flags.Some("4294967295"), New: flags.Some("256")}}}); err != nil {
		t.Errorf("CAS expecting 4294967295 against -1: %v", err)
	}
	// What the DC itself says to the unsigned spelling, bypassing the
	// client-side normalisation.
	err = rawModify(t, l, u.DN, ldap.ReplaceAttribute, flags.AttrOptionFlags, "4294967295")
	raw := rawValues(t, l, u.DN, flags.AttrOptionFlags)
	t.Logf("raw write of 4294967295: %v; the DC then holds %q", err, raw)
}

func TestLDAPSambaInvalidBoolean(t *testing.T) {
	env := requireDC(t)
	l := dialDC(t, env.adminConfig())
	ctx := context.Background()
	u := pagingUser(t, l, env, 3)
	e := flags.AttrEdit{Attr: flags.AttrUserEnabled, New: flags.Some("true")}
	if u.OCS.Enabled.Set {
		e.Old = flags.Some(flags.FormatADBool(u.OCS.Enabled.V))
	}
	// Refused before any connection is used: it fails the same on a closed
	// directory.
	closed := dialDC(t, env.adminConfig())
	closed.Close()
	_, err := closed.Apply(ctx, Change{DN: u.DN, Edits: []flags.AttrEdit{e}})
	if !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), `"true"`) || !strings.Contains(err.Error(), flags.AttrUserEnabled) {
		t.Fatalf("lower-case true: %v", err)
	}
	// The DC refuses it too (result 21), which maps to the same kind.
	err = mapLDAPError(rawModify(t, l, u.DN, ldap.ReplaceAttribute, flags.AttrUserEnabled, "true"),
		ldapOp{kind: opWrite, dn: u.DN, attrs: []string{flags.AttrUserEnabled}, values: []string{`msRTCSIP-UserEnabled="true"`}})
	if !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), `"true"`) {
		t.Errorf("the DC's answer to lower-case true: %v", err)
	}
	if now, _ := l.User(ctx, u.DN); now.OCS.Enabled != u.OCS.Enabled {
		t.Errorf("UserEnabled changed to %+v", now.OCS.Enabled)
	}
}

func TestLDAPSambaPagingListsEveryUser(t *testing.T) {
	env := requireDC(t)
	l := dialDC(t, env.adminConfig())
	seen := map[string]bool{}
	batches := 0
	err := l.Users(context.Background(), env.PagingOU, Subtree, func(b Batch) error {
		batches++
		for _, u := range b.Users {
			k := NormDN(u.DN)
			if seen[k] {
				t.Errorf("%s twice", u.DN)
			}
			seen[k] = true
		}
		return nil
	})
	if err != nil || len(seen) != env.PagingCount || batches < 3 {
		t.Fatalf("listed %d users of %d in %d batches: %v", len(seen), env.PagingCount, batches, err)
	}
}

func TestLDAPSambaDiscovery(t *testing.T) {
	env := requireDC(t)
	l := dialDC(t, env.adminConfig())
	nc, _ := l.NamingContexts(context.Background())
	if !SameDN(nc.Default, env.Base) || !SameDN(nc.Configuration, "CN=Configuration,"+env.Base) || !SameDN(nc.RootDomain, env.Base) {
		t.Errorf("naming contexts %+v", nc)
	}
	if !l.PagingSupported() || !l.ad {
		t.Errorf("paging %v, AD %v", l.PagingSupported(), l.ad)
	}
	cfg := env.adminConfig()
	cfg.Base = "OU=Corp," + env.Base
	based := dialDC(t, cfg)
	nc, _ = based.NamingContexts(context.Background())
	if !SameDN(nc.Default, "OU=Corp,"+env.Base) {
		t.Errorf("--base not honoured: %+v", nc)
	}
	if hs, err := based.SIPAddressHolders(context.Background(), "sip:alee@corp.example"); err != nil || len(hs) != 2 {
		t.Errorf("SIP address holders must cover the whole domain whatever --base says: %v %v", hs, err)
	}
}

// rawValues reads one attribute's text as the DC holds it.
func rawValues(t *testing.T, l *LDAP, dn, attr string) []string {
	t.Helper()
	w, err := l.get(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.put(w)
	var vals []string
	id, err := w.startSearch(searchSpec{base: dn, scope: ldap.ScopeBaseObject, filter: "(objectClass=*)", attrs: []string{attr}}, 0)
	if err == nil {
		_, err = w.readSearch(id, func(e *ldap.Entry) bool { vals = e.GetEqualFoldAttributeValues(attr); return true })
	}
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

// rawModify sends a modify as given, without Apply's checks.
func rawModify(t *testing.T, l *LDAP, dn string, op uint, attr, value string) error {
	t.Helper()
	w, err := l.get(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.put(w)
	req := ldap.NewModifyRequest(dn, nil)
	req.Changes = append(req.Changes, ldap.Change{Operation: op, Modification: ldap.PartialAttribute{Type: attr, Vals: []string{value}}})
	return w.modify(req)
}
