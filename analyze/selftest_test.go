package analyze

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"casefile/profiles"
)

// TestBuiltinProfileTests runs the test cases the built-in profiles carry
// (profiles/<name>.tests/, as analyze --test NAME does): make test runs
// them with the rest.
func TestBuiltinProfileTests(t *testing.T) {
	ran := 0
	for _, name := range profiles.Names() {
		dir := filepath.Join("..", "profiles", name+".tests")
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		p, err := profiles.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := RunProfileTests(context.Background(), p, dir)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if WriteTestResults(&b, name, rs) > 0 {
			t.Errorf("%s", b.String())
		}
		ran += len(rs)
	}
	if ran == 0 {
		t.Fatal("no built-in profile carries test cases")
	}
}

// TestProfileTestsDiff: a case whose expectation does not hold fails with
// a diff: the missing finding (-), the one that must not appear (+), what
// was made.
func TestProfileTestsDiff(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.x
  title: "{hits} failures of {peer}"
  explanation: x
  remedy: x
  match: {in: ["files/**/*.log"], pattern: 'fail (?P<peer>\w+)', group_by: [peer]}`)
	dir := t.TempDir()
	write := func(rel, s string) {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	log := "2024-03-01 10:00:00 fail a\n2024-03-01 10:00:01 fail a\n2024-03-01 10:00:02 fail b\n"
	write("good/raw/app.log", log)
	write("good/expect.yaml", "findings:\n  - {id: t.x, severity: info, count: 2, key: a, title: [failures, a]}\n")
	write("bad/raw/app.log", log)
	write("bad/expect.yaml", "findings:\n  - {id: t.x, count: 5}\nabsent: [t.x]\n")
	rs, err := RunProfileTests(context.Background(), p, dir)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if n := WriteTestResults(&b, "t", rs); n != 1 {
		t.Errorf("failed %d, want 1", n)
	}
	for _, want := range []string{
		"FAIL t/bad\n     - t.x x5\n     + t.x (must not appear): 2 failures of a\n     + t.x (must not appear): 1 failures of b\n",
		"       t.x info x2 [a]: 2 failures of a\n",
		"ok   t/good\n",
		"1 passed, 1 failed\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in:\n%s", want, b.String())
		}
	}
}

// TestSSHDProfile: the new-product proof of language 2 (issue 14): the
// sshd profile in testdata needs no expression over 80 characters and
// none in a text, and its cases pass (analyze --test).
func TestSSHDProfile(t *testing.T) {
	file := filepath.Join("..", "testdata", "profiles", "sshd.yaml")
	p, err := profiles.LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if s := profiles.ExprStats(p); s.Longest > 80 || s.TextExprs > 0 {
		t.Errorf("longest expression %d characters (at most 80): %q; %d in texts (none)", s.Longest, s.LongestSrc, s.TextExprs)
	}
	rs, err := RunProfileTests(context.Background(), p, TestsDir(file))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if WriteTestResults(&b, p.Name, rs) > 0 || len(rs) < 2 {
		t.Errorf("%s", b.String())
	}
}

// TestSSHDLab runs the real sshd (scripts/sshd-lab.sh: failing logins
// with sshpass, a key login, a second server on the same port) and
// checks what the profile makes of a fresh log. It needs root, sshd, ssh
// and sshpass (scripts/test-deps.sh installs them); without them it
// skips, and under CI=true it fails.
func TestSSHDLab(t *testing.T) {
	missing := ""
	if os.Geteuid() != 0 {
		missing = "root"
	}
	for _, prog := range []string{"/usr/sbin/sshd", "ssh", "sshpass", "ssh-keygen"} {
		if _, err := exec.LookPath(prog); err != nil {
			missing += " " + prog
		}
	}
	if missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("sshd lab needs%s", missing)
		}
		t.Skipf("sshd lab needs%s (scripts/test-deps.sh installs the programs)", missing)
	}
	dir := t.TempDir()
	raw := filepath.Join(dir, "live", "raw")
	out, err := exec.Command(filepath.Join("..", "scripts", "sshd-lab.sh"), raw, "6").CombinedOutput()
	if err != nil {
		t.Fatalf("sshd-lab.sh: %v\n%s", err, out)
	}
	// One burst: its key names its first failure (the year is the log
	// file's, written just now).
	log, err := os.ReadFile(filepath.Join(raw, "auth.log"))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(log), "Failed password")
	if i < 0 {
		t.Fatalf("the lab logged no failure:\n%s", log)
	}
	fail := string(log)[strings.LastIndex(string(log)[:i], "\n")+1:]
	at, err := time.Parse(time.Stamp, fail[:len(time.Stamp)])
	if err != nil {
		t.Fatalf("the lab's first failure: %v", err)
	}
	now := time.Now().UTC()
	at = at.AddDate(now.Year(), 0, 0)
	if at.After(now.Add(24 * time.Hour)) {
		at = at.AddDate(-1, 0, 0) // written last year, just before midnight on 31 December
	}
	expect := "findings:\n" +
		"  - {id: sshd.brute-force, severity: warning, count: 7, key: \"127.0.0.1 @" + at.Format(time.RFC3339) + "\"}\n" +
		"  - {id: sshd.login-after-failures, severity: critical, key: 127.0.0.1, title: [after 7 failed attempts]}\n" +
		"  - {id: sshd.bind-failed, severity: critical, title: [Address already in use]}\n" +
		"  - {id: sshd.root-login, severity: warning}\n"
	if err := os.WriteFile(filepath.Join(dir, "live", "expect.yaml"), []byte(expect), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := profiles.LoadFile(filepath.Join("..", "testdata", "profiles", "sshd.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := RunProfileTests(context.Background(), p, dir)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if WriteTestResults(&b, p.Name, rs) > 0 {
		log, _ := os.ReadFile(filepath.Join(raw, "auth.log"))
		t.Errorf("%s\nauth.log:\n%s", b.String(), log)
	}
}
