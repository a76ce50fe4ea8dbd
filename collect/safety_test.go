//go:build linux

package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"casefile/bundle"
	"casefile/profiles"
)

// profileYAML parses an inline test profile.
func profileYAML(t *testing.T, collect string) *profiles.Profile {
	t.Helper()
	src := "name: safety\ndescription: safety test profile\nversion: \"1\"\nvariables:\n  - name: install_dir\n    default: /opt/app\ncollect:\n" + collect
	p, err := profiles.Parse("safety.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// copyHost copies the basic fake host to a temporary folder (symlinks
// as links, modes kept), so a test can add FIFOs or change times.
func copyHost(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "root")
	src := basicHost()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, info.Mode().Perm())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// alive reports whether a process exists and is not a zombie.
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(data)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}

// childPID reads "child NNN" from a command's output.
func childPID(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`child (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no child pid in output %q", out)
	}
	pid, _ := strconv.Atoi(m[1])
	return pid
}

// waitGone waits a little for a killed process to disappear.
func waitGone(pid int) bool {
	for i := 0; i < 50; i++ {
		if !alive(pid) {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// TestHangingCommandIsKilled: a command that never ends is killed with
// its whole process group at the timeout, marked timed out, its output so
// far kept, and the collection goes on with the next item.
func TestHangingCommandIsKilled(t *testing.T) {
	p := profileYAML(t, `
  - id: hang
    command: [hang]
    timeout: 1s
  - id: after
    command: [appctl, status]
`)
	opts := testOptions(t, p, basicHost())
	opts.NoHostItems = true
	start := time.Now()
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	it := findItem(t, m, "hang")
	if it.ErrorKind != bundle.ErrTimeout {
		t.Errorf("hang: error kind %q (%s), want %q", it.ErrorKind, it.Error, bundle.ErrTimeout)
	}
	if it.ExitCode != nil {
		t.Errorf("hang: exit code %d recorded for a killed command", *it.ExitCode)
	}
	out := memberData(t, members, "commands/hang.out")
	if !strings.Contains(out, "hanging") {
		t.Errorf("output before the timeout was not kept: %q", out)
	}
	if pid := childPID(t, out); !waitGone(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("the hanging command's child %d survived the timeout", pid)
	}
	if after := findItem(t, m, "after"); after.ErrorKind != "" || len(after.Stored) == 0 {
		t.Errorf("the item after the timeout was not collected: %+v", after)
	}
	if d := time.Since(start); d > time.Minute {
		t.Errorf("collection took %s with a 1s timeout", d)
	}
}

// TestLingeringChildIsKilled: a command that exits but leaves a child
// holding its output open does not hold up the collection, and the
// child does not outlive it.
func TestLingeringChildIsKilled(t *testing.T) {
	p := profileYAML(t, `
  - id: daemonize
    command: [daemonize]
    timeout: 30s
`)
	opts := testOptions(t, p, basicHost())
	opts.NoHostItems = true
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	it := findItem(t, m, "daemonize")
	if it.ErrorKind != "" || it.ExitCode == nil || *it.ExitCode != 0 {
		t.Errorf("daemonize: %+v", it)
	}
	if pid := childPID(t, memberData(t, members, "commands/daemonize.out")); !waitGone(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("child %d left behind", pid)
	}
}

// TestSpecialFilesNeverOpened: a FIFO, a socket and a device are recorded
// as not regular and never opened (a writer blocked on the FIFO stays
// blocked: nobody opened it for reading).
func TestSpecialFilesNeverOpened(t *testing.T) {
	root := copyHost(t)
	fifo := filepath.Join(root, "opt/app/logs/app.pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(root, "opt/app/logs/app.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dev := filepath.Join(root, "opt/app/logs/zero")
	haveDev := syscall.Mknod(dev, syscall.S_IFCHR|0o644, int(makedev(1, 5))) == nil // like /dev/zero

	opened := make(chan struct{})
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0) // blocks until a reader opens
		if err == nil {
			close(opened)
			f.Close()
		}
	}()
	p := profileYAML(t, `
  - id: pipe
    files: [/opt/app/logs/app.pipe]
  - id: sock
    files: [/opt/app/logs/app.sock]
  - id: dev
    files: [/opt/app/logs/zero]
  - id: glob
    files: ["/opt/app/logs/*"]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	done := make(chan *Result, 1)
	go func() { done <- run(t, opts) }()
	var res *Result
	select {
	case res = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("collection blocked on a special file")
	}
	select {
	case <-opened:
		t.Errorf("the FIFO was opened for reading")
	case <-time.After(200 * time.Millisecond):
	}
	// Unblock the writer.
	if f, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
	m, members := readBundle(t, res.Path)
	ids := []string{"pipe", "sock"}
	if haveDev {
		ids = append(ids, "dev")
	}
	for _, id := range ids {
		it := findItem(t, m, id)
		if it.ErrorKind != bundle.ErrNotRegular {
			t.Errorf("%s: error kind %q (%s), want %q", id, it.ErrorKind, it.Error, bundle.ErrNotRegular)
		}
	}
	glob := findItem(t, m, "glob")
	for _, s := range glob.Stored {
		base := filepath.Base(s.Path)
		special := base == "app.pipe" || base == "app.sock" || base == "zero"
		if special && (s.ErrorKind != bundle.ErrNotRegular || hasMember(members, s.Path)) {
			t.Errorf("glob stored special file %s: %+v", s.Path, s)
		}
		if base == "app.log" && s.SHA256 == "" {
			t.Errorf("glob did not store app.log beside the special files: %+v", s)
		}
	}
}

