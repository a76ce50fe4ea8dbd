package profiles_test

// TestSamhainRealBinary runs the real samhain binary (Debian's package is a
// standalone build: no client/server, but the same logger) in a private
// sandbox and checks that the profile reads what it writes: the signed log
// file ([SOF] markers, signature lines), the line header (severity,
// [timestamp], msg=<...>), and the system log lines samhain sends.
//
// samhain has no option to name its configuration file: the path is
// compiled in (/etc/samhain/samhainrc on Debian). The test therefore runs
// it in a private mount namespace (unshare -m, needs root) with a temporary
// samhainrc bind-mounted over that path; SetDatabasePath, SetLogfilePath
// and SetLockfilePath in it keep every file samhain writes under
// t.TempDir(). For syslog, a datagram socket of the test is mounted on
// /dev/log inside the namespace. Nothing outside the namespace changes.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"casefile/internal/testenv"
	"casefile/profiles"
	"casefile/profiles/profiletest"
)

// samhainHeader is samhain's plain log line header as the "embedded_iso" time
// format reads it: severity, then [YYYY-MM-DDTHH:MM:SS±hhmm].
var samhainHeader = regexp.MustCompile(`^(ALERT|CRIT|ERROR|WARN|NOTICE|INFO|MARK|DEBUG|RCVT|MSG)\s+:\s+\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4})\] (msg=<|interface=<|client=<)`)

// samhainSignature is a log signature line; the first one after a START
// also carries a bracketed time.
var samhainSignature = regexp.MustCompile(`^[0-9A-F]{48}(\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}\])?$`)

type realSamhain struct {
	dir    string // the sandbox
	log    []byte // the log file samhain wrote
	syslog []string
	stderr string
}

