//go:build !windows

package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestIndexInBrowser loads an --each index.html in headless Chromium: it
// must load with no console error or CSP violation, its script must run,
// hostile host names stay text, and clicking a column heading sorts the
// rows by it (numbers as numbers), a second click reverses.
func TestIndexInBrowser(t *testing.T) {
	b := startBrowser(t)
	// A safety net against a hung browser, not a performance assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	row := func(n int, host, verdict string, exit, crit int, ids ...string) IndexRow {
		r := IndexRow{IndexVersion: 1, N: n, Report: "00" + string(rune('0'+n)) + "-x", Hosts: []string{host},
			Profiles: []string{"tfst"}, Inputs: []string{host + ".tar.gz"}, Verdict: verdict, Exit: exit,
			Counts: map[string]int{SeverityCritical: crit}}
		r.Files = []string{r.Report + ".html", r.Report + ".json", r.Report + ".txt"}
		for _, id := range ids {
			r.Findings = append(r.Findings, IndexFinding{ID: id, Severity: SeverityCritical, Count: 1, Hosts: []string{host}})
		}
		return r
	}
	rows := []IndexRow{
		row(1, "gamma", "critical", 1, 2, "tfst.fd-exhaustion"),
		row(2, "alpha", "ok", 0, 0),
		row(3, `<img src=x onerror="window.__pwned=1">`, "critical", 1, 10, "tfst.fd-exhaustion"),
		{IndexVersion: 1, N: 4, Inputs: []string{"bad.tar.gz"}, Verdict: VerdictError, Exit: 2, Error: "bad.tar.gz: not a gzip stream"},
	}
	var fleet Fleet
	for _, r := range rows {
		fleet.Add(r)
	}
	var buf strings.Builder
	if err := WriteIndexHTML(&buf, rows, fleet.Findings(), IndexMeta{Generated: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Tool: "casefile test", FailOn: "critical", Exit: 2}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "index.html")
	if err := os.WriteFile(path, []byte(buf.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := b.newPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	from := p.eventCount()
	if err := p.navigate(ctx, "file://"+path); err != nil {
		t.Fatal(err)
	}
	if err := p.screenshot(ctx, filepath.Join(artifactDir(t), "index.png")); err != nil {
		t.Errorf("screenshot: %v", err)
	}
	var st struct {
		ScriptRan bool     `json:"scriptRan"`
		Pwned     bool     `json:"pwned"`
		Images    int      `json:"images"`
		Fleet     []string `json:"fleet"`
	}
	if err := p.eval(ctx, `({scriptRan: document.documentElement.classList.contains("js"), pwned: window.__pwned !== undefined,
		images: document.images.length,
		fleet: [...document.querySelectorAll("#fleet-table tbody tr")].map(r => r.cells[0].textContent + " " + r.cells[2].textContent)})`, &st); err != nil {
		t.Fatal(err)
	}
	if !st.ScriptRan || st.Pwned || st.Images != 0 {
		t.Errorf("script ran %v, pwned %v, images %d; want true, false, 0", st.ScriptRan, st.Pwned, st.Images)
	}
	if diff := cmp.Diff([]string{"tfst.fd-exhaustion 2"}, st.Fleet); diff != "" {
		t.Errorf("fleet table (-want +got):\n%s", diff)
	}
	order := `[...document.querySelectorAll("#index tbody tr")].map(r => r.cells[0].textContent)`
	click := func(col string) string {
		return `[...document.querySelectorAll("#index thead th button")].find(b => b.textContent === "` + col + `").click()`
	}
	steps := []struct {
		action string
		want   []string
	}{
		{"", []string{"1", "2", "3", "4"}},
		// 2, 0, 10, 0 sorted as numbers; ties keep the order shown.
		{click("Critical"), []string{"2", "4", "1", "3"}},
		{click("Critical"), []string{"3", "1", "2", "4"}},
		{click("Hosts"), []string{"4", "3", "2", "1"}},   // "", "<img…", alpha, gamma
		{click("Verdict"), []string{"2", "3", "1", "4"}}, // ok < critical < error
		{click("#"), []string{"1", "2", "3", "4"}},
		{click("#"), []string{"4", "3", "2", "1"}},
	}
	for i, s := range steps {
		if s.action != "" {
			if err := p.eval(ctx, s.action, nil); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		if err := p.eval(ctx, order, &got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("step %d (%s): row order (-want +got):\n%s", i, s.action, diff)
		}
	}
	if probs := p.problems(from); len(probs) > 0 {
		t.Errorf("the page reported problems:\n%s", strings.Join(probs, "\n"))
	}
}
