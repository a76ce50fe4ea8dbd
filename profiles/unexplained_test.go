package profiles_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"casefile/analyze/report"
	"casefile/profiles/profiletest"
)

// unknownFailures: each product's healthy fake host with a failure no rule
// knows appended to its log, in the log's own format (the header of its
// last line, then the new message). The report must put that failure
// first among the unexplained messages.
var unknownFailures = []struct {
	profile, host, log string
	header             string // regexp: the header of a line
	msgs               []string
	want               string // in the first unexplained template
}{
	{"tfst", "tfst/epp-healthy", "opt/tivoli/EPProxy/epp.log", `^\S+ \S+ \d+ \d+ `,
		repeat("logWriter: write of trace buffer failed: No space left on device", 6), "No space left on device"},
	{"sms", "sms/sms-hq-1", "var/log/tippingpoint/ha.log", `^\S+ \S+ \S+\s+`,
		[]string{"[hamon] watchdog process 4711 (smsmond) terminated by signal 11 (segfault), core not written"}, "segfault"},
	{"samhain", "samhain/web-ok", "var/log/samhain_log", `^\S+\s+:\s+\[[^\]]+\]\s+`,
		[]string{"msg=<Report upload denied: client quota exhausted>, peer=<192.0.2.7>"}, "denied"},
	{"fsigk", "fsigk/igk-healthy", "var/log/messages", `^\S+ +\d+ \S+ \S+ `,
		[]string{"smtpd[2211]: relay from 198.51.100.9 refused: sender domain blocked by upstream policy"}, "refused"},
	{"ipsec", "ipsec/ipcop-ok", "var/log/messages", `^\S+ +\d+ \S+ \S+ `,
		[]string{"kernel: pluto[3344]: segfault at 0 ip 08065432 sp bfa3c120 error 4 in pluto[8048000+a2000]"}, "segfault"},
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestUnknownFailureFirst(t *testing.T) {
	root := profiletest.RepoRoot(t)
	for _, c := range unknownFailures {
		t.Run(c.profile, func(t *testing.T) {
			host := filepath.Join(t.TempDir(), "host")
			profiletest.CopyTree(t, filepath.Join(root, "testdata", "hosts", c.host), host)
			logPath := filepath.Join(host, c.log)
			data, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			// The header of the last line that has one.
			re := regexp.MustCompile(c.header)
			hdr := ""
			lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
			for i := len(lines) - 1; i >= 0 && hdr == ""; i-- {
				hdr = re.FindString(lines[i])
			}
			if hdr == "" {
				t.Fatalf("no line of %s has a header %s", c.log, c.header)
			}
			text := strings.TrimRight(string(data), "\n") + "\n"
			for _, m := range c.msgs {
				text += hdr + m + "\n"
			}
			if err := os.WriteFile(logPath, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			rep := profiletest.Analyze(t, "", nil, profiletest.Collect(t, c.profile, host, nil))
			if len(rep.Unexplained) == 0 {
				t.Fatal("no unexplained messages")
			}
			top := rep.Unexplained[0]
			if !strings.Contains(top.Template, c.want) {
				t.Errorf("first unexplained: %q (score %d %v), want the injected %q; all:\n%s", top.Template, top.Score, top.Reasons, c.want, listUnexplained(rep))
			}
			if !strings.HasSuffix(top.Example.File, c.log) || top.Example.Line < 2 {
				t.Errorf("example %s:%d, want a line of %s", top.Example.File, top.Example.Line, c.log)
			}
		})
	}
}

// TestHealthyQuiet: the healthy fake hosts have at most a handful of
// unexplained templates, none scored like an error.
func TestHealthyQuiet(t *testing.T) {
	root := profiletest.RepoRoot(t)
	seen := map[string]bool{}
	for _, c := range unknownFailures {
		if seen[c.host] {
			continue
		}
		seen[c.host] = true
		rep := profiletest.Analyze(t, "", nil, profiletest.Collect(t, c.profile, filepath.Join(root, "testdata", "hosts", c.host), nil))
		if n := len(rep.Notable()); n > 3 {
			t.Errorf("%s: %d notable unexplained templates:\n%s", c.host, n, listUnexplained(rep))
		}
	}
}

func listUnexplained(rep *report.Report) string {
	var b strings.Builder
	for _, u := range rep.Unexplained {
		fmt.Fprintf(&b, "  %s %d %s  %s\n", u.ID, u.Score, u.Template, strings.Join(u.Reasons, "; "))
	}
	return b.String()
}

// TestUnknownFormat: a file where the profile expects the endpoint proxy's
// log holds something else (a web page saved by the customer). The log
// is named as unknown, none of its lines is explained, and the rules that
// read it did not "run".
func TestUnknownFormat(t *testing.T) {
	page := "<html><head><title>Support portal</title></head>\n<body>\n<p>Please attach your logs here.</p>\n</body></html>\n"
	rep := profiletest.Analyze(t, "tfst", nil, profiletest.RawLog(t, "epp.log", page))
	var log *report.LogCoverage
	for i, l := range rep.Logs {
		if strings.HasSuffix(l.File, "epp.log") {
			log = &rep.Logs[i]
		}
	}
	if log == nil || !log.Unknown || log.Explained != 0 || log.Lines != 4 {
		t.Fatalf("logs: %+v, want epp.log unknown, 4 lines, none explained", rep.Logs)
	}
	ran := 0
	for _, c := range rep.Coverage {
		for _, in := range c.Inputs {
			if strings.HasSuffix(in, "epp.log") {
				if c.Status == report.CoverageRan {
					t.Errorf("rule %s ran on the unknown log", c.Rule)
				}
				if c.Status == report.CoveragePartial && strings.Contains(c.Reason, "unknown format") {
					ran++
				}
			}
		}
	}
	if ran == 0 {
		t.Errorf("no rule reading epp.log says it is of an unknown format: %+v", rep.Coverage)
	}
	var b strings.Builder
	if err := report.WriteText(&b, rep, report.TextOptions{Width: 100}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Nothing the profile knows matched any line of epp.log") {
		t.Errorf("text report does not name the unknown log:\n%s", b.String())
	}
}
