package ansible_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"casefile/internal/testenv"
	"casefile/internal/upload/uploadtest"
)

// note goes to every host as it is: quotes and $( ) reach collect untouched
// because the playbook runs it with an argv, never a shell.
const note = `WAN between the Amsterdam sites down since 09:14 UTC; "quotes", 'single' and $(no shell) {{ no template }}`

// hostResult is one entry of summary.json / dry-run.json.
type hostResult struct {
	Host     string   `json:"host"`
	Status   string   `json:"status"`
	Error    string   `json:"error"`
	Platform string   `json:"platform"`
	Bundle   string   `json:"bundle"`
	SHA256   string   `json:"sha256"`
	Size     int64    `json:"size"`
	Collect  string   `json:"collect"`
	Plan     []string `json:"plan"`
}

// lab is a set of sshd instances on 127.0.0.1, each a "host" with its own
// private folders, and an inventory naming them.
type lab struct {
	dir       string
	inventory string
	binDir    string
	analyze   string
	playbook  string
	env       []string
	// per inventory host: the folders the playbook may use on it
	tmpDirs map[string]string
}

// TestPlaybook runs deploy/ansible/collect.yml with the real
// ansible-playbook against three real sshd instances on 127.0.0.1 (the
// Amsterdam SMS HA pair and a TFST gateway proxy, each collect run on its
// own fake root), one host whose port nothing listens on and one whose
// profile does not exist. The bundles fetched are analyzed together; a
// second run with --check must only print plans. Neither run may leave
// anything on the hosts.
func TestPlaybook(t *testing.T) {
	l := newLab(t)

	t.Run("collect", func(t *testing.T) {
		fetch := filepath.Join(l.dir, "fetch")
		out := l.run(t, fetch, "CASE-20")
		results := readResults(t, filepath.Join(fetch, "CASE-20", "summary.json"))
		byHost := map[string]hostResult{}
		for _, r := range results {
			byHost[r.Host] = r
		}
		if len(results) != 5 || len(byHost) != 5 {
			t.Fatalf("summary.json has %d entries, want one per host (5):\n%+v", len(results), results)
		}
		var bundles []string
		for host, prefix := range map[string]string{"ams1": "sms-sms-ams-1-CASE-20-", "ams2": "sms-sms-ams-2-CASE-20-", "gwp": "tfst-dmzgwp06-CASE-20-"} {
			r := byHost[host]
			if r.Status != "ok" || r.Error != "" {
				t.Errorf("%s: status %q error %q, want ok", host, r.Status, r.Error)
				continue
			}
			if dir, name := filepath.Split(r.Bundle); filepath.Clean(dir) != filepath.Join(fetch, "CASE-20", host) ||
				!strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".tar.gz") {
				t.Errorf("%s: bundle %s, want %s/%s*.tar.gz", host, r.Bundle, filepath.Join(fetch, "CASE-20", host), prefix)
			}
			data, err := os.ReadFile(r.Bundle)
			if err != nil {
				t.Errorf("%s: %v", host, err)
				continue
			}
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != r.SHA256 || int64(len(data)) != r.Size {
				t.Errorf("%s: summary says sha256 %s size %d; the file has %x size %d", host, r.SHA256, r.Size, sum, len(data))
			}
			if !strings.Contains(r.Collect, r.SHA256) || r.Platform != runtime.GOOS+"-"+runtime.GOARCH {
				t.Errorf("%s: collect said %q (want the bundle's sha256 in it), platform %q", host, r.Collect, r.Platform)
			}
			bundles = append(bundles, r.Bundle)
		}
		// ssh's own words vary (refused, or a broken pipe when pipelining)
		if r := byHost["down"]; r.Status != "unreachable" || !strings.Contains(r.Error, "127.0.0.1") {
			t.Errorf("down: status %q error %q, want unreachable with Ansible's message naming the address", r.Status, r.Error)
		}
		if r := byHost["broken"]; r.Status != "failed" || !strings.Contains(r.Error, `collect: no built-in profile "no-such-profile"`) || r.Bundle != "" {
			t.Errorf("broken: status %q error %q bundle %q, want failed with collect's error line", r.Status, r.Error, r.Bundle)
		}
		// the printed summary says the same, one line per host
		for _, want := range []string{`"ams1: ok ` + byHost["ams1"].Bundle + " sha256 " + byHost["ams1"].SHA256 + `"`, `"down: unreachable: `, `"broken: failed: collect: no built-in profile`} {
			if !strings.Contains(out, want) {
				t.Errorf("ansible-playbook's output lacks %s", want)
			}
		}
		entries, _ := os.ReadDir(filepath.Join(fetch, "CASE-20"))
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if got := strings.Join(names, " "); got != "ams1 ams2 gwp summary.json" {
			t.Errorf("fetch folder holds %s; want a folder per host with a bundle and summary.json", got)
		}
		l.assertNothingLeft(t)
		if len(bundles) == 3 {
			l.analyzeTogether(t, bundles)
		}
	})

	t.Run("check", func(t *testing.T) {
		fetch := filepath.Join(l.dir, "fetch-check")
		l.run(t, fetch, "CASE-21", "--check", "--limit", "gwp,down")
		results := readResults(t, filepath.Join(fetch, "CASE-21", "dry-run.json"))
		if len(results) != 2 {
			t.Fatalf("dry-run.json has %d entries, want 2 (--limit gwp,down):\n%+v", len(results), results)
		}
		for _, r := range results {
			switch r.Host {
			case "gwp":
				plan := strings.Join(r.Plan, "\n")
				if r.Status != "dry-run" || r.Bundle != "" ||
					!strings.Contains(plan, "plan for profile tfst") ||
					!strings.Contains(plan, "bundle: tfst-dmzgwp06-CASE-21-") ||
					!strings.Contains(plan, "(dry run: nothing is written)") ||
					!regexpMatch(`(?m)^  install_dir\s+= /opt/tivoli/GWProxy\s+\(set\)$`, plan) {
					t.Errorf("gwp: status %q bundle %q plan:\n%s\nwant dry-run with the plan naming case and --set install_dir", r.Status, r.Bundle, plan)
				}
			case "down":
				if r.Status != "unreachable" {
					t.Errorf("down: status %q, want unreachable", r.Status)
				}
			default:
				t.Errorf("dry-run.json names %s, outside --limit", r.Host)
			}
		}
		entries, _ := os.ReadDir(filepath.Join(fetch, "CASE-21"))
		if len(entries) != 1 {
			t.Errorf("--check fetched something: %d entries next to dry-run.json", len(entries)-1)
		}
		l.assertNothingLeft(t)
	})
}

