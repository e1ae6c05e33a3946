package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"ocsflags/flags"
)

// The hand encoder (jsonEnc) must write exactly what the reflection path
// wrote before it: json.MarshalIndent of the same struct as an element of
// the indented array, then safeJSON.
func referenceElements[T any](t testing.TB, xs []T) []byte {
	t.Helper()
	var out bytes.Buffer
	for i, x := range xs {
		b, err := json.MarshalIndent(x, "  ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			out.WriteString("[\n  ")
		} else {
			out.WriteString(",\n  ")
		}
		out.Write(safeJSON(b))
	}
	if len(xs) == 0 {
		out.WriteString("[]\n")
	} else {
		out.WriteString("\n]\n")
	}
	return out.Bytes()
}

func handAudit(t testing.TB, xs []auditJSON) []byte {
	var out bytes.Buffer
	w := newAuditWriter(&out, true)
	for i := range xs {
		if err := w.audit(&xs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.end(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func handFind(t testing.TB, xs []findJSON) []byte {
	var out bytes.Buffer
	w := newAuditWriter(&out, true)
	for i := range xs {
		if err := w.find(&xs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.end(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sampleRecords fills every string of an audit and a find record with s,
// in the shapes the commands produce (nulls, empty and full lists).
func sampleRecords(s string, of uint32, on bool) ([]auditJSON, []findJSON) {
	p := func(v string) *string { return &v }
	ff := findingFields{ID: s, Severity: flags.Error, Attribute: s, Value: s, Message: s, Experience: s}
	full := userFields{SAMAccountName: s, SIP: p(s), Pool: p(s), Enabled: on, OptionFlags: &of, Features: []string{s, "pic", s},
		Telephony: s, Federation: on, RemoteAccess: !on, Archiving: s, Line: p(s), LineServer: p(s)}
	bare := userFields{SAMAccountName: s, Features: []string{}, Telephony: "pc", Archiving: "none"}
	audits := []auditJSON{
		{DN: s, Name: s, userFields: full, Ready: on, Verdict: flags.VerdictCannotSignIn,
			Findings: []findingJSON{{findingFields: ff, Fix: p(s)}, {findingFields: findingFields{ID: "x", Severity: flags.Warning}, FixHint: p(s)}, {}},
			Notes:    []flags.Note{{ID: s, Attribute: s, Value: s, Message: s}, {}}},
		{DN: s, Name: s, userFields: bare, Verdict: flags.VerdictReady, Findings: []findingJSON{}, Notes: []flags.Note{}},
		{DN: s}, // nil lists: null, as encoding/json writes them
	}
	finds := []findJSON{
		{DN: s, Name: s, userFields: full, Ready: on, Verdict: flags.VerdictUnverified, Findings: []findingFields{ff, {}}},
		{DN: s, Name: s, userFields: bare, Findings: []findingFields{}},
		{DN: s},
	}
	return audits, finds
}

func checkHandJSON(t *testing.T, s string, of uint32, on bool) {
	t.Helper()
	audits, finds := sampleRecords(s, of, on)
	for n := range len(audits) + 1 {
		if got, want := handAudit(t, audits[:n]), referenceElements(t, audits[:n]); !bytes.Equal(got, want) {
			t.Fatalf("audit --json, %q, %d users:\ngot  %q\nwant %q", s, n, got, want)
		}
		if got, want := handFind(t, finds[:n]), referenceElements(t, finds[:n]); !bytes.Equal(got, want) {
			t.Fatalf("find --json, %q, %d users:\ngot  %q\nwant %q", s, n, got, want)
		}
	}
	// And it reads back as the value written.
	var back []map[string]any
	if err := json.Unmarshal(handAudit(t, audits), &back); err != nil || len(back) != len(audits) {
		t.Fatalf("audit --json of %q does not parse: %v", s, err)
	}
	if got, want := back[0]["dn"], string([]rune(s)); got != want {
		t.Fatalf("dn %q read back as %q", want, got)
	}
}

func TestHandJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "Lee, Ann", "CN=Lee\\, Ann,OU=x", `a"b\c`, "<&>", "a\x1b[2J\x07\b\f\n\r\t\x00\x1f",
		"del\x7f", "\u009b31m \u0085", "\u202eRTL \u2066x\u2069 \u200e\u200f\u061c", "\u2028\u2029", "Zoë 李 😀",
		"bad \xff\xfe utf8 \xc3", "\uFFFD", "\u00a0\u00ad", "sip:user@corp.example"} {
		checkHandJSON(t, s, 0, false)
		checkHandJSON(t, s, 4294967295, true)
	}
}

func FuzzHandJSON(f *testing.F) {
	f.Add("a\u009b\u202e\x1b\x7f<>&\"\\", uint32(961), true)
	f.Add("\xff\u2028Jürgen", uint32(0), false)
	f.Fuzz(func(t *testing.T, s string, of uint32, on bool) { checkHandJSON(t, s, of, on) })
}
