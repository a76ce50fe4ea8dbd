package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestBaselineFirstScreen: the baseline section is ordered so that its
// first screen says what is different: findings, facts, then messages new
// or tenfold, before the config diffs (which can be long), in the text
// report and the HTML page (issue 17).
func TestBaselineFirstScreen(t *testing.T) {
	var diffs []ConfigDiff
	for i := 0; i < 3; i++ {
		var d strings.Builder
		fmt.Fprintf(&d, "--- good/files/etc/c%d.conf\n+++ bad/files/etc/c%d.conf\n@@ -1,20 +1,20 @@\n", i, i)
		for j := 0; j < 20; j++ {
			fmt.Fprintf(&d, "-key%d=old\n+key%d=new\n", j, j)
		}
		diffs = append(diffs, ConfigDiff{File: fmt.Sprintf("files/etc/c%d.conf", i), Diff: d.String()})
	}
	r := &Report{Tool: Tool{Name: "casefile", Version: "dev"}, GeneratedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Baseline: &Baseline{Good: []string{"good.tar.gz"}, FindingsNew: []string{"t.disk"}, FindingsGone: []string{},
			FactsChanged:  []FactChange{{Fact: "version", Good: "1.0", Bad: "2.0"}},
			TemplatesNew:  []TemplateChange{{ID: "T1", Template: "write failed: No space left on device", File: "app.log", BadCount: 6, BadRate: 6}},
			TemplatesGone: []TemplateChange{}, TemplatesRate: []TemplateChange{},
			ConfigDiffs: diffs,
		}}
	var text bytes.Buffer
	if err := WriteText(&text, r, TextOptions{Width: 100}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(text.String(), "\n")
	at := func(s string) int {
		for i, l := range lines {
			if strings.Contains(l, s) {
				return i
			}
		}
		return -1
	}
	msg, diff := at("No space left on device"), at("Changed file")
	if msg < 0 || diff < 0 || msg > diff || msg > 20 {
		t.Errorf("text: the new message at line %d, the first diff at %d; want the message first, within 20 lines:\n%s", msg, diff, text.String())
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	if m, d := strings.Index(page.String(), "Messages new, gone or tenfold"), strings.Index(page.String(), "Changed file"); m < 0 || d < 0 || m > d {
		t.Errorf("HTML: messages at %d, the first diff at %d; want the messages first", m, d)
	}
}
