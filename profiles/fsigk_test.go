package profiles_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"casefile/collect"
	"casefile/profiles"
	"casefile/profiles/profiletest"
)

// fsigkMessages are the error-log messages of the source document, one per
// family, with invented field values, in the line layout the profile
// assumes (docs/profiles/fsigk.md). Each must be found by its rule, and by
// no other rule's main pattern.
var fsigkMessages = map[string][]string{
	"fsigk.port-in-use":     {`1709076662.137 [2024/02/28 08:31:02 25 -] CRITICAL [main/bind_port] bind=Address already in use(98) (addr=0.0.0.0, port=25). # Please check whether other service(mail/web server,etc...) is already running on port 25.`},
	"fsigk.max-connections": {`1709078530.137 [2024/02/28 09:02:10 9080 -] WARNING [main/accept_loop] Maximum connections: warning: Client connections reached maximum connections(200). More request will be blocked/rejected. If there is many warnings, please increase 'Maximum Connections' settings(pre_spawn value of virusgw.ini) of this service. (400 will be good value as start line).`},
	"fsigk.admin-mail": {
		`WARNING [notify] getaddrinfo failed. admin_mx_host=[mailhub.example] admin_mx_port=[25] gai_strerror=[Name or service not known]`,
		`WARNING [notify] connect=Connection refused(111) cannot connect to admin mail server[192.0.2.25:2525]`,
	},
	"fsigk.smtp-reply": {
		`WARNING [notify] smtp error: RCPT TO line: buf=[550 5.1.1 <admin@example.com>: Recipient address rejected] (expected 250)`,
		`WARNING [notify] [Block]:smtp error:[RCPT TO]: buf=[554 5.7.1 Relay access denied]`,
	},
	"fsigk.semaphores":       {`CRITICAL [main] semget=No space left on device(28) semget failure. Childnum(pre_spawn=400) may be large. If needed, maximum semaphore number(SEMMNI) can be increased by adding a line like 'kernel.sem=250 128000 32 512' in '/etc/sysctl.conf' and running 'sysctl -p'.`},
	"fsigk.sendfile-timeout": {`WARNING [http] sendfile timeout: No data can be sent for 120 seconds. There may be a temporary network problem between receiver. / URL=[http://example.com/a.iso], n=40, written=3145728, filelen=12586084, writesize=65536`},
	"fsigk.large-header":     {`WARNING [http] Too large header (>17408) ignored. URL=[http://example.com/]`},
	"fsigk.tmp-space":        {`CRITICAL [main] not enough disk space in temporary directory [/opt/f-secure/fsigk/tmp]. (2912 kB free?)(ret=-1)`},
	"fsigk.realtime-scan":    {`CRITICAL [main] Realtime virus scan seems to be enabled. Please stop realtime virus scan, or exclude scanning for temporary directory(/opt/f-secure/fsigk/tmp)`},
	"fsigk.ftp-noop":         {`WARNING [ftp] NOOP command reply error [421 Timeout.]`},
	"fsigk.open-files":       {`CRITICAL [main] accept=Too many open files in system(23) accept failed`},
	"fsigk.tmpfile-missing":  {`WARNING [http] open=No such file or directory(2) cannot open temporary file`},
	"fsigk.tproxy":           {`CRITICAL [main] Cannot find tproxy(version2) interface. Tproxy kernel patch is required. Please apply the tproxy patch and check that "/proc/net/tproxy" exists. Please see document for "transparent_tproxy" settings for details.`},
	"fsigk.engine-load":      {`WARNING [fsav] vsc_start() error`},
	"fsigk.core-dump":        {`WARNING [main] core dumped(child proxy process). Please send core file(core or core.xxx) on the installation directory and diag.tar.gz to support center. (child=14,sig=17[SIGCHLD],si_code=3[CLD_DUMPED],status=11(Segmentation fault),childid=14,cur_pid=2304,pid=23817)`},
	"fsigk.accept-reset":     {`WARNING [main] accept=Connection reset by peer(104) main/accept_loop/accept(s=5)`},
	"fsigk.license-expired":  {`CRITICAL [license] LICENSE_ERROR#ret=-1#msg=License Expired`},
	"fsigk.spam-db": {
		`WARNING [spam] Commtouch database error: Initial database update may be on going. Wait a moment. (dlopen(/databases/commtouchunix.0/libfsasd-lnx32.so) failed. dlerror(): ./databases/commtouchunix.0/libfsasd-lnx32.so: cannot open shared object file: No such file or directory)`,
		`WARNING [spam] Commtouch database error: Initial database update may be on going. Wait a moment. (FsasFunctionsInitialize failed.)`,
	},
	"fsigk.fsasd-down": {`WARNING [spam] fsas_open_session(/fsasd-socket) failed.`},
	"fsigk.fsavd-down": {`WARNING [fsav] fsav_open_session: Cannot connect to fsavd's socket(/fsavd-socket-0). fsavd may be not running. Please run 'rc.fsigk_fsavd restart' to restart fsavd.`},
}

