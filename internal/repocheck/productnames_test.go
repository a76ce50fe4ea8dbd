package repocheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// productNames are the products, programs and install paths the built-in
// profiles know. Product knowledge stays in profiles/*.yaml: Go code, its
// comments and help texts included, uses neutral examples (myproduct,
// /opt/product, appd, "audit log").
var productNames = regexp.MustCompile(`(?i)tfst|tivoli|epproxy|tippingpoint|samhain|\byule|fsigk|f-secure|gatekeeper|libreswan|openswan|\bpluto`)

// allowed are the mentions that are legitimate, per file (slash path from
// the repository root) and lower-cased name, with the reason. An entry
// that no longer matches anything fails the test, so the list stays
// exact.
var allowed = map[string]map[string]string{
	// A comment citing the real file format the IPsec redactor parses.
	"redact/ipsec.go": {"libreswan": "format citation", "openswan": "format citation"},
	// An older time format name profiles may still use (TestTimeFormatAliases).
	"profiles/profile.go": {"samhain": "accepted alias of embedded_iso"},
	// The benchmark data generator writes logs of the tfst profile's
	// layout that its rules match (make bench, /tmp/casefile-bench).
	"analyze/internal/benchgen/main.go": {"tfst": "bench data", "tivoli": "bench data", "epproxy": "bench data"},
}

// TestNoProductNamesInGo: non-test Go sources name no product, except the
// allowed mentions.
func TestNoProductNamesInGo(t *testing.T) {
	root := moduleRoot(t)
	used := map[string]map[string]bool{}
	files := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		text, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for i, line := range strings.Split(string(text), "\n") {
			for _, m := range productNames.FindAllString(line, -1) {
				w := strings.ToLower(m)
				if _, ok := allowed[rel][w]; ok {
					if used[rel] == nil {
						used[rel] = map[string]bool{}
					}
					used[rel][w] = true
					continue
				}
				t.Errorf("%s:%d: product name %q in Go (use a neutral example; product knowledge goes in profiles/*.yaml): %s", rel, i+1, m, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("scanned only %d Go files under %s: not the repository?", files, root)
	}
	var stale []string
	for file, words := range allowed {
		for w := range words {
			if !used[file][w] {
				stale = append(stale, file+": "+w)
			}
		}
	}
	sort.Strings(stale)
	for _, s := range stale {
		t.Errorf("allowed mention no longer found (remove it from the list): %s", s)
	}
}

// moduleRoot is the folder holding go.mod above the test's folder.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = up
	}
}
