package browse

import "testing"

func TestUnderIsAnAncestorByRDN(t *testing.T) {
	for _, tt := range []struct {
		k, anc string
		want   bool
	}{
		{"ou=staff,ou=corp,dc=x", "ou=corp,dc=x", true},
		{"ou=corp,dc=x", "ou=corp,dc=x", true},
		{"ou=a\\,ou=corp,dc=x", "ou=corp,dc=x", false},  // escaped comma: one RDN
		{"ou=a\\\\,ou=corp,dc=x", "ou=corp,dc=x", true}, // escaped backslash, then a real comma
		{"ou=xcorp,dc=x", "corp,dc=x", false},
	} {
		if got := under(tt.k, tt.anc); got != tt.want {
			t.Errorf("under(%q, %q) = %v", tt.k, tt.anc, got)
		}
	}
}
