package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"casefile/analyze"
	"casefile/analyze/input/inputtest"
	"casefile/analyze/report/reporttest"
)

// TestOutputSpecialPaths: -o replaces only a regular file or a missing
// path (issue 12): a device is written into, a symlink is refused and left
// alone, "-" is standard output.
func TestOutputSpecialPaths(t *testing.T) {
	t.Run("-o - writes to stdout", func(t *testing.T) {
		got := cli(t, &fake{rep: loadFixture(t, "clean")}, false, nil, "a", "-o", "-", "--format", "json")
		if got.code != 0 {
			t.Fatalf("exit %d: %s", got.code, got.stderr)
		}
		reporttest.Check(t, []byte(got.stdout))
		if _, err := os.Stat("-"); err == nil {
			t.Error(`a file named "-" was written`)
		}
	})
	t.Run("-o /dev/null stays a device", func(t *testing.T) {
		if isWindows {
			t.Skip("no /dev/null")
		}
		got := cli(t, &fake{rep: loadFixture(t, "clean")}, false, nil, "a", "-o", os.DevNull)
		if got.code != 0 {
			t.Fatalf("exit %d: %s", got.code, got.stderr)
		}
		if fi, err := os.Lstat(os.DevNull); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
			t.Fatalf("/dev/null is no longer a device: %v", fi.Mode())
		}
	})
	t.Run("symlink refused before the analysis", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "passwd")
		os.WriteFile(target, []byte("root:x:0:0"), 0o644)
		link := filepath.Join(dir, "r.html")
		if err := os.Symlink(target, link); err != nil {
			t.Skip(err)
		}
		f := &fake{rep: loadFixture(t, "clean")}
		got := cli(t, f, false, nil, "a", "-o", link)
		if got.code != 2 || !strings.Contains(got.stderr, "symbolic link") || f.called {
			t.Errorf("exit %d, stderr %q, analysis ran %v", got.code, got.stderr, f.called)
		}
		if data, _ := os.ReadFile(target); string(data) != "root:x:0:0" {
			t.Errorf("written through the link: %q", data)
		}
		if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
			t.Error("the link was replaced")
		}
	})
}

// TestStdinBundle: "analyze -" reads the bundle from standard input.
func TestStdinBundle(t *testing.T) {
	b := tfstBundle(t, "tfst-epp01-20260302T080000Z", emfileLine, inputtest.Spec{})
	var out, errOut bytes.Buffer
	e := &env{
		stdin:  bytes.NewReader(b.TarGz()),
		stdout: &out,
		stderr: &errOut,
		getenv: func(string) string { return "" },
		run:    analyze.Run,
		now:    func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) },
		local:  time.UTC,
	}
	code := e.main([]string{"-", "--format", "json", "-o", "-"})
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a critical finding); stderr %q", code, errOut.String())
	}
	reporttest.Check(t, out.Bytes())
	if !strings.Contains(out.String(), "tfst.fd-exhaustion") {
		t.Errorf("report from stdin has no fd-exhaustion finding: %.300s", out.String())
	}
	code = e.main([]string{"-", "-"})
	if code != 2 || !strings.Contains(errOut.String(), "standard input can be given only once") {
		t.Errorf("two stdin inputs: exit %d, %q", code, errOut.String())
	}
}
