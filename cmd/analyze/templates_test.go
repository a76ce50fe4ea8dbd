package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"casefile/profiles"
)

const sampleLog = `2024-03-01 10:00:00 INFO  [db] connected to 10.0.0.1:5432 in 12 ms
2024-03-01 10:00:05 INFO  [db] connected to 10.0.0.2:5432 in 8 ms
2024-03-01 10:01:00 ERROR [spool] write of /var/spool/q/1234 failed: No space left on device
2024-03-01 10:02:00 INFO  [db] connected to 10.0.0.1:5432 in 9 ms
2024-03-01 10:03:00 ERROR [spool] write of /var/spool/q/1299 failed: No space left on device
`

func writeSample(t *testing.T) string {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	if err := os.WriteFile(p, []byte(sampleLog), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTemplatesJSON(t *testing.T) {
	p := writeSample(t)
	r := cli(t, &fake{}, false, nil, "templates", "--format", "json", p)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out struct {
		Files []struct {
			Path      string
			Templates []struct {
				ID        string
				Template  string
				Count     int
				Lines     []int
				FirstSeen string `json:"first_seen"`
				LastSeen  string `json:"last_seen"`
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(out.Files) != 1 {
		t.Fatalf("%d files, want 1:\n%s", len(out.Files), r.stdout)
	}
	type tpl struct {
		Template            string
		Count               int
		Lines               []int
		FirstSeen, LastSeen string
	}
	var got []tpl
	for _, x := range out.Files[0].Templates {
		got = append(got, tpl{x.Template, x.Count, x.Lines, x.FirstSeen, x.LastSeen})
	}
	want := []tpl{
		{"INFO [db] connected to <*> in <*> ms", 3, []int{1, 2, 4}, "2024-03-01T10:00:00Z", "2024-03-01T10:02:00Z"},
		{"ERROR [spool] write of <*> failed: No space left on device", 2, []int{3, 5}, "2024-03-01T10:01:00Z", "2024-03-01T10:03:00Z"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("templates (-want +got):\n%s", d)
	}
}

func TestTemplatesText(t *testing.T) {
	r := cli(t, &fake{}, false, nil, "templates", writeSample(t))
	if r.code != 0 || !strings.Contains(r.stdout, "ERROR [spool] write of <*> failed: No space left on device  2024-03-01 10:01:00Z – 2024-03-01 10:03:00Z") ||
		!strings.Contains(r.stdout, "lines 3, 5") {
		t.Errorf("exit %d, stdout:\n%s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	r = cli(t, &fake{}, false, nil, "templates", "--format", "xml", writeSample(t))
	if r.code != 2 || !strings.Contains(r.stderr, "--format") {
		t.Errorf("bad format: exit %d, %s", r.code, r.stderr)
	}
	r = cli(t, &fake{}, false, nil, "templates", filepath.Join(t.TempDir(), "missing.log"))
	if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "missing.log") {
		t.Errorf("missing input: exit %d, %q", r.code, r.stderr)
	}
}

// TestDraftRule: the drafted rule is valid profile YAML, and its pattern
// matches exactly the lines of its template.
func TestDraftRule(t *testing.T) {
	p := writeSample(t)
	r := cli(t, &fake{}, false, nil, "templates", "--format", "json", p)
	var out struct {
		Files []struct {
			Templates []struct{ ID, Template string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	id := out.Files[0].Templates[1].ID
	r = cli(t, &fake{}, false, nil, "--draft-rule", id, p)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	prof := "name: local\ntitle: t\ndescription: d\nversion: \"1\"\nsource: s\nanalyze:\n  logs:\n    - files: [\"files/**/*.log\"]\n      time: auto\n  rules:\n" + indent(r.stdout, "    ")
	pr, err := profiles.Parse("draft.yaml", []byte(prof))
	if err != nil {
		t.Fatalf("drafted rule does not load: %v\n%s", err, prof)
	}
	rule := pr.Analyze.Rules[0]
	if !strings.HasPrefix(rule.ID, "local.") || rule.Match == nil {
		t.Fatalf("rule %+v", rule)
	}
	re := rule.Match.Any[0].Pattern.Re
	if rule.Match.Pattern != nil {
		re = rule.Match.Pattern.Re
	}
	for i, l := range strings.Split(strings.TrimSpace(sampleLog), "\n") {
		if got, want := re.MatchString(l), strings.Contains(l, "No space"); got != want {
			t.Errorf("line %d: pattern %s matches %v, want %v", i+1, re, got, want)
		}
	}
	r = cli(t, &fake{}, false, nil, "--draft-rule", "Tnosuch", p)
	if r.code != 2 || !strings.Contains(r.stderr, "Tnosuch") {
		t.Errorf("unknown id: exit %d, %q", r.code, r.stderr)
	}
}

func indent(s, in string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString(in + l)
		}
	}
	return b.String()
}
