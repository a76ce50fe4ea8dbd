package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"casefile/analyze"
	"casefile/profiles"

	"filippo.io/age"
)

// testdata paths, from cmd/collect.
var (
	basicProfile = filepath.Join("..", "..", "testdata", "collect", "profiles", "basic.yaml")
	basicRoot    = filepath.Join("..", "..", "testdata", "collect", "hosts", "basic")
)

// runCLI runs the command in process and returns its exit status and
// outputs.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, width: func() int { return 80 }, stopSignals: func() {}}
	code := runMain(context.Background(), args, e)
	return code, out.String(), errb.String()
}

// TestExitCodes: 0 when a bundle (or a plan, a list, a key) was made, 2
// for every kind of usage error, 1 when no bundle could be written.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "exists.key")
	if err := os.WriteFile(existing, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // regexp the output must match
		stderr string
	}{
		{"list profiles", []string{"--list-profiles"}, 0, `(?m)^auto\s+detect`, ""},
		{"no profile", nil, 2, "", "--profile is required"},
		{"unknown flag", []string{"--profile", "basic", "--bogus"}, 2, "", "unknown flag"},
		{"stray argument", []string{"--profile", "tfst", "extra"}, 2, "", "unknown command"},
		{"unknown profile", []string{"--profile", "nosuchproduct"}, 2, "", "no built-in profile"},
		{"bad set", []string{"--profile", basicProfile, "--set", "novalue"}, 2, "", "want KEY=VALUE"},
		{"unknown variable", []string{"--profile", basicProfile, "--set", "nope=1"}, 2, "", "has no such variable"},
		{"bad size", []string{"--profile", basicProfile, "--max-file-size", "lots"}, 2, "", "max-file-size"},
		{"bad timeout", []string{"--profile", basicProfile, "--command-timeout", "-3s"}, 2, "", "command-timeout"},
		{"bad max time", []string{"--profile", basicProfile, "--max-time", "soon"}, 2, "", "--max-time"},
		{"max time", []string{"--profile", basicProfile, "--root", basicRoot, "--root-exec", "--dry-run", "--max-time", "90s"}, 0, `(?m)^limits: .*, commands within 1m30s,`, ""},
		{"no max time", []string{"--profile", basicProfile, "--root", basicRoot, "--root-exec", "--dry-run", "--max-time", "0"}, 0, `(?m)^limits: max file size [^,]+, command timeout 30s, redaction on$`, ""},
		{"bad since", []string{"--profile", basicProfile, "--since", "yesterday"}, 2, "", "--since"},
		{"bad root", []string{"--profile", basicProfile, "--root", filepath.Join(dir, "nothere")}, 2, "", "--root"},
		{"bad recipient", []string{"--profile", basicProfile, "--encrypt-to", "age1notakey"}, 2, "", "--encrypt-to"},
		{"missing sign key", []string{"--profile", basicProfile, "--sign-key", filepath.Join(dir, "none.key")}, 2, "", "--sign-key"},
		{"output folder missing", []string{"--profile", basicProfile, "--root", basicRoot, "--root-exec", "-o", filepath.Join(dir, "a", "b.tar.gz")}, 1, "", "does not exist"},
		{"keygen without -o", []string{"keygen"}, 2, "", "-o PATH is required"},
		{"keygen over a file", []string{"keygen", "-o", existing}, 1, "", "already exists"},
		{"keygen", []string{"keygen", "-o", filepath.Join(dir, "new.key")}, 0, `key id: +[0-9A-F]{16}`, ""},
		{"dry run", []string{"--profile", basicProfile, "--root", basicRoot, "--root-exec", "--dry-run"}, 0, `(?m)^  install_dir\s+= /opt/app\s+\(process\)`, ""},
		{"collect", []string{"--profile", basicProfile, "--root", basicRoot, "--root-exec", "-o", dir + "/"}, 0,
			`^bundle: .*basic-basic01-\d{8}T\d{6}Z\.tar\.gz \([0-9.]+ KiB, sha256 [0-9a-f]{64}\)\n$`, `\[ *1/\d+\] app-logs`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if tc.stdout != "" && !regexp.MustCompile(tc.stdout).MatchString(out) {
				t.Errorf("stdout does not match %q:\n%s", tc.stdout, out)
			}
			if tc.stderr != "" && !regexp.MustCompile(regexp.QuoteMeta(tc.stderr)).MatchString(errOut) && !regexp.MustCompile(tc.stderr).MatchString(errOut) {
				t.Errorf("stderr does not mention %q:\n%s", tc.stderr, errOut)
			}
		})
	}
}

