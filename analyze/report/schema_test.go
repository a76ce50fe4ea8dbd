package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze/report/reporttest"
)

// schemaValid lists the fixtures that must conform to the schema (the
// hostile one breaks it on purpose: unknown severities and statuses).
func schemaValid(t *testing.T) []string {
	var out []string
	for _, p := range fixtures(t) {
		if !strings.Contains(filepath.Base(p), "hostile") {
			out = append(out, p)
		}
	}
	return out
}

// TestSchemaAdditions: the fields added to v1 validate: coverage status
// not_applicable, item optional.
func TestSchemaAdditions(t *testing.T) {
	base, err := os.ReadFile(filepath.Join(fixtureDir, "ha-pair.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(base, &m); err != nil {
		t.Fatal(err)
	}
	m["coverage"].([]any)[0].(map[string]any)["status"] = CoverageNotApplicable
	bundle0(m)["items"].([]any)[0].(map[string]any)["optional"] = true
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := reporttest.Validate(data); err != nil {
		t.Errorf("schema refuses not_applicable or optional: %v", err)
	}
}

// TestSchemaAllowsAdditions: report v1 only gains fields (docs/report.md),
// so a consumer validating with the shipped schema must accept a report
// from a newer casefile that carries fields this one does not know, at
// every level, while required fields stay required.
func TestSchemaAllowsAdditions(t *testing.T) {
	base, err := os.ReadFile(filepath.Join(fixtureDir, "ha-pair.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(base, &m); err != nil {
		t.Fatal(err)
	}
	m["verdict"] = "unhealthy"
	m["tool"].(map[string]any)["commit"] = "abc123"
	finding(m)["confidence"] = 0.9
	finding(m)["evidence"].([]any)[0].(map[string]any)["local"] = true
	bundle0(m)["case"] = "TS-1234"
	bundle0(m)["signature"].(map[string]any)["key_age_days"] = 3
	bundle0(m)["integrity"].(map[string]any)["checked_at"] = "2026-01-02T03:04:05Z"
	bundle0(m)["items"].([]any)[0].(map[string]any)["kept"] = "tail"
	m["coverage"].([]any)[0].(map[string]any)["explained_share"] = 0.6
	m["timeline"].([]any)[0].(map[string]any)["zone"] = "UTC"
	m["excerpts"].([]any)[0].(map[string]any)["encoding"] = "utf-8"
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := reporttest.Validate(data); err != nil {
		t.Errorf("schema refuses a report with fields added in a later v1: %v", err)
	}
}

func TestSchemaAcceptsReports(t *testing.T) {
	for _, path := range schemaValid(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteJSON(&buf, loadFixture(t, path)); err != nil {
				t.Fatal(err)
			}
			reporttest.Check(t, buf.Bytes())
		})
	}
	t.Run("empty report", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteJSON(&buf, &Report{Tool: Tool{Name: "casefile", Version: "dev"}, GeneratedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		reporttest.Check(t, buf.Bytes())
	})
}

// TestSchemaRejects proves the schema is strict: each mutation of a valid
// report must fail validation.
func TestSchemaRejects(t *testing.T) {
	base, err := os.ReadFile(filepath.Join(fixtureDir, "ha-pair.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := reporttest.Validate(base); err != nil {
		t.Fatalf("base fixture must be valid: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(m map[string]any)
	}{
		{"schema_version 2", func(m map[string]any) { m["schema_version"] = 2 }},
		{"findings missing", func(m map[string]any) { delete(m, "findings") }},
		{"findings null", func(m map[string]any) { m["findings"] = nil }},
		{"severity fatal", func(m map[string]any) { finding(m)["severity"] = "fatal" }},
		{"finding id without profile", func(m map[string]any) { finding(m)["id"] = "fd-exhaustion" }},
		{"first_seen not a time", func(m map[string]any) { finding(m)["first_seen"] = "yesterday" }},
		{"count negative", func(m map[string]any) { finding(m)["count"] = -1 }},
		{"evidence without line", func(m map[string]any) {
			delete(finding(m)["evidence"].([]any)[0].(map[string]any), "line")
		}},
		{"signature status bogus", func(m map[string]any) { bundle0(m)["signature"].(map[string]any)["status"] = "maybe" }},
		{"invalid signature trusted", func(m map[string]any) {
			s := bundle0(m)["signature"].(map[string]any)
			s["status"], s["trusted"] = "invalid", true
		}},
		{"integrity ok with problems", func(m map[string]any) {
			bundle0(m)["integrity"].(map[string]any)["problems"] = []any{map[string]any{"member": "x", "kind": "altered"}}
		}},
		{"bundle kind bogus", func(m map[string]any) { bundle0(m)["kind"] = "tarball" }},
		{"coverage status bogus", func(m map[string]any) {
			m["coverage"].([]any)[0].(map[string]any)["status"] = "maybe"
		}},
		{"coverage status not-applicable spelled with a hyphen", func(m map[string]any) {
			m["coverage"].([]any)[0].(map[string]any)["status"] = "not-applicable"
		}},
		{"item optional not a boolean", func(m map[string]any) {
			bundle0(m)["items"].([]any)[0].(map[string]any)["optional"] = "yes"
		}},
		{"timeline event without time", func(m map[string]any) {
			delete(m["timeline"].([]any)[0].(map[string]any), "time")
		}},
		{"excerpt starting at 0", func(m map[string]any) {
			m["excerpts"].([]any)[0].(map[string]any)["start"] = 0
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(base, &m); err != nil {
				t.Fatal(err)
			}
			c.mutate(m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := reporttest.Validate(data); err == nil {
				t.Errorf("schema accepted a report with %s", c.name)
			}
		})
	}
}

func finding(m map[string]any) map[string]any { return m["findings"].([]any)[0].(map[string]any) }
func bundle0(m map[string]any) map[string]any { return m["bundles"].([]any)[0].(map[string]any) }

// TestSchemaMatchesTypes keeps docs/report.schema.json and the Go types in
// step: every JSON field of a type is a property of its schema object and
// the other way round, and exactly the fields Go always writes (no
// omitempty) are required.
func TestSchemaMatchesTypes(t *testing.T) {
	data, err := os.ReadFile(reporttest.SchemaPath())
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
		Defs       map[string]struct {
			Required   []string                   `json:"required"`
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	types := map[string]reflect.Type{
		"":          reflect.TypeFor[Report](),
		"tool":      reflect.TypeFor[Tool](),
		"bundle":    reflect.TypeFor[Bundle](),
		"signature": reflect.TypeFor[Signature](),
		"integrity": reflect.TypeFor[Integrity](),
		"problem":   reflect.TypeFor[Problem](),
		"item":      reflect.TypeFor[Item](),
		"finding":   reflect.TypeFor[Finding](),
		"evidence":  reflect.TypeFor[Evidence](),
		"event":     reflect.TypeFor[Event](),
		"coverage":  reflect.TypeFor[RuleCoverage](),
		"excerpt":   reflect.TypeFor[Excerpt](),
	}
	for def, typ := range types {
		t.Run(typ.Name(), func(t *testing.T) {
			var props map[string]json.RawMessage
			var required []string
			switch def {
			case "":
				props, required = schema.Properties, schema.Required
			case "tool":
				var tool struct {
					Required   []string                   `json:"required"`
					Properties map[string]json.RawMessage `json:"properties"`
				}
				if err := json.Unmarshal(schema.Properties["tool"], &tool); err != nil {
					t.Fatal(err)
				}
				props, required = tool.Properties, tool.Required
			default:
				d, ok := schema.Defs[def]
				if !ok {
					t.Fatalf("schema has no $defs/%s", def)
				}
				props, required = d.Properties, d.Required
			}
			var goFields, goRequired, schemaFields []string
			for f := range typ.Fields() {
				tag := f.Tag.Get("json")
				name, opts, _ := strings.Cut(tag, ",")
				if name == "-" || !f.IsExported() {
					continue
				}
				goFields = append(goFields, name)
				if !strings.Contains(opts, "omitempty") {
					goRequired = append(goRequired, name)
				}
			}
			for p := range props {
				schemaFields = append(schemaFields, p)
			}
			sort.Strings(goFields)
			sort.Strings(goRequired)
			sort.Strings(schemaFields)
			req := append([]string(nil), required...)
			sort.Strings(req)
			if diff := cmp.Diff(goFields, schemaFields); diff != "" {
				t.Errorf("fields of %s (-Go +schema):\n%s", typ.Name(), diff)
			}
			if diff := cmp.Diff(goRequired, req); diff != "" {
				t.Errorf("required fields of %s (-Go without omitempty +schema required):\n%s", typ.Name(), diff)
			}
		})
	}
}

// engineReports are the engine's golden reports: real analyzer output.
func engineReports(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("../../testdata/cases/*/*/report.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Skip("no engine golden reports in testdata/cases")
	}
	return paths
}

// TestEngineReports validates the engine's golden reports against the
// schema and renders them: real reports must conform, and render safely.
func TestEngineReports(t *testing.T) {
	for _, path := range engineReports(t) {
		name := filepath.Base(filepath.Dir(filepath.Dir(path))) + "/" + filepath.Base(filepath.Dir(path))
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			reporttest.Check(t, data)
			var r Report
			if err := json.Unmarshal(data, &r); err != nil {
				t.Fatal(err)
			}
			for _, opts := range []TextOptions{{}, {Verbose: true, Color: true, Width: 72}} {
				var buf bytes.Buffer
				if err := WriteText(&buf, &r, opts); err != nil {
					t.Fatal(err)
				}
				checkTerminalSafe(t, buf.String())
				for _, l := range strings.Split(buf.String(), "\n") {
					w := opts.Width
					if w == 0 {
						w = DefaultTextWidth
					}
					if displayWidth(sgrOnly.ReplaceAllString(l, "")) > w {
						t.Errorf("line wider than %d: %q", w, l)
					}
				}
			}
			var page bytes.Buffer
			if err := WriteHTML(&page, &r); err != nil {
				t.Fatal(err)
			}
			checkHTMLSafe(t, page.String())
			if got, want := strings.Count(page.String(), `<article class="finding`), len(r.Findings); got != want {
				t.Errorf("%d finding cards, want %d", got, want)
			}
		})
	}
}
