package directory

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldif"
	"golang.org/x/text/encoding/unicode"
)

// A URL value is refused before the parser could read what it names, with
// the line, and the named file's content appears nowhere.
func TestLDIFURLValueRefused(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.txt")
	const content = "TOPSECRET-7f3a9 the file a hostile LDIF names"
	if err := os.WriteFile(secret, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	url := "file://" + secret
	for _, tt := range []struct {
		name, text string
		line       int
	}{
		{"plain", "version: 1\n\ndn: CN=a,DC=x\nobjectClass: user\ndisplayName:< " + url + "\n", 5},
		{"no space", "dn: CN=a,DC=x\nobjectClass: user\ncn: a\ndisplayName:<" + url + "\n", 4},
		{"folded", "dn: CN=a,DC=x\nobjectClass: user\n\ndn: CN=b,DC=x\nobjectClass: user\ndisplayName:\n < " + url + "\n", 6},
		{"CRLF", "dn: CN=a,DC=x\r\nobjectClass: user\r\ndescription:< " + url + "\r\n", 3},
		{"dn", "dn:< " + url + "\nobjectClass: user\n", 1},
		{"changetype", "dn: CN=a,DC=x\nchangetype:< " + url + "\n", 2},
		{"after a comment", "# a comment\n # continued\ndn: CN=a,DC=x\nobjectClass: user\nmail:< " + url, 5},
	} {
		m, err := LoadLDIF(strings.NewReader(tt.text), "in.ldif")
		if err == nil {
			t.Errorf("%s: loaded: %+v", tt.name, m.entries)
			continue
		}
		msg := err.Error()
		if want := "in.ldif: line " + strconv.Itoa(tt.line) + ":"; !strings.Contains(msg, want) || !strings.Contains(msg, ":<") {
			t.Errorf("%s: error %q, want it to name %q and :<", tt.name, msg, want)
		}
		if strings.Contains(msg, "TOPSECRET") {
			t.Errorf("%s: the named file's content is in the error: %q", tt.name, msg)
		}
	}
	// Through OpenLDIF, as --ldif does.
	in := filepath.Join(dir, "hostile.ldif")
	os.WriteFile(in, []byte("dn: CN=a,DC=x\nobjectClass: user\ndisplayName:< "+url+"\n"), 0o600)
	if _, err := OpenLDIF(in, ""); err == nil || strings.Contains(err.Error(), "TOPSECRET") || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("OpenLDIF: %v", err)
	}
	// A value that merely contains :< is a value.
	m, err := LoadLDIF(strings.NewReader("dn: CN=a,DC=x\nobjectClass: user\ndescription: a:<b\n"), "in.ldif")
	if err != nil {
		t.Fatalf("a value containing :< was refused: %v", err)
	}
	if got := m.entries[NormDN("CN=a,DC=x")].first("description"); got != "a:<b" {
		t.Errorf("description = %q", got)
	}
}

// ldifde -u writes UTF-16LE with a BOM; editors add a UTF-8 BOM.
func TestLDIFEncodings(t *testing.T) {
	utf16 := func(e unicode.Endianness) []byte {
		b, err := unicode.UTF16(e, unicode.UseBOM).NewEncoder().Bytes([]byte(export))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	le := utf16(unicode.LittleEndian)
	if !bytes.HasPrefix(le, []byte{0xff, 0xfe}) {
		t.Fatalf("encoder wrote no BOM: % x", le[:4])
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"UTF-8", []byte(export)},
		{"UTF-8 BOM", append([]byte{0xef, 0xbb, 0xbf}, export...)},
		{"UTF-8 BOM CRLF", append([]byte{0xef, 0xbb, 0xbf}, strings.ReplaceAll(export, "\n", "\r\n")...)},
		{"UTF-16LE BOM", le},
		{"UTF-16BE BOM", utf16(unicode.BigEndian)},
		{"UTF-16LE no BOM", le[2:]},
	} {
		m, err := LoadLDIF(bytes.NewReader(tt.data), "in.ldif")
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		u, err := m.User(context.Background(), "CN=Ann Lee,OU=Sales,DC=fabrikam,DC=example")
		if err != nil || u.SAMAccountName != "alee" || u.OCS.SIPAddress.V != "sip:alee@fabrikam.example" || u.OCS.OptionFlags.V != 1282 {
			t.Errorf("%s: Ann = %+v, %v", tt.name, u, err)
		}
		if _, err := m.User(context.Background(), "CN=Jürgen Groß,OU=Sales,DC=fabrikam,DC=example"); err != nil {
			t.Errorf("%s: the base64 DN: %v", tt.name, err)
		}
	}
	if _, err := LoadLDIF(bytes.NewReader(le[:len(le)-1]), "in.ldif"); err == nil || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("odd-length UTF-16: %v", err)
	}
}

