package profiles_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"casefile/collect"
	"casefile/profiles"
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

func fsigkProfile(t *testing.T) *profiles.Profile {
	t.Helper()
	p, err := profiles.Builtin("fsigk")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mainPatterns are a match rule's own patterns (not its also lines).
func mainPatterns(r profiles.Rule) []*regexp.Regexp {
	if r.Match == nil {
		return nil
	}
	var out []*regexp.Regexp
	if r.Match.Pattern != nil {
		out = append(out, r.Match.Pattern.Re)
	}
	for _, m := range r.Match.Any {
		if m.Pattern.Re != nil {
			out = append(out, m.Pattern.Re)
		}
	}
	return out
}

// TestFsigkMessagesReachTheirRule: every message family of the document is
// recognised by its own rule and by no other.
func TestFsigkMessagesReachTheirRule(t *testing.T) {
	p := fsigkProfile(t)
	rules := map[string]profiles.Rule{}
	for _, r := range p.Analyze.Rules {
		rules[r.ID] = r
	}
	for id, lines := range fsigkMessages {
		r, ok := rules[id]
		if !ok {
			t.Errorf("required rule %s is missing", id)
			continue
		}
		for _, line := range lines {
			hit := false
			for _, re := range mainPatterns(r) {
				if re.MatchString(line) {
					hit = true
				}
			}
			if !hit {
				t.Errorf("%s does not match its message: %s", id, line)
			}
			for other, or := range rules {
				if other == id {
					continue
				}
				for _, re := range mainPatterns(or) {
					if re.MatchString(line) {
						t.Errorf("%s also matches the %s message: %s", other, id, line)
					}
				}
			}
		}
	}
}

// TestFsigkServicePortCapture: with the assumed line prefix the rules
// learn the service port (sport) and keep the message's own fields.
func TestFsigkServicePortCapture(t *testing.T) {
	p := fsigkProfile(t)
	for _, r := range p.Analyze.Rules {
		if r.ID != "fsigk.max-connections" {
			continue
		}
		re := mainPatterns(r)[0]
		m := re.FindStringSubmatch(fsigkMessages[r.ID][0])
		if m == nil {
			t.Fatal("no match")
		}
		got := map[string]string{}
		for i, n := range re.SubexpNames() {
			if n != "" {
				got[n] = m[i]
			}
		}
		if got["sport"] != "9080" || got["maxconn"] != "200" || got["suggest"] != "400" || got["level"] != "WARNING" {
			t.Errorf("captures = %v", got)
		}
		// Without the prefix (a line pasted from a mail) the message still matches.
		line := fsigkMessages[r.ID][0][strings.Index(fsigkMessages[r.ID][0], "Maximum connections"):]
		if m := re.FindStringSubmatch(line); m == nil || m[re.SubexpIndex("maxconn")] != "200" {
			t.Errorf("bare message not matched: %q", line)
		}
	}
}

// TestFsigkCatalogMatchesProfile keeps docs/profiles/fsigk.md and the
// profile's rules in step, both ways.
func TestFsigkCatalogMatchesProfile(t *testing.T) {
	p := fsigkProfile(t)
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
	p := fsigkProfile(t)
	root, err := filepath.Abs(filepath.Join("..", "testdata", "hosts", "fsigk", "igk-mail"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := collect.Run(context.Background(), collect.Options{
		Profile: p, Root: root, Output: out, RootCommandsOnly: true,
		Clock: func() time.Time { return time.Date(2024, 2, 28, 3, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var ini string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(h.Name, "/files/opt/f-secure/fsigk/conf/fsigk.ini") {
			b, _ := io.ReadAll(tr)
			ini = string(b)
		}
	}
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
