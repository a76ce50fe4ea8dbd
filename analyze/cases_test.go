package analyze

import (
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"casefile/analyze/report"
	"casefile/analyze/report/reporttest"
	"casefile/bundle"
	"casefile/collect"
	"casefile/profiles"
)

var update = flag.Bool("update", false, "rewrite golden reports (then read the diff)")

// caseFile is testdata/cases/<profile>/<case>/case.yaml (docs/testing.md).
type caseFile struct {
	Description string    `yaml:"description"`
	Clock       time.Time `yaml:"clock"`
	// MTime is the modification time every file and folder of the fake
	// hosts gets before collection (default: an hour before the clock),
	// so that listings and mtimes in the manifest do not depend on the
	// checkout.
	MTime   time.Time `yaml:"mtime"`
	Bundles []struct {
		Host    string            `yaml:"host"`
		Raw     string            `yaml:"raw"`
		Profile string            `yaml:"profile"`
		Set     map[string]string `yaml:"set"`
		Note    string            `yaml:"note"`
	} `yaml:"bundles"`
	Analyze struct {
		At       string   `yaml:"at"`
		Profile  string   `yaml:"profile"`
		Timezone string   `yaml:"timezone"`
		Rules    []string `yaml:"rules"`
	} `yaml:"analyze"`
	Expect struct {
		Findings []struct {
			ID            string `yaml:"id"`
			Severity      string `yaml:"severity"`
			TitleContains string `yaml:"title_contains"`
			Bundle        string `yaml:"bundle"`
		} `yaml:"findings"`
		Absent []string `yaml:"absent"`
	} `yaml:"expect"`
}

// repoRoot is the module root (analyze/..).
func repoRoot(t testing.TB) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// testKeys returns the fixed signing key of the golden cases.
func testKeys(t testing.TB) (bundle.TrustedKey, string) {
	root := repoRoot(t)
	keys, err := bundle.ParseTrustFile(filepath.Join(root, "testdata/keys/test.key.pub"))
	if err != nil || len(keys) != 1 {
		t.Fatalf("test key: %v", err)
	}
	keys[0].Name = "casefile-test"
	return keys[0], filepath.Join(root, "testdata/keys/test.key")
}

