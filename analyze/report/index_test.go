package report

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNewIndexRow: a report's index row names each finding id once, with
// its highest severity, its count and its hosts (both hosts for a rule
// over the pair).
func TestNewIndexRow(t *testing.T) {
	r := loadFixture(t, filepath.Join(fixtureDir, "ha-pair.json"))
	got := NewIndexRow(r)
	want := IndexRow{IndexVersion: IndexVersion, Files: []string{}, Inputs: []string{},
		Hosts: []string{"sms01", "sms02"}, Bundles: []string{"sms-sms01-20260227T081500Z", "sms-sms02-20260227T082003Z"},
		Profiles: []string{"sms"}, Verdict: "critical",
		Counts: map[string]int{"critical": 2, "warning": 1, "info": 2},
		Findings: []IndexFinding{
			{ID: "sms.active-active", Severity: "critical", Count: 1, Hosts: []string{"sms01", "sms02"}},
			{ID: "sms.java-heap", Severity: "critical", Count: 1, Hosts: []string{"sms01"}},
			{ID: "sms.ha-degraded", Severity: "warning", Count: 1, Hosts: []string{"sms02"}},
			{ID: "sms.ha-state", Severity: "info", Count: 1, Hosts: []string{"sms02"}},
			{ID: "sms.version", Severity: "info", Count: 1, Hosts: []string{"sms01"}},
		},
		// Both signatures are valid (one by the one-time key): nothing to list.
		Verification: nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("index row (-want +got):\n%s", diff)
	}
	// An unsigned bundle is listed with its reason.
	unsigned := loadFixture(t, filepath.Join(fixtureDir, "ha-pair.json"))
	unsigned.Bundles[1].Signature = Signature{Status: "unsigned"}
	if v := NewIndexRow(unsigned).Verification; len(v) != 1 || !strings.HasPrefix(v[0], "sms-sms02-20260227T082003Z: not signed") {
		t.Errorf("verification of an unsigned bundle = %q, want one line naming it", v)
	}

	// The fleet view over two reports of the pair: a finding on both
	// hosts comes first, each host counted once.
	var f Fleet
	got.Report = "001-a"
	f.Add(got)
	got.Report = "002-b"
	got.Findings = got.Findings[1:2]
	f.Add(got)
	fleet := f.Findings()
	if fleet[0].ID != "sms.active-active" || len(fleet[0].Hosts) != 2 {
		t.Errorf("fleet first %+v, want sms.active-active on 2 hosts", fleet[0])
	}
	if diff := cmp.Diff(FleetFinding{ID: "sms.java-heap", Severity: "critical", Hosts: []string{"sms01"}, Reports: []string{"001-a", "002-b"}}, fleet[1]); diff != "" {
		t.Errorf("fleet (-want +got):\n%s", diff)
	}
}

// TestCaseGrouping: inputs of several cases are listed case by case in
// the text and HTML reports, with the cases named; without case ids the
// report is as before.
func TestCaseGrouping(t *testing.T) {
	r := loadFixture(t, filepath.Join(fixtureDir, "ha-pair.json"))
	var plain strings.Builder
	if err := WriteText(&plain, r, TextOptions{Width: DefaultTextWidth}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "Case") {
		t.Errorf("a report without case ids names a case:\n%s", plain.String())
	}
	third := r.Bundles[0]
	third.Name, third.Host, third.Case = "sms-sms03-20260227T090000Z", "sms03", "SR-1"
	r.Bundles[1].Case = "SR-1"
	r.Bundles = append(r.Bundles, third)
	r.Cases = CasesOf(r.Bundles)
	if diff := cmp.Diff([]Case{{ID: "SR-1", Bundles: []string{"sms-sms02-20260227T082003Z", "sms-sms03-20260227T090000Z"}, Hosts: []string{"sms02", "sms03"}}}, r.Cases); diff != "" {
		t.Errorf("cases (-want +got):\n%s", diff)
	}
	var text strings.Builder
	if err := WriteText(&text, r, TextOptions{Width: DefaultTextWidth}); err != nil {
		t.Fatal(err)
	}
	s := text.String()
	if !strings.Contains(s, "\nCase  SR-1 (2 inputs) · no case (1 input)\n") {
		t.Errorf("text report does not name the case:\n%.800s", s)
	}
	i2, i3, i1 := strings.Index(s, "  sms-sms02"), strings.Index(s, "  sms-sms03"), strings.Index(s, "  sms-sms01")
	if !(i2 >= 0 && i2 < i3 && i3 < i1) {
		t.Errorf("inputs not listed case by case (sms02, sms03, then sms01 without a case):\n%.800s", s)
	}
	var page strings.Builder
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "<dt>Case</dt><dd>SR-1 (2 inputs) · no case (1 input)</dd>") {
		t.Error("HTML report does not name the case")
	}
}
