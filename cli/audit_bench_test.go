package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
)

// lineCounter is audit's standard output in a benchmark: it counts lines
// and measures the live heap at the marks (line counts): at the first line,
// when the users that arrived before the index are all held, and well into
// the OU, when the index, the pools and a page in flight are.
type lineCounter struct {
	lines int
	marks []int
	live  uint64 // the most seen at a mark
}

func (w *lineCounter) Write(p []byte) (int, error) {
	w.lines += bytes.Count(p, []byte("\n"))
	if len(w.marks) > 0 && w.lines >= w.marks[0] {
		w.marks = w.marks[1:]
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		w.live = max(w.live, ms.HeapAlloc)
	}
	return len(p), nil
}

func runQuiet(args []string, stdout io.Writer) (int, string) {
	var errb bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: stdout, Stderr: &errb,
		Getenv: func(k string) string {
			if k == "LDAPNOINIT" {
				return "1"
			}
			return ""
		},
	})
	return code, errb.String()
}

// BenchmarkAuditOUSlapd100k runs `audit --ou` over the 100k-user OU of the
// slapd test server, and after each run, with the timer stopped,
// `ldapsearch -E pr=1000/noprompt` listing the same users with the same
// attributes. It reports seconds per audit, the ratio to ldapsearch (bar:
// 2) and the most heap the audit holds per user while it runs, at the
// first line, half-way and at 90% (bar: 1024 B).
func BenchmarkAuditOUSlapd100k(b *testing.B) {
	env := dctest.RequireSlapd(b)
	ldapsearch, _ := exec.LookPath("ldapsearch")
	ref := append([]string{"-x", "-H", env.URL, "-D", env.BindDN, "-y", env.PasswordFile, "-b", env.PagingOU,
		"-s", "one", "-E", "pr=1000/noprompt", "(objectClass=user)"}, directory.UserAttributes...)
	for _, mode := range []string{"text", "json"} {
		b.Run(mode, func(b *testing.B) {
			args := []string{"audit", "--url", env.URL, "--allow-cleartext-password", "--bind", env.BindDN,
				"--password-file", env.PasswordFile, "--journal", filepath.Join(b.TempDir(), "j.jsonl"), "--ou", env.PagingOU}
			if mode == "json" {
				args = append(args, "--json")
			}
			var audit, reference, cpu, refCPU time.Duration
			var perUser float64
			for i := 0; i < b.N; i++ {
				var before runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				per := 1
				if mode == "json" {
					per = 19 // lines of one user's element, about
				}
				w := &lineCounter{marks: []int{1, env.PagingCount / 2 * per, env.PagingCount * 9 / 10 * per}}
				cpu0, _ := cpuTimes()
				start := time.Now()
				code, errs := runQuiet(args, w)
				audit += time.Since(start)
				cpu1, kids0 := cpuTimes()
				cpu += cpu1 - cpu0
				if code != ExitOK && code != ExitNotReady {
					b.Fatalf("audit: exit %d: %s", code, errs)
				}
				if w.lines < env.PagingCount {
					b.Fatalf("audit printed %d lines for %d users", w.lines, env.PagingCount)
				}
				if w.live > 0 {
					perUser = (float64(w.live) - float64(before.HeapAlloc)) / float64(env.PagingCount)
				}
				if ldapsearch != "" {
					reference += dctest.TimeLDAPSearch(b, ldapsearch, ref)
					_, kids1 := cpuTimes()
					refCPU += kids1 - kids0
				}
			}
			b.ReportMetric(audit.Seconds()/float64(b.N), "s/audit")
			b.ReportMetric(perUser, "peak-live-B/user")
			if ldapsearch != "" {
				b.ReportMetric(reference.Seconds()/float64(b.N), "ldapsearch-s")
				b.ReportMetric(audit.Seconds()/reference.Seconds(), "x-ldapsearch")
				// CPU seconds of the command and of ldapsearch (the client
				// side only): steadier than wall-clock time on a busy machine.
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
				b.ReportMetric(refCPU.Seconds()/float64(b.N), "ldapsearch-cpu-s")
			} else {
				b.Log("ldapsearch not installed: no comparison")
			}
		})
	}
}

// benchLDIF writes an export of the demo organisation plus n users in
// OU=Bench, every 50th sharing its sign-in name with the next and every
// 100th without one (so duplicates and offers are exercised).
func benchLDIF(b *testing.B, n int) string {
	var buf bytes.Buffer
	buf.Write(directory.DemoLDIF())
	buf.WriteString("\ndn: OU=Bench,DC=corp,DC=example\nobjectClass: top\nobjectClass: organizationalUnit\n")
	home := "CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=corp,DC=example"
	for i := range n {
		sam := fmt.Sprintf("bench%06d", i)
		sip := sam
		if i%50 == 1 {
			sip = fmt.Sprintf("bench%06d", i-1)
		}
		fmt.Fprintf(&buf, "\ndn: CN=Bench User %06d,OU=Bench,DC=corp,DC=example\nobjectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user\n"+
			"cn: Bench User %06d\nsAMAccountName: %s\nuserPrincipalName: %s@corp.example\nmail: %s@corp.example\nuserAccountControl: 544\n", i, i, sam, sam, sam)
		if i%100 != 99 {
			fmt.Fprintf(&buf, "msRTCSIP-UserEnabled: TRUE\nmsRTCSIP-PrimaryUserAddress: sip:%s@corp.example\nmsRTCSIP-PrimaryHomeServer: %s\nmsRTCSIP-OptionFlags: 256\n", sip, home)
		}
	}
	p := filepath.Join(b.TempDir(), fmt.Sprintf("export-%d.ldif", n))
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkAuditLDIF audits OU=Bench of an LDIF export of 5,000 and of
// 20,000 users (loading the file included) and reports the ratio (bar: at
// most 6; linear is 4).
func BenchmarkAuditLDIF(b *testing.B) {
	files := map[int]string{5000: benchLDIF(b, 5000), 20000: benchLDIF(b, 20000)}
	took := map[int]time.Duration{}
	for i := 0; i < b.N; i++ {
		for _, n := range []int{5000, 20000} {
			w := &lineCounter{}
			start := time.Now()
			code, errs := runQuiet([]string{"audit", "--ldif", files[n], "--ou", "OU=Bench,DC=corp,DC=example"}, w)
			took[n] += time.Since(start)
			if code != ExitNotReady || w.lines < n {
				b.Fatalf("audit of %d users: exit %d, %d lines: %s", n, code, w.lines, errs)
			}
		}
	}
	b.ReportMetric(took[5000].Seconds()/float64(b.N), "s-5k")
	b.ReportMetric(took[20000].Seconds()/float64(b.N), "s-20k")
	b.ReportMetric(took[20000].Seconds()/took[5000].Seconds(), "x-20k/5k")
}
