package profiles_test

// The public log corpus (../shared/corpus, see its PROVENANCE.md) holds
// real samhain and yule log excerpts, plain and XML, signed and unsigned,
// and unrelated logs as negative controls. No corpus file is copied into
// this repository: the tests read them in place and skip without them.

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"casefile/profiles/profiletest"
)

// samhainTime is what the "embedded_iso" time format reads: a bracketed plain
// header time, or an XML tstamp (with T or a space).
var samhainTime = regexp.MustCompile(`\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}\]|tstamp="\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d[+-]\d{4}"`)

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSamhainCorpus(t *testing.T) {
	dir := profiletest.Corpus(t, "samhain")
	p := profiletest.Load(t, "samhain")
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(files) == 0 {
		t.Skip("no samhain logs in the corpus")
	}
	success := regexp.MustCompile(`msg=[<"](?:Session key negotiated|File download completed)[>"]`)
	var successes int
	for _, f := range files {
		base := filepath.Base(f)
		for i, l := range readLines(t, f) {
			// Every log entry carries a time the profile's format reads;
			// wrapped continuation lines (blogfr) and <sig> lines do not.
			entry := strings.Contains(l, "msg=") && (strings.HasPrefix(l, "<log ") || samhainHeader.MatchString(l))
			if entry && !samhainTime.MatchString(l) {
				t.Errorf("%s:%d: entry without a readable time: %q", base, i+1, l)
			}
			// These are healthy installations: no failure rule fires.
			for _, id := range shFailureRules {
				if caps, ok := profiletest.MatchAny(profiletest.Matchers(t, p, id, ""), l); ok {
					t.Errorf("%s:%d: %s matches %q (%v)", base, i+1, id, l, caps)
				}
			}
			if success.MatchString(l) {
				successes++
			}
		}
	}
	// The client's XML console shows a session key negotiated and files
	// downloaded: what the profile treats as the trouble having cleared.
	if successes < 2 {
		t.Errorf("found %d success lines (Session key negotiated / File download completed) in the corpus, want >= 2", successes)
	}

	// The relayed client messages in yule's log: the server names its
	// clients (remote_host), which srv_clients_seen reads.
	seen := profiletest.FactPattern(t, p, "srv_clients_seen")
	rcvt := filepath.Join(dir, "elatov2014_yule_log_xml_client-messages-RCVT.log")
	if _, err := os.Stat(rcvt); err == nil {
		var names []string
		for _, l := range readLines(t, rcvt) {
			if m := seen.FindStringSubmatch(l); m != nil {
				names = append(names, m[seen.SubexpIndex("value")])
			}
		}
		if len(names) == 0 || names[0] != "moxz" {
			t.Errorf("srv_clients_seen on the RCVT log = %v, want moxz", names)
		}
	}

	// The signed log (forum2011): START/EXIT records are read between
	// [SOF] markers and signature lines.
	signed := filepath.Join(dir, "forum2011_samhain_log_signed-logfile_pidfile-error.log")
	if _, err := os.Stat(signed); err == nil {
		se := profiletest.FactPattern(t, p, "start_exit")
		var seq []string
		for _, l := range readLines(t, signed) {
			if m := se.FindStringSubmatch(l); m != nil {
				seq = append(seq, m[se.SubexpIndex("value")])
			}
		}
		if strings.Join(seq, " ") != "EXIT" {
			t.Errorf("start_exit on the signed log = %v, want [EXIT]", seq)
		}
	}
}

// TestSamhainBackground: logs of other programs (sshd, the Linux kernel and
// daemons, Apache) trip none of the samhain rules.
func TestSamhainBackground(t *testing.T) {
	dir := profiletest.Corpus(t, "background")
	p := profiletest.Load(t, "samhain")
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(files) == 0 {
		t.Skip("no background logs in the corpus")
	}
	for _, f := range files {
		for i, l := range readLines(t, f) {
			for _, id := range shFailureRules {
				if caps, ok := profiletest.MatchAny(profiletest.Matchers(t, p, id, ""), l); ok {
					t.Errorf("%s:%d: %s matches %q (%v)", filepath.Base(f), i+1, id, l, caps)
				}
			}
		}
	}
}

// TestSamhainCorpusEngine runs the engine over the corpus logs, each given
// the name the product gives its log (samhain_log, yule_log): every entry
// gets the time written in it (plain [..], XML tstamp with T or a space),
// and none of these logs makes a finding but the integrity alerts of
// those that hold some.
func TestSamhainCorpusEngine(t *testing.T) {
	dir := profiletest.Corpus(t, "samhain")
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(files) == 0 {
		t.Skip("no samhain logs in the corpus")
	}
	for _, f := range files {
		base := filepath.Base(f)
		t.Run(strings.TrimSuffix(base, ".log"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := "samhain_log"
			if strings.Contains(base, "yule") {
				name = "yule_log"
			}
			raw := t.TempDir()
			if err := os.WriteFile(filepath.Join(raw, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, l := range strings.Split(string(data), "\n") {
				if _, ok := wantTime(t, l); ok && (strings.Contains(l, "msg=") || strings.Contains(l, "remote_host=")) {
					want++
				}
			}
			p := probeProfile(t, `"files/**"`, `(?:msg=|remote_host=).*`)
			rep := analyzeRaw(t, p, raw, time.UTC)
			// integrity alerts in a log are reported as such
			var allowed []string
			if strings.Contains(string(data), "POLICY") {
				allowed = []string{"samhain.policy-alerts", "samhain.file-changed"}
			}
			checkProbe(t, rep, want, allowed...)
		})
	}
}

// TestSamhainBackgroundEngine: other programs' logs, fed to the engine in
// every place the profile reads (client log, yule log, system log lines),
// make no finding.
func TestSamhainBackgroundEngine(t *testing.T) {
	dir := profiletest.Corpus(t, "background")
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(files) == 0 {
		t.Skip("no background logs in the corpus")
	}
	raw := t.TempDir()
	var all []byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, data...)
	}
	for _, name := range []string{"samhain_log", "yule_log", "syslog-samhain.txt"} {
		if err := os.WriteFile(filepath.Join(raw, name), all, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep := profiletest.Analyze(t, "samhain", time.UTC, raw) // fails on a rule error
	if len(rep.Coverage) == 0 {
		t.Fatal("the engine ran no rule")
	}
	for _, f := range rep.Findings {
		t.Errorf("finding %s on unrelated logs: %s", f.ID, f.Title)
	}
}
