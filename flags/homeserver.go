package flags

import "strings"

// IsDeletedReference reports whether a DN value points at a deleted object:
// AD keeps such a reference as the deleted object's name,
// CN=LC Services\0ADEL:<guid>,CN=Deleted Objects,… (the RDN gets a line
// feed, escaped as \0A, and DEL:<objectGUID>). The text is checked as read,
// escaped or already unescaped.
func IsDeletedReference(dn string) bool {
	u := strings.ToUpper(dn)
	return strings.Contains(u, `\0ADEL:`) || strings.Contains(u, "\nDEL:")
}

// SearchScope is how far a directory search for other holders of a sign-in
// name reached. The zero value is the forest: an in-memory directory holds
// all there is, and an LDAP directory says ScopeDomain when it has no
// Global Catalog to search.
type SearchScope int

const (
	// ScopeForest: the Global Catalog, which holds every domain's users.
	ScopeForest SearchScope = iota
	// ScopeDomain: the connected domain (and the configuration container)
	// only; a holder in another domain of the forest is not seen.
	ScopeDomain
)

// RuleTitle is a rule's title as the audit lists it: the uniqueness rule
// says how far it could look, so it never claims the forest when only this
// domain was searched.
func RuleTitle(r Rule, scope SearchScope) string {
	if r.ID == FindingSIPAddressDuplicate && scope == ScopeDomain {
		return "Sign-in name is unique (checked in this domain only)"
	}
	return r.Title
}

// uniqueIn is the words for where a duplicate was looked for.
func uniqueIn(scope SearchScope) string {
	if scope == ScopeDomain {
		return "it must be unique in the forest (checked in this domain only: no Global Catalog was reached)"
	}
	return "it must be unique in the forest"
}

// scopeNote says that a sign-in name found unique was only looked for in
// this domain, so every surface (the audit screen, audit, audit --json)
// says how far "unique" goes.
func scopeNote(in AuditInput) *Note {
	if in.SIPScope != ScopeDomain || !in.Settings.SIPAddress.Set || len(in.OtherHolders) > 0 {
		return nil
	}
	return &Note{
		ID: FindingSIPAddressDuplicate, Attribute: AttrPrimaryUserAddress, Value: in.Settings.SIPAddress.V,
		Message: "checked in this domain only: no Global Catalog was reached, so a user of another domain of the forest holding this name would not be seen",
	}
}