func makedev(major, minor uint32) uint64 {
	return uint64(major)<<8 | uint64(minor)
}

// TestSymlinks: links are followed and recorded, loops reported, and a
// link pointing outside the root stays inside it.
func TestSymlinks(t *testing.T) {
	root := copyHost(t)
	// An absolute link and a climbing one: both must resolve in the root.
	if err := os.Symlink("/etc/hostname", filepath.Join(root, "opt/app/abs-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../../../../../../etc/hostname", filepath.Join(root, "opt/app/climb-link")); err != nil {
		t.Fatal(err)
	}
	p := profileYAML(t, `
  - id: current
    files: [/opt/app/current.log]
  - id: loop
    files: [/opt/app/loop-a]
  - id: abs
    files: [/opt/app/abs-link]
  - id: climb
    files: [/opt/app/climb-link]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	cur := findItem(t, m, "current")
	if len(cur.Stored) != 1 || cur.Stored[0].Symlink != "/opt/app/logs/app.log" || cur.Stored[0].Path != "files/opt/app/current.log" {
		t.Errorf("current.log: %+v", cur.Stored)
	}
	if loop := findItem(t, m, "loop"); loop.ErrorKind != bundle.ErrSymlinkLoop {
		t.Errorf("loop: %q %s", loop.ErrorKind, loop.Error)
	}
	want := "basic01\n" // the root's etc/hostname, not this machine's
	for _, id := range []string{"abs", "climb"} {
		it := findItem(t, m, id)
		if len(it.Stored) != 1 || it.Stored[0].Symlink != "/etc/hostname" {
			t.Errorf("%s: %+v", id, it)
			continue
		}
		if got := memberData(t, members, it.Stored[0].Path); got != want {
			t.Errorf("%s: read %q, want the root's %q", id, got, want)
		}
	}
}

// TestMaxFileSizeKeepsTail: a file over the cap keeps its newest part,
// from a line start, and says how many bytes were dropped; a command's
// output too.
func TestMaxFileSizeKeepsTail(t *testing.T) {
	root := copyHost(t)
	var b bytes.Buffer
	for i := 0; b.Len() < 100_000; i++ {
		fmt.Fprintf(&b, "2024-03-01 10:%02d:%02d line %06d of a long log\n", i/60%60, i%60, i)
	}
	full := b.Bytes()
	if err := os.WriteFile(filepath.Join(root, "opt/app/logs/big.log"), full, 0o644); err != nil {
		t.Fatal(err)
	}
	p := profileYAML(t, `
  - id: big
    files: [/opt/app/logs/big.log]
  - id: small-cap
    files: [/opt/app/logs/app.log]
    max_size: 100
  - id: cmd
    shell: "i=0; while [ $i -lt 3000 ]; do echo output line $i; i=$((i+1)); done"
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	opts.MaxFileSize = 10_000
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	big := findItem(t, m, "big").Stored[0]
	got := memberData(t, members, big.Path)
	if !bytes.HasSuffix(full, []byte(got)) {
		t.Fatalf("stored part is not the file's tail")
	}
	if int64(len(got)) > opts.MaxFileSize || len(got) < 9000 {
		t.Errorf("stored %d bytes with a cap of %d", len(got), opts.MaxFileSize)
	}
	if big.Truncated != int64(len(full)-len(got)) {
		t.Errorf("truncated = %d, want %d", big.Truncated, len(full)-len(got))
	}
	if !strings.HasPrefix(got, "2024-03-01 ") {
		t.Errorf("tail does not start at a line: %q", got[:40])
	}
	small := findItem(t, m, "small-cap").Stored[0]
	if small.Truncated == 0 || small.Size > 100+40 { // a marker may be longer than its secret
		t.Errorf("item max_size not applied: %+v", small)
	}
	cmd := findItem(t, m, "cmd")
	out := memberData(t, members, "commands/cmd.out")
	if cmd.Stored[0].Truncated == 0 || !strings.HasSuffix(out, "output line 2999\n") || !strings.HasPrefix(out, "output line ") || len(out) > 10_000 {
		t.Errorf("command output not tailed: truncated %d, %d bytes", cmd.Stored[0].Truncated, len(out))
	}
}

// TestGrowingFileIsConsistent: a log written to while it is collected is
// stored as a snapshot that matches its recorded size and hash.
func TestGrowingFileIsConsistent(t *testing.T) {
	root := copyHost(t)
	path := filepath.Join(root, "opt/app/logs/busy.log")
	line := bytes.Repeat([]byte("x"), 99)
	line = append(line, '\n')
	initial := bytes.Repeat(line, 80_000) // 8 MB: spooled to a file
	if err := os.WriteFile(path, initial, 0o644); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		for {
			select {
			case <-stop:
				return
			default:
				f.Write(line)
			}
		}
	}()
	p := profileYAML(t, `
  - id: busy
    files: [/opt/app/logs/busy.log]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	res := run(t, opts)
	close(stop)
	wg.Wait()
	m, members := readBundle(t, res.Path) // checks sizes and hashes
	st := findItem(t, m, "busy").Stored[0]
	got := memberData(t, members, st.Path)
	final, _ := os.ReadFile(path)
	if int64(len(got)) != st.Size || len(got) < len(initial) {
		t.Errorf("stored %d bytes, manifest says %d, file had %d", len(got), st.Size, len(initial))
	}
	if !bytes.HasPrefix(final, []byte(got)) {
		t.Errorf("stored content is not a snapshot of the file")
	}
}

// TestForbiddenAndProcFiles (real root): kernel memory and the kernel log
// are never read, devices never opened; /proc files that report size 0
// are read to their end under the cap.
func TestForbiddenAndProcFiles(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	p := profileYAML(t, `
  - id: kmsg
    files: [/proc/kmsg]
  - id: kcore
    files: [/proc/kcore]
  - id: mem
    files: [/proc/self/mem]
  - id: pid-mem
    files: ["/proc/1/mem"]
  - id: zero
    files: [/dev/zero]
  - id: status
    files: [/proc/self/status]
  - id: maps
    files: [/proc/self/maps]
    max_size: 300
`)
	opts := testOptions(t, p, "/")
	opts.NoHostItems = true
	opts.RootCommandsOnly = false
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	for id, kind := range map[string]string{
		"kmsg": bundle.ErrForbidden, "kcore": bundle.ErrForbidden, "mem": bundle.ErrForbidden,
		"pid-mem": bundle.ErrForbidden, "zero": bundle.ErrNotRegular,
	} {
		it := findItem(t, m, id)
		if it.ErrorKind != kind {
			t.Errorf("%s: error kind %q (%s), want %q", id, it.ErrorKind, it.Error, kind)
		}
		for _, s := range it.Stored {
			if s.SHA256 != "" {
				t.Errorf("%s: stored %s", id, s.Path)
			}
		}
	}
	status := findItem(t, m, "status")
	if len(status.Stored) != 1 || !strings.Contains(memberData(t, members, status.Stored[0].Path), "Pid:") {
		t.Errorf("/proc/self/status (size 0) not read: %+v", status)
	}
	maps := findItem(t, m, "maps").Stored[0]
	if maps.Truncated == 0 || maps.Size > 300 {
		t.Errorf("/proc/self/maps not capped: %+v", maps)
	}
}

// TestSinceSkipsOldRotations: rotations last modified before --since are
// skipped (and listed as skipped); the current log is kept however old.
func TestSinceSkipsOldRotations(t *testing.T) {
	root := copyHost(t)
	logs := filepath.Join(root, "opt/app/logs")
	old := testClock.Add(-30 * 24 * time.Hour)
	recent := testClock.Add(-2 * time.Hour)
	for name, mt := range map[string]time.Time{"app.log": old, "app.log.1": recent, "app.log.2.gz": old} {
		if err := os.Chtimes(filepath.Join(logs, name), mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	p := profileYAML(t, `
  - id: logs
    files: ["/opt/app/logs/app.log*"]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	opts.Since = testClock.Add(-7 * 24 * time.Hour)
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	got := map[string]string{}
	for _, s := range findItem(t, m, "logs").Stored {
		got[filepath.Base(s.Path)] = s.ErrorKind
	}
	want := map[string]string{"app.log": "", "app.log.1": "", "app.log.2.gz": bundle.ErrSkipped}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s: error kind %q (present %v), want %q", k, g, ok, v)
		}
	}
	if hasMember(members, "files/opt/app/logs/app.log.2.gz") {
		t.Errorf("old rotation stored")
	}
	if m.Options.Since == "" {
		t.Errorf("manifest options lack since")
	}
}

