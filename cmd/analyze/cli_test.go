package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"filippo.io/age"
	"github.com/google/go-cmp/cmp"

	"casefile/analyze"
	"casefile/analyze/input"
	"casefile/analyze/report"
	"casefile/analyze/report/reporttest"
	"casefile/bundle"
)

const fixtureDir = "../../testdata/report"

func loadFixture(t *testing.T, name string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// fake is an analyze.Run stand-in that records its call.
type fake struct {
	rep    *report.Report
	err    error
	called bool
	paths  []string
	opts   analyze.Options
}

func (f *fake) run(_ context.Context, paths []string, opts analyze.Options) (*report.Report, error) {
	f.called, f.paths, f.opts = true, paths, opts
	return f.rep, f.err
}

type result struct {
	code           int
	stdout, stderr string
}

// cli runs the command in-process.
func cli(t *testing.T, f *fake, term bool, environ map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{
		stdout:     &out,
		stderr:     &errOut,
		stdoutTerm: term,
		width:      80,
		getenv:     func(k string) string { return environ[k] },
		run:        f.run,
		now:        func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) },
		local:      time.UTC,
	}
	code := e.main(args)
	return result{code, out.String(), errOut.String()}
}

// onlyHA returns the ha-pair fixture with its findings cut to those of
// the given severities.
func withSeverities(t *testing.T, name string, sevs ...string) *report.Report {
	r := loadFixture(t, name)
	keep := map[string]bool{}
	for _, s := range sevs {
		keep[s] = true
	}
	var fs []report.Finding
	for _, f := range r.Findings {
		if keep[f.Severity] {
			fs = append(fs, f)
		}
	}
	r.Findings = fs
	return r
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		rep      *report.Report
		err      error
		args     []string
		want     int
		stderr   string // regexp the whole stderr must match
		noCall   bool   // analysis must not even start
		noStdout bool
	}{
		{name: "critical finding, default --fail-on", rep: loadFixture(t, "ha-pair"), args: []string{"a.tar.gz"}, want: 1},
		{name: "critical finding, --fail-on critical", rep: loadFixture(t, "ha-pair"), args: []string{"a.tar.gz", "--fail-on", "critical"}, want: 1},
		{name: "warnings only, default", rep: withSeverities(t, "ha-pair", "warning", "info"), args: []string{"a"}, want: 0},
		{name: "warnings only, --fail-on warning", rep: withSeverities(t, "ha-pair", "warning", "info"), args: []string{"a", "--fail-on", "warning"}, want: 1},
		{name: "info only, --fail-on warning", rep: withSeverities(t, "ha-pair", "info"), args: []string{"a", "--fail-on", "warning"}, want: 0},
		{name: "info only, --fail-on info", rep: withSeverities(t, "ha-pair", "info"), args: []string{"a", "--fail-on=info"}, want: 1},
		{name: "no findings, --fail-on info", rep: loadFixture(t, "quiet-skipped"), args: []string{"a", "--fail-on", "info"}, want: 0},
		{
			name: "nothing could be checked", rep: allSkipped(t), args: []string{"a"}, want: 3,
			stderr: `^analyze: nothing could be checked: no rule found any of its inputs .*\n$`,
		},
		{
			name: "nothing could be checked, --fail-on info", rep: allSkipped(t), args: []string{"a", "--fail-on", "info"}, want: 3,
			stderr: `^analyze: nothing could be checked: .*\n$`,
		},
		{name: "no input", args: nil, want: 2, stderr: `^analyze: no input given .*\n$`, noCall: true, noStdout: true},
		{name: "unknown flag", args: []string{"a", "--bogus"}, want: 2, stderr: `^analyze: unknown flag: --bogus .*\n$`, noCall: true, noStdout: true},
		{name: "bad format", args: []string{"a", "--format", "xml"}, want: 2, stderr: `^analyze: --format "xml": want text, json or html\n$`, noCall: true, noStdout: true},
		{name: "bad fail-on", args: []string{"a", "--fail-on", "error"}, want: 2, stderr: `^analyze: --fail-on "error": .*\n$`, noCall: true, noStdout: true},
		{name: "bad --at", args: []string{"a", "--at", "yesterday"}, want: 2, stderr: `^analyze: --at "yesterday": want RFC 3339.*\n$`, noCall: true, noStdout: true},
		{name: "bad --timezone", args: []string{"a", "--timezone", "Mars/Olympus"}, want: 2, stderr: `^analyze: --timezone "Mars/Olympus": .*\n$`, noCall: true, noStdout: true},
		{name: "unknown profile", args: []string{"a", "--profile", "nosuchproduct"}, want: 2, stderr: `^analyze: --profile: no built-in profile "nosuchproduct".*\n$`, noCall: true, noStdout: true},
		{name: "unknown rule", args: []string{"a", "--profile", "tfst", "--rule", "tfst.nope"}, want: 2, stderr: `^analyze: --rule tfst.nope: profile tfst has no such rule.*\n$`, noCall: true, noStdout: true},
		{name: "missing trust file", args: []string{"a", "--trust", "/nonexistent/keys"}, want: 2, stderr: `^analyze: --trust: .*nonexistent.*\n$`, noCall: true, noStdout: true},
		{name: "missing identity file", args: []string{"a", "--identity", "/nonexistent/id"}, want: 2, stderr: `^analyze: --identity: .*\n$`, noCall: true, noStdout: true},
		{
			name: "hostile input", err: &input.Error{Path: "evil.tar.gz", Reason: "member ../../etc/passwd escapes the bundle"},
			args: []string{"evil.tar.gz"}, want: 2, stderr: `^analyze: evil.tar.gz: member \.\./\.\./etc/passwd escapes the bundle\n$`, noStdout: true,
		},
		{
			name: "input error naming a hostile path", err: &input.Error{Path: "x\x1b[2J\n.tar.gz", Reason: "not a bundle"},
			args: []string{"x"}, want: 2, stderr: `^analyze: x\\x1b\[2J; \.tar\.gz: not a bundle\n$`, noStdout: true,
		},
		{name: "require-signature, all trusted", rep: loadFixture(t, "clean"), args: []string{"a", "--require-signature"}, want: 0},
		{
			name: "require-signature, untrusted key", rep: loadFixture(t, "ha-pair"), args: []string{"a", "--require-signature"}, want: 2,
			stderr: `^analyze: tickets/4711/sms-sms02-20260227T082003Z.tar.gz: signed by untrusted key 3B9C0E7F61A2D845 \(--require-signature\)\n$`, noStdout: true,
		},
		{
			name: "require-signature, tampered", rep: loadFixture(t, "tfst-tampered"), args: []string{"a", "--require-signature"}, want: 2,
			stderr: `^analyze: /srv/tickets/TS0099881/tfst-epp01-20091013T120000Z.tar.gz: signature invalid \(signature does not match SHA256SUMS\); integrity: files/opt/tivoli/EPProxy/epp.log altered and 3 more \(--require-signature\)\n$`, noStdout: true,
		},
		{name: "tampered, without require-signature", rep: loadFixture(t, "tfst-tampered"), args: []string{"a"}, want: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fake{rep: tc.rep, err: tc.err}
			got := cli(t, f, false, nil, tc.args...)
			if got.code != tc.want {
				t.Errorf("exit %d, want %d; stderr: %q", got.code, tc.want, got.stderr)
			}
			if tc.stderr != "" && !regexp.MustCompile(tc.stderr).MatchString(got.stderr) {
				t.Errorf("stderr %q does not match %q", got.stderr, tc.stderr)
			}
			if tc.stderr == "" && got.stderr != "" {
				t.Errorf("unexpected stderr %q", got.stderr)
			}
			if tc.noCall && f.called {
				t.Error("analysis ran although the command line was refused")
			}
			if tc.noStdout && got.stdout != "" {
				t.Errorf("exit 2 wrote a report to stdout: %.200q", got.stdout)
			}
			if !tc.noStdout && !strings.HasPrefix(got.stdout, "casefile report") {
				t.Errorf("stdout is not a text report: %.200q", got.stdout)
			}
		})
	}
}

