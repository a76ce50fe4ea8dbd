package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"casefile/analyze/report/reporttest"
)

// TestBaselineHostsAndCommands: facts of several hosts name their host,
// and commands whose output differs too much to diff are listed, in the
// text and HTML reports; the JSON report keeps to the schema.
func TestBaselineHostsAndCommands(t *testing.T) {
	r := &Report{Tool: Tool{Name: "casefile", Version: "dev"}, GeneratedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Baseline: &Baseline{Good: []string{"good.tar.gz"}, FindingsNew: []string{}, FindingsGone: []string{},
			FactsChanged: []FactChange{
				{Fact: "version", Host: "gw1", Good: "1.0", Bad: "2.0"},
				{Fact: "version", Host: "gw2", Good: "2.0", Bad: "3.0"},
			},
			TemplatesNew: []TemplateChange{}, TemplatesGone: []TemplateChange{}, TemplatesRate: []TemplateChange{},
			ConfigDiffs: []ConfigDiff{
				{File: "commands/version.out", Host: "gw1", Diff: "--- good/commands/version.out\n+++ bad/commands/version.out\n@@ -1 +1 @@\n-fix 0011\n+fix 0009\n"},
				{File: "commands/version.out", Host: "gw2", Diff: "--- good/commands/version.out\n+++ bad/commands/version.out\n@@ -1 +1 @@\n-fix 0012\n+fix 0010\n"},
			},
			CommandsDiffer: []string{"commands/host.ps.out (80 lines changed)"},
		}}
	var text bytes.Buffer
	if err := WriteText(&text, r, TextOptions{Width: 100}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"version (gw1): 1.0 → 2.0", "version (gw2): 2.0 → 3.0", "Changed file commands/version.out (gw1):", "+fix 0009", "Changed file commands/version.out (gw2):",
		"Commands whose output differs (too much to show):", "commands/host.ps.out (80 lines changed)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<code>version</code> <span class="muted">gw1</span>`, "<li><code>commands/host.ps.out (80 lines changed)</code></li>",
		`Changed file <code>commands/version.out</code> <span class="muted">gw2</span>`} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	reporttest.Check(t, js.Bytes())
	if !strings.Contains(js.String(), `"host": "gw1"`) || !strings.Contains(js.String(), `"commands_differ"`) {
		t.Errorf("JSON lacks host or commands_differ:\n%s", js.String())
	}
}
