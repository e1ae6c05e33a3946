package directory

import (
	"errors"

	"github.com/go-ldap/ldap/v3"
)

// WrongPassword reports whether err is a bind refused for a wrong user
// name or password (result 49 with AD's sub-code 52e, or with none, as
// OpenLDAP sends), the one refusal worth asking the password again for. A
// locked, disabled or expired account is not: asking again would not help,
// and could lock the account.
func WrongPassword(err error) bool {
	var le *ldap.Error
	if !errors.Is(err, ErrAuthentication) || !errors.As(err, &le) || le.ResultCode != ldap.LDAPResultInvalidCredentials {
		return false
	}
	diag := ""
	if le.Err != nil {
		diag = le.Err.Error()
	}
	sub := bindSubCode(diag)
	return sub == "" || sub == "52e"
}
