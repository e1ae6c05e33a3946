package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"ocsflags/directory"
)

// audit --json is written element by element; what arrives is one valid
// document, byte for byte what encoding/json writes for the whole array
// with a two-space indent (what it printed before it streamed).
func TestAuditOUJSONStreamedIsOneDocument(t *testing.T) {
	code, out, errs := run(t, "audit", "--json", "--ou", directory.StaffOU)
	if code != ExitNotReady {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, []byte(out)); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
	json.Indent(&indented, compact.Bytes(), "", "  ")
	if indented.String()+"\n" != out {
		t.Errorf("the streamed array differs from encoding/json's indented form")
	}
	var res []json.RawMessage
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != directory.StaffCount {
		t.Errorf("%d users, want %d: %v", len(res), directory.StaffCount, err)
	}
	if code, out, _ := run(t, "audit", "--json", "--ou", "OU=Empty,DC=corp,DC=example"); code != ExitOK || out != "[]\n" {
		t.Errorf("an empty OU: exit %d, %q", code, out)
	}
}

// The text listing of an OU keeps the directory's order and ends with the
// counts.
func TestAuditOUTextOrderAndCounts(t *testing.T) {
	_, out, _ := run(t, "audit", "--ou", directory.StaffOU)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < directory.StaffCount || !strings.Contains(out, "users: ") {
		t.Fatalf("%d lines:\n%.400s", len(lines), out)
	}
	_, js, _ := run(t, "audit", "--json", "--ou", directory.StaffOU)
	var res []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatal(err)
	}
	for i, r := range res[:20] {
		if !strings.Contains(lines[i], truncate(r.Name, 32)) {
			t.Errorf("line %d %q, JSON element %d is %q", i, lines[i], i, r.Name)
		}
	}
}
