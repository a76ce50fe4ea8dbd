package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"casefile/analyze"
	"casefile/analyze/input/inputtest"
	"casefile/analyze/report/reporttest"
	"casefile/bundle"
)

// These tests run the command with the real engine (analyze.Run) on
// bundles built by inputtest: signed, unsigned, tampered, hostile.

const (
	eppLog     = "files/opt/tivoli/EPProxy/epp.log"
	emfileLine = "09/10/13 10:41:01 1 1779102 upcallSender [line=3505]: accept() failed (e=24 - Too many open files)\n"
	calmLine   = "09/10/13 10:41:01 1 1779102 upcallSender [line=3490]: waiting for connection\n"
)

// real runs the command in-process with analyze.Run.
func real(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{
		stdout: &out,
		stderr: &errOut,
		getenv: func(string) string { return "" },
		run:    analyze.Run,
		now:    func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) },
		local:  time.UTC,
	}
	code := e.main(args)
	return result{code, out.String(), errOut.String()}
}

// tfstBundle builds a TFST bundle whose epp.log holds log.
func tfstBundle(t *testing.T, name, log string, spec inputtest.Spec) *inputtest.Built {
	t.Helper()
	spec.Name = name
	spec.Files = map[string]string{eppLog: log}
	edit := spec.Edit
	spec.Edit = func(m *bundle.Manifest) {
		m.Profile.Name = "tfst"
		m.Host.Hostname = "epp01"
		if edit != nil {
			edit(m)
		}
	}
	return inputtest.Build(t, spec)
}

func TestRealExitCodes(t *testing.T) {
	dir := t.TempDir()
	sick := tfstBundle(t, "tfst-epp01-20091013T120000Z", emfileLine, inputtest.Spec{})
	sickPath := sick.WriteTarGz(t, dir)
	trust := sick.WriteTrustFile(t, dir, "helpdesk")
	calm := tfstBundle(t, "tfst-epp02-20091013T120000Z", calmLine, inputtest.Spec{Key: &sick.Private})
	calmPath := calm.WriteTarGz(t, dir)
	unsigned := tfstBundle(t, "tfst-epp03-20091013T120000Z", emfileLine, inputtest.Spec{Unsigned: true})
	unsignedPath := unsigned.WriteTarGz(t, dir)
	tampered := tfstBundle(t, "tfst-epp04-20091013T120000Z", calmLine, inputtest.Spec{Key: &sick.Private})
	tampered.Set(eppLog, emfileLine) // after signing: SHA256SUMS no longer matches
	tamperedPath := tampered.WriteTarGz(t, dir)
	garbage := inputtest.WriteFile(t, filepath.Join(dir, "garbage.tar.gz"), []byte("this is not a gzip stream"))
	rawLog := inputtest.WriteFile(t, filepath.Join(dir, "raw", "epp.log"), []byte(calmLine+emfileLine))

	only := []string{"--profile", "tfst", "--rule", "tfst.fd-exhaustion"}
	tests := []struct {
		name   string
		args   []string
		want   int
		stdout string // regexp
		stderr string // regexp over the whole of stderr
	}{
		{"critical finding", append([]string{sickPath}, only...), 1, `\[CRITICAL\] tfst\.fd-exhaustion`, `^$`},
		{"no finding", append([]string{calmPath}, only...), 0, `^casefile report`, `^$`},
		{"no finding, --fail-on info", append([]string{calmPath, "--fail-on", "info"}, only...), 0, `^casefile report`, `^$`},
		{"two bundles together", append([]string{calmPath, sickPath}, only...), 1, `2 inputs`, `^$`},
		{"one-time key is untrusted", append([]string{sickPath, "--require-signature"}, only...), 2, `^$`,
			`^analyze: .*tfst-epp01-20091013T120000Z\.tar\.gz: signed by untrusted key [0-9A-F]{16} \(--require-signature\)\n$`},
		{"trusted key", append([]string{sickPath, "--require-signature", "--trust", trust}, only...), 1, `valid, trusted: helpdesk`, `^$`},
		{"trusted, no finding", append([]string{calmPath, "--require-signature", "--trust", trust}, only...), 0, `valid, trusted: helpdesk`, `^$`},
		{"unsigned", append([]string{unsignedPath, "--require-signature", "--trust", trust}, only...), 2, `^$`,
			`^analyze: .*tfst-epp03-20091013T120000Z\.tar\.gz: not signed.*\n$`},
		{"tampered, required", append([]string{tamperedPath, "--require-signature", "--trust", trust}, only...), 2, `^$`,
			`^analyze: .*tfst-epp04-20091013T120000Z\.tar\.gz: .*\n$`},
		{"not a bundle", []string{garbage}, 2, `^$`, `^analyze: .*garbage\.tar\.gz: .+\n$`},
		{"no such file", []string{filepath.Join(dir, "none.tar.gz")}, 2, `^$`, `^analyze: .*none\.tar\.gz: .+\n$`},
		{"rule against a raw log file", append([]string{rawLog}, only...), 1, `\[CRITICAL\] tfst\.fd-exhaustion`, `^$`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := real(t, tc.args...)
			if got.code != tc.want {
				t.Errorf("exit %d, want %d\nstderr: %s\nstdout: %.600s", got.code, tc.want, got.stderr, got.stdout)
			}
			if !regexp.MustCompile(tc.stdout).MatchString(got.stdout) {
				t.Errorf("stdout does not match %q:\n%.1000s", tc.stdout, got.stdout)
			}
			if !regexp.MustCompile(tc.stderr).MatchString(got.stderr) {
				t.Errorf("stderr %q does not match %q", got.stderr, tc.stderr)
			}
		})
	}

	// A tampered bundle analyzed without --require-signature is either
	// refused or reported with its integrity problem, never quietly.
	t.Run("tampered, not required", func(t *testing.T) {
		got := real(t, append([]string{tamperedPath, "--trust", trust}, only...)...)
		switch got.code {
		case 2:
			if got.stdout != "" {
				t.Errorf("refused, yet wrote %q", got.stdout)
			}
		default:
			if !strings.Contains(got.stdout, "integrity 1 problem") || !strings.Contains(got.stdout, "altered") {
				t.Errorf("exit %d and the report does not show the altered member:\n%s", got.code, got.stdout)
			}
		}
	})
}