// TestDryRunTouchesNothing: a dry run prints every item and writes no file.
func TestDryRunTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	profile, _ := filepath.Abs(filepath.Join(wd, basicProfile))
	root, _ := filepath.Abs(filepath.Join(wd, basicRoot))
	code, out, errOut := runCLI(t, "--profile", profile, "--root", root, "--root-exec", "--dry-run", "--set", "log_dir=/opt/app/logs")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"log_dir          = /opt/app/logs", "(set)",
		"glob /opt/app/logs/app.log* (3 match(es))",
		"/opt/app/logs/app.log.2.gz",
		"run: appctl status  [/bin/appctl]",
		"run: ss -tanp  [not found]", "else: netstat -anp  [/bin/netstat]",
		"skipped: when", "host.facts (builtin) [host]",
		"file /etc/app/nothere.conf (not found)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
	if strings.Contains(out, "windows-only") {
		t.Errorf("plan lists an item for another OS")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("dry run wrote %d file(s)", len(entries))
	}
}

// TestAutoDetect: --profile auto finds the built-in products of the
// testdata fake hosts, and falls back to host facts alone on a host with
// none.
func TestAutoDetect(t *testing.T) {
	hosts, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "hosts", "tfst", "epp-*"))
	var tfst string
	for _, h := range hosts {
		if fi, err := os.Stat(h); err == nil && fi.IsDir() {
			tfst = h
			break
		}
	}
	tests := []struct {
		name, root, want string
	}{
		{"no product", basicRoot, "no known product detected"},
	}
	if tfst != "" {
		tests = append(tests, struct{ name, root, want string }{"tfst host", tfst, "detected tfst:"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "--profile", "auto", "--root", tc.root, "--root-exec", "--dry-run")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
			if !strings.Contains(out, "plan for profile") {
				t.Errorf("no plan printed:\n%s", out)
			}
		})
	}
}

// TestParseSince reads durations and dates.
func TestParseSince(t *testing.T) {
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"7d", now.Add(-7 * 24 * time.Hour), true},
		{"48h", now.Add(-48 * time.Hour), true},
		{"2024-03-01T10:00:00Z", time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), true},
		{"2024-03-01", time.Date(2024, 3, 1, 0, 0, 0, 0, time.Local), true},
		{"2024-03-01 10:30", time.Date(2024, 3, 1, 10, 30, 0, 0, time.Local), true},
		{"last week", time.Time{}, false},
	}
	for _, tc := range tests {
		got, err := parseSince(tc.in, now)
		if (err == nil) != tc.ok || !got.Equal(tc.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// TestParseRecipients accepts a key or a file of keys.
func TestParseRecipients(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "recipients.txt")
	if err := os.WriteFile(file, []byte("# help desk\n"+id.Recipient().String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{id.Recipient().String(), file} {
		rs, err := parseRecipients(in)
		if err != nil || len(rs) != 1 {
			t.Errorf("parseRecipients(%q) = %d, %v", in, len(rs), err)
		}
	}
	if _, err := parseRecipients(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Errorf("a missing file was accepted")
	}
}

// TestProgressBar: on a terminal item lines overwrite each other and
// problem lines stay.
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&env{stderr: &b, tty: true, width: func() int { return 40 }})
	p.Write([]byte("collecting x\n[1/3] a   file 1 B\n[2/3] b   ! not found\n[3/3] c  command 2 B\n"))
	p.finish()
	got := b.String()
	want := "collecting x\n[1/3] a   file 1 B\r\x1b[K[2/3] b   ! not found\n[3/3] c  command 2 B\r\x1b[K"
	if got != want {
		t.Errorf("bar output\n got %q\nwant %q", got, want)
	}
}

// TestProgressShowsRunningItem: on a terminal the bar names the item
// that is running, with the time it has taken and, for a large file, the
// bytes read so far; the item's own line replaces it when it ends.
func TestProgressShowsRunningItem(t *testing.T) {
	var b bytes.Buffer
	clock := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	p := newProgress(&env{stderr: &b, tty: true, width: func() int { return 100 }})
	p.now = func() time.Time { return clock }
	read := int64(0)
	p.Write([]byte("[1/3] host.facts builtin 1 B\n"))
	p.StartItem(2, 3, "host.uname", "command", func() int64 { return read })
	clock = clock.Add(3200 * time.Millisecond)
	p.tick()
	if !strings.HasSuffix(b.String(), "\r\x1b[K[2/3] host.uname                   command running 3.2s") {
		t.Errorf("running command not shown with its time: %q", b.String())
	}
	p.Write([]byte("[2/3] host.uname command 80 B, exit 0\n"))
	p.StartItem(3, 3, "epp-log", "glob", func() int64 { return read })
	read = 12 << 20
	clock = clock.Add(time.Second)
	p.tick()
	if !strings.HasSuffix(b.String(), "\r\x1b[K[3/3] epp-log                      glob    running 1.0s, 12.0 MiB read") {
		t.Errorf("running file item not shown with its bytes: %q", b.String())
	}
	p.Write([]byte("[3/3] epp-log glob 1 file(s), 12.0 MiB\n"))
	p.finish()
	if !strings.HasSuffix(b.String(), "[3/3] epp-log glob 1 file(s), 12.0 MiB\r\x1b[K") {
		t.Errorf("finished item line does not replace the running one: %q", b.String())
	}
}

// TestEncryptCLI: --encrypt-to with a key and with a file of keys writes
// one NAME.tar.gz.age and names it in the final line.
func TestEncryptCLI(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keys := filepath.Join(dir, "helpdesk.txt")
	os.WriteFile(keys, []byte(id.Recipient().String()+"\n"), 0o644)
	for _, rcpt := range []string{id.Recipient().String(), keys} {
		out := t.TempDir()
		code, stdout, stderr := runCLI(t, "--profile", basicProfile, "--root", basicRoot, "--root-exec", "-o", out+"/", "--encrypt-to", rcpt)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !regexp.MustCompile(`^bundle: \S+\.tar\.gz\.age `).MatchString(stdout) {
			t.Errorf("final line: %s", stdout)
		}
		files, _ := filepath.Glob(filepath.Join(out, "*"))
		if len(files) != 1 || !strings.HasSuffix(files[0], ".tar.gz.age") {
			t.Errorf("output: %v", files)
		}
	}
}

// TestAutoCollects: --profile auto writes one bundle per detected
// product, and a host-facts bundle when none is found.
func TestAutoCollects(t *testing.T) {
	hosts, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "hosts", "tfst", "epp-*"))
	tests := []struct {
		name, root, want string
	}{{"no product", basicRoot, "host-basic01-"}}
	if len(hosts) > 0 {
		tests = append(tests, struct{ name, root, want string }{"tfst", hosts[0], "tfst-"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			code, stdout, stderr := runCLI(t, "--profile", "auto", "--root", tc.root, "--root-exec", "-o", out+"/")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			files, _ := filepath.Glob(filepath.Join(out, "*.tar.gz"))
			if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), tc.want) {
				t.Errorf("bundles %v, want one named %s*", files, tc.want)
			}
			if strings.Count(stdout, "bundle: ") != len(files) {
				t.Errorf("final lines:\n%s", stdout)
			}
		})
	}
}

