package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/report")

// fixtureDir holds hand-written reports and their golden renderings.
const fixtureDir = "../../testdata/report"

// fixtures lists the hand-written reports (testdata/report/*.json that
// are not golden outputs).
func fixtures(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range paths {
		if !strings.HasSuffix(p, ".golden.json") {
			out = append(out, p)
		}
	}
	if len(out) < 4 {
		t.Fatalf("found %d fixture reports in %s, want at least 4", len(out), fixtureDir)
	}
	return out
}

func loadFixture(t *testing.T, path string) *Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &r
}

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./analyze/report -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; go test ./analyze/report -update rewrites it):\n%s", golden, diff)
	}
}

func TestGolden(t *testing.T) {
	type render struct {
		suffix string
		write  func(*bytes.Buffer, *Report) error
	}
	renders := []render{
		{".txt", func(b *bytes.Buffer, r *Report) error { return WriteText(b, r, TextOptions{}) }},
		{".verbose.txt", func(b *bytes.Buffer, r *Report) error {
			return WriteText(b, r, TextOptions{Verbose: true, Width: 120})
		}},
		{".color.txt", func(b *bytes.Buffer, r *Report) error {
			return WriteText(b, r, TextOptions{Color: true, Width: 80})
		}},
		{".html", func(b *bytes.Buffer, r *Report) error { return WriteHTML(b, r) }},
		{".golden.json", func(b *bytes.Buffer, r *Report) error { return WriteJSON(b, r) }},
	}
	for _, path := range fixtures(t) {
		r := loadFixture(t, path)
		base := strings.TrimSuffix(path, ".json")
		for _, rd := range renders {
			t.Run(filepath.Base(base)+rd.suffix, func(t *testing.T) {
				var buf bytes.Buffer
				if err := rd.write(&buf, r); err != nil {
					t.Fatal(err)
				}
				got := buf.Bytes()
				if rd.suffix == ".html" {
					got = stripAssets(t, got)
				}
				checkGolden(t, base+rd.suffix, got)
			})
		}
	}
}

// stripAssets replaces the page's style sheet and script (pageCSS,
// pageJS) with a placeholder, so that an edit of either does not rewrite
// every HTML golden; that the page holds them exactly once is checked
// here, and hostile_test.go checks what they do.
func stripAssets(t *testing.T, page []byte) []byte {
	t.Helper()
	for _, a := range []struct{ name, body string }{{"PAGE_CSS", pageCSS}, {"PAGE_JS", pageJS}} {
		if n := bytes.Count(page, []byte(a.body)); n != 1 {
			t.Fatalf("the page holds %s %d times, not once", a.name, n)
		}
		page = bytes.Replace(page, []byte(a.body), []byte("$"+a.name), 1)
	}
	return page
}
