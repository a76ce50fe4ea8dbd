package profiles_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"casefile/analyze/report"
	"casefile/internal/testenv"
	"casefile/profiles/profiletest"
)

// The sms profile's patterns against the lines they are written for: the
// document's message texts as the fake hosts write them, and the near
// misses (stack frames, "Caused by", passed health checks) they must skip.

func TestSMSRulePatterns(t *testing.T) {
	p := profiletest.Load(t, "sms")
	cases := []struct {
		rule, label string // label: the pattern that must match ("" any)
		line        string
		want        map[string]string // nil: no pattern of the rule may match
	}{
		{"sms.ha-failed", "", "2017-10-12 02:21:09 INFO  [hamon] Local state: Failed", map[string]string{}},
		{"sms.ha-failed", "", "2017-10-12 02:21:09 INFO  [hamon] Local state: active", nil},
		{"sms.ha-failed", "", "2017-10-12 02:30:01 INFO  [hamon] Cluster status: role Failed, peer sms-nyc-b (10.40.1.12) active", nil},
		{"sms.passive-takeover", "considering", "2017-10-12 02:13:03 WARN  [hamon] Peer 10.40.1.11 missed 3 consecutive heartbeats, considering cluster takeover", map[string]string{}},
		{"sms.passive-takeover", "restart", "2017-10-12 02:13:40 WARN  [hamon] Peer health checks failed (heartbeat, jboss), attempting to restart active system 10.40.1.11", map[string]string{}},
		{"sms.heartbeat-loss", "", "2017-10-16 03:41:17 WARN  [heartbeat] No heartbeat from peer 10.55.0.12 in 60 s (1 of 3)", map[string]string{}},
		{"sms.heartbeat-loss", "", "2017-10-12 02:11:02 WARN  [heartbeat] No heartbeat reply from peer 10.40.1.11 (1 of 3)", map[string]string{}},
		{"sms.heartbeat-loss", "", "2017-10-16 04:00:02 INFO  [heartbeat] Heartbeats in the last 60 min: sent 60, answered 57, missed 3, mean round trip 1 ms (eth1)", nil},
		{"sms.heartbeat-loss", "", "2017-10-15 14:22:09 INFO  [heartbeat] Heartbeat from peer 10.55.0.11 received again after 2 missed", nil},
		{"sms.heartbeat-loss", "", "2017-10-01 04:05:01 INFO  [hamon] Heartbeat every 60 s to 10.55.0.12 on eth1 (private), fallback eth0 (public); takeover after 3 missed", nil},
		{"sms.ha-degraded", "", "2017-10-11 13:32:10 WARN  [hamon] DEGRADED HA: database replication to peer 10.60.0.12 is not current (812 s behind)", map[string]string{}},
		{"sms.java-heap", "", "2017-10-12 10:02:13,004 ERROR [STDERR] Exception in thread \"DeviceEventPoller-5\" java.lang.OutOfMemoryError: Java heap space", map[string]string{"kind": "Java heap space"}},
		{"sms.java-heap", "", "java.lang.OutOfMemoryError: GC overhead limit exceeded", map[string]string{"kind": "GC overhead limit exceeded"}},
		{"sms.java-heap", "", "java.lang.OutOfMemoryError", map[string]string{"kind": ""}},
		{"sms.database", "crashed_table", "171010  3:12:44 [ERROR] /usr/sbin/mysqld: Table './sms/EVENT_HISTORY' is marked as crashed and should be repaired", map[string]string{"table": "./sms/EVENT_HISTORY"}},
		{"sms.database", "crash", "03:12:51 UTC - mysqld got signal 11 ;", map[string]string{"signal": "11"}},
		{"sms.database", "restart", "171010 03:12:52 mysqld_safe mysqld restarted", map[string]string{}},
		{"sms.database", "", "171010 03:12:52 mysqld_safe Number of processes running now: 0", nil},
		{"sms.database", "disk_full", "2017-10-11 13:18:44 1764 [ERROR] /usr/sbin/mysqld: Disk is full writing './mysql-bin.000871' (Errcode: 28 - No space left on device). Waiting for someone to free space...", map[string]string{}},
		{"sms.database", "", "2017-10-09 23:06:42 1902 [Note] InnoDB: Database was not shut down normally!", nil},
		{"sms.database", "corruption", "2017-10-03 04:00:11 1911 [ERROR] InnoDB: Database page corruption on disk or a failed file read of page 3381.", map[string]string{}},
		{"sms.database", "", "or one of the libraries it was linked against is corrupt, improperly built,", nil},
		{"sms.exceptions", "", "java.sql.SQLException: Error writing file '/tmp/MYfd=40' (Errcode: 28 - No space left on device)", map[string]string{"exception": "java.sql.SQLException", "caused": ""}},
		{"sms.exceptions", "", "com.mysql.jdbc.exceptions.jdbc4.CommunicationsException: Communications link failure", map[string]string{"exception": "com.mysql.jdbc.exceptions.jdbc4.CommunicationsException"}},
		{"sms.exceptions", "", "2017-10-12 02:06:30,118 ERROR [DeviceEventPoller-4] com.tippingpoint.sms.device.EventPoller - Event retrieval failed: java.net.SocketTimeoutException: Read timed out", map[string]string{"exception": "java.net.SocketTimeoutException"}},
		{"sms.exceptions", "", "Caused by: java.net.SocketTimeoutException: Read timed out", map[string]string{"caused": "Caused by: "}},
		{"sms.exceptions", "", "\tat com.mysql.jdbc.SQLError.createSQLException(SQLError.java:965)", nil},
		{"sms.exceptions", "", "\tat com.tippingpoint.sms.ExceptionHandler.handle(ExceptionHandler.java:12)", nil},
		{"sms.exceptions", "", "2017-10-11 00:09:52,686 INFO  [http-0.0.0.0-443-1] com.tippingpoint.sms.auth.LoginService - User 'secadmin' logged in", nil},
	}
	for _, c := range cases {
		got, ok := profiletest.MatchAny(profiletest.Matchers(t, p, c.rule, c.label), c.line)
		if c.want == nil {
			if ok {
				t.Errorf("%s matched %q (%v), want no match", c.rule, c.line, got)
			}
			continue
		}
		if !ok {
			t.Errorf("%s (label %q) did not match %q", c.rule, c.label, c.line)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s on %q: %s = %q, want %q", c.rule, c.line, k, got[k], v)
			}
		}
	}
}

