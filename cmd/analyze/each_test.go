package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"casefile/analyze/input"
	"casefile/analyze/input/inputtest"
	"casefile/analyze/report"
	"casefile/analyze/report/reporttest"
	"casefile/bundle"
)

// eachInputs builds a batch: two bundles of case SR-4711 (one sick, one
// calm), a sick bundle and a calm one without a case, one whose file
// name is hostile, and a corrupt one. It returns the paths in command
// line order.
func eachInputs(t *testing.T, dir string) (paths []string, key *inputtest.Built) {
	t.Helper()
	mk := func(name, host, caseID, log string, key *inputtest.Built) *inputtest.Built {
		spec := inputtest.Spec{Edit: func(m *bundle.Manifest) {
			m.Host.Hostname = host
			m.Case = caseID
		}}
		if key != nil {
			spec.Key = &key.Private
		}
		return tfstBundle(t, name, log, spec)
	}
	a := mk("tfst-epp01-SR-4711-20091013T120000Z", "epp01", "SR-4711", emfileLine, nil)
	b := mk("tfst-gwp01-SR-4711-20091013T120000Z", "gwp01", "SR-4711", calmLine, a)
	c := mk("tfst-epp02-20091013T120000Z", "epp02", "", emfileLine, a)
	d := mk("tfst-epp03-20091013T120000Z", "epp03", "", calmLine, a)
	e := mk("tfst-epp04-20091013T120000Z", "epp04", "", emfileLine, a)
	hostile := inputtest.WriteFile(t, filepath.Join(dir, "../x <b>;$(id).tar.gz"), e.TarGz())
	corrupt := inputtest.WriteFile(t, filepath.Join(dir, "corrupt.tar.gz"), []byte("this is not a gzip stream"))
	return []string{a.WriteTarGz(t, dir), c.WriteTarGz(t, dir), corrupt, b.WriteTarGz(t, dir), d.WriteTarGz(t, dir), hostile}, a
}

// readIndex reads index.json: one row per line.
func readIndex(t *testing.T, path string) ([]report.IndexRow, [][]byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []report.IndexRow
	var lines [][]byte
	for _, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		var r report.IndexRow
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("index.json line %q: %v", line, err)
		}
		rows = append(rows, r)
		lines = append(lines, line)
	}
	return rows, lines
}

