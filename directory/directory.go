// Package directory is how ocsflags reads and writes users: one narrow,
// context-aware interface, implemented against real Active Directory over
// LDAP and by an in-memory directory (the built-in demo and LDIF files).
//
// Every write is a compare-and-swap: a Change states the value it expects
// for each attribute, and Apply fails with a *ConflictError instead of
// overwriting a value someone else changed. That is the guarantee that
// ocsflags never clobbers a setting.
package directory

import (
	"context"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"ocsflags/flags"
)

// Directory is the contract every adapter meets. Methods are safe for
// concurrent use. DNs are compared case-insensitively by their parsed form.
type Directory interface {
	// Info describes the directory for the console header.
	Info() Info
	// NamingContexts returns the default, configuration and root-domain
	// naming contexts.
	NamingContexts(ctx context.Context) (NamingContexts, error)
	// Children lists the containers directly below dn (OUs, containers,
	// domains), in name order, leaving out those AD hides from ordinary views
	// (showInAdvancedViewOnly).
	Children(ctx context.Context, dn string) ([]Container, error)
	// Users streams the users and OCS-enabled contacts below base in batches.
	// fn runs on the caller's goroutine between directory reads; returning an
	// error, or cancelling ctx, stops the stream and Users returns that error.
	Users(ctx context.Context, base string, scope Scope, fn func(Batch) error) error
	// User reads one user or contact fully.
	User(ctx context.Context, dn string) (User, error)
	// Resolve finds users by an identifier an admin types: DN,
	// sAMAccountName, userPrincipalName, mail, SIP address (with or without
	// sip:), or the name as ADUC shows it (displayName or cn, exactly). It
	// returns every match, so an ambiguous name is the caller's to refuse;
	// none is ErrNoSuchObject.
	Resolve(ctx context.Context, id string) ([]User, error)
	// Search finds users whose name, sAMAccountName, userPrincipalName,
	// mail or SIP address contains text (case-insensitive), up to limit.
	// text is matched literally: *, ( and \ have no special meaning.
	Search(ctx context.Context, base, text string, limit int) ([]User, error)
	// Pools lists the OCS pools in both places OCS puts them (the
	// Configuration container and the System container of the forest root
	// domain) and says which of them could be read: a container this
	// account cannot read, or one not on this DC, is not an error, because
	// a home server there is then "cannot tell", never "not a pool".
	Pools(ctx context.Context) (PoolList, error)
	// SIPAddressHolders returns the DNs of every object in the forest (as
	// far as Info().SIPScope says it can search) whose
	// msRTCSIP-PrimaryUserAddress equals addr (case-insensitive), with or
	// without the sip: scheme: a value stored without it (a known broken
	// state) still claims the address, so it is not handed out twice.
	SIPAddressHolders(ctx context.Context, addr string) ([]string, error)
	// SIPAddresses streams every msRTCSIP-PrimaryUserAddress value in the
	// scope SIPAddressHolders searches, with the DN holding it, in one read
	// (a paged search per naming context searched), for a multi-user path
	// to index (ReadSIPIndex). With only non-empty it streams just the
	// values that hold one of those addresses (with or without sip:).
	// Values come as stored; an object may come twice (from the Global
	// Catalog and from the DC). fn runs on the caller's goroutine; its
	// error, or ctx's, stops the read and is returned.
	SIPAddresses(ctx context.Context, only []string, fn func(value, dn string) error) error
	// Apply writes one user's change all-or-nothing as a compare-and-swap and
	// returns the user as stored afterwards. When the directory holds other
	// values than the change expects it returns a *ConflictError carrying the
	// current user and changes nothing.
	Apply(ctx context.Context, c Change) (User, error)
	// Close releases connections.
	Close() error
}