func TestOutputFile(t *testing.T) {
	tests := []struct {
		name, file string
		args       []string
		check      func(t *testing.T, data []byte)
	}{
		{"html from extension", "report.html", nil, func(t *testing.T, data []byte) {
			if !bytes.HasPrefix(data, []byte("<!DOCTYPE html>")) {
				t.Errorf("not HTML: %.100q", data)
			}
		}},
		{"htm from extension", "report.HTM", nil, func(t *testing.T, data []byte) {
			if !bytes.HasPrefix(data, []byte("<!DOCTYPE html>")) {
				t.Errorf("not HTML: %.100q", data)
			}
		}},
		{"json from extension", "report.json", nil, func(t *testing.T, data []byte) {
			reporttest.Check(t, data)
		}},
		{"text from extension", "report.txt", nil, func(t *testing.T, data []byte) {
			if !bytes.HasPrefix(data, []byte("casefile report")) || bytes.Contains(data, []byte("\x1b")) {
				t.Errorf("not a plain text report: %.100q", data)
			}
		}},
		{"unknown extension is text", "report.out", nil, func(t *testing.T, data []byte) {
			if !bytes.HasPrefix(data, []byte("casefile report")) {
				t.Errorf("not a text report: %.100q", data)
			}
		}},
		{"--format wins over extension", "report.html", []string{"--format", "json"}, func(t *testing.T, data []byte) {
			reporttest.Check(t, data)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.file)
			args := append([]string{"a.tar.gz", "-o", path}, tc.args...)
			// Even on a terminal, a report file gets no colour.
			got := cli(t, &fake{rep: loadFixture(t, "ha-pair")}, true, nil, args...)
			if got.code != 1 {
				t.Fatalf("exit %d, want 1; stderr %q", got.code, got.stderr)
			}
			if got.stdout != "" {
				t.Errorf("stdout not empty with -o: %.100q", got.stdout)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, data)
			assertOnly(t, dir, tc.file)
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o644 && !isWindows {
				t.Errorf("report mode %v, want 0644", fi.Mode().Perm())
			}
		})
	}
}