// TestFsigkMessagesReachTheirRule: every message family of the document is
// recognised by its own rule and by no other.
func TestFsigkMessagesReachTheirRule(t *testing.T) {
	p := profiletest.Load(t, "fsigk")
	for id, lines := range fsigkMessages {
		own := profiletest.Matchers(t, p, id, "")
		for _, line := range lines {
			if _, ok := profiletest.MatchAny(own, line); !ok {
				t.Errorf("%s does not match its message: %s", id, line)
			}
			for _, r := range p.Analyze.Rules {
				if r.ID == id || r.Match == nil {
					continue
				}
				if _, ok := profiletest.MatchAny(profiletest.Matchers(t, p, r.ID, ""), line); ok {
					t.Errorf("%s also matches the %s message: %s", r.ID, id, line)
				}
			}
		}
	}
}

// TestFsigkServicePortCapture: with the assumed line prefix the rules
// learn the service port (sport) and keep the message's own fields.
func TestFsigkServicePortCapture(t *testing.T) {
	p := profiletest.Load(t, "fsigk")
	res := profiletest.Matchers(t, p, "fsigk.max-connections", "")
	line := fsigkMessages["fsigk.max-connections"][0]
	got, ok := profiletest.MatchAny(res, line)
	if !ok {
		t.Fatal("no match")
	}
	if got["sport"] != "9080" || got["maxconn"] != "200" || got["suggest"] != "400" || got["level"] != "WARNING" {
		t.Errorf("captures = %v", got)
	}
	// Without the prefix (a line pasted from a mail) the message still matches.
	bare := line[strings.Index(line, "Maximum connections"):]
	if got, ok := profiletest.MatchAny(res, bare); !ok || got["maxconn"] != "200" {
		t.Errorf("bare message not matched: %q", bare)
	}
}

