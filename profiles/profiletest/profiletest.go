// Package profiletest holds what the tests of the product profiles share:
// finding a profile's rules and patterns, reaching the public log corpus,
// collecting a fake host and analyzing bundles or raw logs with the real
// engines, and checking the findings that came out.
package profiletest

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"casefile/analyze"
	"casefile/analyze/report"
	"casefile/collect"
	"casefile/profiles"
)

// Load returns the built-in profile name or fails the test.
func Load(t testing.TB, name string) *profiles.Profile {
	t.Helper()
	p, err := profiles.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Rule returns the rule id of p or fails the test.
func Rule(t testing.TB, p *profiles.Profile, id string) *profiles.Rule {
	t.Helper()
	for i := range p.Analyze.Rules {
		if p.Analyze.Rules[i].ID == id {
			return &p.Analyze.Rules[i]
		}
	}
	t.Fatalf("%s has no rule %s", p.Name, id)
	return nil
}

// FactPattern returns the pattern of fact name of p or fails the test.
func FactPattern(t testing.TB, p *profiles.Profile, name string) *regexp.Regexp {
	t.Helper()
	for _, f := range p.Analyze.Facts {
		if f.Name == name {
			if f.Pattern == nil {
				t.Fatalf("%s: fact %s has no pattern", p.Name, name)
			}
			return f.Pattern.Re
		}
	}
	t.Fatalf("%s has no fact %s", p.Name, name)
	return nil
}

// Matchers returns the patterns that can make rule id fire (match any,
// absent, sequence start, state track), keeping those with the given label
// ("" keeps all). It fails the test when none is left.
func Matchers(t testing.TB, p *profiles.Profile, id, label string) []*regexp.Regexp {
	t.Helper()
	r := Rule(t, p, id)
	var ms []profiles.Matcher
	for _, u := range r.Kind.Uses() {
		switch u.Role {
		case "match", "absent", "start", "track":
			ms = append(ms, u.Matcher)
		}
	}
	var out []*regexp.Regexp
	for _, m := range ms {
		if label == "" || m.Label == label {
			out = append(out, m.Pattern.Re)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: rule %s has no pattern labelled %q", p.Name, id, label)
	}
	return out
}

// MatchAny returns the named captures of the first pattern matching line.
func MatchAny(res []*regexp.Regexp, line string) (map[string]string, bool) {
	for _, re := range res {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		caps := map[string]string{}
		for i, n := range re.SubexpNames() {
			if n != "" && i < len(m) {
				caps[n] = m[i]
			}
		}
		return caps, true
	}
	return nil, false
}

// RepoRoot is the repository's top folder.
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the repository")
	}
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// Corpus returns the folder sub of the public log corpus: ../shared/corpus
// beside the clone, or $CASEFILE_CORPUS. The test skips, saying so, when
// it is absent (the corpus is never copied into the repository).
func Corpus(t testing.TB, sub string) string {
	t.Helper()
	dir := os.Getenv("CASEFILE_CORPUS")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "..", "shared", "corpus")
	}
	dir = filepath.Join(dir, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("public log corpus not found at %s (set CASEFILE_CORPUS): %v", dir, err)
	}
	return dir
}

// Clock is the time tests pin collections and reports to unless they need
// another.
var Clock = time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)

// Collect collects profile from the fake host at root (RootCommandsOnly,
// clock pinned, one-time key) into a temporary folder and returns the
// bundle's path.
func Collect(t testing.TB, profile, root string, set map[string]string) string {
	t.Helper()
	res, err := collect.Run(context.Background(), collect.Options{
		Profile:          Load(t, profile),
		Root:             root,
		Output:           t.TempDir(),
		Set:              set,
		RootCommandsOnly: true,
		Clock:            func() time.Time { return Clock },
	})
	if err != nil {
		t.Fatalf("collect %s from %s: %v", profile, root, err)
	}
	return res.Path
}

// Analyze runs the real analyzer over paths (bundles, or raw logs when
// profile is not empty) and fails the test on an input error or a rule
// whose expression failed at run time.
func Analyze(t testing.TB, profile string, tz *time.Location, paths ...string) *report.Report {
	t.Helper()
	opts := analyze.Options{Timezone: tz, Clock: func() time.Time { return Clock }}
	if profile != "" {
		opts.Profile = Load(t, profile)
	}
	if tz == nil {
		opts.Timezone = time.UTC
	}
	rep, err := analyze.Run(context.Background(), paths, opts)
	if err != nil {
		t.Fatalf("analyze %s: %v", strings.Join(paths, " "), err)
	}
	for _, c := range rep.Coverage {
		if c.Status == report.CoverageError {
			t.Errorf("%s: rule %s failed: %s", strings.Join(paths, " "), c.Rule, c.Reason)
		}
	}
	return rep
}

// RawLog writes text as a raw log named name in a new folder and returns
// the folder, ready for Analyze with a profile.
func RawLog(t testing.TB, name, text string) string {
	t.Helper()
	return RawDir(t, map[string]string{name: text})
}

// RawDir writes files (name -> text) in a new folder, as a customer's raw
// upload, and returns the folder, ready for Analyze with a profile.
func RawDir(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Members returns the regular files of the bundle (.tar.gz) at path by
// their member path ("files/etc/hosts": the bundle's top folder left out).
func Members(t testing.TB, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]string{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if _, rest, ok := strings.Cut(h.Name, "/"); ok {
			out[rest] = string(b)
		}
	}
}

// LastLines returns the last n lines of s (a command's output, for a
// failure message).
func LastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Findings returns the findings of rep with this id.
func Findings(rep *report.Report, id string) []report.Finding {
	var out []report.Finding
	for _, f := range rep.Findings {
		if f.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// Want is an expected finding: its id, and optionally its severity and a
// text its title contains.
type Want struct{ ID, Severity, Title string }

// Check fails the test unless rep holds every wanted finding and none of
// the absent ids; what names the input in messages.
func Check(t testing.TB, what string, rep *report.Report, want []Want, absent []string) {
	t.Helper()
	for _, w := range want {
		ok := false
		for _, f := range Findings(rep, w.ID) {
			if (w.Severity == "" || f.Severity == w.Severity) && strings.Contains(f.Title, w.Title) {
				ok = true
				break
			}
		}
		if !ok {
			t.Errorf("%s: no %s finding (severity %q, title containing %q); findings:%s", what, w.ID, w.Severity, w.Title, List(rep))
		}
	}
	for _, id := range absent {
		if fs := Findings(rep, id); len(fs) > 0 {
			t.Errorf("%s: unexpected %s: %s", what, id, fs[0].Title)
		}
	}
}

// List formats rep's findings one per line for failure messages.
func List(rep *report.Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		b.WriteString("\n  " + f.ID + " [" + f.Severity + "] " + f.Title)
	}
	if b.Len() == 0 {
		return " (no findings)"
	}
	return b.String()
}

// CopyTree copies a fake host (folders, files with their modes and times,
// links as links) to dst, so that a test may change it. The copies stay
// writable by their owner.
func CopyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, out)
		case info.IsDir():
			return os.MkdirAll(out, info.Mode().Perm()|0o700)
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, data, info.Mode().Perm()|0o600); err != nil {
				return err
			}
			return os.Chtimes(out, info.ModTime(), info.ModTime())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