func TestRealReportFiles(t *testing.T) {
	dir := t.TempDir()
	// A log line with markup, escapes and bytes that are not UTF-8.
	hostile := "09/10/13 10:41:01 1 1 <script>alert(1)</script> \x1b]8;;http://evil/\x07 \xff accept() failed (e=24 - Too many open files)\n"
	b := tfstBundle(t, "tfst-epp01-20091013T120000Z", emfileLine+hostile, inputtest.Spec{})
	path := b.WriteTarGz(t, dir)
	out := t.TempDir()
	for _, tc := range []struct {
		file  string
		check func(t *testing.T, data []byte)
	}{
		{"r.json", func(t *testing.T, data []byte) { reporttest.Check(t, data) }},
		{"r.html", func(t *testing.T, data []byte) {
			page := string(data)
			if strings.Count(strings.ToLower(page), "<script") != 1 || strings.Contains(page, "\x1b") {
				t.Error("hostile log line reached the page as markup or escape")
			}
			if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Error("hostile log line not shown as text")
			}
		}},
		{"r.txt", func(t *testing.T, data []byte) {
			if bytes.ContainsAny(data, "\x1b\x07") {
				t.Errorf("text report holds raw escapes:\n%s", data)
			}
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			target := filepath.Join(out, tc.file)
			got := real(t, path, "-o", target, "--profile", "tfst", "-v")
			if got.code != 1 || got.stdout != "" || got.stderr != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
			}
			data, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, data)
		})
	}
	assertOnly(t, out, "r.html", "r.json", "r.txt")
}

// TestRealSelftest runs the engine's self-test case (every rule kind over
// two raw nodes) through the command and validates its JSON report.
func TestRealSelftest(t *testing.T) {
	const td = "../../testdata"
	prof := filepath.Join(td, "engine", "selftest.yaml")
	if _, err := os.Stat(prof); err != nil {
		t.Skipf("engine self-test profile not here: %v", err)
	}
	got := real(t, filepath.Join(td, "engine", "raw", "node-a"), filepath.Join(td, "engine", "raw", "node-b"),
		"--profile", prof, "--timezone", "Europe/Berlin", "--at", "2024-03-01 10:30", "--format", "json")
	if got.code != 1 {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	reporttest.Check(t, []byte(got.stdout))
	var r struct {
		IncidentTime time.Time `json:"incident_time"`
	}
	if err := json.Unmarshal([]byte(got.stdout), &r); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC); !r.IncidentTime.Equal(want) {
		t.Errorf("--at 2024-03-01 10:30 in Europe/Berlin gave incident %v, want %v", r.IncidentTime, want)
	}
}

