package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestInexactInEveryFormat: a finding whose values could not all be
// computed exactly says so in the text report (also without -v), the
// HTML page and the JSON report (issue 13).
func TestInexactInEveryFormat(t *testing.T) {
	tm := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	note := "distinct users counts 5,000 of 20,000 lines"
	r := &Report{SchemaVersion: SchemaVersion, GeneratedAt: tm, Zone: "UTC", Findings: []Finding{{
		ID: "t.x", Severity: "critical", Title: "20000 failed logins", Bundle: "b", Count: 20000,
		FirstSeen: &tm, LastSeen: &tm, Inexact: note,
	}}}
	for _, verbose := range []bool{false, true} {
		var txt bytes.Buffer
		if err := WriteText(&txt, r, TextOptions{Width: 200, Verbose: verbose}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(txt.String(), "Not exact: "+note) {
			t.Errorf("text (verbose %v) does not say the finding is not exact:\n%s", verbose, txt.String())
		}
	}
	var html, js bytes.Buffer
	if err := WriteHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "Not exact:</strong> "+h(note)) {
		t.Errorf("HTML does not say the finding is not exact")
	}
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var back struct{ Findings []struct{ Inexact string } }
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Findings) != 1 || back.Findings[0].Inexact != note {
		t.Errorf("JSON inexact: %+v %v", back, err)
	}
}

// TestUnexplainedPerFormat: the text report shows the top 5 unexplained
// templates that score (then "… N more"; -v all of them), the HTML page
// a filterable row for every one, low-scored included, and the JSON
// report every one with its score and reasons (issue 17).
func TestUnexplainedPerFormat(t *testing.T) {
	tm := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	r := &Report{SchemaVersion: SchemaVersion, GeneratedAt: tm, Zone: "UTC"}
	for i := 0; i < 9; i++ {
		score := 9 - i // 9 .. 1: the last one scores below the text's floor
		r.Unexplained = append(r.Unexplained, Unexplained{
			ID: fmt.Sprintf("Tid%d", i), Template: fmt.Sprintf("message number %d failed", i), Bundle: "b", File: "var/log/app.log",
			Count: 1, FirstSeen: &tm, LastSeen: &tm, Score: score, Reasons: []string{fmt.Sprintf("reason %d", i)},
			Example: Evidence{Bundle: "b", File: "var/log/app.log", Line: i + 1, Text: fmt.Sprintf("message number %d failed", i)},
		})
	}
	var txt, verbose, html, js bytes.Buffer
	if err := WriteText(&txt, r, TextOptions{Width: 200}); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&verbose, r, TextOptions{Width: 200, Verbose: true}); err != nil {
		t.Fatal(err)
	}
	notable := len(r.Notable())
	for i := range r.Unexplained {
		id := fmt.Sprintf("Tid%d", i)
		if got, want := strings.Contains(txt.String(), id), i < 5; got != want {
			t.Errorf("text shows %s: %v, want %v", id, got, want)
		}
		if got, want := strings.Contains(verbose.String(), id), i < notable; got != want {
			t.Errorf("text -v shows %s: %v, want %v", id, got, want)
		}
	}
	if notable != 8 || !strings.Contains(txt.String(), fmt.Sprintf("… %d more (-v, HTML or JSON)", notable-5)) {
		t.Errorf("%d notable; text does not say how many more:\n%s", notable, txt.String())
	}
	if err := WriteHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	sec := html.String()
	if i := strings.Index(sec, `<section id="unexplained"`); i >= 0 {
		sec = sec[i:]
		sec = sec[:strings.Index(sec, "</section>")]
	} else {
		t.Fatal("HTML has no unexplained section")
	}
	if n := strings.Count(sec, `<tr class="filterable`); n != len(r.Unexplained) {
		t.Errorf("HTML has %d filterable rows, want %d", n, len(r.Unexplained))
	}
	for i := range r.Unexplained {
		if !strings.Contains(sec, fmt.Sprintf("Tid%d", i)) {
			t.Errorf("HTML lacks Tid%d", i)
		}
	}
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Unexplained []struct {
			ID      string
			Score   *int
			Reasons []string
		}
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Unexplained) != len(r.Unexplained) {
		t.Fatalf("JSON has %d unexplained, want %d", len(back.Unexplained), len(r.Unexplained))
	}
	for i, u := range back.Unexplained {
		if u.Score == nil || *u.Score != r.Unexplained[i].Score || len(u.Reasons) != 1 {
			t.Errorf("JSON entry %d: %+v", i, u)
		}
	}
}

// TestVerdictWithUnexplainedErrors: a report without findings whose logs
// hold messages no rule knows that score as failures never reads as a
// clean bill of health (issue 17: six "No space left on device" lines
// were "No findings. Every rule ran on its inputs."): not in the text, not
// in the HTML verdict, not in --each's index; one only low-scored
// unexplained template leaves the verdict as it was.
func TestVerdictWithUnexplainedErrors(t *testing.T) {
	tm := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		score int
		clean bool
	}{{7, false}, {0, true}} {
		r := coverageReport(CoverageRan, CoverageRan)
		r.Unexplained = []Unexplained{{ID: "T1", Template: "write failed: No space left on device", Bundle: "b", File: "var/log/app.log",
			Count: 6, FirstSeen: &tm, LastSeen: &tm, Score: c.score, Reasons: []string{"error words: fail, no space"},
			Example: Evidence{Bundle: "b", File: "var/log/app.log", Line: 3, Text: "write failed: No space left on device"}}}
		text, page := renderText(t, r, false), renderHTML(t, r)
		if got := strings.Contains(text, "No findings. Every rule ran on its inputs."); got != c.clean {
			t.Errorf("score %d: text reads clean %v, want %v:\n%s", c.score, got, c.clean, text)
		}
		if !c.clean && !strings.Contains(text, "No findings by the rules, but 1 message no rule knows scores as a possible failure (below)") {
			t.Errorf("score %d: text does not point at the unexplained message:\n%s", c.score, text)
		}
		if got := strings.Contains(page, `<p class="verdict ok">`); got != c.clean {
			t.Errorf("score %d: HTML verdict ok %v, want %v", c.score, got, c.clean)
		}
		want := "ok"
		if !c.clean {
			want = "incomplete"
		}
		if got := NewIndexRow(r).Verdict; got != want {
			t.Errorf("score %d: index verdict %q, want %q", c.score, got, want)
		}
	}
}