// runRealSamhain initialises a baseline of a small directory, changes it,
// and checks it, with the real binary. It skips (saying why) when it cannot.
func runRealSamhain(t *testing.T) *realSamhain {
	t.Helper()
	bin := testenv.Program(t, "samhain", "samhain")
	testenv.Root(t, "samhain's configuration path is compiled in, so the test mounts its own samhainrc over it in a private mount namespace")
	unshare := testenv.Program(t, "unshare", "util-linux")
	rcPath, err := compiledInConfig(bin)
	if err != nil {
		t.Skipf("cannot find samhain's compiled-in configuration path: %v", err)
	}
	if _, err := os.Stat(rcPath); err != nil {
		t.Skipf("samhain's compiled-in configuration %s does not exist, nothing to mount over: %v", rcPath, err)
	}

	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	state := filepath.Join(dir, "state")
	for _, d := range []string{data, state, filepath.Join(dir, "olddev")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range map[string]string{"kept.conf": "a=1\n", "changed.conf": "b=1\n", "removed.conf": "c=1\n"} {
		if err := os.WriteFile(filepath.Join(data, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rc := fmt.Sprintf(`[ReadOnly]
dir = 1%s
[Misc]
SetDatabasePath = %s/samhain_file
SetLogfilePath = %s/samhain_log
SetLockfilePath = %s/samhain.pid
[Log]
LogSeverity = info
PrintSeverity = none
SyslogSeverity = info
MailSeverity = none
[SuidCheck]
SuidCheckActive = no
[ProcessCheck]
ProcessCheckActive = no
[PortCheck]
PortCheckActive = no
`, data, state, state, state)
	if err := os.WriteFile(filepath.Join(dir, "samhainrc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}

	// syslog: a datagram socket of ours, mounted on /dev/log in the namespace.
	sock := filepath.Join(dir, "log.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Skipf("cannot create a syslog socket: %v", err)
	}
	defer conn.Close()
	var mu sync.Mutex
	var syslog []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65536)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			mu.Lock()
			syslog = append(syslog, strings.TrimRight(string(buf[:n]), "\n\x00"))
			mu.Unlock()
		}
	}()
	// Without /dev/log on the host, a tmpfs over /dev (with the devices
	// samhain needs bound back) gives a place to mount the socket.
	devlog := fmt.Sprintf(`mount --bind %[1]s /dev/log`, sock)
	if _, err := os.Stat("/dev/log"); err != nil {
		devlog = fmt.Sprintf(`mount --bind /dev %[1]s/olddev && mount -t tmpfs none /dev &&
for d in null zero random urandom; do touch /dev/$d && mount --bind %[1]s/olddev/$d /dev/$d; done &&
touch /dev/log && mount --bind %[2]s /dev/log`, dir, sock)
	}
	script := fmt.Sprintf(`set -e
mount --bind %[1]s/samhainrc %[2]s
%[3]s
%[4]s -t init -p none
echo changed >> %[5]s/changed.conf
rm %[5]s/removed.conf
echo new > %[5]s/added.conf
%[4]s -t check -p none || true
`, dir, rcPath, devlog, bin, data)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, "-m", "sh", "-c", script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Run(); err != nil {
		t.Skipf("samhain refused to run in the sandbox (%v): %s", err, profiletest.LastLines(stderr.String(), 8))
	}
	log, err := os.ReadFile(filepath.Join(state, "samhain_log"))
	if err != nil {
		t.Fatalf("samhain ran but wrote no log file: %v\n%s", err, profiletest.LastLines(stderr.String(), 8))
	}
	time.Sleep(200 * time.Millisecond)
	conn.Close()
	<-done
	mu.Lock()
	defer mu.Unlock()
	return &realSamhain{dir: dir, log: log, syslog: syslog, stderr: stderr.String()}
}

// compiledInConfig finds the samhainrc path in the binary.
func compiledInConfig(bin string) (string, error) {
	b, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`/[[:graph:]]*/samhainrc\x00`).Find(b)
	if m == nil {
		return "", fmt.Errorf("no .../samhainrc string in %s", bin)
	}
	return string(m[:len(m)-1]), nil
}

func TestSamhainRealBinary(t *testing.T) {
	real := runRealSamhain(t)
	p := profiletest.Load(t, "samhain")
	lines := strings.Split(string(real.log), "\n")

	// The on-disk log is signed: [SOF] at each start, a signature line
	// after every entry. Every other line must carry the header the
	// profile's "embedded_iso" time format reads.
	var entries, sigs, sofs int
	var times []string
	for i, l := range lines {
		switch {
		case l == "":
		case l == "[SOF]":
			sofs++
		case samhainSignature.MatchString(l):
			sigs++
		default:
			m := samhainHeader.FindStringSubmatch(l)
			if m == nil {
				t.Errorf("log line %d has no samhain header: %q", i+1, l)
				continue
			}
			if _, err := time.Parse("2006-01-02T15:04:05-0700", m[2]); err != nil {
				t.Errorf("log line %d: time %q: %v", i+1, m[2], err)
			}
			entries++
			times = append(times, m[2])
		}
	}
	if sofs < 2 || sigs < entries || entries < 6 {
		t.Errorf("expected a signed log of two runs: %d [SOF], %d signature lines, %d entries", sofs, sigs, entries)
	}

	// The profile's own patterns: client log detection, START/EXIT records.
	if !profiletest.FactPattern(t, p, "has_client_log").Match(real.log) {
		t.Error("has_client_log does not recognise samhain's log")
	}
	se := profiletest.FactPattern(t, p, "start_exit")
	var seq []string
	for _, l := range lines {
		if m := se.FindStringSubmatch(l); m != nil {
			seq = append(seq, m[se.SubexpIndex("value")])
		}
	}
	if strings.Join(seq, " ") != "START EXIT START EXIT" {
		t.Errorf("start_exit records = %v, want START EXIT START EXIT (init, then check)", seq)
	}

	// The check found what the test changed; the message layout the
	// client rules rely on (msg=<...>, path=<...>) is the one samhain writes.
	for _, want := range []string{"msg=<POLICY ADDED>, path=<" + real.dir + "/data/added.conf>", "msg=<POLICY MISSING>, path=<" + real.dir + "/data/removed.conf>", "path=<" + real.dir + "/data/changed.conf>"} {
		if !bytes.Contains(real.log, []byte(want)) {
			t.Errorf("log lacks %q", want)
		}
	}

	// A healthy standalone run trips no failure rule (negative control),
	// including samhain's own "File not accessible" for files it checks.
	for _, id := range shFailureRules {
		res := profiletest.Matchers(t, p, id, "")
		for i, l := range lines {
			if caps, ok := profiletest.MatchAny(res, l); ok {
				t.Errorf("%s matches line %d of a healthy log: %q (%v)", id, i+1, l, caps)
			}
		}
	}

	// syslog: "<pri>Mmm dd hh:mm:ss Samhain[pid]: SEV : [time] msg=<...>"
	// as sent; written to /var/log/syslog with the host name after the time.
	if len(real.syslog) == 0 {
		t.Fatalf("samhain sent nothing to /dev/log")
	}
	sysRe := regexp.MustCompile(`^<\d+>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (Samhain\[\d+\]: .*)$`)
	for _, d := range real.syslog {
		m := sysRe.FindStringSubmatch(d)
		if m == nil {
			t.Errorf("unexpected syslog datagram %q", d)
			continue
		}
		line := m[1] + " web01 " + m[2] // as rsyslog writes it
		if _, err := time.Parse(time.Stamp, m[1]); err != nil {
			t.Errorf("syslog time %q: %v", m[1], err)
		}
		if !samhainHeader.MatchString(strings.SplitN(m[2], ": ", 2)[1]) {
			t.Errorf("syslog line carries no samhain header: %q", line)
		}
		for _, id := range shFailureRules {
			if caps, ok := profiletest.MatchAny(profiletest.Matchers(t, p, id, ""), line); ok {
				t.Errorf("%s matches healthy syslog line %q (%v)", id, line, caps)
			}
		}
	}

	// samhain's own warning when the node name has no FQDN is what the
	// profile reads as the client's view of its name (samhain-version.err).
	if strings.Contains(real.stderr, "cannot resolve this nodename to a FQDN") {
		warn := profiletest.FactPattern(t, p, "samhain_resolves_to")
		found := false
		for _, l := range strings.Split(real.stderr, "\n") {
			if warn.MatchString(l) {
				found = true
			}
		}
		if !found {
			t.Errorf("samhain_resolves_to does not read samhain's FQDN warning:\n%s", real.stderr)
		}
	}
	t.Logf("real samhain: %d entries, %d signature lines, %d [SOF], %d syslog lines; first %s, last %s",
		entries, sigs, sofs, len(real.syslog), times[0], times[len(times)-1])
}

// The engine tests run the analyze command (built once from ./cmd/analyze)
// rather than importing the engine, so that this package's tests, the
// profile validation among them, never depend on the engine compiling.

// probeProfile writes the samhain profile with one extra rule that quotes
// every line matching pattern in the in globs (up to 100), so a test can see
// which lines the engine read and which time it gave each; it returns the
// file's path.
func probeProfile(t *testing.T, in, pattern string) string {
	t.Helper()
	data, err := os.ReadFile("samhain.yaml")
	if err != nil {
		t.Fatal(err)
	}
	probe := fmt.Sprintf(`
    - id: samhain.test-probe
      title: probe
      explanation: probe
      remedy: probe
      match:
        in: [%s]
        pattern: '%s'
      max_evidence: 100
`, in, strings.ReplaceAll(pattern, "'", "''"))
	data = append(data, probe...)
	p, err := profiles.Parse("samhain-probe.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if last := p.Analyze.Rules[len(p.Analyze.Rules)-1]; last.ID != "samhain.test-probe" {
		t.Fatalf("probe rule not appended last (got %s): has samhain.yaml stopped ending with its rules?", last.ID)
	}
	path := filepath.Join(t.TempDir(), "samhain-probe.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var (
	analyzeOnce sync.Once
	analyzeBin  string
	analyzeErr  error
)

// analyzeCmd builds the analyze command once per test run.
func analyzeCmd(t *testing.T) string {
	t.Helper()
	analyzeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "casefile-samhain-test")
		if err != nil {
			analyzeErr = err
			return
		}
		analyzeBin = filepath.Join(dir, "analyze")
		out, err := exec.Command("go", "build", "-o", analyzeBin, "casefile/cmd/analyze").CombinedOutput()
		if err != nil {
			analyzeErr = fmt.Errorf("%v: %s", err, profiletest.LastLines(string(out), 5))
		}
	})
	if analyzeErr != nil {
		t.Skipf("cannot build the analyze command, so the engine part is not tested: %v", analyzeErr)
	}
	return analyzeBin
}

