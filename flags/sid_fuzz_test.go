package flags

import (
	"strings"
	"testing"
)

func TestDecodeSID(t *testing.T) {
	// S-1-5-21-1004336348-1177238915-682003330-1105 as AD stores it.
	bin := "\x01\x05\x00\x00\x00\x00\x00\x05\x15\x00\x00\x00\xdc\xf4\xdc\x3b\x83\x3d\x2b\x46\x82\x8b\xa6\x28\x51\x04\x00\x00"
	got, err := DecodeSID(bin)
	if err != nil || got != "S-1-5-21-1004336348-1177238915-682003330-1105" {
		t.Fatalf("DecodeSID = %q, %v", got, err)
	}
	back, err := EncodeSID(got)
	if err != nil || string(back) != bin {
		t.Errorf("EncodeSID(%s) = %x, %v", got, back, err)
	}
	if got, err := DecodeSID("S-1-5-32-544"); err != nil || got != "S-1-5-32-544" {
		t.Errorf("text SID: %q, %v", got, err)
	}
	for _, bad := range []string{"", "\x01", "\x02\x00\x00\x00\x00\x00\x00\x05", "\x01\x01\x00\x00\x00\x00\x00\x05", "S-1-", "S-1-5-x", "S-2-5", "S-1-5-99999999999"} {
		if _, err := DecodeSID(bad); err == nil {
			t.Errorf("DecodeSID(%q) accepted", bad)
		}
	}
}

func FuzzDecodeSID(f *testing.F) {
	f.Add("\x01\x05\x00\x00\x00\x00\x00\x05\x15\x00\x00\x00\xdc\xf4\xdc\x3b\x83\x3d\x2b\x46\x82\x8b\xa6\x28\x51\x04\x00\x00")
	f.Add("S-1-5-21-1-2-3-500")
	f.Add("\x01\x00\x00\x00\x00\x00\x00\x00")
	f.Fuzz(func(t *testing.T, v string) {
		s, err := DecodeSID(v)
		if err != nil {
			return
		}
		if !strings.HasPrefix(s, "S-1-") {
			t.Fatalf("%q decoded to %q", v, s)
		}
		// Whatever decodes encodes back to a SID that decodes the same.
		b, err := EncodeSID(s)
		if err != nil {
			t.Fatalf("EncodeSID(%q): %v", s, err)
		}
		again, err := DecodeSID(string(b))
		if err != nil || again != s {
			t.Fatalf("round trip %q -> %q, %v", s, again, err)
		}
	})
}

func TestParsePolicy(t *testing.T) {
	for _, tt := range []struct {
		in   string
		kind PolicyKind
		dn   string
	}{
		{"B:8:01000000:CN={1},CN=Policies,CN=RTC Service,CN=Microsoft,CN=System,DC=corp,DC=example", PolicyMeeting, "CN={1},CN=Policies,CN=RTC Service,CN=Microsoft,CN=System,DC=corp,DC=example"},
		{"B:8:02000000:CN=Voice,DC=x", PolicyVoice, "CN=Voice,DC=x"},
		{"B:8:00000002:CN=Voice,DC=x", PolicyVoice, "CN=Voice,DC=x"},
		{"B:8:04000000:CN=P,DC=x", PolicyPresence, "CN=P,DC=x"},
		{"B:8:10000000:CN=Q,DC=x", 16, "CN=Q,DC=x"},
	} {
		p, err := ParsePolicy(tt.in)
		if err != nil || p.Kind != tt.kind || p.DN != tt.dn {
			t.Errorf("ParsePolicy(%q) = %+v, %v", tt.in, p, err)
		}
	}
	for _, bad := range []string{"", "CN=x", "B:8:0100:CN=x", "B:x:01000000:CN=x", "B:8:0100000g:CN=x", "B:8:01000000:", "B:3:010:CN=x"} {
		if _, err := ParsePolicy(bad); err == nil {
			t.Errorf("ParsePolicy(%q) accepted", bad)
		}
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add("B:8:01000000:CN={1},CN=Policies,DC=x")
	f.Add("B:0::CN=x")
	f.Fuzz(func(t *testing.T, v string) {
		p, err := ParsePolicy(v)
		if err == nil && (p.DN == "" || !strings.HasSuffix(v, p.DN)) {
			t.Fatalf("%q parsed to %+v", v, p)
		}
	})
}