func regexpMatch(re, s string) bool {
	return regexp.MustCompile(re).MatchString(s)
}

// run runs the playbook for case, fetching to fetch, and returns its output.
func (l *lab) run(t *testing.T, fetch, caseID string, args ...string) string {
	t.Helper()
	// a YAML vars file (JSON is YAML); the note is marked !unsafe so that
	// Ansible does not read its {{ }} as a template (README.md says so)
	noteJSON, _ := json.Marshal(note)
	vars := fmt.Sprintf("casefile_bin_dir: %q\ncasefile_case: %q\ncasefile_fetch_dir: %q\n"+
		"casefile_timeout: 120\ncasefile_poll: 1\ncasefile_note: !unsafe %s\n", l.binDir, caseID, fetch, noteJSON)
	varsFile := filepath.Join(l.dir, "vars-"+caseID+".yml")
	if err := os.WriteFile(varsFile, []byte(vars), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(l.playbook, append([]string{"-i", l.inventory, "collect.yml", "-e", "@" + varsFile}, args...)...)
	cmd.Env = l.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ansible-playbook %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func readResults(t *testing.T, path string) []hostResult {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rs []hostResult
	if err := json.Unmarshal(data, &rs); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rs
}

// assertNothingLeft checks that the folders the playbook used on each host
// (its private folder's parent, and Ansible's own remote temporary folder)
// are empty again.
func (l *lab) assertNothingLeft(t *testing.T) {
	t.Helper()
	for host, dir := range l.tmpDirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Errorf("%s: %v", host, err)
		}
		for _, e := range entries {
			t.Errorf("%s: left on the host: %s", host, filepath.Join(dir, e.Name()))
		}
	}
}