// endless never ends, as /dev/zero does not.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '#'
	}
	return len(p), nil
}

func TestLDIFSizeLimit(t *testing.T) {
	defer func(n int64) { MaxLDIFSize = n }(MaxLDIFSize)
	MaxLDIFSize = 1 << 20
	if _, err := LoadLDIF(endless{}, "big.ldif"); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("endless input: %v", err)
	}
	path := filepath.Join(t.TempDir(), "big.ldif")
	os.WriteFile(path, bytes.Repeat([]byte("#\n"), 1<<20), 0o600)
	if _, err := OpenLDIF(path, ""); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big file: %v", err)
	}
}

// A FIFO would block the open, a device never ends, a directory is no
// export: all are refused at once.
func TestLDIFNotARegularFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo.ldif")
	cases := map[string]string{os.DevNull: "a device", t.TempDir(): "a directory"}
	if err := mkfifo(fifo); err == nil {
		cases[fifo] = "a named pipe"
	} else {
		t.Logf("no FIFO on this system: %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		cases["/dev/zero"] = "a device"
	}
	for path, want := range cases {
		done := make(chan error, 1)
		go func() { _, err := OpenLDIF(path, ""); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "regular file") {
				t.Errorf("%s: %v, want it to say %q", path, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: OpenLDIF hangs", path)
		}
	}
}

// urlValueLine must find every value go-ldap/ldif would fetch from a URL:
// when it finds none, the parser never tries one (its URL errors say so).
func FuzzURLValueLine(f *testing.F) {
	for _, s := range []string{
		"dn: CN=a,DC=x\nobjectClass: user\ncn:< file:///nonexistent/x\n",
		"dn: CN=a,DC=x\ncn:\n < file:///nonexistent/x\n",
		"# c\n x:< file:///nonexistent\ndn: CN=a,DC=x\ncn: b\n",
		"dn: CN=a,DC=x\r\ncn:<http://x\r\n\r\ndn: CN=b,DC=x\r\ncn: c\r\n",
		"version: 1\ndn: CN=a,DC=x\ncontrol: 1.2.3 true :< file:///nonexistent\nchangetype: add\ncn: a\n",
		"dn: CN=a,DC=x\nchangetype: modify\nreplace: cn\ncn:< file:///nonexistent\n-\n",
		export,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if text, err := ldifText(data); err == nil && len(data) > 0 && len(text) == 0 && !bytes.Equal(data, []byte{0xef, 0xbb, 0xbf}) && len(data) > 2 {
			t.Fatalf("ldifText(% x) lost everything", data)
		}
		line, _ := urlValueLine(data)
		if line > 0 {
			return
		}
		l := &ldif.LDIF{}
		for _, err := range ldif.UnmarshalEntries(bytes.NewReader(data), l) {
			var pe *ldif.ParseError
			if errors.As(err, &pe) && (strings.Contains(pe.Message, "URL") || strings.Contains(pe.Message, "failed to read")) {
				t.Fatalf("urlValueLine found no URL value, but the parser tried one: %v", pe)
			}
			if err != nil {
				break
			}
		}
	})
}