// TestFsigkServiceFromLogFolder: the service is the log's folder
// (log/<service>/error.log, file_pattern), also for lines without the
// port prefix; a flat error.log is still read, without a service.
func TestFsigkServiceFromLogFolder(t *testing.T) {
	p := profiletest.Load(t, "fsigk")
	fp := profiletest.Rule(t, p, "fsigk.core-dump").Match.Any[0].FilePattern
	if fp == nil {
		t.Fatal("fsigk.core-dump has no file_pattern")
	}
	for path, want := range map[string]string{
		"files/opt/f-secure/fsigk/log/smtp/error.log":      "smtp",
		"files/opt/f-secure/fsigk/log/http/error.log.2.gz": "http",
		"files/error.log":     "",
		"files/log/error.log": "",
	} {
		m := fp.Re.FindStringSubmatch(path)
		if m == nil {
			t.Errorf("%s: not read at all", path)
			continue
		}
		if got := m[fp.Re.SubexpIndex("service")]; got != want {
			t.Errorf("%s: service %q, want %q", path, got, want)
		}
	}

	// Two services' logs, pasted without the port prefix: one core-dump
	// finding per service, named from the folder.
	dir := t.TempDir()
	crash := "WARNING [main/sig_child] core dumped(child proxy process). Please send core file(core or core.xxx) on the installation directory and diag.tar.gz to support center. (child=3,sig=17[SIGCHLD],si_code=3[CLD_DUMPED],status=11(Segmentation fault),childid=3,cur_pid=2304,pid=%d)\n"
	for svc, pid := range map[string]int{"http": 4100, "smtp": 4200} {
		if err := os.MkdirAll(filepath.Join(dir, "log", svc), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "log", svc, "error.log"), []byte(fmt.Sprintf(crash, pid)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep := profiletest.Analyze(t, "fsigk", time.UTC, dir)
	profiletest.Check(t, "two service folders", rep, []profiletest.Want{
		{ID: "fsigk.core-dump", Title: "HTTP proxy process crashed"},
		{ID: "fsigk.core-dump", Title: "SMTP proxy process crashed"},
	}, nil)
	if n := len(profiletest.Findings(rep, "fsigk.core-dump")); n != 2 {
		t.Errorf("%d core-dump findings, want 2:%s", n, profiletest.List(rep))
	}
}

// TestFsigkTproxyApplies: fsigk.tproxy concerns services set to
// transparent_tproxy=yes. Without virusgw.ini (a bare error.log) it runs;
// with virusgw.ini it runs only where a service uses tproxy.
func TestFsigkTproxyApplies(t *testing.T) {
	line := "1709078635.137 [2024/02/28 09:03:55 9080 -] " + fsigkMessages["fsigk.tproxy"][0] + "\n"
	for _, c := range []struct {
		name, ini string
		applies   bool
	}{
		{"no virusgw.ini", "", true},
		{"tproxy on", "[http]\nport=9080\ntransparent_tproxy=yes\n", true},
		{"tproxy off", "[http]\nport=9080\ntransparent_tproxy=no\n", false},
	} {
		dir := profiletest.RawLog(t, "error.log", line)
		if c.ini != "" {
			if err := os.WriteFile(filepath.Join(dir, "virusgw.ini"), []byte(c.ini), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		rep := profiletest.Analyze(t, "fsigk", time.UTC, dir)
		status := ""
		for _, cv := range rep.Coverage {
			if cv.Rule == "fsigk.tproxy" {
				status = string(cv.Status)
			}
		}
		if c.applies {
			profiletest.Check(t, c.name, rep, []profiletest.Want{{ID: "fsigk.tproxy", Severity: "critical"}}, nil)
			if status == "not_applicable" {
				t.Errorf("%s: coverage %s", c.name, status)
			}
		} else {
			profiletest.Check(t, c.name, rep, nil, []string{"fsigk.tproxy"})
			if status != "not_applicable" {
				t.Errorf("%s: coverage %q, want not_applicable", c.name, status)
			}
		}
	}
}

// TestFsigkCatalogMatchesProfile keeps docs/profiles/fsigk.md and the
// profile's rules in step, both ways.
func TestFsigkCatalogMatchesProfile(t *testing.T) {
	p := profiletest.Load(t, "fsigk")
	doc, err := os.ReadFile(filepath.Join("..", "docs", "profiles", "fsigk.md"))
	if err != nil {
		t.Fatal(err)
	}
	inTable := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(fsigk\\.[a-z0-9-]+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		inTable[m[1]] = true
	}
	sections := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^### (fsigk\.[a-z0-9-]+)\s*$`).FindAllStringSubmatch(string(doc), -1) {
		sections[m[1]] = true
	}
	inProfile := map[string]bool{}
	for _, r := range p.Analyze.Rules {
		inProfile[r.ID] = true
		if !inTable[r.ID] {
			t.Errorf("rule %s is not in the catalog table of docs/profiles/fsigk.md", r.ID)
		}
		if !sections[r.ID] {
			t.Errorf("rule %s has no ### section in docs/profiles/fsigk.md", r.ID)
		}
	}
	for id := range inTable {
		if !inProfile[id] {
			t.Errorf("docs/profiles/fsigk.md lists %s, which the profile does not have", id)
		}
	}
}

// TestFsigkKernelOrder pins the TurboLinux 10 comparison: tproxy needs
// kernel 2.6.8-5 or later.
func TestFsigkKernelOrder(t *testing.T) {
	for _, v := range []string{"2.6.8-3", "2.6.8-4", "2.6.7-12", "2.4.21-4"} {
		if profiles.CompareVersions(v, "2.6.8-5") >= 0 {
			t.Errorf("%s should be older than 2.6.8-5", v)
		}
	}
	for _, v := range []string{"2.6.8-5", "2.6.8-6", "2.6.9-1", "2.6.8-12"} {
		if profiles.CompareVersions(v, "2.6.8-5") < 0 {
			t.Errorf("%s should not be older than 2.6.8-5", v)
		}
	}
}

// TestFsigkRedactsConfig collects a fake host and checks that the licence
// key code and the web console password of fsigk.ini do not reach the
// bundle, while the settings the rules read do.
func TestFsigkRedactsConfig(t *testing.T) {
	root := filepath.Join(profiletest.RepoRoot(t), "testdata", "hosts", "fsigk", "igk-mail")
	ini := profiletest.Members(t, profiletest.Collect(t, "fsigk", root, nil))["files/opt/f-secure/fsigk/conf/fsigk.ini"]
	if ini == "" {
		t.Fatal("fsigk.ini is not in the bundle")
	}
	for _, secret := range []string{"Zq8#rT2mLw", "IGKL-4P7Q-XR2M-88KD-TW3N"} {
		if strings.Contains(ini, secret) {
			t.Errorf("fsigk.ini in the bundle still holds %q:\n%s", secret, ini)
		}
	}
	for _, keep := range []string{"admin_mx_host=192.0.2.25", "admin_mx_port=2525", "temp_dir=/opt/f-secure/fsigk/tmp"} {
		if !strings.Contains(ini, keep) {
			t.Errorf("fsigk.ini in the bundle lost %q:\n%s", keep, ini)
		}
	}
}

// TestFsigkCoresOversizeSkip: with include_cores=true a core file over the
// size cap is left out whole (oversize: skip), even one whose start looks
// like text and would otherwise keep its tail; the cores under the cap and
// the install-dir listing are stored, and the core-dump finding names the
// core that is missing and why.
func TestFsigkCoresOversizeSkip(t *testing.T) {
	src := filepath.Join(profiletest.RepoRoot(t), "testdata", "hosts", "fsigk", "igk-crash")
	root := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		dst := filepath.Join(root, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(root, "opt", "f-secure", "fsigk", "core.23817")
	if err := os.WriteFile(big, []byte(strings.Repeat("fsigk_http core image page\n", 8192)), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := collect.Run(context.Background(), collect.Options{
		Profile: profiletest.Load(t, "fsigk"), Root: root, Output: t.TempDir(), RootCommandsOnly: true,
		Set: map[string]string{"include_cores": "true"}, MaxFileSize: 64 << 10,
		Clock: func() time.Time { return profiletest.Clock },
	})
	if err != nil {
		t.Fatal(err)
	}
	members := profiletest.Members(t, res.Path)
	if b, ok := members["files/opt/f-secure/fsigk/core.23817"]; ok {
		t.Errorf("the core over the cap was stored (%d bytes)", len(b))
	}
	for _, m := range []string{"files/opt/f-secure/fsigk/core.24410", "commands/install-dir.out"} {
		if _, ok := members[m]; !ok {
			t.Errorf("%s is not in the bundle", m)
		}
	}
	tooLarge := false
	for _, it := range res.Manifest.Items {
		if it.ID != "cores" {
			continue
		}
		for _, st := range it.Stored {
			if strings.HasSuffix(st.Source, "/core.23817") && st.ErrorKind == "too_large" && st.Truncated == 0 {
				tooLarge = true
			}
		}
	}
	if !tooLarge {
		t.Errorf("the manifest does not record core.23817 as too_large")
	}
	rep := profiletest.Analyze(t, "", nil, res.Path)
	for _, f := range profiletest.Findings(rep, "fsigk.core-dump") {
		if strings.Contains(f.Title, "HTTP") && !strings.Contains(f.Explanation, "core.23817 is not in this bundle: over the size cap") {
			t.Errorf("core-dump does not name the core left out:\n%s", f.Explanation)
		}
	}
	profiletest.Check(t, "igk-crash, one core over the cap", rep, []profiletest.Want{{ID: "fsigk.core-dump", Severity: "critical"}}, nil)
}
