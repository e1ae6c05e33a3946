package directory

import (
	"context"
	"errors"
	"fmt"
	"net"
	"ocsflags/flags"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
	"github.com/hashicorp/go-hclog"
	"github.com/jimlambrt/gldap"
)

// fakeDC is an LDAP server in this process (github.com/jimlambrt/gldap)
// holding the demo organisation, so the LDAP adapter's searching, paging,
// writes and error mapping run in every `go test`, without Samba. It is
// AD-shaped where the adapter looks: a rootDSE with AD's capability, paged
// results, uSNChanged, compare-and-swap modifies that fail with AD's result
// codes, and faults a test arms per operation.
type fakeDC struct {
	mu      sync.Mutex
	entries map[string]*fakeEntry // by NormDN
	order   []string              // NormDNs in load order
	usn     int64
	// bindDN and password are the one account that binds; anything else
	// gets AD's invalid-credentials answer.
	bindDN, password string
	paging           bool
	// fail answers an operation ("bind", "search", "modify") with a
	// result code and diagnostic instead of doing it.
	fail map[string]fakeFault
	// pages counts the paged-search requests answered.
	pages int
	addr  string
}

type fakeFault struct {
	code int
	diag string
	// delay holds the answer back; with code 0 the operation is then done.
	delay time.Duration
}

type fakeEntry struct {
	dn    string
	attrs map[string][]string // lower-cased name -> values
	guid  string
}

// guidOf is the objectGUID of the object a DN value names: the entry's, or
// for a reference to a deleted object the GUID in its name ("" for none).
func (f *fakeDC) guidOf(v string) string {
	if e, ok := f.entries[NormDN(v)]; ok {
		return e.guid
	}
	if _, rest, ok := strings.Cut(strings.ToUpper(v), `\0ADEL:`); ok {
		g, _, _ := strings.Cut(rest, ",")
		return strings.ToLower(g)
	}
	return ""
}