// assertOnly fails unless dir holds exactly the named files (no temporary
// file left behind).
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if names == nil {
		names = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if diff := cmp.Diff(names, got); diff != "" {
		t.Errorf("files in the output folder (-want +got):\n%s", diff)
	}
}

func TestOutputRefusals(t *testing.T) {
	t.Run("replaces an existing report whole", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "r.json")
		if err := os.WriteFile(path, bytes.Repeat([]byte("old "), 100000), 0o644); err != nil {
			t.Fatal(err)
		}
		got := cli(t, &fake{rep: loadFixture(t, "clean")}, false, nil, "a", "-o", path)
		if got.code != 0 {
			t.Fatalf("exit %d: %s", got.code, got.stderr)
		}
		data, _ := os.ReadFile(path)
		reporttest.Check(t, data)
		assertOnly(t, dir, "r.json")
	})
	t.Run("folder does not exist", func(t *testing.T) {
		f := &fake{rep: loadFixture(t, "clean")}
		got := cli(t, f, false, nil, "a", "-o", filepath.Join(t.TempDir(), "nope", "r.html"))
		if got.code != 2 || !strings.Contains(got.stderr, "does not exist") || f.called {
			t.Errorf("exit %d, stderr %q, analysis ran %v", got.code, got.stderr, f.called)
		}
	})
	t.Run("path is a folder", func(t *testing.T) {
		dir := t.TempDir()
		f := &fake{rep: loadFixture(t, "clean")}
		got := cli(t, f, false, nil, "a", "-o", dir)
		if got.code != 2 || !strings.Contains(got.stderr, "is a directory") || f.called {
			t.Errorf("exit %d, stderr %q, analysis ran %v", got.code, got.stderr, f.called)
		}
		assertOnly(t, dir)
	})
	for _, tc := range []struct {
		name string
		f    *fake
		args []string
	}{
		{"refused signature writes nothing", &fake{rep: loadFixture(t, "tfst-tampered")}, []string{"--require-signature"}},
		{"refused input writes nothing", &fake{err: &input.Error{Path: "a", Reason: "truncated gzip"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			got := cli(t, tc.f, false, nil, append([]string{"a", "-o", filepath.Join(dir, "r.html")}, tc.args...)...)
			if got.code != 2 {
				t.Errorf("exit %d, want 2", got.code)
			}
			assertOnly(t, dir)
		})
	}
}

