package directory

import (
	"encoding/base64"
	"strings"

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
//
// go-ldap/ldif writes a record's dn: line as it is, so a DN holding a line
// break (possible in an export or on a hostile directory) would end the
// record early and let the rest of the name be read as LDIF of its own. Each
// record is therefore rendered under a placeholder DN and its dn: line
// written here, base64-encoded whenever RFC 2849 does not allow it plain.
func ChangeLDIF(changes ...Change) (string, error) {
	var b strings.Builder
	for _, c := range changes {
		p := c
		p.DN = dnPlaceholder
		l, err := ldif.ToLDIF(ModifyRequest(p))
		if err != nil {
			return "", err
		}
		text, err := ldif.Marshal(l)
		if err != nil {
			return "", err
		}
		text = strings.Replace(text, "dn: "+dnPlaceholder+"\n", dnLine(c.DN)+"\n", 1)
		b.WriteString(text)
	}
	return b.String(), nil
}

// dnPlaceholder holds no character LDIF would fold or encode, and no real
// DN is this one.
const dnPlaceholder = "CN=ocsflags-dn-placeholder"

// dnLine is an LDIF dn: line, plain when the DN is an RFC 2849 SAFE-STRING
// (ASCII without NUL, CR or LF, not starting with a space, ':' or '<', not
// ending with a space), base64 otherwise.
func dnLine(dn string) string {
	if ldifSafe(dn) {
		return "dn: " + dn
	}
	return "dn:: " + base64.StdEncoding.EncodeToString([]byte(dn))
}

func ldifSafe(s string) bool {
	if s == "" {
		return true
	}
	if c := s[0]; c == ' ' || c == ':' || c == '<' {
		return false
	}
	if s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0 || c == '\r' || c == '\n' || c > 0x7e || c < 0x20 {
			return false
		}
	}
	return true
}
