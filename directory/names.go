package directory

import (
	"context"
	"errors"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
)

// Namer is implemented by adapters that can read the display names of the
// objects a user's read-only settings point at (meeting and voice
// policies, location profiles). It is optional: without it, or when an
// object cannot be read, those settings are shown by their DN's first RDN.
type Namer interface {
	// ObjectNames returns displayName (or, lacking one, name/cn) by
	// NormDN for the objects of dns that could be read; objects that do not
	// exist or cannot be read with this account are left out.
	ObjectNames(ctx context.Context, dns []string) (map[string]string, error)
}

// ReferencedDNs are the objects the user's read-only settings name:
// msRTCSIP-UserPolicy targets and the location profile.
func ReferencedDNs(s flags.Settings) []string {
	var out []string
	for _, v := range s.Policies {
		if p, err := flags.ParsePolicy(v); err == nil {
			out = append(out, p.DN)
		}
	}
	if s.LocationProfile.Set {
		out = append(out, s.LocationProfile.V)
	}
	return out
}

// ObjectNames implements Namer.
func (m *Memory) ObjectNames(ctx context.Context, dns []string) (map[string]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := map[string]string{}
	for _, dn := range dns {
		e, ok := m.entries[NormDN(dn)]
		if !ok || e.implicit {
			continue
		}
		for _, a := range []string{"displayName", "name", "cn"} {
			if v := e.first(a); v != "" {
				out[NormDN(dn)] = v
				break
			}
		}
	}
	return out, ctx.Err()
}

// ObjectNames implements Namer: one base read per object (a user names at
// most a handful).
func (l *LDAP) ObjectNames(ctx context.Context, dns []string) (map[string]string, error) {
	out := map[string]string{}
	for _, dn := range dns {
		if _, err := ParseDN(dn); err != nil {
			continue
		}
		var name string
		src := l.sourceFor(dn)
		err := src.withStream(ctx, src.op(opRead, dn), func(w *wire) (bool, error) {
			spec := searchSpec{base: dn, scope: ldap.ScopeBaseObject, filter: "(objectClass=*)", attrs: []string{"displayName", "name", "cn"}}
			_, err := stream(ctx, src, w, spec, func(e *ldap.Entry) (string, *DecodeProblem, bool) {
				for _, a := range []string{"displayName", "name", "cn"} {
					if v := e.GetEqualFoldAttributeValue(a); v != "" {
						return v, nil, true
					}
				}
				return "", nil, true
			}, func(ns []string, _ []DecodeProblem) error {
				if len(ns) > 0 {
					name = ns[0]
				}
				return nil
			})
			return false, err
		})
		switch {
		case errors.Is(err, ErrNoSuchObject), errors.Is(err, ErrInsufficientRights):
			continue
		case err != nil:
			return out, err
		}
		if strings.TrimSpace(name) != "" {
			out[NormDN(dn)] = name
		}
	}
	return out, nil
}
