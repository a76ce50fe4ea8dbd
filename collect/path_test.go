//go:build linux

package collect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeExec writes an executable script under root.
func writeExec(t *testing.T, root, rel, text string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}

// writeFile writes a file under root.
func writeFile(t *testing.T, root, rel, text string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFakeRootScriptsGetPATH: with RootCommandsOnly, commands and shell
// lines find only the root's commands, but the root's scripts run with
// a normal PATH (cat, dirname) and CASEFILE_ROOT, as docs/testing.md
// shows; the process list comes from the root's fake ps the same way.
func TestFakeRootScriptsGetPATH(t *testing.T) {
	root := filepath.Join(t.TempDir(), "root")
	writeFile(t, root, "etc/hostname", "fake01\n")
	writeFile(t, root, "fixtures/eth.txt", "Ring parameters for eth0:\nRX: 4096\n")
	writeFile(t, root, "fixtures/ps.txt", "UID PID PPID C STIME TTY TIME CMD\nroot 812 1 0 10:00 ? 00:00:01 /opt/fake/sbin/faked --conf /opt/fake/faked.conf\n")
	writeExec(t, root, "bin/ethtool", "#!/bin/sh\ncat \"$(dirname \"$0\")/../fixtures/eth.txt\"\necho \"root=$CASEFILE_ROOT\"\n")
	writeExec(t, root, "bin/ps", "#!/bin/sh\ncat \"$CASEFILE_ROOT/fixtures/ps.txt\"\n")
	p := profileWithVars(t, `  - name: fake_dir
    detect:
      - process: '^(?P<value>/\S+)/sbin/faked '
`, `  - id: ring
    command: [ethtool, -g, eth0]
  - id: ring-shell
    shell: 'ethtool -g eth0; if command -v uname >/dev/null; then echo uname-visible; else echo uname-hidden; fi'
  - id: not-in-root
    command: [uname, -a]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	abs, _ := filepath.Abs(root)
	for _, id := range []string{"ring", "ring-shell"} {
		out := memberData(t, members, "commands/"+id+".out")
		if !strings.Contains(out, "RX: 4096") || !strings.Contains(out, "root="+abs) {
			t.Errorf("%s: output %q lacks the fixture or CASEFILE_ROOT=%s", id, out, abs)
		}
		if it := findItem(t, m, id); it.ErrorKind != "" || it.ExitCode == nil || *it.ExitCode != 0 {
			t.Errorf("%s: %s %s exit %v", id, it.ErrorKind, it.Error, it.ExitCode)
		}
	}
	if out := memberData(t, members, "commands/ring-shell.out"); !strings.Contains(out, "uname-hidden") {
		t.Errorf("a shell line found a command the root does not supply: %q", out)
	}
	if it := findItem(t, m, "not-in-root"); it.ErrorKind != "command_not_found" {
		t.Errorf("uname: %s, want command_not_found", it.ErrorKind)
	}
	if v := m.Variables["fake_dir"]; v.Value != "/opt/fake" || v.Source != SourceProcess {
		t.Errorf("fake_dir = %+v, want /opt/fake from the process list", v)
	}
	entries, _ := os.ReadDir(opts.Output)
	if len(entries) != 1 {
		t.Errorf("output folder holds %d entries, want the bundle alone (shims removed)", len(entries))
	}
}

// TestWindowsProcessFallback: with Windows' process sources, a missing
// wmic falls back to PowerShell, whose command lines let a process
// detector find the install dir (tasklist's image names would not).
func TestWindowsProcessFallback(t *testing.T) {
	defer func(os string) { processOS = os }(processOS)
	processOS = "windows"
	root := filepath.Join(t.TempDir(), "root")
	writeFile(t, root, "etc/hostname", "tivgw04\n")
	writeFile(t, root, "fixtures/cim.csv", powershellCSV)
	writeExec(t, root, "bin/powershell", "#!/bin/sh\ncat \"$CASEFILE_ROOT/fixtures/cim.csv\"\n")
	writeExec(t, root, "bin/tasklist", "#!/bin/sh\necho '\"Image Name\",\"PID\"'\necho '\"epproxy.exe\",\"3312\"'\n")
	p := profileWithVars(t, `  - name: install_dir
    detect:
      - process: '^"?(?P<value>[A-Za-z]:\\\S+)\\epproxy\.exe'
`, `  - id: nothing
    files: [/etc/hostname]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, _ := readBundle(t, run(t, opts).Path)
	if v := m.Variables["install_dir"]; v.Value != `C:\Tivoli\EPProxy` || v.Source != SourceProcess {
		t.Errorf("install_dir = %+v, want C:\\Tivoli\\EPProxy from PowerShell's command lines", v)
	}
}