// TestEach runs analyze --each on real bundles: inputs of one case make
// one report, others one each, the corrupt input is a row with its error
// and the batch goes on; index.json, fleet.json and every report are
// checked, index.html is parsed and its links lead to the reports.
func TestEach(t *testing.T) {
	in := t.TempDir()
	paths, signer := eachInputs(t, filepath.Join(in, "sub"))
	trust := signer.WriteTrustFile(t, in, "helpdesk")
	out := filepath.Join(t.TempDir(), "batch")
	args := append([]string{"--each", "-o", out, "--trust", trust, "--profile", "tfst", "--rule", "tfst.fd-exhaustion"}, paths...)
	got := real(t, args...)
	if got.code != exitRefused {
		t.Errorf("exit %d, want 2 (the corrupt input is the worst report)\nstderr: %s", got.code, got.stderr)
	}
	if got.stdout != "" {
		t.Errorf("stdout %q, want nothing (the reports go to -o)", got.stdout)
	}
	wantErr := "analyze: " + paths[2] + ": not a gzip stream, although its name says so\n" +
		"analyze: 5 reports in " + out + " (1 error, 3 critical, 1 ok); open " + filepath.Join(out, "index.html") + "\n"
	if got.stderr != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", got.stderr, wantErr)
	}

	rows, lines := readIndex(t, filepath.Join(out, "index.json"))
	fd := func(host string, hosts ...string) []report.IndexFinding {
		return []report.IndexFinding{{ID: "tfst.fd-exhaustion", Severity: "critical", Count: 1, Hosts: append([]string{host}, hosts...)}}
	}
	row := func(n int, name, caseID string, inputs []string, hosts []string, verdict string, exit int, findings []report.IndexFinding) report.IndexRow {
		r := report.IndexRow{IndexVersion: 1, N: n, Report: name, Inputs: inputs, Case: caseID, Hosts: hosts,
			Profiles: []string{"tfst"}, Verdict: verdict, Exit: exit, Counts: map[string]int{}, Findings: findings,
			Files: []string{name + ".html", name + ".json", name + ".txt"}}
		for _, f := range findings {
			r.Counts[f.Severity] += f.Count
		}
		for _, h := range hosts {
			r.Bundles = append(r.Bundles, "tfst-"+h+map[bool]string{true: "-SR-4711", false: ""}[caseID != ""]+"-20091013T120000Z")
		}
		return r
	}
	want := []report.IndexRow{
		row(1, "001-SR-4711", "SR-4711", []string{paths[0], paths[3]}, []string{"epp01", "gwp01"}, "critical", 1, fd("epp01")),
		row(2, "002-tfst-epp02-20091013T120000Z", "", paths[1:2], []string{"epp02"}, "critical", 1, fd("epp02")),
		{IndexVersion: 1, N: 3, Files: []string{}, Inputs: paths[2:3], Hosts: []string{}, Bundles: []string{}, Profiles: []string{},
			Verdict: "error", Exit: 2, Counts: map[string]int{}, Findings: []report.IndexFinding{},
			Error: paths[2] + ": not a gzip stream, although its name says so"},
		row(4, "004-tfst-epp03-20091013T120000Z", "", paths[4:5], []string{"epp03"}, "ok", 0, []report.IndexFinding{}),
		row(5, "005-x_b_id", "", paths[5:6], []string{"epp04"}, "critical", 1, fd("epp04")),
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("index.json (-want +got):\n%s", diff)
	}

	// Each line conforms to docs/index.schema.json.
	sch := indexSchema(t)
	for _, line := range lines {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("index.json line does not conform to docs/index.schema.json: %v\n%s", err, line)
		}
	}

	// The reports: what a single analyze of the same inputs writes.
	for _, r := range rows {
		for _, f := range r.Files {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Errorf("row %d names %s: %v", r.N, f, err)
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "001-SR-4711.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := reporttest.Validate(data); err != nil {
		t.Errorf("001-SR-4711.json: %v", err)
	}
	single := real(t, append([]string{"--format", "json", "--trust", trust, "--profile", "tfst", "--rule", "tfst.fd-exhaustion"}, paths[0], paths[3])...)
	if single.stdout != string(data) {
		t.Errorf("the case's report differs from analyze of its two inputs together:\n%s", cmp.Diff(single.stdout, string(data)))
	}
	var rep report.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Cases) != 1 || rep.Cases[0].ID != "SR-4711" || len(rep.Cases[0].Bundles) != 2 {
		t.Errorf("report cases = %+v, want SR-4711 with two bundles", rep.Cases)
	}

	// The fleet view.
	var fleet report.FleetFile
	fdata, err := os.ReadFile(filepath.Join(out, "fleet.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(fdata, &fleet); err != nil {
		t.Fatal(err)
	}
	wantFleet := report.FleetFile{IndexVersion: 1, Reports: 5, Hosts: 5, Findings: []report.FleetFinding{{
		ID: "tfst.fd-exhaustion", Severity: "critical", Hosts: []string{"epp01", "epp02", "epp04"},
		Reports: []string{"001-SR-4711", "002-tfst-epp02-20091013T120000Z", "005-x_b_id"}}}}
	if diff := cmp.Diff(wantFleet, fleet); diff != "" {
		t.Errorf("fleet.json (-want +got):\n%s", diff)
	}

	// index.html parses, holds one table row per report, and every link
	// leads to a file of the batch.
	page := parseIndexHTML(t, filepath.Join(out, "index.html"))
	if page.rows != len(rows) {
		t.Errorf("index.html: %d report rows, want %d", page.rows, len(rows))
	}
	if page.scripts != 1 || page.external != 0 {
		t.Errorf("index.html: %d scripts, %d external references; want 1, 0", page.scripts, page.external)
	}
	wantLinks := map[string]bool{}
	for _, r := range rows {
		for _, f := range r.Files {
			wantLinks[f] = true
		}
	}
	for _, l := range page.links {
		if _, err := os.Stat(filepath.Join(out, l)); err != nil {
			t.Errorf("index.html links %q: %v", l, err)
		}
		delete(wantLinks, l)
	}
	if len(wantLinks) > 0 {
		t.Errorf("index.html does not link %v", wantLinks)
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if n := len(names); n != 3+3*4 {
		t.Errorf("the folder holds %d files, want 15 (index.json, fleet.json, index.html, 4 reports × 3): %v", n, names)
	}
}

// TestEachDeterministic: the batch's files are the same bytes whatever
// number of reports is made at once.
func TestEachDeterministic(t *testing.T) {
	in := t.TempDir()
	paths, _ := eachInputs(t, filepath.Join(in, "sub"))
	read := func(jobs string) map[string]string {
		out := filepath.Join(t.TempDir(), "batch")
		got := real(t, append([]string{"--each", "-o", out, "--jobs", jobs, "--profile", "tfst"}, paths...)...)
		if got.code != exitRefused {
			t.Fatalf("--jobs %s: exit %d\n%s", jobs, got.code, got.stderr)
		}
		files := map[string]string{}
		ents, err := os.ReadDir(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			data, err := os.ReadFile(filepath.Join(out, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files[e.Name()] = string(data)
		}
		return files
	}
	one := read("1")
	for _, jobs := range []string{"3", "8"} {
		if diff := cmp.Diff(one, read(jobs)); diff != "" {
			t.Errorf("--jobs 1 and --jobs %s wrote different files (-1 +%s):\n%.3000s", jobs, jobs, diff)
		}
	}
}

// TestEachUsage: what --each refuses before reading anything.
func TestEachUsage(t *testing.T) {
	dir := t.TempDir()
	file := inputtest.WriteFile(t, filepath.Join(dir, "file"), []byte("x"))
	b := tfstBundle(t, "tfst-epp01-20091013T120000Z", calmLine, inputtest.Spec{}).WriteTarGz(t, dir)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no -o", []string{"--each", b}, "analyze: --each needs -o DIR: the folder for the reports and their index\n"},
		{"-o -", []string{"--each", "-o", "-", b}, "analyze: --each needs -o DIR: the folder for the reports and their index\n"},
		{"-o a file", []string{"--each", "-o", file, b}, "analyze: -o " + file + ": not a folder (--each writes a folder of reports)\n"},
		{"--format", []string{"--each", "-o", dir, "--format", "json", b}, "analyze: --each writes every format (HTML, JSON and text): drop --format\n"},
		{"stdin", []string{"--each", "-o", dir, "-"}, "analyze: --each reads files, not standard input (-)\n"},
		{"--jobs -1", []string{"--each", "-o", dir, "--jobs", "-1", b}, "analyze: --jobs -1: want a positive number\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := real(t, tc.args...)
			if got.code != exitRefused || got.stderr != tc.want {
				t.Errorf("exit %d, stderr %q; want 2, %q", got.code, got.stderr, tc.want)
			}
		})
	}
}

// TestEachExit: the batch exits with the worst of its reports.
func TestEachExit(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want int
	}{
		{[]int{0, 0}, 0}, {[]int{0, 3}, 3}, {[]int{3, 1, 0}, 1}, {[]int{1, 2, 3}, 2}, {[]int{2, 0}, 2},
	} {
		got := exitOK
		for _, c := range tc.in {
			got = worseExit(got, c)
		}
		if got != tc.want {
			t.Errorf("worst of %v = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"SR-4711":                "SR-4711",
		"../../etc/passwd":       "etc_passwd",
		"x <b>;$(id)":            "x_b_id",
		"":                       "input",
		"...":                    "input",
		"ünïcode":                "n_code",
		strings.Repeat("a", 100): strings.Repeat("a", 60),
		"-rf":                    "rf",
	} {
		if got := safeFileName(in); got != want {
			t.Errorf("safeFileName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := input.StripArchiveExt("tfst-a-20240301T120000Z.tar.gz.age"); got != "tfst-a-20240301T120000Z" {
		t.Errorf("StripArchiveExt = %q", got)
	}
}

// indexSchema compiles docs/index.schema.json.
func indexSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join(filepath.Dir(reporttest.SchemaPath()), "index.schema.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("index.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("index.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type indexPage struct {
	rows, scripts, external int
	links                   []string
}

// parseIndexHTML reads index.html with an HTML-aware XML tokenizer: every
// element must close, and what the page links and runs is counted. The
// one inline script's text is left out (JavaScript is not markup).
func parseIndexHTML(t *testing.T, path string) indexPage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	if i, j := strings.Index(page, "<script>"), strings.LastIndex(page, "</script>"); i >= 0 && j > i {
		page = page[:i+len("<script>")] + page[j:]
	}
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var p indexPage
	var stack []string
	inIndex := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("index.html does not parse: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			stack = append(stack, x.Name.Local)
			attr := map[string]string{}
			for _, a := range x.Attr {
				attr[a.Name.Local] = a.Value
			}
			switch x.Name.Local {
			case "table":
				inIndex = attr["id"] == "index"
			case "tr":
				if inIndex && len(stack) > 1 && stack[len(stack)-2] == "tbody" {
					p.rows++
				}
			case "script":
				p.scripts++
				if attr["src"] != "" {
					p.external++
				}
			case "a":
				if inIndex {
					p.links = append(p.links, attr["href"])
				}
			}
			for _, k := range []string{"src", "href", "action"} {
				if v := attr[k]; v != "" && x.Name.Local != "a" {
					p.external++
				}
			}
			if v := attr["href"]; strings.Contains(v, ":") || strings.HasPrefix(v, "/") {
				p.external++
			}
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1] != x.Name.Local {
				t.Fatalf("index.html: </%s> closes %v", x.Name.Local, stack)
			}
			stack = stack[:len(stack)-1]
			if x.Name.Local == "table" {
				inIndex = false
			}
		}
	}
	if len(stack) != 0 {
		t.Errorf("index.html: unclosed %v", stack)
	}
	sort.Strings(p.links)
	return p
}

// TestEachRequireSignature: with --require-signature an input short of it
// is a row with the reason and no report; the others are reported.
func TestEachRequireSignature(t *testing.T) {
	dir := t.TempDir()
	signed := tfstBundle(t, "tfst-epp01-20091013T120000Z", calmLine, inputtest.Spec{})
	trust := signed.WriteTrustFile(t, dir, "helpdesk")
	unsigned := tfstBundle(t, "tfst-epp02-20091013T120000Z", calmLine, inputtest.Spec{Unsigned: true})
	paths := []string{signed.WriteTarGz(t, dir), unsigned.WriteTarGz(t, dir)}
	out := filepath.Join(dir, "out")
	got := real(t, append([]string{"--each", "-o", out, "--require-signature", "--trust", trust, "--profile", "tfst", "--rule", "tfst.fd-exhaustion"}, paths...)...)
	if got.code != exitRefused {
		t.Errorf("exit %d, want 2\n%s", got.code, got.stderr)
	}
	rows, _ := readIndex(t, filepath.Join(out, "index.json"))
	if len(rows) != 2 || rows[0].Verdict != "ok" || rows[0].Exit != 0 || len(rows[0].Files) != 3 {
		t.Fatalf("rows %+v; want the signed bundle reported ok", rows)
	}
	if r := rows[1]; r.Verdict != report.VerdictError || r.Exit != 2 || len(r.Files) != 0 ||
		!strings.HasPrefix(r.Error, paths[1]+": not signed") || !strings.HasSuffix(r.Error, "(--require-signature)") {
		t.Errorf("row 2 = %+v; want an error row naming the unsigned bundle", r)
	}
	if _, err := os.Stat(filepath.Join(out, "002-tfst-epp02-20091013T120000Z.html")); err == nil {
		t.Error("a report was written for the unsigned bundle")
	}
}
