//go:build linux

package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"casefile/bundle"
)

// TestMain lets tests run this binary as the collect command itself
// (CASEFILE_COLLECT_MAIN=1): as another user, or to send it a signal.
func TestMain(m *testing.M) {
	if os.Getenv("CASEFILE_COLLECT_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// selfCommand runs this test binary as collect with args.
func selfCommand(t *testing.T, bin string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "CASEFILE_COLLECT_MAIN=1")
	return cmd
}

// openTempDir is a temporary folder others may enter (t.TempDir is 0700).
func openTempDir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	for p := d; p != os.TempDir() && p != "/"; p = filepath.Dir(p) {
		os.Chmod(p, 0o755)
	}
	return d
}

// readManifest reads manifest.json from a bundle.
func readManifest(t *testing.T, path string) *bundle.Manifest {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	h, err := tr.Next()
	if err != nil || !strings.HasSuffix(h.Name, "/"+bundle.ManifestName) {
		t.Fatalf("first member: %v %v", h, err)
	}
	m, err := bundle.DecodeManifest(tr)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRunsAsNormalUser: without root, collect still writes a bundle, the
// files it may not read are items marked permission denied, and it says
// so. As root the test runs the command as nobody.
func TestRunsAsNormalUser(t *testing.T) {
	dir := openTempDir(t)
	root := filepath.Join(dir, "root")
	for _, d := range []string{"etc/app", "var/log"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "etc/hostname"), []byte("plainuser\n"), 0o644)
	os.WriteFile(filepath.Join(root, "var/log/app.log"), []byte("a readable log line\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc/app/secret.conf"), []byte("password = x\n"), 0o600)
	if os.Geteuid() != 0 {
		os.Chmod(filepath.Join(root, "etc/app/secret.conf"), 0)
	}
	profile := filepath.Join(dir, "p.yaml")
	os.WriteFile(profile, []byte(`name: plain
description: plain user test
collect:
  - id: log
    files: [/var/log/app.log]
  - id: secret
    files: [/etc/app/secret.conf]
`), 0o644)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o777)
	os.Chmod(out, 0o777)

	args := []string{"--profile", profile, "--root", root, "--root-exec", "-o", out + "/"}
	var stdout, stderr bytes.Buffer
	var code int
	if os.Geteuid() == 0 {
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(dir, "collect.test")
		data, err := os.ReadFile(self)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := selfCommand(t, bin, args...)
		cmd.Dir = out
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err = cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Skipf("cannot run as nobody: %v", err)
		}
	} else {
		var o, e string
		code, o, e = runCLI(t, args...)
		stdout.WriteString(o)
		stderr.WriteString(e)
	}
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "permission denied") {
		t.Errorf("stderr does not say what could not be read:\n%s", stderr.String())
	}
	m := regexp.MustCompile(`bundle: (\S+) `).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no bundle line:\n%s", stdout.String())
	}
	man := readManifest(t, m[1])
	for _, it := range man.Items {
		switch it.ID {
		case "secret":
			if it.ErrorKind != bundle.ErrPermission {
				t.Errorf("secret: %q %s", it.ErrorKind, it.Error)
			}
		case "log":
			if it.ErrorKind != "" {
				t.Errorf("log: %q %s", it.ErrorKind, it.Error)
			}
		}
	}
}

// TestInterruptSignal: SIGINT during a collection kills the running
// command's process group, removes the partial bundle, says so, and
// exits 1.
func TestInterruptSignal(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	profile := filepath.Join(dir, "p.yaml")
	os.WriteFile(profile, []byte(`name: hang
description: hangs
collect:
  - id: log
    files: [/opt/app/logs/app.log]
  - id: hang
    command: [hang]
`), 0o644)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	root, _ := filepath.Abs(basicRoot)
	cmd := selfCommand(t, self, "--profile", profile, "--root", root, "--root-exec", "-o", out+"/", "--command-timeout", "5m")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the hanging command runs.
	deadline := time.Now().Add(30 * time.Second)
	var hangPID int
	for hangPID == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		hangPID = findProcess(t, "sleep 1234", cmd.Process.Pid)
	}
	if hangPID == 0 {
		cmd.Process.Kill()
		t.Fatalf("the hanging command never started\n%s", stderr.String())
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("collect did not stop on SIGINT")
	}
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Errorf("exit %v, want status 1", err)
	}
	if !strings.Contains(stderr.String(), "interrupted; partial bundle removed") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
	time.Sleep(200 * time.Millisecond)
	if hangPID != 0 && processAlive(hangPID) {
		syscall.Kill(hangPID, syscall.SIGKILL)
		t.Errorf("the running command's child %d survived the interrupt", hangPID)
	}
}

// findProcess returns the pid of a live process whose command line is
// cmdline and that descends from ancestor, or 0.
func findProcess(t *testing.T, cmdline string, ancestor int) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || strings.TrimSpace(strings.ReplaceAll(string(data), "\x00", " ")) != cmdline {
			continue
		}
		for p := pid; p > 1; p = parentOf(p) {
			if p == ancestor {
				return pid
			}
		}
	}
	return 0
}

// parentOf reads a process's parent pid (0 when gone).
func parentOf(pid int) int {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(stat, ')')
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// processAlive reports whether pid exists and is not a zombie.
func processAlive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] != 'Z'
}