// TestRealEncrypted: an age-encrypted bundle opens with --identity, and is
// refused (exit 2, one line) without the right one.
func TestRealEncrypted(t *testing.T) {
	dir := t.TempDir()
	b := tfstBundle(t, "tfst-epp01-20091013T120000Z", emfileLine, inputtest.Spec{})
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var enc bytes.Buffer
	w, err := age.Encrypt(&enc, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(b.TarGz()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := inputtest.WriteFile(t, filepath.Join(dir, "bundle.tar.gz.age"), enc.Bytes())
	idFile := inputtest.WriteFile(t, filepath.Join(dir, "key.txt"), []byte(id.String()+"\n"))
	other, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	otherFile := inputtest.WriteFile(t, filepath.Join(dir, "other.txt"), []byte(other.String()+"\n"))
	only := []string{"--profile", "tfst", "--rule", "tfst.fd-exhaustion"}

	got := real(t, append([]string{path, "--identity", otherFile, "--identity", idFile}, only...)...)
	if got.code != 1 || !strings.Contains(got.stdout, "[CRITICAL] tfst.fd-exhaustion") {
		t.Errorf("with the identity: exit %d, stderr %q, stdout:\n%s", got.code, got.stderr, got.stdout)
	}
	for _, args := range [][]string{{path}, {path, "--identity", otherFile}} {
		got := real(t, append(args, only...)...)
		if got.code != 2 || got.stdout != "" || !regexp.MustCompile(`^analyze: .*bundle\.tar\.gz\.age: .+\n$`).MatchString(got.stderr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line", args[1:], got.code, got.stdout, got.stderr)
		}
	}
}

// TestRealNothingChecked: files that no rule of the profile reads give
// exit 3 and one line on stderr, never the 0 of a healthy system.
func TestRealNothingChecked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "upload")
	inputtest.WriteFile(t, filepath.Join(dir, "data1.bin"), []byte("\x00\x9f\x13 random bytes\n"))
	inputtest.WriteFile(t, filepath.Join(dir, "notes.txt"), []byte("the customer says it broke\n"))
	r := real(t, "--profile", "tfst", dir)
	if r.code != exitNothing {
		t.Errorf("exit %d, want %d; stderr %q", r.code, exitNothing, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "analyze: nothing could be checked") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr %q, want one line saying nothing could be checked", r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "casefile report") {
		t.Errorf("the report must still be written: %.200q", r.stdout)
	}
}

// TestRealFacts: --facts prints every fact of the profile with its value
// and the lines it came from, and no report.
func TestRealFacts(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "p.yaml")
	if err := os.WriteFile(prof, []byte(`name: p
description: facts test
analyze:
  facts:
  - {name: port, in: ["files/**/app.ini"], format: ini, key: http.port}
  - {name: twice, expr: 'int(port) * 2'}
  rules:
  - {id: p.x, title: x, explanation: x, remedy: x, check: {}, when: 'false'}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	raw := filepath.Join(dir, "raw")
	if err := os.MkdirAll(raw, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(raw, "app.ini"), []byte("[http]\nport = 8080\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := real(t, "--facts", "--profile", prof, raw)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"raw (profile p)", `  port = "8080"`, "      from ini: files/app.ini:2", "  twice = 16160", "      computed (expr)"} {
		if !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("missing %q in:\n%s", want, r.stdout)
		}
	}
}

// TestRealCase: the ticket id of the manifest is shown in every format,
// and a manifest whose case differs from the signed one is a provenance
// problem.
func TestRealCase(t *testing.T) {
	dir := t.TempDir()
	b := tfstBundle(t, "tfst-epp01-SR-4711-20091013T120000Z", emfileLine, inputtest.Spec{Edit: func(m *bundle.Manifest) { m.Case = "SR-4711" }})
	path := b.WriteTarGz(t, dir)
	got := real(t, path, "--format", "json")
	var rep struct {
		Bundles []struct {
			Case      string
			Integrity struct{ Problems []struct{ Kind string } }
		}
	}
	if err := json.Unmarshal([]byte(got.stdout), &rep); err != nil || len(rep.Bundles) != 1 {
		t.Fatalf("report: %v\n%s", err, got.stdout)
	}
	if rep.Bundles[0].Case != "SR-4711" || len(rep.Bundles[0].Integrity.Problems) != 0 {
		t.Errorf("bundle case %q, problems %v; want SR-4711 and none", rep.Bundles[0].Case, rep.Bundles[0].Integrity.Problems)
	}
	if txt := real(t, path).stdout; !strings.Contains(txt, "case SR-4711") {
		t.Errorf("text report does not show the case:\n%s", txt)
	}
	if page := real(t, path, "--format", "html").stdout; !strings.Contains(page, "<dt>Case</dt><dd>SR-4711</dd>") {
		t.Error("HTML report does not show the case")
	}

	// A manifest of another case under a signature made for SR-4711.
	signed := b.Manifest
	forged := tfstBundle(t, "tfst-epp01-SR-4711-20091013T120000Z", emfileLine, inputtest.Spec{
		Edit:           func(m *bundle.Manifest) { m.Case = "SR-9999"; m.Collection = signed.Collection },
		TrustedComment: bundle.TrustedComment(signed),
	})
	fp := forged.WriteTarGz(t, t.TempDir())
	if js := real(t, fp, "--format", "json").stdout; !strings.Contains(js, `the signature names case \"SR-4711\", the manifest \"SR-9999\"`) {
		t.Errorf("forged case not reported as provenance problem:\n%s", js)
	}
}