func TestSMSFactPatterns(t *testing.T) {
	p := profiletest.Load(t, "sms")
	cases := []struct {
		fact string
		line string
		want map[string]string // nil: must not match
	}{
		{"ha_state_file", "active\n", map[string]string{"value": "active"}},
		{"ha_state_file", "Un-configured", map[string]string{"value": "Un-configured"}},
		{"ha_state_file", "state=passive", map[string]string{"value": "passive"}},
		{"local_states", "2017-10-09 07:41:14 INFO  [hamon] Local state: synchronization-source", map[string]string{"value": "synchronization-source"}},
		{"local_states", "Local state: Failed", map[string]string{"value": "Failed"}},
		{"unclean_shutdown", "2017-10-09 23:07:56 WARN  [hamon] HA was not shut down properly (clean-shutdown marker missing)", map[string]string{}},
		{"unclean_shutdown", "2017-10-09 23:06:42 1902 [Note] InnoDB: Starting crash recovery.", map[string]string{}},
		{"unclean_shutdown", "or one of the libraries it was linked against is corrupt, improperly built,", nil},
		{"peer_fail_request", "2017-10-12 02:21:08 WARN  [hamon] Peer 10.40.1.12 is active and requested this node to fail (avoiding active/active cluster)", map[string]string{}},
		{"peer_fail_request", "Peer asked this node to fail itself", map[string]string{}},
		{"local_health_failures", "2017-10-12 02:08:02,511 ERROR [HAHealthMonitor] com.tippingpoint.sms.ha.HealthMonitor - Local health check failed: jboss - application server did not answer within 30 s (1 of 3)", map[string]string{"check": "jboss"}},
		{"local_health_failures", "2017-10-12 02:00:02,511 INFO  [HAHealthMonitor] com.tippingpoint.sms.ha.HealthMonitor - Local health check passed: heartbeat, interface, database, jboss", nil},
		{"peer_health_failures", "2017-10-12 09:16:44,001 WARN  [HAHealthMonitor] com.tippingpoint.sms.ha.HealthMonitor - Peer health check failed: interface - 10.70.0.11 does not answer on eth0 or eth1", map[string]string{"check": "interface"}},
		{"peer_health_failures", "Peer health check passed: database - 10.40.1.11:3306 accepts connections", nil},
		{"ha_events", "2017-10-11 13:32:10 WARN  [hamon] DEGRADED HA: database replication", map[string]string{}},
		{"java_xmx", `   JAVA_OPTS="-server -Xms2048m -Xmx4096m -XX:MaxMetaspaceSize=512m"`, map[string]string{"value": "4096m"}},
		{"java_xmx", "2415 jboss 3871224 9120544 12-04:09:12 /usr/java/jdk1.8.0_131/bin/java -server -Xms2048m -Xmx4096m -XX:MaxMetaspaceSize=512m", map[string]string{"value": "4096m"}},
		{"disk_use", "/dev/mapper/vg0-var    380G  346G   34G  91% /var", map[string]string{"value": "91", "mount": "/var"}},
		{"disk_use", "Filesystem            Size  Used Avail Use% Mounted on", nil},
		{"mem_total", "MemTotal:       16330548 kB", map[string]string{"value": "16330548 kB"}},
	}
	for _, c := range cases {
		re := profiletest.FactPattern(t, p, c.fact)
		sub := re.FindStringSubmatch(c.line)
		if c.want == nil {
			if sub != nil {
				t.Errorf("fact %s matched %q, want no match", c.fact, c.line)
			}
			continue
		}
		if sub == nil {
			t.Errorf("fact %s did not match %q", c.fact, c.line)
			continue
		}
		for k, v := range c.want {
			i := re.SubexpIndex(k)
			if i < 0 || sub[i] != v {
				got := ""
				if i >= 0 {
					got = sub[i]
				}
				t.Errorf("fact %s on %q: %s = %q, want %q", c.fact, c.line, k, got, v)
			}
		}
	}
}

