//go:build linux

package collect

import (
	"strings"
	"testing"
	"time"

	"casefile/bundle"
)

// TestCommandAttempts: every alternative of a commands: item is recorded
// in order (not found, failed with its exit code and a redacted stderr
// excerpt of at most 4 KiB, the one kept), and the kept attempt's stderr
// is stored whole as .err.
func TestCommandAttempts(t *testing.T) {
	root := copyHost(t)
	writeExec(t, root, "bin/ss", "#!/bin/sh\necho 'ss: cannot open netlink socket: Operation not permitted password=Sh0uld-Go' >&2\ni=0\nwhile [ $i -lt 200 ]; do echo \"ss: filler line $i of a long complaint about sockets\" >&2; i=$((i+1)); done\nexit 1\n")
	writeExec(t, root, "bin/netstat", "#!/bin/sh\necho 'Proto Recv-Q Send-Q Local Address'\necho 'netstat: showing only processes owned by you' >&2\n")
	p := profileYAML(t, `  - id: sockets
    commands: [[nosuch-ss, -tanp], [ss, -tanp], [netstat, -anp], [never, -x]]
  - id: single
    command: [netstat, -an]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, members := readBundle(t, run(t, opts).Path)
	it := findItem(t, m, "sockets")
	if len(it.Attempts) != 3 {
		t.Fatalf("attempts %+v, want 3 (the alternative after the kept one is not tried)", it.Attempts)
	}
	a0, a1, a2 := it.Attempts[0], it.Attempts[1], it.Attempts[2]
	if a0.Argv != "nosuch-ss -tanp" || a0.ErrorKind != bundle.ErrCommandNotFound || a0.Binary != "" || a0.Kept {
		t.Errorf("attempt 0: %+v", a0)
	}
	if a1.Argv != "ss -tanp" || a1.Binary != "/bin/ss" || a1.ExitCode == nil || *a1.ExitCode != 1 || a1.Kept {
		t.Errorf("attempt 1: %+v", a1)
	}
	if !strings.HasPrefix(a1.Stderr, "ss: cannot open netlink socket: Operation not permitted password=[REDACTED:config-secret]\n") ||
		strings.Contains(a1.Stderr, "Sh0uld-Go") || len(a1.Stderr) > bundle.MaxAttemptStderr || !strings.HasSuffix(a1.Stderr, "\n[...]") {
		t.Errorf("attempt 1 stderr (%d bytes): %q...", len(a1.Stderr), a1.Stderr[:min(120, len(a1.Stderr))])
	}
	if a2.Argv != "netstat -anp" || a2.ExitCode == nil || *a2.ExitCode != 0 || !a2.Kept || a2.Stderr != "netstat: showing only processes owned by you\n" {
		t.Errorf("attempt 2: %+v", a2)
	}
	if it.Binary != "/bin/netstat" || it.Source != "netstat -anp" || it.ErrorKind != "" {
		t.Errorf("item records %s %q %s, want the kept attempt", it.Binary, it.Source, it.ErrorKind)
	}
	if got := memberData(t, members, "commands/sockets.err"); got != "netstat: showing only processes owned by you\n" {
		t.Errorf("kept stderr %q", got)
	}
	if it := findItem(t, m, "single"); it.Attempts != nil {
		t.Errorf("a single command records attempts: %+v", it.Attempts)
	}
}

// TestMaxTime: once --max-time has passed, commands are not started
// (skipped, with the reason), a running command's timeout is cut to what
// is left, and files are still collected: three commands that hang for
// 20 s each cost about the max time, not a minute.
func TestMaxTime(t *testing.T) {
	root := copyHost(t)
	writeExec(t, root, "bin/hang", "#!/bin/sh\necho started\nexec sleep 30\n")
	p := profileYAML(t, `  - id: hang-1
    command: [hang]
    timeout: 20s
  - id: hang-2
    commands: [[hang], [hang, again]]
    timeout: 20s
  - id: hang-3
    shell: hang
    timeout: 20s
  - id: hosts
    files: [/etc/hosts]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	opts.MaxTime = 1500 * time.Millisecond
	t0 := time.Now()
	res := run(t, opts)
	if d := time.Since(t0); d > 8*time.Second {
		t.Errorf("collection took %s with --max-time 1.5s", d)
	}
	m, members := readBundle(t, res.Path)
	if m.Options.MaxTime != "1.5s" {
		t.Errorf("manifest options max_time %q", m.Options.MaxTime)
	}
	h1 := findItem(t, m, "hang-1")
	if h1.ErrorKind != bundle.ErrTimeout || !strings.Contains(h1.Error, "--max-time 1.5s") {
		t.Errorf("hang-1: %s %q, want a timeout cut by --max-time", h1.ErrorKind, h1.Error)
	}
	if out := memberData(t, members, "commands/hang-1.out"); out != "started\n" {
		t.Errorf("hang-1 output so far %q", out)
	}
	for _, id := range []string{"hang-2", "hang-3"} {
		it := findItem(t, m, id)
		if it.ErrorKind != bundle.ErrSkipped || !strings.Contains(it.Error, "--max-time 1.5s") || len(it.Stored) != 0 {
			t.Errorf("%s: %s %q, want skipped by --max-time", id, it.ErrorKind, it.Error)
		}
	}
	if h2 := findItem(t, m, "hang-2"); len(h2.Attempts) != 2 || h2.Attempts[0].ErrorKind != bundle.ErrSkipped || h2.Attempts[1].ErrorKind != bundle.ErrSkipped {
		t.Errorf("hang-2 attempts %+v, want both skipped", h2.Attempts)
	}
	if it := findItem(t, m, "hosts"); it.ErrorKind != "" || !hasMember(members, "files/etc/hosts") {
		t.Errorf("files after --max-time: %s %s", it.ErrorKind, it.Error)
	}
}
