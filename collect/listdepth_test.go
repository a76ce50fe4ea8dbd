package collect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListDepthAndMatchingLines: a list item with depth lists the
// subdirectories under the root (each under its own header, after its
// parent, never through a link that leaves the root), and the
// matching-lines builtin reads the root's files, not the machine's: the
// first alternative that exists, the lines of its pattern only.
func TestListDepthAndMatchingLines(t *testing.T) {
	root := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("opt/app/db/a/one.db", "1")
	write("opt/app/db/a/deep/two.db", "22")
	write("opt/app/db/a/deep/deeper/three.db", "333")
	write("opt/app/db/b.db", "4444")
	if err := os.Symlink("/etc", filepath.Join(root, "opt/app/db/etc-link")); err != nil {
		t.Fatal(err)
	}
	// A line of 2 MiB (over the reader's buffer) before the last one: the
	// rest of the file is still read.
	write("var/log/messages", "Jan 1 10:00:00 h app[1]: started\nJan 1 10:00:01 h cron[2]: job\n"+
		"Jan 1 10:00:01 h cron[2]: "+strings.Repeat("x", 2<<20)+"\nJan 1 10:00:02 h kernel: app[1] segfault\n")
	write("var/log/daemon.log", "Jan 1 10:00:00 h app[1]: started\n")

	p := profileYAML(t, `  - id: db
    list: ["{install_dir}/db"]
    depth: 3
  - id: db-flat
    list: ["{install_dir}/db"]
  - id: app-syslog
    builtin: matching-lines
    args: {files: "/var/log/syslog, /var/log/kern.log; /var/log/messages; /var/log/daemon.log", pattern: '\bapp\['}
  - id: none-syslog
    builtin: matching-lines
    args: {files: "/var/log/syslog", pattern: 'x'}
    optional: true
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	res := run(t, opts)
	m, members := readBundle(t, res.Path)

	got := memberData(t, members, "commands/db.out")
	var headers, names []string
	for _, l := range strings.Split(got, "\n") {
		if strings.HasPrefix(l, "# ") {
			headers = append(headers, l)
		} else if f := strings.Fields(l); len(f) > 0 {
			names = append(names, f[len(f)-1])
		}
	}
	wantHeaders := []string{"# /opt/app/db", "# /opt/app/db/a", "# /opt/app/db/a/deep"}
	if strings.Join(headers, "|") != strings.Join(wantHeaders, "|") {
		t.Errorf("depth 3 headers = %q, want %q\n%s", headers, wantHeaders, got)
	}
	joined := " " + strings.Join(names, " ") + " "
	for _, n := range []string{"one.db", "two.db", "b.db", "deeper", "/etc"} {
		if !strings.Contains(joined, " "+n+" ") {
			t.Errorf("depth 3 listing lacks %s:\n%s", n, got)
		}
	}
	if strings.Contains(got, "three.db") {
		t.Errorf("depth 3 went below three levels:\n%s", got)
	}
	if flat := memberData(t, members, "commands/db-flat.out"); strings.Contains(flat, "one.db") || !strings.Contains(flat, " a\n") {
		t.Errorf("a list without depth lists the directory only:\n%s", flat)
	}

	lines := memberData(t, members, "commands/app-syslog.out")
	want := "Jan 1 10:00:00 h app[1]: started\nJan 1 10:00:02 h kernel: app[1] segfault\n"
	if lines != want {
		t.Errorf("matching-lines = %q, want %q (messages only: the first alternative that exists)", lines, want)
	}
	if it := findItem(t, m, "none-syslog"); it.ErrorKind != "not_found" || hasMember(members, "commands/none-syslog.out") {
		t.Errorf("matching-lines over no file: error kind %q (want not_found), member stored: %v", it.ErrorKind, hasMember(members, "commands/none-syslog.out"))
	}
}
