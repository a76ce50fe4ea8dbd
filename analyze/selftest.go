package analyze

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"casefile/analyze/report"
	"casefile/profiles"
)

// A profile's own test cases (analyze --test PROFILE): next to the
// profile file, a folder <name>.tests holds one folder per case, each with
// its inputs (a raw folder or files, bundles) and an expect.yaml that says
// which findings the analysis must make and which it must not.

// Expect is a case's expect.yaml.
type Expect struct {
	// Inputs are paths relative to the case folder; default: every entry
	// of the folder but expect.yaml.
	Inputs []string `yaml:"inputs"`
	// Timezone of raw logs ("Europe/Berlin"); default UTC.
	Timezone string `yaml:"timezone"`
	// Clock is when the analysis runs (the collection time of raw logs
	// for the year of syslog times); default the newest input file's time.
	Clock    time.Time       `yaml:"clock"`
	Findings []ExpectFinding `yaml:"findings"`
	// Absent are ids that must not appear.
	Absent []string `yaml:"absent"`
}

// ExpectFinding is a finding a case must make.
type ExpectFinding struct {
	ID       string `yaml:"id"`
	Severity string `yaml:"severity"`
	// Count, when set, is the finding's count (lines behind it).
	Count int `yaml:"count"`
	// Title words must all be in the title.
	Title []string `yaml:"title"`
	// Key, when set, is the finding's key (a group, a sequence key).
	Key string `yaml:"key"`
}

// CaseResult is one case's outcome: no problems is a pass.
type CaseResult struct {
	Name     string
	Problems []string
	Findings []string // what the analysis made, for the diff
}

// TestsDir is where a profile file's cases are: x.yaml -> x.tests.
func TestsDir(profileFile string) string {
	return strings.TrimSuffix(profileFile, filepath.Ext(profileFile)) + ".tests"
}

// RunProfileTests runs every case under dir with the profile.
func RunProfileTests(ctx context.Context, p *profiles.Profile, dir string) ([]CaseResult, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []CaseResult
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		res, err := runProfileCase(ctx, p, filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no test case (a folder with an expect.yaml)", dir)
	}
	return out, nil
}

func runProfileCase(ctx context.Context, p *profiles.Profile, dir string) (CaseResult, error) {
	res := CaseResult{Name: filepath.Base(dir)}
	file := filepath.Join(dir, "expect.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		return res, err
	}
	var ex Expect
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&ex); err != nil && err != io.EOF {
		return res, expectYAMLErr(file, data, err)
	}
	inputs := ex.Inputs
	if len(inputs) == 0 {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return res, err
		}
		for _, e := range entries {
			if e.Name() != "expect.yaml" {
				inputs = append(inputs, e.Name())
			}
		}
	}
	var paths []string
	var newest time.Time
	for _, in := range inputs {
		if filepath.IsAbs(in) || strings.HasPrefix(filepath.Clean(in), "..") {
			return res, fmt.Errorf("%s: input %q must be inside the case folder", file, in)
		}
		path := filepath.Join(dir, in)
		_ = filepath.Walk(path, func(_ string, fi os.FileInfo, err error) error {
			if err == nil && fi.ModTime().After(newest) {
				newest = fi.ModTime()
			}
			return nil
		})
		paths = append(paths, path)
	}
	opts := Options{Profile: p, Timezone: time.UTC}
	if ex.Timezone != "" {
		loc, err := time.LoadLocation(ex.Timezone)
		if err != nil {
			return res, fmt.Errorf("%s: timezone %q: %v", file, ex.Timezone, err)
		}
		opts.Timezone = loc
	}
	clock := ex.Clock
	if clock.IsZero() {
		clock = newest
	}
	opts.Clock = func() time.Time { return clock }
	rep, err := Run(ctx, paths, opts)
	if err != nil {
		return res, fmt.Errorf("%s: %v", dir, err)
	}
	for _, f := range rep.Findings {
		s := fmt.Sprintf("%s %s x%d", f.ID, f.Severity, f.Count)
		if f.Key != "" {
			s += " [" + f.Key + "]"
		}
		res.Findings = append(res.Findings, s+": "+f.Title)
	}
	sort.Strings(res.Findings)
	for _, w := range ex.Findings {
		found := false
		for _, f := range rep.Findings {
			if f.ID != w.ID || (w.Severity != "" && f.Severity != w.Severity) ||
				(w.Count > 0 && f.Count != w.Count) || (w.Key != "" && f.Key != w.Key) {
				continue
			}
			ok := true
			for _, word := range w.Title {
				ok = ok && strings.Contains(f.Title, word)
			}
			if ok {
				found = true
				break
			}
		}
		if !found {
			want := w.ID
			if w.Severity != "" {
				want += " " + w.Severity
			}
			if w.Count > 0 {
				want += fmt.Sprintf(" x%d", w.Count)
			}
			if w.Key != "" {
				want += " [" + w.Key + "]"
			}
			if len(w.Title) > 0 {
				want += fmt.Sprintf(" title with %q", w.Title)
			}
			res.Problems = append(res.Problems, "- "+want)
		}
	}
	for _, id := range ex.Absent {
		for _, f := range rep.Findings {
			if f.ID == id {
				res.Problems = append(res.Problems, "+ "+id+" (must not appear): "+f.Title)
			}
		}
	}
	for _, c := range rep.Coverage {
		if c.Status == "error" {
			res.Problems = append(res.Problems, fmt.Sprintf("! %s on %s: %s", c.Rule, c.Bundle, c.Reason))
		}
	}
	return res, nil
}

// WriteTestResults prints the cases as analyze --test shows them: each
// case ok or FAIL with its diff (- a finding expected and missing, + one
// that must not appear, ! a rule that failed), the findings made, and
// "N passed, N failed".
func WriteTestResults(w io.Writer, profile string, rs []CaseResult) (failed int) {
	for _, r := range rs {
		if len(r.Problems) == 0 {
			fmt.Fprintf(w, "ok   %s/%s\n", profile, r.Name)
			continue
		}
		failed++
		fmt.Fprintf(w, "FAIL %s/%s\n", profile, r.Name)
		for _, p := range r.Problems {
			fmt.Fprintf(w, "     %s\n", report.CleanLine(p))
		}
		fmt.Fprintf(w, "     findings made:\n")
		for _, f := range r.Findings {
			fmt.Fprintf(w, "       %s\n", report.CleanLine(f))
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", len(rs)-failed, failed)
	return failed
}