// TestSMSFakeHosts checks that every fake host holds what the profile
// collects at the default paths, and that every log line either starts
// with a timestamp the profile's log specs read or continues the record
// above it (stack frames, exception lines, crash dumps).
func TestSMSFakeHosts(t *testing.T) {
	root := filepath.Join("..", "testdata", "hosts", "sms")
	hosts, err := filepath.Glob(filepath.Join(root, "sms-*"))
	if err != nil || len(hosts) == 0 {
		t.Fatalf("no fake hosts under %s", root)
	}
	stamp := map[string]*regexp.Regexp{
		"ha.log":       regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d `),
		"sms-info.log": regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} `),
		"tpt_sms.txt":  regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} `),
	}
	cont := regexp.MustCompile(`^(\t| |$|Caused by: |([a-z_$][\w$]*\.)+[A-Z][\w$]*(Exception|Error)\b|The last packet)`)
	for _, h := range hosts {
		for _, rel := range []string{"etc/hostname", "etc/ha.state", "var/log/tippingpoint/ha.log",
			"var/log/tippingpoint/sms-info.log", "var/log/tippingpoint/tpt_sms.txt",
			"var/lib/mysql/dbdatadir/mysqld.err", "proc/meminfo", "bin/ip", "bin/df", "bin/ps", "bin/free"} {
			if _, err := os.Stat(filepath.Join(h, rel)); err != nil {
				t.Errorf("%s: %v", filepath.Base(h), err)
			}
		}
		logs, _ := filepath.Glob(filepath.Join(h, "var/log/tippingpoint/*"))
		for _, f := range logs {
			base := filepath.Base(f)
			var re *regexp.Regexp
			for prefix, r := range stamp {
				if strings.HasPrefix(base, prefix) {
					re = r
				}
			}
			if re == nil {
				continue
			}
			smsLines(t, f, func(n int, line string) {
				if !re.MatchString(line) && !cont.MatchString(line) {
					t.Errorf("%s:%d: neither a timestamped record nor a continuation: %q", f, n, line)
				}
			})
		}
	}
}

func smsLines(t *testing.T, path string, fn func(int, string)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		r = z
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		fn(n, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestSMSGoldenRedacted checks that the data-source password planted in
// sms-dal-1's sms-info.log never reaches the golden report, and that the
// bundle says it was redacted (the per-item counts are the collector's
// manifest's, no longer in the analyzer's case goldens).
func TestSMSGoldenRedacted(t *testing.T) {
	path := filepath.Join("..", "testdata", "cases", "sms", "mysqld-crash", "report.golden.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no golden report yet: %v", err)
	}
	if strings.Contains(string(data), "Tp5ecret42") {
		t.Errorf("%s holds the planted password", path)
	}
	if !regexp.MustCompile(`"redacted": true`).Match(data) {
		t.Errorf("%s records no redaction for the planted password", path)
	}
}

// TestSMSCatalog keeps docs/profiles/sms.md in step with the profile: every
// rule is in the catalog table and every id the catalog names is a rule.
func TestSMSCatalog(t *testing.T) {
	p := profiletest.Load(t, "sms")
	data, err := os.ReadFile(filepath.Join("..", "docs", "profiles", "sms.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	ids := map[string]bool{}
	for _, r := range p.Analyze.Rules {
		ids[r.ID] = true
		if !strings.Contains(doc, "| `"+r.ID+"` |") {
			t.Errorf("rule %s is not in the catalog table of docs/profiles/sms.md", r.ID)
		}
	}
	for _, m := range regexp.MustCompile("`(sms\\.[a-z0-9-]+)`").FindAllStringSubmatch(doc, -1) {
		if !ids[m[1]] {
			t.Errorf("docs/profiles/sms.md names %s, which is not a rule of the profile", m[1])
		}
	}
}

// TestSMSGeneratorInStep regenerates the fake hosts and the raw upload into
// a temporary folder and compares them with the committed trees, so that
// nobody edits a log by hand and loses it at the next regeneration.
func TestSMSGeneratorInStep(t *testing.T) {
	py := testenv.Program(t, "python3", "python3")
	out := t.TempDir()
	cmd := exec.Command(py, filepath.Join("..", "testdata", "hosts", "sms", "gen.py"))
	cmd.Env = append(os.Environ(), "SMS_GEN_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen.py: %v\n%s", err, b)
	}
	for _, pair := range [][2]string{
		{filepath.Join(out, "hosts"), filepath.Join("..", "testdata", "hosts", "sms")},
		{filepath.Join(out, "raw"), filepath.Join("..", "testdata", "raw", "sms")},
	} {
		gen, repo := pair[0], pair[1]
		err := filepath.WalkDir(gen, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(gen, path)
			want, _ := os.ReadFile(path)
			got, err := os.ReadFile(filepath.Join(repo, rel))
			if err != nil {
				t.Errorf("%s: generated but not committed (%v)", rel, err)
				return nil
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from what gen.py writes: run python3 testdata/hosts/sms/gen.py", filepath.Join(repo, rel))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func smsCoverage(rep *report.Report, rule string) string {
	for _, c := range rep.Coverage {
		if c.Rule == rule {
			if c.Reason != "" {
				return c.Status + " (" + c.Reason + ")"
			}
			return c.Status
		}
	}
	return ""
}

// TestSMSHeapSettingsOneSource: java_xmx reads the JBoss configuration
// when it is there, else the process table, never both; neither there is
// normal (optional) and does not make sms.java-heap partial.
func TestSMSHeapSettingsOneSource(t *testing.T) {
	oom := "2017-10-12 10:02:13,004 ERROR [STDERR] Exception in thread \"DeviceEventPoller-5\" java.lang.OutOfMemoryError: Java heap space\n"
	conf := "if [ \"x$JAVA_OPTS\" = \"x\" ]; then\n   JAVA_OPTS=\"-server -Xms2048m -Xmx4096m\"\nfi\n"
	ps := "  PID USER       RSS    VSZ     ELAPSED COMMAND\n 2415 jboss   3871224 9120544 02:09:12 /usr/java/jdk1.8.0_131/bin/java -server -Xms2048m -Xmx8192m org.jboss.Main -c default\n"
	for _, c := range []struct {
		name     string
		files    map[string]string
		want     string // in the remedy
		wantFrom string // the cited -Xmx line's member ("" none)
	}{
		{"config and process table", map[string]string{"run.conf": conf, "java-processes.txt": ps}, "Java heap limit 4096m", "files/run.conf"},
		{"process table only", map[string]string{"java-processes.txt": ps}, "Java heap limit 8192m", "commands/java-processes.out"},
		{"neither", map[string]string{}, "Java heap limit not visible", ""},
	} {
		c.files["sms-info.log"] = oom
		c.files["ha.log"] = "2017-10-12 02:05:00 INFO  [hamon] Local state: active\n"
		rep := profiletest.Analyze(t, "sms", time.UTC, profiletest.RawDir(t, c.files))
		fs := profiletest.Findings(rep, "sms.java-heap")
		if len(fs) != 1 {
			t.Fatalf("%s: want one sms.java-heap finding:%s", c.name, profiletest.List(rep))
		}
		if !strings.Contains(fs[0].Remedy, c.want) {
			t.Errorf("%s: remedy does not say %q: %s", c.name, c.want, fs[0].Remedy)
		}
		var from []string
		for _, e := range fs[0].Evidence {
			if strings.Contains(e.Text, "-Xmx") {
				from = append(from, e.File)
			}
		}
		if c.wantFrom == "" && len(from) > 0 || c.wantFrom != "" && (len(from) != 1 || from[0] != c.wantFrom) {
			t.Errorf("%s: -Xmx cited from %v, want only %q", c.name, from, c.wantFrom)
		}
		if got := smsCoverage(rep, "sms.java-heap"); got != report.CoverageRan {
			t.Errorf("%s: sms.java-heap coverage %q, want ran (heap settings and memory are optional)", c.name, got)
		}
	}
}

// TestSMSStandaloneApplies: the HA rules apply unless the node is a
// standalone SMS: it says Un-configured and no retained line shows it in a
// cluster. A node that left a cluster (HA disabled after trouble) keeps
// its HA history analyzed, and a node whose state is unknown is not taken
// for standalone.
func TestSMSStandaloneApplies(t *testing.T) {
	haRules := []string{"sms.ha-failed", "sms.passive-takeover", "sms.heartbeat-loss", "sms.ha-degraded", "sms.active-active",
		"sms.no-active-node", "sms.one-node-only", "sms.no-incident-time"}
	for _, c := range []struct {
		name, halog string
		applies     bool
		want        []profiletest.Want
		absent      []string
	}{
		{"standalone",
			"2017-10-13 02:05:00 INFO  [hamon] HA service starting on sms-lab-1 (standalone)\n" +
				"2017-10-13 02:05:02 INFO  [hamon] Local state: Un-configured\n",
			false, []profiletest.Want{{ID: "sms.ha-state", Title: "Un-configured (standalone SMS)"}}, haRules},
		{"HA disabled after a failure",
			"2017-10-12 02:05:00 INFO  [hamon] Local state: active\n" +
				"2017-10-12 02:21:09 INFO  [hamon] Local state: Failed\n" +
				"2017-10-12 04:40:00 INFO  [hamon] Local state: Un-configured\n",
			true, []profiletest.Want{{ID: "sms.ha-failed"}, {ID: "sms.ha-state", Title: "Un-configured"}}, []string{"sms.one-node-only"}},
		{"state unknown",
			"2017-10-13 02:05:00 INFO  [hamon] HA service starting on sms-x (primary)\n",
			true, nil, []string{"sms.ha-state"}},
	} {
		rep := profiletest.Analyze(t, "sms", time.UTC, profiletest.RawDir(t, map[string]string{"ha.log": c.halog}))
		profiletest.Check(t, c.name, rep, c.want, c.absent)
		for _, id := range haRules {
			na := strings.HasPrefix(smsCoverage(rep, id), report.CoverageNotApplicable)
			if na == c.applies {
				t.Errorf("%s: %s coverage %q", c.name, id, smsCoverage(rep, id))
			}
		}
		for _, f := range profiletest.Findings(rep, "sms.ha-state") {
			if strings.Contains(f.Title, "standalone") == c.applies {
				t.Errorf("%s: ha-state title %q", c.name, f.Title)
			}
		}
	}
}

// TestSMSHeapConsoleOptional: sms.java-heap reads sms-info.log and
// tpt_sms.txt; the console output is a second source (optional) whose
// absence leaves the rule ran, while a missing sms-info.log makes it
// partial even when tpt_sms.txt shows the error.
func TestSMSHeapConsoleOptional(t *testing.T) {
	ha := "2017-10-12 02:05:00 INFO  [hamon] Local state: active\n"
	info := "2017-10-12 10:01:12,004 ERROR [DeviceEventPoller-2] com.tippingpoint.sms.device.EventPoller - Event retrieval aborted\njava.lang.OutOfMemoryError: GC overhead limit exceeded\n"
	tpt := "2017-10-12 10:02:13,004 ERROR [STDERR] Exception in thread \"DeviceEventPoller-5\" java.lang.OutOfMemoryError: Java heap space\n"
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"server log only", map[string]string{"ha.log": ha, "sms-info.log": info}, report.CoverageRan},
		{"both", map[string]string{"ha.log": ha, "sms-info.log": info, "tpt_sms.txt": tpt}, report.CoverageRan},
		{"console only", map[string]string{"ha.log": ha, "tpt_sms.txt": tpt}, report.CoveragePartial},
	} {
		rep := profiletest.Analyze(t, "sms", time.UTC, profiletest.RawDir(t, c.files))
		profiletest.Check(t, c.name, rep, []profiletest.Want{{ID: "sms.java-heap", Severity: "critical"}}, nil)
		if got := smsCoverage(rep, "sms.java-heap"); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: sms.java-heap coverage %q, want %s", c.name, got, c.want)
		}
	}
}

// TestSMSHeartbeatLoss: sms.heartbeat-loss counts one line per missed
// heartbeat (not the line that sums them up), needs three within five
// minutes, and leaves misses that a takeover followed to
// sms.passive-takeover.
func TestSMSHeartbeatLoss(t *testing.T) {
	miss := func(ts string, k int) string {
		return "2017-10-16 " + ts + " WARN  [heartbeat] No heartbeat from peer 10.55.0.12 in 60 s (" + string(rune('0'+k)) + " of 3)\n"
	}
	three := miss("03:41:17", 1) + miss("03:42:17", 2) + miss("03:43:18", 3)
	state := "2017-10-01 04:05:04 INFO  [hamon] Local state: active\n"
	for _, c := range []struct {
		name, halog string
		fires       bool
	}{
		{"three in a row", state + three, true},
		{"two in a row and their summary", state + miss("03:41:17", 1) + miss("03:42:17", 2) +
			"2017-10-16 03:42:18 WARN  [hamon] Peer 10.55.0.12 missed 2 consecutive heartbeats\n", false},
		{"three, eleven minutes apart", state + miss("03:30:17", 1) + miss("03:41:17", 1) + miss("03:52:17", 1), false},
		{"three in a row, then a takeover", "2017-10-01 04:05:04 INFO  [hamon] Local state: passive\n" + three +
			"2017-10-16 03:43:19 WARN  [hamon] Peer 10.55.0.12 missed 3 consecutive heartbeats, considering cluster takeover\n", false},
	} {
		rep := profiletest.Analyze(t, "sms", time.UTC, profiletest.RawDir(t, map[string]string{"ha.log": c.halog}))
		got := profiletest.Findings(rep, "sms.heartbeat-loss")
		if (len(got) > 0) != c.fires {
			t.Errorf("%s: %d sms.heartbeat-loss findings, want fires=%v\n%s", c.name, len(got), c.fires, profiletest.List(rep))
		}
		if len(got) > 0 && got[0].Count != 3 {
			t.Errorf("%s: count %d, want 3 (one per missed heartbeat)", c.name, got[0].Count)
		}
	}
}