// startFakeDC serves the demo organisation (with staff users under
// StaffOU) on 127.0.0.1 until the test ends.
func startFakeDC(t *testing.T, staff int) *fakeDC {
	t.Helper()
	m, err := LoadLDIF(strings.NewReader(string(DemoLDIF())), "demo.ldif")
	if err != nil {
		t.Fatal(err)
	}
	if staff > 0 {
		if err := m.Generate(StaffOU, staff); err != nil {
			t.Fatal(err)
		}
	}
	f := &fakeDC{entries: map[string]*fakeEntry{}, bindDN: "CN=Administrator,CN=Users,DC=corp,DC=example", password: "fake-password", paging: true, fail: map[string]fakeFault{}}
	m.mu.RLock()
	for k, e := range m.entries {
		if e.implicit {
			continue
		}
		attrs := map[string][]string{}
		for a, v := range e.attrs {
			attrs[a] = slices.Clone(v)
		}
		f.entries[k] = &fakeEntry{dn: e.dn, attrs: attrs}
		f.order = append(f.order, k)
		if n, _ := strconv.ParseInt(e.first("usnchanged"), 10, 64); n > f.usn {
			f.usn = n
		}
	}
	m.mu.RUnlock()
	sort.Slice(f.order, func(i, j int) bool {
		a, _ := strconv.ParseInt(f.entries[f.order[i]].attrs["usnchanged"][0], 10, 64)
		b, _ := strconv.ParseInt(f.entries[f.order[j]].attrs["usnchanged"][0], 10, 64)
		return a < b
	})

	for i, k := range f.order {
		f.entries[k].guid = fmt.Sprintf("%08x-0000-4000-8000-%012x", i+1, i+1)
	}

	srv, err := gldap.NewServer(gldap.WithLogger(hclog.NewNullLogger()), gldap.WithDisablePanicRecovery())
	if err != nil {
		t.Fatal(err)
	}
	mux, err := gldap.NewMux()
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(mux.Bind(f.bind))
	must(mux.Search(f.search))
	must(mux.Modify(f.modify))
	must(mux.DefaultRoute(func(w *gldap.ResponseWriter, r *gldap.Request) {
		w.Write(r.NewResponse(gldap.WithResponseCode(gldap.ResultUnwillingToPerform)))
	}))
	must(srv.Router(mux))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	ln.Close()
	go srv.Run(f.addr)
	t.Cleanup(func() { srv.Stop() })
	for i := 0; !srv.Ready(); i++ {
		if i > 500 {
			t.Fatal("the in-process LDAP server did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return f
}

// config binds as the fake's account over plain ldap:// (the fake has no
// certificate; this is a test of the protocol, not of TLS).
func (f *fakeDC) config() LDAPConfig {
	return LDAPConfig{URL: "ldap://" + f.addr, Bind: f.bindDN, Password: f.password, AllowCleartextPassword: true, Timeout: 5 * time.Second}
}

func (f *fakeDC) dial(t *testing.T) *LDAP {
	t.Helper()
	l, err := DialLDAP(context.Background(), f.config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func (f *fakeDC) pagesAnswered() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pages
}

// arm makes the next operations of kind answer with code; 0 disarms.
func (f *fakeDC) arm(op string, code int, diag string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if code == 0 {
		delete(f.fail, op)
		return
	}
	f.fail[op] = fakeFault{code: code, diag: diag}
}

func (f *fakeDC) fault(op string) (fakeFault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ft, ok := f.fail[op]
	return ft, ok
}

func (f *fakeDC) bind(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewBindResponse(gldap.WithResponseCode(gldap.ResultInvalidCredentials))
	defer func() { w.Write(resp) }()
	if ft, ok := f.fault("bind"); ok {
		resp.SetResultCode(ft.code)
		resp.SetDiagnosticMessage(ft.diag)
		return
	}
	m, err := r.GetSimpleBindMessage()
	if err != nil {
		return
	}
	if SameDN(m.UserName, f.bindDN) && string(m.Password) == f.password {
		resp.SetResultCode(gldap.ResultSuccess)
		return
	}
	resp.SetDiagnosticMessage("80090308: LdapErr: DSID-0C090439, comment: AcceptSecurityContext error, data 52e, v4563")
}

func (f *fakeDC) rootDSE() *fakeEntry {
	controls := []string{ldap.ControlTypeManageDsaIT, ldap.ControlTypeMicrosoftExtendedDN}
	if f.paging {
		controls = append(controls, PagedResultsOID)
	}
	return &fakeEntry{dn: "", attrs: map[string][]string{
		"defaultnamingcontext":       {"DC=corp,DC=example"},
		"configurationnamingcontext": {"CN=Configuration,DC=corp,DC=example"},
		"rootdomainnamingcontext":    {"DC=corp,DC=example"},
		"namingcontexts":             {"DC=corp,DC=example", "CN=Configuration,DC=corp,DC=example"},
		"dnshostname":                {"fake-dc.corp.example"},
		"supportedcontrol":           controls,
		"supportedcapabilities":      {adCapabilityOID},
		"isglobalcatalogready":       {"FALSE"},
	}}
}

func (f *fakeDC) search(w *gldap.ResponseWriter, r *gldap.Request) {
	done := r.NewSearchDoneResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	m, err := r.GetSearchMessage()
	if err != nil {
		done.SetResultCode(gldap.ResultProtocolError)
		w.Write(done)
		return
	}
	if ft, ok := f.fault("search"); ok && m.BaseDN != "" {
		done.SetResultCode(ft.code)
		done.SetDiagnosticMessage(ft.diag)
		w.Write(done)
		return
	}
	filter, err := ldap.CompileFilter(m.Filter)
	if err != nil {
		done.SetResultCode(gldap.ResultProtocolError)
		w.Write(done)
		return
	}
	var paging *gldap.ControlPaging
	extended := false
	for _, c := range m.Controls {
		if p, ok := c.(*gldap.ControlPaging); ok {
			paging = p
		}
		if c.GetControlType() == ldap.ControlTypeMicrosoftExtendedDN {
			extended = true
		}
	}
	f.mu.Lock()
	var hits []*fakeEntry
	if m.BaseDN == "" && m.Scope == gldap.BaseObject {
		hits = []*fakeEntry{f.rootDSE()}
	} else if _, ok := f.entries[NormDN(m.BaseDN)]; !ok {
		f.mu.Unlock()
		done.SetResultCode(gldap.ResultNoSuchObject)
		done.SetMatchedDN("DC=corp,DC=example")
		done.SetDiagnosticMessage("0000208D: NameErr: DSID-03100241, problem 2001 (NO_OBJECT), data 0, best match of:\n\t'DC=corp,DC=example'\n")
		w.Write(done)
		return
	} else {
		for _, k := range f.order {
			e := f.entries[k]
			if inScope(e.dn, m.BaseDN, m.Scope) && matches(filter, e) {
				hits = append(hits, e)
			}
		}
	}
	start, end := 0, len(hits)
	if paging != nil {
		f.pages++
		if len(paging.Cookie) > 0 {
			start, _ = strconv.Atoi(string(paging.Cookie))
		}
		if paging.PagingSize == 0 {
			// An abandoned paged search.
			start = end
		}
		if n := int(paging.PagingSize); n > 0 && start+n < end {
			end = start + n
		}
		start = min(start, end)
	}
	var out []*gldap.SearchResponseEntry
	for _, e := range hits[start:end] {
		attrs := e.pick(m.Attributes)
		if extended {
			// AD's extended form of DN values: <GUID=…>;DN.
			for a, vs := range attrs {
				if flags.AttributeSyntax(a) != flags.SyntaxDN {
					continue
				}
				ext := make([]string, len(vs))
				for i, v := range vs {
					ext[i] = v
					if g := f.guidOf(v); g != "" {
						ext[i] = "<GUID=" + g + ">;" + v
					}
				}
				attrs[a] = ext
			}
		}
		out = append(out, r.NewSearchResponseEntry(e.dn, gldap.WithAttributes(attrs)))
	}
	f.mu.Unlock()
	for _, e := range out {
		w.Write(e)
	}
	if m.SizeLimit > 0 && int64(len(out)) > m.SizeLimit {
		done.SetResultCode(gldap.ResultSizeLimitExceeded)
	}
	if paging != nil {
		next := &gldap.ControlPaging{}
		if end < len(hits) {
			next.Cookie = []byte(strconv.Itoa(end))
		}
		done.SetControls(next)
	}
	w.Write(done)
}

// pick is the attributes asked for, spelled as asked ("1.1": none; none
// named: all).
func (e *fakeEntry) pick(names []string) map[string][]string {
	out := map[string][]string{}
	if len(names) == 0 || slices.Contains(names, "*") {
		for a, v := range e.attrs {
			out[a] = v
		}
		return out
	}
	for _, n := range names {
		if v := e.attrs[strings.ToLower(n)]; len(v) > 0 {
			out[n] = v
		}
	}
	return out
}

func inScope(dn, base string, scope gldap.Scope) bool {
	switch scope {
	case gldap.BaseObject:
		return SameDN(dn, base)
	case gldap.SingleLevel:
		d, err := ParseDN(dn)
		if err != nil || len(d.RDNs) < 2 {
			return false
		}
		p := &ldap.DN{RDNs: d.RDNs[1:]}
		return SameDN(p.String(), base)
	}
	return SameDN(dn, base) || isUnder(dn, base)
}

// matches evaluates the filters the adapter sends: and, or, not,
// equality, presence and substrings, case-insensitively as AD compares
// strings.
func matches(p *ber.Packet, e *fakeEntry) bool {
	switch p.Tag {
	case ldap.FilterAnd:
		for _, c := range p.Children {
			if !matches(c, e) {
				return false
			}
		}
		return true
	case ldap.FilterOr:
		for _, c := range p.Children {
			if matches(c, e) {
				return true
			}
		}
		return false
	case ldap.FilterNot:
		return !matches(p.Children[0], e)
	case ldap.FilterPresent:
		if strings.EqualFold(p.Data.String(), "objectClass") {
			return true
		}
		return len(e.attrs[strings.ToLower(p.Data.String())]) > 0
	case ldap.FilterEqualityMatch:
		want := p.Children[1].Data.String()
		for _, v := range e.attrs[strings.ToLower(p.Children[0].Data.String())] {
			if strings.EqualFold(v, want) {
				return true
			}
		}
		return false
	case ldap.FilterSubstrings:
		for _, v := range e.attrs[strings.ToLower(p.Children[0].Data.String())] {
			if substringMatch(strings.ToLower(v), p.Children[1].Children) {
				return true
			}
		}
		return false
	}
	return false
}

func substringMatch(v string, parts []*ber.Packet) bool {
	for _, s := range parts {
		x := strings.ToLower(s.Data.String())
		switch s.Tag {
		case ldap.FilterSubstringsInitial:
			if !strings.HasPrefix(v, x) {
				return false
			}
			v = v[len(x):]
		case ldap.FilterSubstringsAny:
			i := strings.Index(v, x)
			if i < 0 {
				return false
			}
			v = v[i+len(x):]
		case ldap.FilterSubstringsFinal:
			if !strings.HasSuffix(v, x) {
				return false
			}
		}
	}
	return true
}

// modify applies a modify all or nothing, refusing as AD does: 16 for a
// value to delete that is not there, 20 for adding to a single-valued
// attribute that has a value, 32 for a DN that is not there.
func (f *fakeDC) modify(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewModifyResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	defer func() { w.Write(resp) }()
	m, err := r.GetModifyMessage()
	if err != nil {
		resp.SetResultCode(gldap.ResultProtocolError)
		return
	}
	if ft, ok := f.fault("modify"); ok {
		time.Sleep(ft.delay)
		if ft.code != 0 {
			resp.SetResultCode(ft.code)
			resp.SetDiagnosticMessage(ft.diag)
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.entries[NormDN(m.DN)]
	if !ok {
		resp.SetResultCode(gldap.ResultNoSuchObject)
		return
	}
	attrs := map[string][]string{}
	for a, v := range e.attrs {
		attrs[a] = slices.Clone(v)
	}
	for _, c := range m.Changes {
		a := strings.ToLower(c.Modification.Type)
		vals := make([]string, len(c.Modification.Vals))
		for i, v := range c.Modification.Vals {
			vals[i] = unwrapOctets(v)
		}
		switch c.Operation {
		case gldap.DeleteAttribute:
			if len(attrs[a]) == 0 {
				resp.SetResultCode(gldap.ResultNoSuchAttribute)
				return
			}
			for _, v := range vals {
				i := slices.IndexFunc(attrs[a], func(x string) bool {
					if g, ok := strings.CutPrefix(v, "<GUID="); ok {
						return strings.EqualFold(strings.TrimSuffix(g, ">"), f.guidOf(x))
					}
					// As AD: the text of a reference to a deleted object
					// never matches; only its GUID does.
					return sameValue(a, x, v) && !flags.IsDeletedReference(v)
				})
				if i < 0 {
					resp.SetResultCode(gldap.ResultNoSuchAttribute)
					resp.SetDiagnosticMessage(fmt.Sprintf("00002085: AtrErr: DSID-03152E59, #1:\n\t0: 00002085: DSID-03152E59, problem 1001 (NO_ATTRIBUTE_OR_VAL), data 0, Att 9080013 (%s)\n", c.Modification.Type))
					return
				}
				attrs[a] = slices.Delete(attrs[a], i, i+1)
			}
			if len(vals) == 0 {
				attrs[a] = nil
			}
		case gldap.AddAttribute:
			for _, v := range vals {
				if _, ok := f.entries[NormDN(v)]; flags.AttributeSyntax(a) == flags.SyntaxDN && !ok {
					// AD: a DN value must name an object.
					resp.SetResultCode(gldap.ResultNoSuchObject)
					resp.SetDiagnosticMessage("0000208D: NameErr: DSID-03100241, problem 2001 (NO_OBJECT), data 0, best match of:\n\t'DC=corp,DC=example'\n")
					return
				}
			}
			if len(attrs[a]) > 0 && a != "proxyaddresses" {
				resp.SetResultCode(gldap.ResultAttributeOrValueExists)
				return
			}
			attrs[a] = append(attrs[a], vals...)
		case gldap.ReplaceAttribute:
			attrs[a] = slices.Clone(vals)
		}
		if len(attrs[a]) == 0 {
			delete(attrs, a)
		}
	}
	f.usn++
	attrs["usnchanged"] = []string{strconv.FormatInt(f.usn, 10)}
	e.attrs = attrs
}

// The Directory contract, run against the LDAP adapter talking to the
// in-process server: every read, paged listing and compare-and-swap write
// of the adapter, without Samba.
func TestLDAPContractInProcess(t *testing.T) {
	f := startFakeDC(t, 1200)
	l := f.dial(t)
	l.pageSize = 100 // the 1,200 staff users come in 12 pages
	runContract(t, contract{dir: l, bigOU: StaffOU, bigCount: 1200, writers: 8})
	if n := f.pagesAnswered(); n < 12 {
		t.Errorf("%d paged searches answered; the listing of 1,200 users in pages of 100 needs at least 12", n)
	}
}

// Without paged results (a server that does not announce the control) a
// listing is one search, and a limit is the size limit.
func TestLDAPWithoutPagingInProcess(t *testing.T) {
	f := startFakeDC(t, 300)
	f.mu.Lock()
	f.paging = false
	f.mu.Unlock()
	l := f.dial(t)
	if l.PagingSupported() {
		t.Fatal("paging announced")
	}
	n := 0
	err := l.Users(context.Background(), StaffOU, OneLevel, func(b Batch) error { n += len(b.Users); return nil })
	if err != nil || n != 300 {
		t.Fatalf("listed %d users, %v", n, err)
	}
	if n := f.pagesAnswered(); n != 0 {
		t.Errorf("%d paged searches sent to a server without paging", n)
	}
	us, err := l.Search(context.Background(), StaffOU, "adams", 5)
	if err != nil || len(us) != 5 {
		t.Errorf("search with limit 5: %d users, %v", len(us), err)
	}
}

// Result codes become the adapter's typed errors with words an admin can
// act on, on every kind of operation.
func TestLDAPErrorsInProcess(t *testing.T) {
	ctx := context.Background()
	f := startFakeDC(t, 0)

	bad := f.config()
	bad.Password = "wrong"
	if _, err := DialLDAP(ctx, bad); !errorsIs(err, ErrAuthentication) || !strings.Contains(err.Error(), "password") {
		t.Errorf("wrong password: %v", err)
	}

	l := f.dial(t)
	const ann = "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example"
	u, err := l.User(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	write := func() error {
		c, _, err := Plan(u, flagsChangeToggle(u))
		if err != nil {
			t.Fatal(err)
		}
		_, err = l.Apply(ctx, c)
		return err
	}
	for _, tt := range []struct {
		op   string
		code int
		kind error
		says string
	}{
		{"modify", gldap.ResultInsufficientAccessRights, ErrInsufficientRights, "Administrator"},
		{"modify", gldap.ResultUnwillingToPerform, nil, "unwilling"},
		{"modify", gldap.ResultBusy, ErrUnavailable, ""},
		{"search", gldap.ResultInsufficientAccessRights, ErrInsufficientRights, ""},
		{"search", gldap.ResultUnavailable, ErrUnavailable, ""},
	} {
		f.arm(tt.op, tt.code, "fault armed by the test")
		var err error
		if tt.op == "modify" {
			err = write()
		} else {
			_, err = l.User(ctx, ann)
		}
		f.arm(tt.op, 0, "")
		if err == nil || (tt.kind != nil && !errorsIs(err, tt.kind)) || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.says)) {
			t.Errorf("%s answered %d: %v (want %v saying %q)", tt.op, tt.code, err, tt.kind, tt.says)
		}
	}
	if _, err := l.User(ctx, "CN=Nobody,OU=Sales,OU=Corp,DC=corp,DC=example"); !errorsIs(err, ErrNoSuchObject) {
		t.Errorf("a user that is not there: %v", err)
	}
	// The write after the faults lands, and the fault left nothing behind.
	if err := write(); err != nil {
		t.Errorf("write after the faults: %v", err)
	}
}

// unwrapOctets undoes gldap's handing over a modify's values still in
// their BER envelope (tag 4, length, bytes).
func unwrapOctets(v string) string {
	if len(v) < 2 || v[0] != 0x04 {
		return v
	}
	p, err := ber.DecodePacketErr([]byte(v))
	if err != nil || p.Tag != ber.TagOctetString || p.Data == nil || p.Data.Len() != len(v)-headerLen(v) {
		return v
	}
	return p.Data.String()
}

func headerLen(v string) int {
	if v[1] < 0x80 {
		return 2
	}
	return 2 + int(v[1]&0x7f)
}

// A write whose answer does not come in time has an unknown outcome, never
// "not written"; reading the user again tells, and a delta written again on
// the user as it now is writes nothing more.
func TestLDAPWriteTimeoutInProcess(t *testing.T) {
	ctx := context.Background()
	f := startFakeDC(t, 0)
	cfg := f.config()
	cfg.Timeout = 300 * time.Millisecond
	l, err := DialLDAP(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	const ann = "CN=Ann Lee,OU=Sales,OU=Corp,DC=corp,DC=example"
	u, err := l.User(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	c, want, err := Plan(u, flagsChangeToggle(u))
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.fail["modify"] = fakeFault{delay: time.Second}
	f.mu.Unlock()
	_, o, err := l.ApplyWithOutcome(ctx, c)
	f.arm("modify", 0, "")
	var ue *UnknownOutcomeError
	if o != OutcomeUnknown || !errors.As(err, &ue) {
		t.Fatalf("outcome %v, %v; want unknown", o, err)
	}
	time.Sleep(time.Second) // the server does the write late
	got, o, err := Settle(ctx, l, ue)
	if err != nil || !o.Changed() || got.OCS.OptionFlags != want.OptionFlags {
		t.Fatalf("settled %v %v, OptionFlags %v; want written %v", o, err, got.OCS.OptionFlags, want.OptionFlags)
	}
}

// A user homed on a deleted pool is repaired: the write deletes the stale
// reference by its GUID (AD cannot delete its \0ADEL text), still as a
// compare-and-swap.
func TestLDAPRepairsDeletedPoolInProcess(t *testing.T) {
	ctx := context.Background()
	f := startFakeDC(t, 0)
	const who = "CN=Dana Deleted,OU=Sales,OU=Corp,DC=corp,DC=example"
	stale := `CN=LC Services\0ADEL:0f1e2d3c-aaaa-bbbb-cccc-000000000001,CN=Deleted Objects,CN=Configuration,DC=corp,DC=example`
	f.mu.Lock()
	f.entries[NormDN(who)] = &fakeEntry{dn: who, guid: "00000000-0000-4000-8000-0000000000dd", attrs: map[string][]string{
		"objectclass": {"top", "person", "organizationalPerson", "user"}, "cn": {"Dana Deleted"}, "samaccountname": {"ddeleted"},
		"usnchanged": {"1"}, "msrtcsip-userenabled": {"TRUE"}, "msrtcsip-primaryuseraddress": {"sip:ddeleted@corp.example"},
		"msrtcsip-primaryhomeserver": {stale}, "msrtcsip-optionflags": {"256"}}}
	f.order = append(f.order, NormDN(who))
	f.mu.Unlock()
	l := f.dial(t)
	u, err := l.User(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := l.Pools(ctx)
	if err != nil || len(pl.Pools) == 0 {
		t.Fatalf("pools: %v %v", pl, err)
	}
	c, _, err := Plan(u, flags.Change{HomeServer: flags.Some(pl.Pools[0].HomeServerDN)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.Apply(ctx, c)
	if err != nil || !SameDN(got.OCS.HomeServer.V, pl.Pools[0].HomeServerDN) {
		t.Fatalf("repair: %v, home server %q", err, got.OCS.HomeServer.V)
	}
	// The same write again expects the stale value, which is gone: a
	// conflict, not a second rewrite.
	var ce *ConflictError
	if _, err := l.Apply(ctx, c); !errors.As(err, &ce) {
		t.Errorf("the repair written twice: %v", err)
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// flagsChangeToggle flips public IM connectivity (bit 1) on u.
func flagsChangeToggle(u User) flags.Change {
	return flags.Change{Flags: flags.Toggle(u.OCS.OptionFlags.V, flags.PublicIM)}
}