// TestHostUnchanged: collecting changes nothing under the root (contents,
// modes, times of every file) and leaves only the bundle in the output
// folder.
func TestHostUnchanged(t *testing.T) {
	root := copyHost(t)
	snapshot := func() map[string]string {
		out := map[string]string{}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			// Access times count for the files the collector reads itself
			// (opened with O_NOATIME); listing a folder, reading a link or
			// running a fake host's script (which reads its fixture) may
			// update theirs, as any reader would.
			var atime string
			rel, _ := filepath.Rel(root, p)
			if st, ok := info.Sys().(*syscall.Stat_t); ok && info.Mode().IsRegular() && info.Mode()&0o111 == 0 && !strings.HasPrefix(rel, "fixtures") {
				atime = fmt.Sprint(st.Atim)
			}
			sum := ""
			if info.Mode().IsRegular() {
				data, _ := os.ReadFile(p)
				sum = fmt.Sprintf("%x", data)
				if st, ok := info.Sys().(*syscall.Stat_t); ok {
					// ReadFile above updated the atime itself: reset it.
					ts := []syscall.Timespec{st.Atim, st.Mtim}
					syscall.UtimesNano(p, ts)
				}
			}
			out[p] = fmt.Sprintf("%v %d %v %s %s", info.Mode(), info.Size(), info.ModTime().UnixNano(), atime, sum)
			return nil
		})
		return out
	}
	before := snapshot()
	opts := testOptions(t, loadTestProfile(t, "basic"), root)
	res := run(t, opts)
	after := snapshot()
	for p, v := range before {
		if after[p] != v {
			t.Errorf("%s changed:\n before %s\n after  %s", p, v, after[p])
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s appeared under the root", p)
		}
	}
	entries, _ := os.ReadDir(opts.Output)
	if len(entries) != 1 || entries[0].Name() != filepath.Base(res.Path) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("output folder holds %v", names)
	}
}

