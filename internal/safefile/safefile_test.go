package safefile

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

func write(path, text string) error {
	return WriteFile(path, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	})
}

func leftovers(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestReplaceRegularAndMissing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.txt")
	if err := write(p, "one"); err != nil {
		t.Fatal(err)
	}
	if err := write(p, "two"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "two" {
		t.Errorf("content %q", got)
	}
	if fi, _ := os.Stat(p); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode())
	}
	// A failing render leaves the old file and no temporary file.
	err := WriteFile(p, 0o644, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return errors.New("boom")
	})
	if err == nil || err.Error() != "boom" {
		t.Errorf("err %v", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "two" {
		t.Errorf("after a failed write: %q", got)
	}
	leftovers(t, dir)
}

// TestSymlinkRefused: a symlink at the target is neither followed nor
// replaced (as root, -o /tmp/x where x links to /etc/passwd).
func TestSymlinkRefused(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "victim")
	os.WriteFile(target, []byte("precious"), 0o644)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	err := write(link, "report")
	var se *Error
	if !errors.As(err, &se) || !strings.Contains(se.Reason, "symbolic link") {
		t.Fatalf("want a refusal naming the symlink, got %v", err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
	if got, _ := os.ReadFile(target); string(got) != "precious" {
		t.Errorf("written through the symlink: %q", got)
	}
	leftovers(t, dir)
}

// TestDevNull: -o /dev/null as root turned /dev/null into a regular file.
func TestDevNull(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	if err := write(os.DevNull, "report"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(os.DevNull)
	if err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a character device: %v %v", fi.Mode(), err)
	}
	if k, _ := Check(os.DevNull); k != Stream {
		t.Errorf("kind %v", k)
	}
}

func TestFIFO(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(p)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := write(p, "through the pipe"); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("read %q", s)
	}
	if fi, _ := os.Lstat(p); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
}

func TestRefused(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s")
	if runtime.GOOS != "windows" {
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
	}
	cases := map[string]string{
		dir:                              "is a directory",
		filepath.Join(dir, "no", "such"): "does not exist",
		"-":                              "standard output",
		filepath.Join(dir, "s"):          "special file",
	}
	if runtime.GOOS == "windows" {
		delete(cases, sock)
	}
	for p, want := range cases {
		err := write(p, "x")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", p, err, want)
		}
	}
	if fi, err := os.Lstat(sock); runtime.GOOS != "windows" && (err != nil || fi.Mode()&fs.ModeSocket == 0) {
		t.Error("the socket was replaced")
	}
	leftovers(t, dir)
}

func TestBlockDeviceRefused(t *testing.T) {
	var dev string
	for _, p := range []string{"/dev/loop0", "/dev/sda", "/dev/vda", "/dev/nvme0n1"} {
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeDevice != 0 && fi.Mode()&fs.ModeCharDevice == 0 {
			dev = p
			break
		}
	}
	if dev == "" {
		t.Skip("no block device node to test with")
	}
	if _, err := Check(dev); err == nil || !strings.Contains(err.Error(), "block device") {
		t.Errorf("%s: got %v", dev, err)
	}
}
