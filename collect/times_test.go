//go:build linux

package collect

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"casefile/bundle"
	"casefile/internal/testenv"
	"casefile/profiles"
)

// TestMemberTime: a member's tar time is its own time, cut to the second
// (never rounded up), and never after the time of writing.
func TestMemberTime(t *testing.T) {
	written := time.Date(2024, 3, 1, 12, 0, 0, 700e6, time.UTC)
	for _, tc := range []struct{ in, want time.Time }{
		{time.Date(2024, 3, 1, 11, 0, 0, 900e6, time.UTC), time.Date(2024, 3, 1, 11, 0, 0, 0, time.UTC)},
		{written, time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)},
		{written.Add(time.Hour), time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)},
		{time.Time{}, time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)},
	} {
		if got := memberTime(tc.in, written); !got.Equal(tc.want) {
			t.Errorf("memberTime(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestMemberTimesNotInFuture: GNU tar extracts a bundle made with the
// real clock without "time stamp ... in the future" warnings, even for a
// host file dated in the future (clock skew); files keep their mtime,
// generated members get their command's end or the collection's end.
func TestMemberTimesNotInFuture(t *testing.T) {
	testenv.Program(t, "tar", "tar")
	root := copyHost(t)
	past := time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(root, "etc/hosts"), past, past); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(root, "etc/hostname"), future, future); err != nil {
		t.Fatal(err)
	}
	p := profileYAML(t, `  - id: files
    files: [/etc/hosts, /etc/hostname]
  - id: status
    command: [appctl, status]
  - id: dir
    list: [/etc]
`)
	opts := testOptions(t, p, root)
	opts.Clock = nil // the real clock
	opts.NoHostItems = true
	start := time.Now()
	res := run(t, opts)

	f, err := os.Open(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	now := time.Now()
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.ModTime.After(now) {
			t.Errorf("%s: time %s is after the end of the run %s", h.Name, h.ModTime, now)
		}
		switch {
		case strings.HasSuffix(h.Name, "/files/etc/hosts"):
			if !h.ModTime.Equal(past) {
				t.Errorf("%s: time %s, want the file's mtime %s", h.Name, h.ModTime, past)
			}
		default:
			if h.ModTime.Before(start.Truncate(time.Second)) {
				t.Errorf("%s: time %s is before the collection started (%s)", h.Name, h.ModTime, start)
			}
		}
	}
	x := t.TempDir()
	cmd := exec.Command("tar", "-xzf", res.Path, "-C", x)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("tar -xzf: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("tar -xzf wrote to stderr:\n%s", stderr.String())
	}
}

// profileWithVars parses an inline test profile with its own variables
// section (YAML list entries, indented by two spaces).
func profileWithVars(t *testing.T, vars, collect string) *profiles.Profile {
	t.Helper()
	src := "name: gaps\ndescription: test profile\nversion: \"1\"\nvariables:\n" + vars + "collect:\n" + collect
	p, err := profiles.Parse("gaps.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSkippedItemSource: an item skipped by its when shows its source as
// written when a variable it uses has no value ("{sms_cli} get HA", not an
// empty quoted word), and resolved when its variables have values.
func TestSkippedItemSource(t *testing.T) {
	p := profileWithVars(t, `  - name: sms_cli
    default: ""
  - name: install_dir
    default: /opt/app
  - name: include_cores
    default: "false"
`, `  - id: cli-ha
    command: ["{sms_cli}", get, HA]
    when: 'sms_cli != ""'
  - id: cli-alt
    commands: [["{sms_cli}", get, HA], [smscli, get, HA]]
    when: 'sms_cli != ""'
  - id: cores
    files: ["{install_dir}/core", "{install_dir}/core.*"]
    when: 'include_cores == "true"'
`)
	opts := testOptions(t, p, basicHost())
	opts.NoHostItems = true
	m, _ := readBundle(t, run(t, opts).Path)
	for id, want := range map[string]string{
		"cli-ha":  "{sms_cli} get HA",
		"cli-alt": "{sms_cli} get HA",
		"cores":   "/opt/app/core /opt/app/core.*",
	} {
		it := findItem(t, m, id)
		if it.ErrorKind != bundle.ErrSkipped || it.Source != want {
			t.Errorf("item %s: source %q (%s), want %q, skipped", id, it.Source, it.ErrorKind, want)
		}
	}
}