// TestInterruptRemovesPartial: cancelling (Ctrl-C) during a collection
// stops it, kills the running command, and leaves no file behind.
func TestInterruptRemovesPartial(t *testing.T) {
	p := profileYAML(t, `
  - id: logs
    files: ["/opt/app/logs/app.log*"]
  - id: hang
    command: [hang]
    timeout: 60s
`)
	opts := testOptions(t, p, basicHost())
	opts.NoHostItems = true
	var progress bytes.Buffer
	opts.Progress = &syncWriter{w: &progress}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(1500 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	res, err := Run(ctx, opts)
	if err == nil {
		t.Fatalf("interrupted run wrote %s", res.Path)
	}
	if !strings.Contains(err.Error(), "partial bundle removed") || !errors.Is(err, context.Canceled) {
		t.Errorf("error %q does not say the partial bundle was removed", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("cancel took %s", d)
	}
	entries, _ := os.ReadDir(opts.Output)
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// failingWriter fails like a full disk after n bytes.
type failingWriter struct {
	w io.Writer
	n int64
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, &fs.PathError{Op: "write", Path: "bundle", Err: syscall.ENOSPC}
	}
	f.n -= int64(len(p))
	return f.w.Write(p)
}

// TestDiskFullRemovesPartial: a write error (disk full) while writing
// items, or while assembling the final file, fails the run with the
// reason and leaves no partial file.
func TestDiskFullRemovesPartial(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after int64
	}{{"first bytes", 10}, {"items", 2000}, {"final file", 1 << 30}} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			wrapOutput = func(w io.Writer) io.Writer {
				calls++
				if tc.after == 1<<30 && calls == 1 {
					return w // the items file works; the final file fails
				}
				n := tc.after
				if tc.after == 1<<30 {
					n = 100
				}
				return &failingWriter{w: w, n: n}
			}
			defer func() { wrapOutput = func(w io.Writer) io.Writer { return w } }()
			opts := testOptions(t, loadTestProfile(t, "basic"), basicHost())
			res, err := Run(context.Background(), opts)
			if err == nil {
				t.Fatalf("wrote %s on a full disk", res.Path)
			}
			if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "partial bundle removed") {
				t.Errorf("error %q", err)
			}
			entries, _ := os.ReadDir(opts.Output)
			for _, e := range entries {
				t.Errorf("left behind: %s", e.Name())
			}
		})
	}
}

// TestMissingAndUnreadable: missing files and commands are items with
// their errors, not failures of the run; with the right to read taken
// away (when not root), permission denied is recorded.
func TestMissingAndUnreadable(t *testing.T) {
	root := copyHost(t)
	secret := filepath.Join(root, "etc/app/app.conf")
	if err := os.Chmod(secret, 0); err != nil {
		t.Fatal(err)
	}
	p := profileYAML(t, `
  - id: conf
    files: [/etc/app/app.conf]
  - id: missing
    files: [/etc/app/none.conf]
  - id: missing-glob
    files: ["/var/log/none*.log"]
  - id: nocmd
    command: [no-such-command]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	res := run(t, opts)
	m, _ := readBundle(t, res.Path)
	want := map[string]string{"missing": bundle.ErrNotFound, "missing-glob": bundle.ErrNotFound, "nocmd": bundle.ErrCommandNotFound}
	if os.Geteuid() != 0 {
		want["conf"] = bundle.ErrPermission
	}
	for id, kind := range want {
		if it := findItem(t, m, id); it.ErrorKind != kind {
			t.Errorf("%s: %q (%s), want %q", id, it.ErrorKind, it.Error, kind)
		}
	}
}
