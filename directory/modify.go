package directory

import (
	"github.com/go-ldap/ldap/v3"
	"github.com/go-ldap/ldif"
)

// ModifyRequest turns a change into the one LDAP modify that performs it as
// a compare-and-swap: delete the expected value and add the new one. AD
// applies a modify atomically, and deleting a value that is not there fails
// (noSuchAttribute, 16), as does adding to a single-valued attribute that is
// already set (attributeOrValueExists, 20): either way nothing is written.
// Only Add when the attribute was absent; only Delete when it becomes absent.
func ModifyRequest(c Change) *ldap.ModifyRequest {
	req := ldap.NewModifyRequest(c.DN, nil)
	for _, e := range c.Edits {
		if e.Old.Set {
			req.Delete(e.Attr, []string{e.Old.V})
		}
		if e.New.Set {
			req.Add(e.Attr, []string{e.New.V})
		}
	}
	return req
}

// ChangeLDIF renders changes as LDIF change records that ldapmodify or
// ldifde -i can replay; because each record deletes the expected value, a
// replay fails rather than clobbers when the directory has moved on.
func ChangeLDIF(changes ...Change) (string, error) {
	reqs := make([]any, 0, len(changes))
	for _, c := range changes {
		reqs = append(reqs, ModifyRequest(c))
	}
	l, err := ldif.ToLDIF(reqs...)
	if err != nil {
		return "", err
	}
	return ldif.Marshal(l)
}