// analyzeTogether runs analyze on the fetched bundles together: the HA
// pair's active-active finding needs both, and every report names the case.
func (l *lab) analyzeTogether(t *testing.T, bundles []string) {
	t.Helper()
	report := filepath.Join(l.dir, "report.json")
	cmd := exec.Command(l.analyze, append(append([]string{}, bundles...), "--format", "json", "-o", report)...)
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("analyze exited %d (%v), want 1 (a critical finding):\n%s", code, err, out)
	}
	var r struct {
		Bundles []struct {
			Host, Profile, Case, Note string
		}
		Findings []struct {
			ID, Severity, Title string
		}
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for _, b := range r.Bundles {
		hosts = append(hosts, b.Profile+"/"+b.Host)
		if b.Case != "CASE-20" || b.Note != note {
			t.Errorf("bundle of %s: case %q note %q, want CASE-20 and %q", b.Host, b.Case, b.Note, note)
		}
	}
	sort.Strings(hosts)
	if got := strings.Join(hosts, " "); got != "sms/sms-ams-1 sms/sms-ams-2 tfst/dmzgwp06" {
		t.Errorf("report's bundles: %s", got)
	}
	found := map[string]string{}
	for _, f := range r.Findings {
		found[f.ID] = f.Severity
		if f.ID == "sms.active-active" && !(strings.Contains(f.Title, "sms-ams-1") && strings.Contains(f.Title, "sms-ams-2")) {
			t.Errorf("sms.active-active does not name both nodes: %q", f.Title)
		}
	}
	for id, sev := range map[string]string{
		"sms.active-active":       "critical", // needs both nodes' bundles
		"sms.passive-takeover":    "warning",
		"tfst.log-level-low":      "warning", // needs --set install_dir
		"tfst.parent-unreachable": "warning",
	} {
		if found[id] != sev {
			t.Errorf("finding %s: severity %q, want %s (findings: %v)", id, found[id], sev, found)
		}
	}
}

