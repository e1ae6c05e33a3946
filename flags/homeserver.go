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