// Info describes a directory for people.
type Info struct {
	// Kind is "demo", "ldif" or "ldap".
	Kind string
	// Name is the DC host, the LDIF file, or "demo".
	Name string
	// BoundAs is the identity writes are made as ("" when anonymous).
	BoundAs string
	// Auth names how the connection is bound when it is not by password:
	// "Kerberos" (the principal is BoundAs). Empty for simple and NTLM
	// binds.
	Auth string
	// Signed is set when every LDAP message is signed (the Kerberos
	// integrity layer over plain ldap://, which DCs that require LDAP
	// signing ask for).
	Signed bool
	// ReadOnly is set when every write path is disabled.
	ReadOnly bool
	// TLSUnverified is set when the server certificate is not verified.
	TLSUnverified bool
	// Cleartext is set when the bind password crossed the network
	// unencrypted (LDAPConfig.AllowCleartextPassword).
	Cleartext bool
	// InMemory is set when changes live only in this process.
	InMemory bool
	// SIPScope is how far SIPAddressHolders searches: the forest (a Global
	// Catalog, or an in-memory directory that is all there is), or this
	// domain only.
	SIPScope flags.SearchScope
	// GC is the Global Catalog searched, "" when none; GCProblem says why
	// none could be used.
	GC, GCProblem string
}

// NamingContexts of a directory.
type NamingContexts struct {
	Default, Configuration, RootDomain string
}

// Scope of a listing.
type Scope int

const (
	OneLevel Scope = iota
	Subtree
)

// ContainerKind tells OUs from plain containers and domains.
type ContainerKind int

const (
	KindOU ContainerKind = iota
	KindContainer
	KindDomain
)

// Container is a node of the OU tree.
type Container struct {
	DN   string
	Name string
	Kind ContainerKind
	// Users is the number of users and contacts directly inside, or -1 when
	// counting is not cheap (LDAP).
	Users int
	// HasChildren is false only when the container is known to have no
	// child containers.
	HasChildren bool
}

// Batch is one delivery of a user stream.
type Batch struct {
	Users []User
	// Done is the number of users delivered so far, this batch included.
	Done int
	// Total is the final count when known in advance, else -1.
	Total int
}

// ObjectKind tells users from contacts.
type ObjectKind int

const (
	KindUser ObjectKind = iota
	KindContact
)

// User is a user or contact with the identity an admin needs and its OCS
// settings; every msRTCSIP attribute keeps "absent" apart from 0 or FALSE.
type User struct {
	DN             string
	Kind           ObjectKind
	Name           string // cn
	DisplayName    string
	SAMAccountName string
	UPN            string
	Mail           string
	GivenName      string
	Surname        string
	// Disabled is the account's userAccountControl ACCOUNTDISABLE bit.
	Disabled bool
	// ProxyAddresses are the object's proxyAddresses (SMTP:, sip: …): a
	// central-forest contact should list its sign-in name there.
	ProxyAddresses []string
	// ChangeMarker is uSNChanged (or whenChanged) when the directory has one;
	// it changes on every write.
	ChangeMarker string
	OCS          flags.Settings
}

// Label is the best name to show for the user.
func (u User) Label() string {
	switch {
	case u.DisplayName != "":
		return u.DisplayName
	case u.Name != "":
		return u.Name
	}
	return u.DN
}

// Change is one user's write: each edit carries the value it expects now
// (absent or a value) and the value to write (absent or a value), as AD text.
type Change struct {
	DN    string
	Edits []flags.AttrEdit
	// SAM is the user's sAMAccountName, when known: the journal records
	// it, so history finds the write by the name admins type. It is not
	// written.
	SAM string
}

// Pool is an OCS pool (or standard-edition server).
type Pool struct {
	// DN of the pool object under CN=Pools,CN=RTC Service,...
	DN string
	// HomeServerDN is what msRTCSIP-PrimaryHomeServer holds for users homed
	// here: CN=LC Services,CN=Microsoft,<DN>.
	HomeServerDN string
	// Host is the pool's dNSHostName; never parsed out of the DN, because
	// pool CNs can be topology ids like "2:1".
	Host string
	// Container is "Configuration" (R2 default) or "System" (OCS 2007).
	Container string
}

