package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// coverageReport is a report of one bundle with the given coverage
// statuses (one rule each) and no findings.
func coverageReport(statuses ...string) *Report {
	r := &Report{Bundles: []Bundle{{Name: "b1", Kind: "bundle", Host: "web05", Signature: Signature{Status: "valid", Trusted: true, Signer: "x"}, Integrity: Integrity{Status: IntegrityOK}}}}
	for i, s := range statuses {
		c := RuleCoverage{Rule: fmt.Sprintf("p.rule-%d", i), Bundle: "b1", Status: s}
		switch s {
		case CoverageNotApplicable:
			c.Reason = `applies only where role == "server"`
		case CoverageSkipped:
			c.Missing = []string{"files/**/yule_log*"}
		}
		r.Coverage = append(r.Coverage, c)
	}
	return r
}

func renderText(t *testing.T, r *Report, verbose bool) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteText(&buf, r, TextOptions{Verbose: verbose}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func renderHTML(t *testing.T, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestNotApplicableCoverage: rules that do not apply to a bundle are
// counted apart ("3 ran, 2 not applicable") and never alarm: no "could
// not run", no alert, listed only with -v and last on the page;
// skipped, partial and failed rules alarm as before.
func TestNotApplicableCoverage(t *testing.T) {
	na := CoverageNotApplicable
	t.Run("ran and not applicable", func(t *testing.T) {
		r := coverageReport(CoverageRan, na, CoverageRan, na, CoverageRan)
		text := renderText(t, r, false)
		for _, want := range []string{"Coverage: 5 rules: 3 ran, 2 not applicable", "No findings. Every rule that applies ran on its inputs."} {
			if !strings.Contains(text, want) {
				t.Errorf("text lacks %q:\n%s", want, text)
			}
		}
		for _, bad := range []string{"could not run", "n/a", "p.rule-1", "-v to show"} {
			if strings.Contains(text, bad) {
				t.Errorf("text says %q about rules that do not apply:\n%s", bad, text)
			}
		}
		verbose := renderText(t, r, true)
		if !strings.Contains(verbose, `  n/a      p.rule-1: applies only where role == "server"`) {
			t.Errorf("-v does not list the rule that does not apply with its condition:\n%s", verbose)
		}
		page := renderHTML(t, r)
		for _, want := range []string{`<p class="verdict ok">No findings: every rule that applies ran on its inputs</p>`, `<span class="pill cov-not_applicable">not applicable</span>`, "3 ran, 2 not applicable"} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(page, `class="alert`) {
			t.Error("page alerts about rules that do not apply")
		}
		if i, j := strings.LastIndex(page, `<tr class="cov-ran">`), strings.Index(page, `<tr class="cov-not_applicable">`); i < 0 || j < i {
			t.Error("rules that do not apply are not listed after those that ran")
		}
	})
	t.Run("gaps still alarm", func(t *testing.T) {
		r := coverageReport(na, CoverageSkipped, CoverageRan, na, CoveragePartial, CoverageError, CoverageSkipped, CoverageSkipped, CoverageSkipped, CoverageSkipped)
		text := renderText(t, r, false)
		for _, want := range []string{"1 ran, 1 partial, 5 skipped, 1 failed, 2 not applicable", "some rules could not run", "… 1 more (-v to show)"} {
			if !strings.Contains(text, want) {
				t.Errorf("text lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "n/a") {
			t.Errorf("text lists rules that do not apply among the gaps:\n%s", text)
		}
		page := renderHTML(t, r)
		if !strings.Contains(page, `<p class="verdict incomplete">No findings, but some rules could not run`) || !strings.Contains(page, `class="alert warn"`) {
			t.Error("page does not alarm about skipped and failed rules")
		}
	})
	t.Run("nothing applies", func(t *testing.T) {
		r := coverageReport(na, na)
		if text := renderText(t, r, false); !strings.Contains(text, "no rule applies to these inputs: nothing was checked") {
			t.Errorf("a report where no rule applies reads as clean:\n%s", text)
		}
		if page := renderHTML(t, r); !strings.Contains(page, `<p class="verdict incomplete">No findings, and no rule applies`) {
			t.Error("page: a report where no rule applies reads as clean")
		}
	})
}