// TestUnredactableReported: an archive that could not be parsed for
// redaction is named at the end with what to do about it.
func TestUnredactableReported(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "opt", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A gzip whose content starts like a tar and breaks off.
	hdr := make([]byte, 512)
	copy(hdr, "conf/app.ini")
	copy(hdr[100:], "0000644\x00")
	copy(hdr[124:], "00000001000\x00")
	copy(hdr[257:], "ustar\x0000")
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(hdr)
	zw.Write([]byte("password=x\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(root, "opt", "x", "diag.tar.gz"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	prof := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(prof, []byte("name: p\ndescription: p\nversion: \"1\"\ncollect:\n  - id: diag\n    files: [/opt/x/diag.tar.gz]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "--profile", prof, "--root", root, "--root-exec", "-o", t.TempDir()+"/")
	if code != 0 || !strings.Contains(stderr, "1 file(s) could not be parsed for redaction and were not collected") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

// TestCaseFlag: --case puts the ticket id into the bundle's name, its
// manifest and its signed comment; an id that could steer a path or the
// comment is a usage error.
func TestCaseFlag(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCLI(t, "--profile", basicProfile, "--root", basicRoot, "--case", "SR-4711", "-o", out+"/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.tar.gz"))
	if len(files) != 1 || !regexp.MustCompile(`^basic-[^/]+-SR-4711-\d{8}T\d{6}Z\.tar\.gz$`).MatchString(filepath.Base(files[0])) {
		t.Fatalf("bundles %v, want one named basic-<host>-SR-4711-<time>.tar.gz", files)
	}
	if m := readManifest(t, files[0]); m.Case != "SR-4711" {
		t.Errorf("manifest case %q, want SR-4711", m.Case)
	}
	// The signature's trusted comment names the case, and analyze shows it
	// with no provenance problem.
	prof, err := profiles.LoadFile(basicProfile)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analyze.Run(context.Background(), files[:1], analyze.Options{Profile: prof})
	if err != nil {
		t.Fatal(err)
	}
	b := rep.Bundles[0]
	if !strings.HasSuffix(b.Signature.TrustedComment, " case:SR-4711") || b.Case != "SR-4711" || len(b.Integrity.Problems) != 0 {
		t.Errorf("analyze: trusted comment %q, case %q, problems %v; want case:SR-4711 signed and shown, no problem",
			b.Signature.TrustedComment, b.Case, b.Integrity.Problems)
	}
	for _, bad := range []string{"../x", "a b", "x:y"} {
		if code, _, stderr := runCLI(t, "--profile", basicProfile, "--root", basicRoot, "--case", bad, "-o", t.TempDir()+"/"); code != 2 || !strings.Contains(stderr, "--case") {
			t.Errorf("--case %q: exit %d, stderr %q; want 2 and a --case error", bad, code, stderr)
		}
	}
}