// HomeServerPrefix is prepended to a pool DN to form a home-server DN.
const HomeServerPrefix = "CN=LC Services,CN=Microsoft,"

// UserAttributes is what a listing or a full read requests.
var UserAttributes = append([]string{
	"objectClass", "cn", "displayName", "sAMAccountName", "userPrincipalName", "mail", "givenName", "sn",
	"userAccountControl", "uSNChanged", "whenChanged", flags.AttrProxyAddresses,
}, flags.ReadAttributes...)

// ParseDN parses a DN, with an error an admin can act on.
func ParseDN(dn string) (*ldap.DN, error) {
	d, err := ldap.ParseDN(dn)
	if err != nil {
		return nil, &Error{Kind: ErrInvalidValue, DN: dn, Msg: "not a valid distinguished name (expected e.g. CN=Ann Lee,OU=Sales,DC=corp,DC=example)", Err: err}
	}
	return d, nil
}

// notFound is Resolve's answer when nothing matched id. An id with "=" in it
// was most likely meant as a DN, so when it does not parse the error says
// that, rather than leaving the admin to wonder why a user they can see in
// ADUC is unknown.
func notFound(id, msg string) error {
	if strings.Contains(id, "=") {
		if _, err := ldap.ParseDN(id); err != nil {
			return &Error{Kind: ErrInvalidValue, Msg: "no user is known by this text, and it is not a valid distinguished name either (expected e.g. CN=Ann Lee,OU=Sales,DC=corp,DC=example; escape a comma in a name as \\,)", Err: err}
		}
	}
	return &Error{Kind: ErrNoSuchObject, Msg: msg}
}

// SameDN compares DNs the way AD does: by parsed form, case-insensitively.
// Unparseable DNs are compared as case-insensitive text.
func SameDN(a, b string) bool {
	da, err1 := ldap.ParseDN(a)
	db, err2 := ldap.ParseDN(b)
	if err1 != nil || err2 != nil {
		return strings.EqualFold(a, b)
	}
	return da.EqualFold(db)
}

// FormatDN writes RDNs the way AD shows DNs: upper-case attribute types
// (CN=, OU=, DC=) and RFC 4514 escaping of values.
func FormatDN(rdns []*ldap.RelativeDN) string {
	var b strings.Builder
	for i, r := range rdns {
		if i > 0 {
			b.WriteByte(',')
		}
		for j, a := range r.Attributes {
			if j > 0 {
				b.WriteByte('+')
			}
			b.WriteString(strings.ToUpper(a.Type))
			b.WriteByte('=')
			b.WriteString(ldap.EscapeDN(a.Value))
		}
	}
	return b.String()
}

// NormDN is a canonical key for a DN: parsed, re-serialised, lower-cased.
func NormDN(dn string) string {
	d, err := ldap.ParseDN(dn)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(dn))
	}
	return strings.ToLower(d.String())
}

// OtherThan is dns without self (compared as DNs): the other holders of a
// sign-in name, when self is the user it is for.
func OtherThan(dns []string, self string) []string {
	var out []string
	for _, dn := range dns {
		if !SameDN(dn, self) {
			out = append(out, dn)
		}
	}
	return out
}

// SIPTakenBy searches the directory for addr and returns the objects other
// than self that hold it: empty when self may use it.
func SIPTakenBy(ctx context.Context, d Directory, addr, self string) ([]string, error) {
	dns, err := d.SIPAddressHolders(ctx, addr)
	if err != nil {
		return nil, err
	}
	return OtherThan(dns, self), nil
}

// sipForms is a sign-in name with and without its sip: scheme, the two
// spellings that claim one address.
func sipForms(addr string) [2]string {
	bare := addr
	if len(bare) >= 4 && strings.EqualFold(bare[:4], "sip:") {
		bare = bare[4:]
	}
	return [2]string{"sip:" + bare, bare}
}
