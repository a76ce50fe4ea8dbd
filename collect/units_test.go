package collect

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/bundle"
)

func TestParsePS(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want []process
	}{
		{"linux ps -elf", `F S UID          PID    PPID  C PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD
4 S root           1       0  0  80   0 - 41907 -      Feb27 ?        00:00:02 /sbin/init splash
0 S tivoli      5120       1  0  80   0 - 12000 -      10:02 ?        00:01:12 /opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy
1 S root           2       0  0  80   0 -     0 -      Feb27 ?        00:00:00 [kthreadd]
`, []process{
			{PID: 1, PPID: 0, UID: -1, User: "root", Comm: "init", Cmdline: "/sbin/init splash"},
			{PID: 5120, PPID: 1, UID: -1, User: "tivoli", Comm: "epproxy", Cmdline: "/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy"},
			{PID: 2, PPID: 0, UID: -1, User: "root", Comm: "kthreadd", Cmdline: "[kthreadd]"},
		}},
		{"AIX ps -ef, start time in two words", `     UID     PID    PPID   C    STIME    TTY  TIME CMD
    root       1       0   0   Oct 13      -  0:02 /etc/init
  tivoli  303174       1   0 10:02:11      -  1:12 /opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy
`, []process{
			{PID: 1, PPID: 0, UID: -1, User: "root", Comm: "init", Cmdline: "/etc/init"},
			{PID: 303174, PPID: 1, UID: -1, User: "tivoli", Comm: "epproxy", Cmdline: "/opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy"},
		}},
		{"no header", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := parsePS(tc.out)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(process{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestProcAddr(t *testing.T) {
	tests := map[string]string{
		"0100007F:0016":                         "127.0.0.1:22",
		"00000000:0000":                         "0.0.0.0:*",
		"281E140A:20FB":                         "10.20.30.40:8443",
		"00000000000000000000000000000000:0016": ":::22",
		"0000000000000000FFFF00000100007F:01BB": "::ffff:127.0.0.1:443",
		"B80D0120000000000000000001000000:0050": "2001:db8::1:80",
		"zz:1":                                  "",
		"0100007F":                              "",
	}
	for in, want := range tests {
		got, ok := procAddr(in)
		if got != want || ok != (want != "") {
			t.Errorf("procAddr(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestTTYName(t *testing.T) {
	tests := map[int]string{0: "?", 34816: "pts/0", 34817: "pts/1", 1025: "tty1", 1088: "ttyS0"}
	for nr, want := range tests {
		if got := ttyName(nr); got != want {
			t.Errorf("ttyName(%d) = %q, want %q", nr, got, want)
		}
	}
}

func TestModeString(t *testing.T) {
	tests := []struct {
		mode fs.FileMode
		want string
	}{
		{0o644, "-rw-r--r--"},
		{fs.ModeDir | 0o755, "drwxr-xr-x"},
		{fs.ModeSymlink | 0o777, "lrwxrwxrwx"},
		{fs.ModeNamedPipe | 0o600, "prw-------"},
		{fs.ModeSocket | 0o777, "srwxrwxrwx"},
		{fs.ModeDevice | fs.ModeCharDevice | 0o666, "crw-rw-rw-"},
		{fs.ModeDevice | 0o660, "brw-rw----"},
		{fs.ModeSetuid | 0o755, "-rwsr-xr-x"},
		{fs.ModeSetgid | 0o745, "-rwxr-Sr-x"},
		{fs.ModeDir | fs.ModeSticky | 0o777, "drwxrwxrwt"},
	}
	for _, tc := range tests {
		if got := modeString(tc.mode); got != tc.want {
			t.Errorf("modeString(%v) = %q, want %q", tc.mode, got, tc.want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	tests := map[string]string{
		"ps": "ps", "-elf": "-elf", "/opt/x/y": "/opt/x/y", "": "''", "a b": "'a b'",
		"it's": `'it'\''s'`, "(^|/)appd( |$)": `'(^|/)appd( |$)'`, `C:\Tivoli`: `C:\Tivoli`,
	}
	for in, want := range tests {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOSRelease(t *testing.T) {
	tests := map[string]string{
		"NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n": "Debian GNU/Linux 12 (bookworm)",
		"NAME=\"SLES\"\nVERSION=\"15-SP5\"\n":                                         "SLES 15-SP5",
		"":                                                                            "",
	}
	for in, want := range tests {
		if got := osRelease(in); got != want {
			t.Errorf("osRelease(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatUptime(t *testing.T) {
	tests := map[time.Duration]string{
		90 * time.Second:                 "0h 1m",
		26*time.Hour + 5*time.Minute:     "1d 2h 5m",
		356521 * time.Second:             "4d 3h 2m",
		3*time.Hour + 59*time.Minute + 1: "3h 59m",
	}
	for d, want := range tests {
		if got := formatUptime(d); got != want {
			t.Errorf("formatUptime(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestForbidden(t *testing.T) {
	tests := map[string]bool{
		"/proc/kmsg": true, "/proc/kcore": true, "/proc/self/mem": true, "/proc/1234/mem": true,
		"/proc/1234/task/1235/mem": true, "/proc/1/pagemap": true, "/proc//kcore": true, "/proc/./kmsg": true,
		"/dev/mem": true, "/sys/kernel/debug/x": true,
		"/proc/meminfo": false, "/proc/1234/status": false, "/proc/1234/limits": false, "/var/log/mem": false,
	}
	for p, want := range tests {
		if got := forbidden(p); got != want {
			t.Errorf("forbidden(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestCleanHost(t *testing.T) {
	tests := map[string]string{
		"/etc/hosts": "/etc/hosts", "etc//hosts": "/etc/hosts", "/a/../../b": "/b",
		`C:\Tivoli\EPProxy\epp.log`: "C:/Tivoli/EPProxy/epp.log", `C:\..\x`: "C:/x",
	}
	for in, want := range tests {
		if got := cleanHost(in); got != want {
			t.Errorf("cleanHost(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGlob expands patterns under a root: wildcards per element, "**",
// links to folders followed by plain elements but not by "**".
func TestGlob(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"var/log/app/a.log", "var/log/app/a.log.1", "var/log/app/old/a.log.2.gz", "var/log/other/b.log", "opt/x/y/z/deep.log"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(root, f), []byte("x\n"), 0o644)
	}
	os.Symlink("/var/log", filepath.Join(root, "opt/logs"))
	os.Symlink("..", filepath.Join(root, "opt/x/up")) // a loop for **
	h, err := newHostFS(root)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pattern string
		want    []string
	}{
		{"/var/log/app/a.log*", []string{"/var/log/app/a.log", "/var/log/app/a.log.1"}},
		{"/var/log/*/*.log", []string{"/var/log/app/a.log", "/var/log/other/b.log"}},
		{"/var/log/**/a.log*", []string{"/var/log/app/a.log", "/var/log/app/a.log.1", "/var/log/app/old/a.log.2.gz"}},
		{"/opt/**/deep.log", []string{"/opt/x/y/z/deep.log"}},
		{"/opt/logs/app/a.log", []string{"/opt/logs/app/a.log"}},
		{"/opt/logs/*/b.log", []string{"/opt/logs/other/b.log"}},
		{"/nothing/*", nil},
	}
	for _, tc := range tests {
		got, err := h.glob(tc.pattern)
		if err != nil {
			t.Errorf("glob(%q): %v", tc.pattern, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("glob(%q) (-want +got):\n%s", tc.pattern, diff)
		}
	}
	if _, err := h.glob("/var/log/[a"); err == nil || !strings.Contains(err.Error(), "bad glob") {
		t.Errorf("malformed glob: %v", err)
	}
}

// TestTailBuffer keeps the last bytes of a stream, in memory and on disk.
func TestTailBuffer(t *testing.T) {
	for _, limit := range []int64{10, memSpoolMax + 7} {
		tb := newTailBuffer(t.TempDir(), limit)
		var all []byte
		for i := 0; int64(len(all)) < 3*limit+5; i++ {
			chunk := []byte(strings.Repeat(string(rune('a'+i%26)), 1+i%1000))
			tb.Write(chunk)
			all = append(all, chunk...)
		}
		r, dropped, err := tb.Reader()
		if err != nil {
			t.Fatal(err)
		}
		got := new(strings.Builder)
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			got.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if want := string(all[int64(len(all))-limit:]); got.String() != want {
			t.Errorf("limit %d: kept part is not the tail", limit)
		}
		if dropped != int64(len(all))-limit {
			t.Errorf("limit %d: dropped %d, want %d", limit, dropped, int64(len(all))-limit)
		}
		tb.Close()
	}
}

// TestSummaryAbsentOptional: an optional item that is not on this host
// (no file, no command, a when that is false) is "absent", not a problem
// marked "!"; a missing item the profile expects still is one.
func TestSummaryAbsentOptional(t *testing.T) {
	for _, tc := range []struct {
		it   bundle.Item
		want string
	}{
		{bundle.Item{ID: "samhain-help", Kind: "command", Optional: true, ErrorKind: bundle.ErrCommandNotFound, Error: "samhain: command not found"}, "absent (optional): samhain: command not found"},
		{bundle.Item{ID: "ha-state", Kind: "file", Optional: true, ErrorKind: bundle.ErrNotFound, Error: "no file matches /etc/ha.state"}, "absent (optional): no file matches /etc/ha.state"},
		{bundle.Item{ID: "cores", Kind: "glob", Optional: true, ErrorKind: bundle.ErrSkipped, Error: `when "x" is false`}, `absent (optional): when "x" is false`},
		{bundle.Item{ID: "conf", Kind: "glob", ErrorKind: bundle.ErrNotFound, Error: "no file matches /x"}, "! no file matches /x"},
		{bundle.Item{ID: "ps", Kind: "command", Optional: true, ErrorKind: bundle.ErrTimeout, Error: "timed out"}, "! timed out"},
	} {
		if got := summary(tc.it); !strings.HasSuffix(got, tc.want) {
			t.Errorf("%s: %q, want it to end %q", tc.it.ID, got, tc.want)
		}
	}
}