// engineReport is the part of the JSON report these tests read.
type engineReport struct {
	Findings []struct {
		ID       string `json:"id"`
		Title    string `json:"title"`
		Count    int    `json:"count"`
		Evidence []struct {
			File string     `json:"file"`
			Line int        `json:"line"`
			Text string     `json:"text"`
			Time *time.Time `json:"time"`
		} `json:"evidence"`
	} `json:"findings"`
	Coverage []struct {
		Rule   string `json:"rule"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	} `json:"coverage"`
}

// analyzeRaw runs the analyze command over a folder of raw logs with the
// profile (a built-in name or a file) and returns its report.
func analyzeRaw(t *testing.T, profile, dir string, tz *time.Location) *engineReport {
	t.Helper()
	cmd := exec.Command(analyzeCmd(t), "--profile", profile, "--timezone", tz.String(), "--format", "json", dir)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("analyze: %v: %s", err, errb.String())
	}
	var rep engineReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("analyze output: %v\n%s", err, profiletest.LastLines(out.String(), 5))
	}
	return &rep
}

// headerTime is the time samhain wrote in a line (plain [..] or XML tstamp).
var headerTime = regexp.MustCompile(`\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4})\]|tstamp="(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d[+-]\d{4})"`)

func wantTime(t *testing.T, line string) (time.Time, bool) {
	m := headerTime.FindStringSubmatch(line)
	if m == nil {
		return time.Time{}, false
	}
	s := m[1]
	if s == "" {
		s = m[2] + "T" + m[3]
	}
	tm, err := time.Parse("2006-01-02T15:04:05-0700", s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return tm, true
}

// checkProbe: the probe quoted want lines, each with the time in its text;
// no other finding was made and no rule failed.
func checkProbe(t *testing.T, rep *engineReport, want int, allowed ...string) {
	t.Helper()
	found := false
	for _, f := range rep.Findings {
		if slices.Contains(allowed, f.ID) {
			continue
		}
		if f.ID != "samhain.test-probe" {
			t.Errorf("unexpected finding %s: %s", f.ID, f.Title)
			continue
		}
		found = true
		if f.Count != want {
			t.Errorf("probe matched %d lines, want %d", f.Count, want)
		}
		for _, e := range f.Evidence {
			tm, ok := wantTime(t, e.Text)
			if !ok {
				continue
			}
			if e.Time == nil || !e.Time.Equal(tm) {
				t.Errorf("%s:%d: engine time %v, the line says %v: %q", e.File, e.Line, e.Time, tm, e.Text)
			}
		}
	}
	for _, c := range rep.Coverage {
		if c.Status == "error" {
			t.Errorf("rule %s failed: %s", c.Rule, c.Reason)
		}
	}
	if !found {
		t.Fatalf("the probe found no line (want %d)", want)
	}
}

// TestSamhainRealBinaryEngine feeds what the real samhain wrote (its signed
// log file, and its syslog lines as rsyslog stores them) to the engine as
// raw logs with --profile samhain: every entry gets the time samhain wrote,
// and no rule fires on a healthy run.
func TestSamhainRealBinaryEngine(t *testing.T) {
	real := runRealSamhain(t)
	raw := t.TempDir()
	if err := os.WriteFile(filepath.Join(raw, "samhain_log"), real.log, 0o644); err != nil {
		t.Fatal(err)
	}
	sysRe := regexp.MustCompile(`^<\d+>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (.*)$`)
	var sys strings.Builder
	for _, d := range real.syslog {
		if m := sysRe.FindStringSubmatch(d); m != nil {
			sys.WriteString(m[1] + " web01 " + m[2] + "\n")
		}
	}
	// named after the collect item, so the engine maps it to commands/syslog-samhain.out
	if err := os.WriteFile(filepath.Join(raw, "syslog-samhain.txt"), []byte(sys.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	entries := 0
	for _, l := range strings.Split(string(real.log), "\n") {
		if samhainHeader.MatchString(l) {
			entries++
		}
	}
	p := probeProfile(t, `"files/**/samhain_log*"`, `^(?:ALERT|CRIT|ERROR|WARN|NOTICE|INFO|MARK)\s+:\s+\[`)
	rep := analyzeRaw(t, p, raw, time.Local)
	// the check reports what the test changed, as it should
	checkProbe(t, rep, entries, "samhain.policy-alerts", "samhain.file-changed")
	var ids []string
	for _, f := range rep.Findings {
		ids = append(ids, f.ID)
	}
	for _, id := range []string{"samhain.policy-alerts", "samhain.file-changed"} {
		if !slices.Contains(ids, id) {
			t.Errorf("no %s for the files the test changed: %v", id, ids)
		}
	}

	// the syslog copy: its own time (syslog format, local time of the host
	// that wrote it, which is this one)
	p = probeProfile(t, `"commands/**"`, `Samhain\[\d+\]: `)
	rep = analyzeRaw(t, p, raw, time.Local)
	checkProbe(t, rep, len(real.syslog), "samhain.policy-alerts", "samhain.file-changed")
	for _, e := range rep.Findings[len(rep.Findings)-1].Evidence {
		if e.File != "commands/syslog-samhain.out" {
			t.Errorf("syslog line read from %s, want commands/syslog-samhain.out", e.File)
		}
	}
}
