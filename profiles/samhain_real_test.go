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
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// samhainHeader is samhain's plain log line header as the "samhain" time
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
	bin, err := exec.LookPath("samhain")
	if err != nil {
		t.Skip("samhain is not installed (Debian package samhain): cannot run the real binary")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: samhain's configuration path is compiled in, so the test mounts its own samhainrc over it in a private mount namespace")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("unshare(1) not found: cannot give samhain a private configuration")
	}
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
		t.Skipf("samhain refused to run in the sandbox (%v): %s", err, lastLines(stderr.String(), 8))
	}
	log, err := os.ReadFile(filepath.Join(state, "samhain_log"))
	if err != nil {
		t.Fatalf("samhain ran but wrote no log file: %v\n%s", err, lastLines(stderr.String(), 8))
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

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func TestSamhainRealBinary(t *testing.T) {
	real := runRealSamhain(t)
	p := samhainProfile(t)
	lines := strings.Split(string(real.log), "\n")

	// The on-disk log is signed: [SOF] at each start, a signature line
	// after every entry. Every other line must carry the header the
	// profile's "samhain" time format reads.
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
	if !shFactPattern(t, p, "has_client_log").Match(real.log) {
		t.Error("has_client_log does not recognise samhain's log")
	}
	se := shFactPattern(t, p, "start_exit")
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
		res := shRulePatterns(t, p, id, "")
		for i, l := range lines {
			if caps, ok := shMatchAny(res, l); ok {
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
			if caps, ok := shMatchAny(shRulePatterns(t, p, id, ""), line); ok {
				t.Errorf("%s matches healthy syslog line %q (%v)", id, line, caps)
			}
		}
	}

	// samhain's own warning when the node name has no FQDN is what the
	// profile reads as the client's view of its name (samhain-version.err).
	if strings.Contains(real.stderr, "cannot resolve this nodename to a FQDN") {
		warn := shFactPattern(t, p, "samhain_resolves_to")
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