func TestOptionsPassed(t *testing.T) {
	dir := t.TempDir()
	pub, _, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pubText, _ := pub.MarshalText()
	trust := filepath.Join(dir, "trust")
	if err := os.WriteFile(trust, append(append([]byte("# help desk\n"), pubText...), " field key\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	idFile := filepath.Join(dir, "id.txt")
	if err := os.WriteFile(idFile, []byte("# created: now\n"+id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := &fake{rep: loadFixture(t, "clean")}
	got := cli(t, f, false, nil, "one.tar.gz", "two.zip",
		"--profile", "tfst", "--rule", "tfst.fd-exhaustion", "--rule", "tfst.version",
		"--trust", trust, "--identity", idFile, "--identity", idFile,
		"--timezone", "Europe/Berlin", "--at", "2009-10-13 10:40")
	if got.code != 0 {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	o := f.opts
	if diff := cmp.Diff([]string{"one.tar.gz", "two.zip"}, f.paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	if o.Profile == nil || o.Profile.Name != "tfst" {
		t.Errorf("profile %v, want tfst", o.Profile)
	}
	if diff := cmp.Diff([]string{"tfst.fd-exhaustion", "tfst.version"}, o.Rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if len(o.Trust) != 1 || o.Trust[0].Name != "field key" || o.Trust[0].Key.ID() != pub.ID() {
		t.Errorf("trust = %+v", o.Trust)
	}
	if len(o.Identities) != 2 {
		t.Errorf("%d identities, want 2", len(o.Identities))
	}
	if o.Timezone == nil || o.Timezone.String() != "Europe/Berlin" {
		t.Errorf("timezone %v", o.Timezone)
	}
	if want := time.Date(2009, 10, 13, 8, 40, 0, 0, time.UTC); o.At == nil || !o.At.Equal(want) {
		t.Errorf("--at gave %v, want %v", o.At, want)
	}
	if o.Clock == nil {
		t.Error("no clock passed")
	}
}

func TestParseAt(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		loc  *time.Location
		want time.Time
		bad  bool
	}{
		{in: "2009-10-13T10:40:00Z", loc: berlin, want: time.Date(2009, 10, 13, 10, 40, 0, 0, time.UTC)},
		{in: "2009-10-13T10:40:00+02:00", loc: time.UTC, want: time.Date(2009, 10, 13, 8, 40, 0, 0, time.UTC)},
		{in: "2009-10-13T10:40:00.250Z", loc: time.UTC, want: time.Date(2009, 10, 13, 10, 40, 0, 250e6, time.UTC)},
		{in: "2009-10-13 10:40", loc: berlin, want: time.Date(2009, 10, 13, 8, 40, 0, 0, time.UTC)},
		{in: "2009-10-13 10:40:30", loc: time.UTC, want: time.Date(2009, 10, 13, 10, 40, 30, 0, time.UTC)},
		{in: " 2009-10-13T10:40 ", loc: time.UTC, want: time.Date(2009, 10, 13, 10, 40, 0, 0, time.UTC)},
		{in: "2009-01-13 10:40", loc: berlin, want: time.Date(2009, 1, 13, 9, 40, 0, 0, time.UTC)}, // winter time
		{in: "13/10/2009 10:40", bad: true},
		{in: "2009-10-13", bad: true},
		{in: "", bad: true},
	}
	for _, tc := range tests {
		got, err := parseAt(tc.in, tc.loc)
		if tc.bad {
			if err == nil {
				t.Errorf("parseAt(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseAt(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestLoadZone(t *testing.T) {
	tests := []struct {
		in     string
		offset int // seconds east of UTC in January 2009
		bad    bool
	}{
		{in: "UTC"},
		{in: "Europe/Berlin", offset: 3600},
		{in: "America/Chicago", offset: -6 * 3600},
		{in: "+02:00", offset: 7200},
		{in: "-0530", offset: -(5*3600 + 1800)},
		{in: "+2", bad: true},
		{in: "Nowhere/Special", bad: true},
	}
	for _, tc := range tests {
		loc, err := loadZone(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("loadZone(%q) accepted", tc.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("loadZone(%q): %v", tc.in, err)
			continue
		}
		if _, off := time.Date(2009, 1, 15, 12, 0, 0, 0, loc).Zone(); off != tc.offset {
			t.Errorf("loadZone(%q) offset %d, want %d", tc.in, off, tc.offset)
		}
	}
}

var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func TestColor(t *testing.T) {
	tests := []struct {
		name    string
		term    bool
		environ map[string]string
		args    []string
		want    bool
	}{
		{"terminal", true, nil, nil, true},
		{"pipe", false, nil, nil, false},
		{"NO_COLOR", true, map[string]string{"NO_COLOR": "1"}, nil, false},
		{"TERM=dumb", true, map[string]string{"TERM": "dumb"}, nil, false},
		{"--no-color", true, nil, []string{"--no-color"}, false},
		{"json on a terminal", true, nil, []string{"--format", "json"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := cli(t, &fake{rep: loadFixture(t, "hostile")}, tc.term, tc.environ, append([]string{"a"}, tc.args...)...)
			if got.code != 1 {
				t.Fatalf("exit %d: %s", got.code, got.stderr)
			}
			if has := strings.Contains(got.stdout, "\x1b["); has != tc.want {
				t.Errorf("colour %v, want %v", has, tc.want)
			}
			// Whatever the hostile report holds, the only escape
			// sequences on stdout are our colours.
			if rest := sgr.ReplaceAllString(got.stdout, ""); strings.ContainsAny(rest, "\x1b\x07\r") || !utf8.ValidString(rest) {
				t.Errorf("stdout holds raw control characters: %q", rest)
			}
		})
	}
}

func TestVerbose(t *testing.T) {
	quiet := cli(t, &fake{rep: loadFixture(t, "ha-pair")}, false, nil, "a")
	loud := cli(t, &fake{rep: loadFixture(t, "ha-pair")}, false, nil, "a", "-v")
	const info = "[INFO] sms.version"
	if strings.Contains(quiet.stdout, info) {
		t.Errorf("info finding shown without -v")
	}
	if !strings.Contains(quiet.stdout, "2 info findings (-v to show)") {
		t.Errorf("collapsed info findings not counted:\n%s", quiet.stdout)
	}
	if !strings.Contains(loud.stdout, info) {
		t.Errorf("info finding missing with -v:\n%s", loud.stdout)
	}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
		out  []string // substrings of stdout
	}{
		{"catalog", []string{"--explain", "all"}, 0, []string{"tfst.fd-exhaustion", "critical", "sms.active-active", "samhain.", "check/all", "ran out of file descriptors (‹hits›"}},
		{"one rule", []string{"--explain", "tfst.fd-exhaustion"}, 0, []string{"tfst.fd-exhaustion  (tfst.yaml:", "critical", "What it means", "What to do", "What it looks for", "From ‹first_seen› to ‹last_seen›"}},
		{"unknown rule", []string{"--explain", "tfst.nope"}, 2, nil},
		{"with inputs", []string{"--explain", "all", "a.tar.gz"}, 2, nil},
		{"custom profile", []string{"--explain", "all", "--profile", "../../profiles/tfst.yaml"}, 0, []string{"tfst.version"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fake{}
			got := cli(t, f, false, nil, tc.args...)
			if got.code != tc.want {
				t.Fatalf("exit %d, want %d; stderr %q", got.code, tc.want, got.stderr)
			}
			if f.called {
				t.Error("--explain analyzed inputs")
			}
			for _, s := range tc.out {
				if !strings.Contains(got.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, got.stdout)
				}
			}
			// Texts read as text: no {expression} code in titles.
			if tc.name == "catalog" && strings.Contains(got.stdout, "{") {
				t.Errorf("catalog shows expression code:\n%s", got.stdout)
			}
			if tc.want == 2 && (got.stdout != "" || !strings.HasPrefix(got.stderr, "analyze: ")) {
				t.Errorf("refusal: stdout %q stderr %q", got.stdout, got.stderr)
			}
		})
	}
}

func TestCheckProfile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: x\ntitle: X\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		want   int
		stdout string
		stderr string
	}{
		{"built-in file", []string{"--check-profile", "../../profiles/tfst.yaml"}, 0, `^ok: \d+ rules \(profile tfst: .*\)\n$`, `^$`},
		{"bad field", []string{"--check-profile", bad}, 2, `^$`, `^analyze: .*bad\.yaml:3: .*bogus.*\n$`},
		{"missing file", []string{"--check-profile", filepath.Join(dir, "none.yaml")}, 2, `^$`, `^analyze: .*none\.yaml.*\n$`},
		{"with inputs", []string{"--check-profile", bad, "x.tar.gz"}, 2, `^$`, `^analyze: --check-profile takes no inputs.*\n$`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := cli(t, &fake{}, false, nil, tc.args...)
			if got.code != tc.want {
				t.Errorf("exit %d, want %d (stderr %q)", got.code, tc.want, got.stderr)
			}
			if !regexp.MustCompile(tc.stdout).MatchString(got.stdout) {
				t.Errorf("stdout %q does not match %q", got.stdout, tc.stdout)
			}
			if !regexp.MustCompile(tc.stderr).MatchString(got.stderr) {
				t.Errorf("stderr %q does not match %q", got.stderr, tc.stderr)
			}
		})
	}
}

func TestChooseFormat(t *testing.T) {
	tests := []struct {
		format string
		given  bool
		output string
		want   string
		bad    bool
	}{
		{"", false, "", "text", false},
		{"", false, "r.json", "json", false},
		{"", false, "dir.d/r.HTML", "html", false},
		{"", false, "r.txt", "text", false},
		{"", false, "r", "text", false},
		{"html", true, "", "html", false},
		{"json", true, "r.html", "json", false},
		{"yaml", true, "", "", true},
		{"", true, "", "", true},
	}
	for _, tc := range tests {
		got, err := chooseFormat(tc.format, tc.given, tc.output)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("chooseFormat(%q, %v, %q) = %q, %v; want %q (error %v)", tc.format, tc.given, tc.output, got, err, tc.want, tc.bad)
		}
	}
}

// TestProgress: on a terminal's stderr the pass's progress is a status
// line (cleared before the report); elsewhere the engine is given none.
func TestProgress(t *testing.T) {
	for _, term := range []bool{true, false} {
		var out, errOut bytes.Buffer
		f := &fake{rep: loadFixture(t, "clean")}
		run := func(ctx context.Context, paths []string, opts analyze.Options) (*report.Report, error) {
			if (opts.Progress != nil) != (term && !isWindows) {
				t.Errorf("stderr terminal %v: Progress set = %v", term, opts.Progress != nil)
			}
			if opts.Progress != nil {
				opts.Progress(50<<20, 200<<20, "node-a\x1b[31m")
				opts.Progress(3<<20, 0, "raw")
			}
			return f.run(ctx, paths, opts)
		}
		e := &env{stdout: &out, stderr: &errOut, stderrTerm: term, getenv: func(string) string { return "" },
			run: run, now: time.Now, local: time.UTC}
		if code := e.main([]string{"a.tar.gz"}); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		if !term {
			if errOut.Len() != 0 {
				t.Errorf("stderr not a terminal, yet: %q", errOut.String())
			}
			continue
		}
		for _, want := range []string{"analyze: reading node-a", "25% (50.0 of 200.0 MiB)", "analyze: reading raw… 3.0 MiB", "\r\x1b[K"} {
			if !isWindows && !strings.Contains(errOut.String(), want) {
				t.Errorf("stderr lacks %q: %q", want, errOut.String())
			}
		}
		if strings.Contains(errOut.String(), "\x1b[31m") {
			t.Errorf("an input name's escape reached the terminal: %q", errOut.String())
		}
		if strings.Contains(out.String(), "reading") {
			t.Error("progress on stdout")
		}
	}
}

// allSkipped is the quiet-skipped fixture with every rule skipped or not
// applicable: a report that checked nothing.
func allSkipped(t *testing.T) *report.Report {
	r := loadFixture(t, "quiet-skipped")
	for i := range r.Coverage {
		if r.Coverage[i].Status == report.CoverageRan {
			r.Coverage[i].Status = report.CoverageSkipped
		}
	}
	r.Coverage = append(r.Coverage, report.RuleCoverage{Rule: "x.y", Status: report.CoverageNotApplicable})
	return r
}