// newLab builds collect (as make release names it) and analyze, starts
// three sshd on 127.0.0.1 and writes the inventory.
func newLab(t *testing.T) *lab {
	t.Helper()
	playbook := testenv.Program(t, "ansible-playbook", "ansible")
	keygen := testenv.Program(t, "ssh-keygen", "openssh-client")
	testenv.Program(t, "ssh", "openssh-client")
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	l := &lab{dir: dir, playbook: playbook, binDir: filepath.Join(dir, "release"), tmpDirs: map[string]string{}}

	// the binaries: collect as make release names it, with its SHA256SUMS
	name := "collect-" + runtime.GOOS + "-" + runtime.GOARCH
	l.analyze = filepath.Join(dir, "analyze")
	for pkg, out := range map[string]string{"./cmd/collect": filepath.Join(l.binDir, name), "./cmd/analyze": l.analyze} {
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	bin, err := os.ReadFile(filepath.Join(l.binDir, name))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(bin)
	if err := os.WriteFile(filepath.Join(l.binDir, "SHA256SUMS"), []byte(fmt.Sprintf("%x  %s\n", sum, name)), 0o644); err != nil {
		t.Fatal(err)
	}

	// One user key for every host (the inventory names one).
	userKey := filepath.Join(dir, "userkey")
	if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", userKey).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	var knownHosts bytes.Buffer
	login := ""

	type host struct {
		name, root, profile string
		set                 map[string]string
	}
	hosts := []host{
		{"ams1", "sms/sms-ams-1", "sms", nil},
		{"ams2", "sms/sms-ams-2", "sms", nil},
		{"gwp", "tfst/gwp-loglevel", "tfst", map[string]string{"install_dir": "/opt/tivoli/GWProxy"}},
	}
	inv := map[string]any{}
	for _, h := range hosts {
		hd := filepath.Join(dir, h.name)
		for _, d := range []string{"tmp", "ansible-tmp"} {
			if err := os.MkdirAll(filepath.Join(hd, d), 0o700); err != nil {
				t.Fatal(err)
			}
		}
		// The host's sshd (uploadtest's: it waits for the banner and
		// notices sshd exiting); its log is shown when the test failed,
		// after sshd stopped (cleanups run last first).
		var s *uploadtest.SSHD
		t.Cleanup(func() {
			if t.Failed() && s != nil && s.Log.Len() > 0 {
				t.Logf("sshd of %s:\n%s", h.name, s.Log)
			}
		})
		s = uploadtest.StartSSHDWith(t, uploadtest.SSHDConfig{UserKeyFile: userKey})
		login = s.User
		kh, err := os.ReadFile(s.KnownHosts)
		if err != nil {
			t.Fatal(err)
		}
		knownHosts.Write(kh)
		hv := map[string]any{
			"ansible_port":        s.Port,
			"ansible_remote_tmp":  filepath.Join(hd, "ansible-tmp"),
			"casefile_remote_tmp": filepath.Join(hd, "tmp"),
			"casefile_profile":    h.profile,
			"casefile_extra_args": []string{"--root", filepath.Join(repo, "testdata", "hosts", h.root), "--root-exec"},
		}
		if h.set != nil {
			hv["casefile_set"] = h.set
		}
		inv[h.name] = hv
		l.tmpDirs[h.name] = filepath.Join(hd, "tmp")
		l.tmpDirs[h.name+" (ansible)"] = filepath.Join(hd, "ansible-tmp")
	}
	// a host on the same sshd as gwp whose profile does not exist: collect fails there
	broken := map[string]any{}
	for k, v := range inv["gwp"].(map[string]any) {
		broken[k] = v
	}
	broken["casefile_profile"] = "no-such-profile"
	inv["broken"] = broken
	// a host nothing listens for
	inv["down"] = map[string]any{"ansible_port": uploadtest.FreePort(t)}

	if err := os.WriteFile(filepath.Join(dir, "known_hosts"), knownHosts.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	inventory := map[string]any{"casefile": map[string]any{
		"hosts": inv,
		"vars": map[string]any{
			"ansible_host":                 "127.0.0.1",
			"ansible_user":                 login,
			"ansible_ssh_private_key_file": userKey,
			"ansible_ssh_common_args": "-F /dev/null -o UserKnownHostsFile=" + filepath.Join(dir, "known_hosts") +
				" -o StrictHostKeyChecking=yes -o ConnectTimeout=10",
			"ansible_python_interpreter": "/usr/bin/python3",
		},
	}}
	data, _ := json.MarshalIndent(inventory, "", "  ")
	l.inventory = filepath.Join(dir, "inventory.yml") // JSON is YAML
	if err := os.WriteFile(l.inventory, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "ansible.cfg")
	if err := os.WriteFile(cfg, []byte("[defaults]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l.env = append(os.Environ(),
		"ANSIBLE_CONFIG="+cfg,
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(dir, "ansible-local"),
		"ANSIBLE_PIPELINING=1",
		"ANSIBLE_SSH_ARGS=-o ControlMaster=no", // no master connection outlives the test
		"ANSIBLE_NOCOLOR=1",
		"ANSIBLE_RETRY_FILES_ENABLED=0",
		"ANSIBLE_FORKS=5",
		"ANSIBLE_INTERNAL_POLL_INTERVAL=0.05", // the controller's result loop need not spin
	)
	return l
}
