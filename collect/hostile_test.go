//go:build linux

package collect

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"casefile/bundle"
	"casefile/profiles"
)

// The tests of this file are the collector's side of the hostile-input
// review (docs/collect.md, "Safety on a customer host"): each failed
// before the behaviour it checks was built.

// parseProfile parses a whole profile's YAML.
func parseProfile(t *testing.T, src string) *profiles.Profile {
	t.Helper()
	p, err := profiles.Parse("hostile.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// untrustFolder makes dir (under a test's root) fail the ownership test:
// owned by uid 1000 when the test runs as root, else writable by others.
// It returns the reason the collector is expected to give.
func untrustFolder(t *testing.T, dir, shown string) string {
	t.Helper()
	if os.Geteuid() == 0 {
		if err := os.Chown(dir, 1000, 1000); err != nil {
			t.Fatal(err)
		}
		return shown + " is owned by uid 1000"
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return shown + " is writable by group and others"
}

// TestUntrustedProgramsNotRun: a local user starts a process named
// $HOME/bin/appd, so a process detector sets install_dir to a folder the
// user owns. The collector still reads files there, but runs no program
// from it: not {install_dir}/appd, not a bare "appd" looked up there (nor
// in PATH-like lookups of a shell line); the manifest and --dry-run say
// why, in the variable and in the item.
func TestUntrustedProgramsNotRun(t *testing.T) {
	root := copyHost(t)
	marker := filepath.Join(t.TempDir(), "ran")
	evil := "#!/bin/sh\necho pwned > " + marker + "\n"
	writeExec(t, root, "home/u/bin/appd", evil)
	writeExec(t, root, "home/u/bin/appq", evil)
	writeFile(t, root, "home/u/bin/notes.txt", "read me\n")
	writeFile(t, root, "proc/100/cmdline", "/home/u/bin/appd\x00--serve\x00")
	if err := os.Chmod(filepath.Join(root, "home/u"), 0o755); err != nil {
		t.Fatal(err)
	}
	reason := untrustFolder(t, filepath.Join(root, "home/u/bin"), "/home/u/bin")
	p := parseProfile(t, `name: hostile
description: hostile test profile
version: "1"
variables:
  - name: install_dir
    default: /opt/app
    detect:
      - process: '^(?P<value>/\S+)/appd( |$)'
collect:
  - id: notes
    files: ["{install_dir}/notes.txt"]
  - id: version
    command: ["{install_dir}/appd", -v]
  - id: lookup
    command: [appq, status]
  - id: shell-lookup
    shell: 'appq status'
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, members := readBundle(t, run(t, opts).Path)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a program from the user's folder ran")
	}
	v := m.Variables["install_dir"]
	if v.Value != "/home/u/bin" || v.Source != SourceProcess || !strings.Contains(v.Note, reason) {
		t.Errorf("install_dir = %+v: want /home/u/bin from the process list, with a note saying %q", v, reason)
	}
	if got := memberData(t, members, "files/home/u/bin/notes.txt"); got != "read me\n" {
		t.Errorf("notes.txt = %q: files under the folder are still read", got)
	}
	it := findItem(t, m, "version")
	if it.ErrorKind != bundle.ErrForbidden || it.Error != reason+": appd -v not run" {
		t.Errorf("version: %s %q; want forbidden %q", it.ErrorKind, it.Error, reason+": appd -v not run")
	}
	for _, id := range []string{"lookup", "shell-lookup"} {
		it := findItem(t, m, id)
		if it.ErrorKind == "" && it.ExitCode != nil && *it.ExitCode == 0 {
			t.Errorf("%s ran (%s): command lookup searched the detected folder", id, it.Binary)
		}
	}

	var plan bytes.Buffer
	opts.DryRun, opts.Progress = true, &plan
	run(t, opts)
	for _, want := range []string{"programs under it are never run: " + reason, reason + ": appd -v not run"} {
		if !strings.Contains(plan.String(), want) {
			t.Errorf("dry run does not say %q:\n%s", want, plan.String())
		}
	}
}

// TestUntrustedRootBinaryNotRun: a program in one of the root's own
// command folders that is writable by others is not run either.
func TestUntrustedRootBinaryNotRun(t *testing.T) {
	root := copyHost(t)
	marker := filepath.Join(t.TempDir(), "ran")
	writeExec(t, root, "usr/local/bin/appq", "#!/bin/sh\necho pwned > "+marker+"\n")
	if err := os.Chmod(filepath.Join(root, "usr/local/bin/appq"), 0o777); err != nil {
		t.Fatal(err)
	}
	p := profileYAML(t, "  - id: status\n    command: [appq, status]\n")
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, _ := readBundle(t, run(t, opts).Path)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a world-writable program ran")
	}
	it := findItem(t, m, "status")
	if want := "/usr/local/bin/appq is writable by group and others: appq status not run"; it.ErrorKind != bundle.ErrForbidden || it.Error != want {
		t.Errorf("status: %s %q; want forbidden %q", it.ErrorKind, it.Error, want)
	}
}

// TestProcessPatternsAnchored: a command line that merely contains a
// product's program path (an editor opening it) detects no built-in
// product and sets no variable; the validator refuses process patterns
// that are not anchored at the command line's start.
func TestProcessPatternsAnchored(t *testing.T) {
	root := t.TempDir()
	lines := []string{
		"vim /home/u/bin/fsigk_http", "less /home/u/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy",
		"grep -r pluto /etc", "cat /tmp/x/samhain", "bash -c /home/u/java tippingpoint",
		"/home/u/bin/mymysqld /var/lib/mysql/dbdatadir", "tail -f /home/u/x/bin/fsigk_smtp",
	}
	for i, l := range lines {
		writeFile(t, root, filepath.Join("proc", string(rune('1'+i)), "cmdline"), strings.ReplaceAll(l, " ", "\x00"))
	}
	var all []*profiles.Profile
	for _, n := range profiles.Names() {
		p, err := profiles.Builtin(n)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p)
	}
	dets, err := Detect(context.Background(), Options{Root: root, RootExec: true}, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dets {
		t.Errorf("detected %s from a command line that only mentions it: %v", d.Profile.Name, d.Reasons)
	}
	for _, n := range []string{"tfst", "fsigk"} {
		p, _ := profiles.Builtin(n)
		c, err := newCollector(Options{Profile: p, Root: root, RootExec: true})
		if err != nil {
			t.Fatal(err)
		}
		c.resolveVars(context.Background(), p)
		if v := c.vars["install_dir"]; v.Source == SourceProcess {
			t.Errorf("%s: install_dir = %q from a command line that only mentions the program", n, v.Value)
		}
	}
	for _, src := range []string{
		"detect:\n  processes: ['(^|/)appd( |$)']\n",
		"variables:\n  - name: d\n    detect:\n      - process: '(?P<value>/\\S+)/appd'\n",
	} {
		_, err := profiles.Parse("x.yaml", []byte("name: x\ndescription: x\nversion: \"1\"\n"+src))
		if err == nil || !strings.Contains(err.Error(), "must start with ^") {
			t.Errorf("unanchored pattern accepted (%v):\n%s", err, src)
		}
	}
}

// TestShellVariablesAreData: a variable read from a host file cannot
// add commands to a shell line, outside quotes, inside "..." or '...'.
func TestShellVariablesAreData(t *testing.T) {
	root := copyHost(t)
	marker := filepath.Join(t.TempDir(), "pwned")
	value := `/opt/a'b"c; touch ` + marker + ` $(touch ` + marker + `) ` + "`touch " + marker + "`"
	writeFile(t, root, "etc/app/dir.cfg", "dir="+value+"\n")
	p := parseProfile(t, `name: hostile
description: hostile test profile
version: "1"
variables:
  - name: d
    detect:
      - file: /etc/app/dir.cfg
        pattern: '^dir=(?P<value>.*)$'
collect:
  - id: plain
    shell: 'echo {d}'
  - id: dquoted
    shell: 'echo "<{d}>"'
  - id: squoted
    shell: "echo '<{d}>'"
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, members := readBundle(t, run(t, opts).Path)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a value from a host file ran as a command")
	}
	for id, want := range map[string]string{"plain": value + "\n", "dquoted": "<" + value + ">\n", "squoted": "<" + value + ">\n"} {
		if it := findItem(t, m, id); it.ErrorKind != "" {
			t.Errorf("%s: %s %s", id, it.ErrorKind, it.Error)
			continue
		}
		if got := memberData(t, members, "commands/"+id+".out"); got != want {
			t.Errorf("%s printed %q, want %q", id, got, want)
		}
	}
}

// TestRootRunsNothingWithoutRootExec: under a --root other than / no
// program runs, neither the root's nor this machine's, unless RootExec;
// host facts then come from the root only (not this machine's hostname,
// kernel or uptime). With RootExec only the root's programs run.
func TestRootRunsNothingWithoutRootExec(t *testing.T) {
	root := copyHost(t)
	marker := filepath.Join(t.TempDir(), "ran")
	writeExec(t, root, "usr/bin/appq", "#!/bin/sh\necho ran > "+marker+"\necho status ok\n")
	for _, f := range []string{"etc/hostname", "proc/sys/kernel/osrelease", "proc/sys/kernel/arch", "proc/uptime", "etc/timezone"} {
		os.Remove(filepath.Join(root, f))
	}
	p := profileYAML(t, `  - id: status
    command: [appq, status]
  - id: real-only
    command: ["true"]
  - id: sh
    shell: 'echo hi'
`)
	opts := testOptions(t, p, root)
	opts.RootCommandsOnly, opts.RootExec = false, false
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the root's program ran without RootExec")
	}
	for _, id := range []string{"status", "real-only", "sh", "host.uname", "host.uptime", "host.date", "host.df"} {
		it := findItem(t, m, id)
		if it.ErrorKind != bundle.ErrSkipped || !strings.Contains(it.Error, "--root-exec") {
			t.Errorf("%s: %s %q; want skipped, naming --root-exec", id, it.ErrorKind, it.Error)
		}
	}
	for _, mb := range members {
		if strings.HasPrefix(mb.name, "commands/host.uname") || strings.HasPrefix(mb.name, "commands/host.df.") {
			t.Errorf("member %s: this machine's facts stored as the root's", mb.name)
		}
	}
	h := m.Host
	if h.Hostname != "" || h.Kernel != "" || h.Uptime != "" || h.Arch != "" || h.User != "" {
		t.Errorf("host facts of the root without its files: %+v; want none from this machine", h)
	}
	if !strings.HasPrefix(m.Name, "safety-unknown-") && strings.Contains(m.Name, mustHostname(t)) {
		t.Errorf("bundle name %q carries this machine's name", m.Name)
	}

	opts = testOptions(t, p, root)
	opts.RootExec, opts.RootCommandsOnly = true, false
	opts.NoHostItems = true
	m, _ = readBundle(t, run(t, opts).Path)
	if it := findItem(t, m, "status"); it.ErrorKind != "" || it.Binary != "/usr/bin/appq" {
		t.Errorf("status with RootExec: %s %q from %s", it.ErrorKind, it.Error, it.Binary)
	}
	if it := findItem(t, m, "real-only"); it.ErrorKind != bundle.ErrCommandNotFound {
		t.Errorf("this machine's true ran under the root: %+v", it)
	}
}

func mustHostname(t *testing.T) string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "\x00"
	}
	return h
}

// TestSymlinksToSecretsRefused: links in a collected folder to the
// password hashes, TLS private keys, ssh host keys or a product's *.key
// are refused by the path they resolve to (forbidden), as are those files
// named directly; a *.key file a profile redaction rule names is read.
func TestSymlinksToSecretsRefused(t *testing.T) {
	root := copyHost(t)
	secrets := map[string]string{
		"etc/shadow":                   "root:$6$salt$hash:19000:0:99999:7:::\n",
		"etc/gshadow":                  "root:*::\n",
		"etc/ssl/private/server.pem":   "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
		"etc/ssh/ssh_host_ed25519_key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----\n",
		"opt/app/conf/server.key":      "secret key material\n",
		"opt/app/conf/known.key":       "key = value\n",
	}
	for rel, body := range secrets {
		writeFile(t, root, rel, body)
	}
	links := map[string]string{
		"opt/app/logs/a.log": "/etc/shadow", "opt/app/logs/b.log": "../../../etc/gshadow",
		"opt/app/logs/c.log": "/etc/ssl/private/server.pem", "opt/app/logs/d.log": "/etc/ssh/ssh_host_ed25519_key",
		"opt/app/logs/e.log": "../conf/server.key",
	}
	for rel, target := range links {
		if err := os.Symlink(target, filepath.Join(root, rel)); err != nil {
			t.Fatal(err)
		}
	}
	p := parseProfile(t, `name: hostile
description: hostile test profile
version: "1"
collect:
  - id: logs
    files: ["/opt/app/logs/*.log"]
  - id: shadow
    files: [/etc/shadow]
  - id: known
    files: [/opt/app/conf/known.key]
redact:
  - name: known-key
    files: ["/opt/app/conf/known.key"]
    pattern: 'key = (?P<secret>.*)'
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, members := readBundle(t, run(t, opts).Path)
	for _, mb := range members {
		for _, body := range secrets {
			if strings.Contains(string(mb.data), strings.SplitN(body, "\n", 2)[0]) && !strings.HasSuffix(mb.name, "known.key") {
				t.Errorf("member %s holds a secret file's content", mb.name)
			}
		}
	}
	refused := map[string]bool{}
	for _, s := range findItem(t, m, "logs").Stored {
		if s.ErrorKind == bundle.ErrForbidden {
			refused[s.Source] = true
		}
	}
	for rel := range links {
		if !refused["/"+rel] {
			t.Errorf("/%s: not refused as forbidden", rel)
		}
	}
	if it := findItem(t, m, "shadow"); it.ErrorKind != bundle.ErrForbidden {
		t.Errorf("/etc/shadow: %s %s", it.ErrorKind, it.Error)
	}
	if it, got := findItem(t, m, "known"), memberData(t, members, "files/opt/app/conf/known.key"); it.ErrorKind != "" || !strings.HasPrefix(got, "key = [REDACTED:") {
		t.Logf("stored %q", got)
		t.Errorf("known.key, which a redaction rule names: %s %s", it.ErrorKind, it.Error)
	}
}

// TestGlobCapKeepsNewest: a glob matching more than 10,000 files keeps
// the 10,000 newest (not the first by name: epp.log.18996 is older than
// epp.log.1), and the manifest records the cap.
func TestGlobCapKeepsNewest(t *testing.T) {
	root := copyHost(t)
	dir := filepath.Join(root, "opt/app/rot")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	defer func(old int) { maxGlobMatches = old }(maxGlobMatches)
	maxGlobMatches = 300 // 10,000 in use; lowered to keep the test fast
	n := maxGlobMatches + 50
	base := testClock.Add(-time.Duration(n) * time.Minute)
	for i := 0; i < n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("r.%05d", i))
		if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		mt := base.Add(time.Duration(i) * time.Minute) // higher numbers are newer
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	p := profileYAML(t, "  - id: rot\n    files: [\"/opt/app/rot/r.*\"]\n")
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, _ := readBundle(t, run(t, opts).Path)
	it := findItem(t, m, "rot")
	if len(it.Stored) != maxGlobMatches {
		t.Fatalf("stored %d files, want %d", len(it.Stored), maxGlobMatches)
	}
	kept := map[string]bool{}
	for _, s := range it.Stored {
		kept[s.Source] = true
	}
	if !kept[fmt.Sprintf("/opt/app/rot/r.%05d", n-1)] || kept["/opt/app/rot/r.00000"] || kept["/opt/app/rot/r.00049"] || !kept["/opt/app/rot/r.00050"] {
		t.Errorf("kept the wrong files: newest kept %v, oldest kept %v", kept[fmt.Sprintf("/opt/app/rot/r.%05d", n-1)], kept["/opt/app/rot/r.00000"])
	}
	want := []bundle.GlobCap{{Pattern: "/opt/app/rot/r.*", Matched: n, Kept: maxGlobMatches}}
	if len(it.GlobCaps) != 1 || it.GlobCaps[0].Pattern != want[0].Pattern || it.GlobCaps[0].Matched != n || it.GlobCaps[0].Kept != maxGlobMatches || it.GlobCaps[0].Oldest == nil || !it.GlobCaps[0].Oldest.Equal(base.Add(50*time.Minute)) {
		t.Errorf("glob_caps = %+v, want %+v with oldest_kept %s", it.GlobCaps, want, base.Add(50*time.Minute))
	}
}

// TestGzipRotationKeepsNewestText: a .gz rotation whose text is far over
// the cap (more than 16 times it) keeps the newest part of its text, cut
// at a line start and ending with the log's last line, and says so.
func TestGzipRotationKeepsNewestText(t *testing.T) {
	root := copyHost(t)
	var text bytes.Buffer
	for i := 0; text.Len() < 200_000; i++ {
		fmt.Fprintf(&text, "2024-03-%02d %02d:%02d:%02d line %06d routed session open failed\n", 1+i/86400, i/3600%24, i/60%60, i%60, i)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(text.Bytes())
	zw.Close()
	writeFile(t, root, "opt/app/logs/app.log.2.gz", gz.String())
	p := profileYAML(t, "  - id: rot\n    files: [/opt/app/logs/app.log.2.gz]\n    max_size: 4000\n")
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, members := readBundle(t, run(t, opts).Path)
	st := findItem(t, m, "rot").Stored[0]
	zr, err := gzip.NewReader(strings.NewReader(memberData(t, members, st.Path)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(text.Bytes(), got) || len(got) > 4000 || len(got) < 3900 {
		t.Errorf("stored %d bytes of text, not the newest 4000 (ends %q)", len(got), got[max(0, len(got)-60):])
	}
	if !bytes.HasPrefix(got, []byte("2024-03-")) {
		t.Errorf("kept text does not start at a line: %q", got[:min(40, len(got))])
	}
	if st.Truncated != int64(text.Len()-len(got)) || !strings.Contains(st.Note, "newest") || st.ErrorKind != "" {
		t.Errorf("truncated %d (want %d), note %q, error %s %q", st.Truncated, text.Len()-len(got), st.Note, st.ErrorKind, st.Error)
	}
}

// TestMaxFileSizeAfterRedaction: the cap applies to what is stored: a
// file (and a command's output) whose secrets' markers are longer than
// the secrets is still at most the cap, keeping its newest lines.
func TestMaxFileSizeAfterRedaction(t *testing.T) {
	root := copyHost(t)
	var b bytes.Buffer
	for i := 0; b.Len() < 100_000; i++ {
		fmt.Fprintf(&b, "%06d password=x\n", i)
	}
	writeFile(t, root, "opt/app/logs/secrets.log", b.String())
	writeFile(t, root, "opt/app/logs/secrets2.log", b.String())
	n := strings.Count(b.String(), "\n")
	last := fmt.Sprintf("%06d password=", n-1)
	p := profileYAML(t, `  - id: big
    files: [/opt/app/logs/secrets.log]
  - id: small
    files: [/opt/app/logs/secrets2.log]
    max_size: 1000
  - id: out
    shell: 'i=0; while [ $i -lt `+fmt.Sprint(n)+` ]; do printf "%06d password=x\n" $i; i=$((i+1)); done'
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	opts.MaxFileSize = 64 << 10
	m, members := readBundle(t, run(t, opts).Path)
	for id, limit := range map[string]int64{"big": opts.MaxFileSize, "small": 1000, "out": opts.MaxFileSize} {
		st := findItem(t, m, id).Stored[0]
		got := memberData(t, members, st.Path)
		if st.Size > limit || int64(len(got)) > limit {
			t.Errorf("%s: stored %d bytes with a cap of %d", id, st.Size, limit)
		}
		if !strings.Contains(got, last+"[REDACTED:") || !strings.HasSuffix(got, "]\n") || got[6] != ' ' {
			t.Errorf("%s: not the newest lines from a line start: %q ... %q", id, got[:min(30, len(got))], got[max(0, len(got)-40):])
		}
		if st.Truncated == 0 {
			t.Errorf("%s: truncated not recorded", id)
		}
	}
}

// hookWriter calls fn on the first write (a progress line mid-run).
type hookWriter struct{ fn func() }

func (h *hookWriter) Write(p []byte) (int, error) {
	if h.fn != nil && bytes.HasPrefix(p, []byte("[")) {
		h.fn()
		h.fn = nil
	}
	return len(p), nil
}

// TestOutputNeverReplaced: the bundle is renamed into place only where
// nothing is: a link, FIFO or file that appears at the output path while
// collecting (or was there) stays as it was, and no bundle is written; the
// rename itself cannot replace one (renameNoReplace).
func TestOutputNeverReplaced(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	writeFile(t, dir, "victim", "precious\n")
	from := filepath.Join(dir, "from")
	writeFile(t, dir, "from", "bundle\n")
	to := filepath.Join(dir, "to")
	if err := os.Symlink(victim, to); err != nil {
		t.Fatal(err)
	}
	if err := renameNoReplace(from, to); err == nil {
		t.Error("renameNoReplace replaced a symbolic link")
	}
	if fi, err := os.Lstat(to); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link at the output path was replaced: %v %v", fi, err)
	}

	p := profileYAML(t, "  - id: hosts\n    files: [/etc/hosts]\n")
	for _, kind := range []string{"symlink", "fifo"} {
		out := filepath.Join(dir, kind+".tar.gz")
		opts := testOptions(t, p, basicHost())
		opts.NoHostItems, opts.Output = true, out
		opts.Progress = &hookWriter{fn: func() {
			if kind == "symlink" {
				os.Symlink(victim, out)
			} else {
				syscall.Mkfifo(out, 0o644)
			}
		}}
		_, err := Run(context.Background(), opts)
		if err == nil || !errors.Is(err, errOutputExists) {
			t.Errorf("%s appeared at the output path: Run = %v, want it refused", kind, err)
		}
		fi, lerr := os.Lstat(out)
		if lerr != nil || fi.Mode().IsRegular() {
			t.Errorf("%s at the output path was replaced (%v, %v)", kind, fi, lerr)
		}
		if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
			t.Errorf("the link's target was written: %q", b)
		}
		// Already there before the run: refused at once, saying what it is.
		_, err = Run(context.Background(), opts)
		if err == nil || !strings.Contains(err.Error(), map[string]string{"symlink": "is a symbolic link", "fifo": "is a FIFO"}[kind]) {
			t.Errorf("%s at the output path: Run = %v", kind, err)
		}
	}
}