// loadProfile loads a case's profile: a built-in name, or a file
// relative to the case folder.
func loadProfile(dir, name string) (*profiles.Profile, error) {
	if strings.ContainsAny(name, `/\`) || strings.HasSuffix(name, ".yaml") {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, name)
		}
		return profiles.LoadFile(p)
	}
	return profiles.Builtin(name)
}

// copyRaw copies a raw folder into dst with every mtime set to clock, so
// that year inference for raw logs does not depend on the checkout.
func copyRaw(t *testing.T, src, dst string, clock time.Time) {
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return err
		}
		return os.Chtimes(out, clock, clock)
	})
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chtimes(p, clock, clock)
		}
		return nil
	})
}

// touchHost sets the modification time of every file and folder under a
// fake host root, in place (symbolic links are left alone).
func touchHost(t *testing.T, root string, mtime time.Time) {
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		return os.Chtimes(p, mtime, mtime)
	})
	if err != nil {
		t.Fatalf("setting mtimes under %s: %v", root, err)
	}
}

// TestCases runs every golden case: collect the fake hosts, analyze the
// bundles together, compare the report with report.golden.json and check
// what the case expects.
func TestCases(t *testing.T) {
	root := repoRoot(t)
	files, _ := filepath.Glob(filepath.Join(root, "testdata/cases/*/*/case.yaml"))
	if len(files) == 0 {
		t.Fatal("no golden cases under testdata/cases")
	}
	sort.Strings(files)
	for _, f := range files {
		dir := filepath.Dir(f)
		name, _ := filepath.Rel(filepath.Join(root, "testdata/cases"), dir)
		t.Run(filepath.ToSlash(name), func(t *testing.T) { runCase(t, root, dir) })
	}
}

func runCase(t *testing.T, root, dir string) {
	data, err := os.ReadFile(filepath.Join(dir, "case.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c caseFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("case.yaml: %v", err)
	}
	clock := c.Clock
	if clock.IsZero() {
		clock = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	}
	mtime := c.MTime
	if mtime.IsZero() {
		mtime = clock.Add(-time.Hour)
	}
	trusted, keyPath := testKeys(t)
	tmp := t.TempDir()
	defaultProfile := filepath.Base(filepath.Dir(dir))
	var paths []string
	for i, b := range c.Bundles {
		switch {
		case b.Host != "":
			pname := b.Profile
			if pname == "" {
				pname = defaultProfile
			}
			prof, err := loadProfile(dir, pname)
			if err != nil {
				t.Fatal(err)
			}
			key, err := bundle.LoadPrivateKey(keyPath, "")
			if err != nil {
				t.Fatal(err)
			}
			touchHost(t, filepath.Join(dir, b.Host), mtime)
			out := filepath.Join(tmp, "bundles", itoa(i))
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			res, err := collect.Run(context.Background(), collect.Options{
				Profile: prof, Root: filepath.Join(dir, b.Host), Output: out, Set: b.Set,
				SignKey: &key, Note: b.Note, Clock: func() time.Time { return clock },
				RootCommandsOnly: true,
			})
			if err != nil {
				if strings.Contains(err.Error(), "not implemented") {
					t.Skipf("collect.Run is not implemented yet: %v", err)
				}
				t.Fatalf("collect %s: %v", b.Host, err)
			}
			paths = append(paths, res.Path)
		case b.Raw != "":
			dst := filepath.Join(tmp, "raw", itoa(i), filepath.Base(b.Raw))
			copyRaw(t, filepath.Join(dir, b.Raw), dst, clock)
			paths = append(paths, dst)
		default:
			t.Fatalf("bundle %d needs host or raw", i+1)
		}
	}
	opts := Options{Trust: []bundle.TrustedKey{trusted}, Clock: func() time.Time { return clock }, Rules: c.Analyze.Rules}
	if c.Analyze.Profile != "" {
		prof, err := loadProfile(dir, c.Analyze.Profile)
		if err != nil {
			t.Fatal(err)
		}
		opts.Profile = prof
	}
	if c.Analyze.Timezone != "" {
		loc, err := time.LoadLocation(c.Analyze.Timezone)
		if err != nil {
			t.Fatal(err)
		}
		opts.Timezone = loc
	}
	if c.Analyze.At != "" {
		at, err := time.Parse(time.RFC3339, c.Analyze.At)
		if err != nil {
			t.Fatalf("analyze.at: %v", err)
		}
		opts.At = &at
	}
	rep, err := Run(context.Background(), paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The report keeps to the schema (checked here, where a break starts).
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	reporttest.Check(t, raw)
	got := normalise(t, rep, tmp, root)
	golden := filepath.Join(dir, "report.golden.json")
	if *update {
		out, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(golden, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		data, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./analyze -run TestCases -update, then read the diff)", err)
		}
		var want report.Report
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("report differs from %s (-want +got):\n%s", golden, diff)
		}
	}
	for _, w := range c.Expect.Findings {
		found := false
		for _, f := range rep.Findings {
			if f.ID == w.ID && (w.Severity == "" || f.Severity == w.Severity) &&
				strings.Contains(f.Title, w.TitleContains) && (w.Bundle == "" || f.Bundle == w.Bundle) {
				found = true
			}
		}
		if !found {
			t.Errorf("expected finding %s (severity %q, title containing %q) is missing; have:\n%s", w.ID, w.Severity, w.TitleContains, listFindings(rep))
		}
	}
	for _, id := range c.Expect.Absent {
		for _, f := range rep.Findings {
			if f.ID == id {
				t.Errorf("finding %s should be absent: %s", id, f.Title)
			}
		}
	}
}

func listFindings(rep *report.Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		b.WriteString("  " + f.ID + " [" + f.Severity + "] " + f.Title + "\n")
	}
	return b.String()
}

// normalise removes what differs between runs: the generation time, the
// tool version and temporary or checkout paths (also in the size of
// host.facts, which names the host root); and the profile's SHA-256,
// which every edit of a profile changes (profile_version stays).
func normalise(t *testing.T, rep *report.Report, tmp, root string) *report.Report {
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	s = strings.ReplaceAll(s, tmp, "$TMP")
	s = strings.ReplaceAll(s, root, "$REPO")
	var out report.Report
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatal(err)
	}
	out.GeneratedAt = time.Time{}
	out.Tool.Version = "test"
	for i := range out.Bundles {
		b := &out.Bundles[i]
		if b.ProfileSHA256 != "" {
			b.ProfileSHA256 = "$PROFILE_SHA256"
		}
		// The collector's item table is the collector's to pin
		// (testdata/collect's manifest goldens): here it would churn
		// with every collect item a profile adds. What analyze makes of
		// it (missing items in coverage, asks) stays.
		b.Items = nil
	}
	// A rule's line moves with every edit above it: the finding names
	// the profile file only.
	for i := range out.Findings {
		if f := &out.Findings[i]; f.Rule != "" {
			if j := strings.LastIndexByte(f.Rule, ':'); j > 0 {
				f.Rule = f.Rule[:j]
			}
		}
	}
	return &out
}
