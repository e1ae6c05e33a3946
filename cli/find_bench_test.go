package cli

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"ocsflags/directory"
	"ocsflags/directory/dctest"
)

// BenchmarkFindPicSlapd100k runs `find --where pic=on` over the 100k-user
// OU of the slapd test server in each output form, and after each run,
// with the timer stopped, `ldapsearch -E pr=1000/noprompt` listing the same
// users with the same attributes (find reads them all and decides in
// memory, as ldapsearch only lists them). It reports seconds per find, the
// users it listed and the ratio to ldapsearch (bar: 1.5).
func BenchmarkFindPicSlapd100k(b *testing.B) {
	env := dctest.RequireSlapd(b)
	ldapsearch, _ := exec.LookPath("ldapsearch")
	ref := append([]string{"-x", "-H", env.URL, "-D", env.BindDN, "-y", env.PasswordFile, "-b", env.PagingOU,
		"-s", "one", "-E", "pr=1000/noprompt", "(objectClass=user)"}, directory.UserAttributes...)
	for _, mode := range []string{"text", "json", "csv", "count"} {
		b.Run(mode, func(b *testing.B) {
			args := []string{"find", "--url", env.URL, "--allow-cleartext-password", "--bind", env.BindDN,
				"--password-file", env.PasswordFile, "--journal", filepath.Join(b.TempDir(), "j.jsonl"),
				"--ou", env.PagingOU, "--where", "pic=on"}
			if mode != "text" {
				args = append(args, "--"+mode)
			}
			var find, reference, cpu, refCPU time.Duration
			lines := 0
			for i := 0; i < b.N; i++ {
				w := &lineCounter{}
				cpu0, _ := cpuTimes()
				start := time.Now()
				code, errs := runQuiet(args, w)
				find += time.Since(start)
				cpu1, kids0 := cpuTimes()
				cpu += cpu1 - cpu0
				if code != ExitOK {
					b.Fatalf("find: exit %d: %s", code, errs)
				}
				lines = w.lines
				if ldapsearch != "" {
					reference += dctest.TimeLDAPSearch(b, ldapsearch, ref)
					_, kids1 := cpuTimes()
					refCPU += kids1 - kids0
				}
			}
			b.ReportMetric(find.Seconds()/float64(b.N), "s/find")
			b.ReportMetric(float64(lines), "lines")
			if ldapsearch != "" {
				b.ReportMetric(reference.Seconds()/float64(b.N), "ldapsearch-s")
				b.ReportMetric(find.Seconds()/reference.Seconds(), "x-ldapsearch")
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
