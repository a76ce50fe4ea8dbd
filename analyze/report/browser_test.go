//go:build !windows

package report

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// pageState is what the test reads back from a loaded report.
type pageState struct {
	ScriptRan bool   `json:"scriptRan"`
	BarStyle  string `json:"barStyle"`
	Findings  []struct {
		ID      string `json:"id"`
		Sev     string `json:"sev"`
		Visible bool   `json:"visible"`
		Title   string `json:"title"`
	} `json:"findings"`
	Images       int    `json:"images"`
	Scripts      int    `json:"scripts"`
	Iframes      int    `json:"iframes"`
	Links        int    `json:"links"`
	ExternalRefs int    `json:"externalRefs"`
	Pwned        bool   `json:"pwned"`
	Title        string `json:"title"`
}

const readState = `(() => {
  const vis = e => { const r = e.getBoundingClientRect(); return r.height > 0 && r.width > 0 && getComputedStyle(e).visibility !== "hidden"; };
  const ext = [...document.querySelectorAll("[href],[src],[action],[formaction]")].filter(e => {
    const v = e.getAttribute("href") ?? e.getAttribute("src") ?? e.getAttribute("action") ?? e.getAttribute("formaction");
    return !(v.startsWith("#") || v.startsWith("data:"));
  }).length;
  return {
    scriptRan: document.documentElement.classList.contains("js"),
    barStyle: getComputedStyle(document.querySelector(".bar")).position,
    findings: [...document.querySelectorAll("article.finding")].map(e => ({
      id: e.querySelector(".fid").textContent, sev: e.dataset.sev, visible: vis(e), title: e.querySelector("h4").textContent})),
    images: document.images.length,
    scripts: document.scripts.length,
    iframes: document.querySelectorAll("iframe,object,embed,frame").length,
    links: document.querySelectorAll("a[href]").length,
    externalRefs: ext,
    pwned: window.__pwned !== undefined,
    title: document.title,
  };
})()`

// visibleFindings lists the ids of the findings the filters leave shown.
const visibleFindings = `[...document.querySelectorAll("article.finding")].filter(e => !e.hidden && e.getBoundingClientRect().height > 0).map(e => e.querySelector(".fid").textContent)`

// TestHTMLInBrowser loads reports in headless Chromium: the page must load
// with no console error, CSP violation, exception or dialog; its one
// script and style must run (their CSP hashes are right); every finding
// must be visible; hostile content must stay text. A screenshot of each
// is kept as a test artifact.
func TestHTMLInBrowser(t *testing.T) {
	b := startBrowser(t)
	// A safety net against a hung browser, not a performance assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	art := artifactDir(t)
	dir := t.TempDir()

	reports := map[string]*Report{}
	for _, path := range fixtures(t) {
		reports[strings.TrimSuffix(filepath.Base(path), ".json")] = loadFixture(t, path)
	}
	reports["hostile-bytes"] = hostileBytesReport()
	// Real engine output, when the engine's golden cases are here.
	if data, err := os.ReadFile("../../testdata/cases/engine-selftest/two-nodes/report.golden.json"); err == nil {
		var r Report
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		reports["engine-selftest"] = &r
	}

	for name, r := range reports {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".html")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := WriteHTML(f, r); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
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
			var st pageState
			if err := p.eval(ctx, readState, &st); err != nil {
				t.Fatal(err)
			}
			shot := filepath.Join(art, "report-"+name+".png")
			if err := p.screenshot(ctx, shot); err != nil {
				t.Errorf("screenshot: %v", err)
			} else {
				t.Logf("screenshot: %s", shot)
			}

			if probs := p.problems(from); len(probs) > 0 {
				t.Errorf("the page reported problems:\n%s", strings.Join(probs, "\n"))
			}
			if !st.ScriptRan {
				t.Error("the page's script did not run (CSP hash wrong?)")
			}
			if st.BarStyle != "sticky" {
				t.Errorf("summary bar position %q, want sticky (style blocked by CSP?)", st.BarStyle)
			}
			if len(st.Findings) != len(r.Findings) {
				t.Errorf("%d finding cards, want %d", len(st.Findings), len(r.Findings))
			}
			for _, f := range st.Findings {
				if !f.Visible {
					t.Errorf("finding %s is not visible", f.ID)
				}
			}
			if st.Images != 0 || st.Iframes != 0 || st.Scripts != 1 || st.Pwned || st.ExternalRefs != 0 {
				t.Errorf("page holds images %d, frames %d, scripts %d, external references %d, pwned %v; want 0, 0, 1, 0, false",
					st.Images, st.Iframes, st.Scripts, st.ExternalRefs, st.Pwned)
			}
		})
	}

	t.Run("hostile text stays text", func(t *testing.T) {
		p := loadReport(t, ctx, b, dir, "hostile", reports["hostile"])
		var st pageState
		if err := p.eval(ctx, readState, &st); err != nil {
			t.Fatal(err)
		}
		want := `<script>alert(1)</script> "><img src=x onerror=alert(3)> \x1b[2J\x1b[H \x1b]8;;http://evil.example/\x07click me\x1b]8;;\x07`
		if len(st.Findings) == 0 || st.Findings[0].Title != want {
			t.Errorf("first finding's title shows\n%+v\nwant the payload as visible text\n%q", st.Findings, want)
		}
	})

	t.Run("filters", func(t *testing.T) {
		p := loadReport(t, ctx, b, dir, "ha-pair", reports["ha-pair"])
		all := []string{"sms.active-active", "sms.java-heap", "sms.ha-degraded", "sms.version", "sms.ha-state"}
		steps := []struct {
			name, action string
			want         []string
			shown        string
		}{
			{"initially all", ``, all, ""},
			{"hide critical", `document.querySelector('button[data-sev="critical"]').click()`, all[2:], "3 of 5 findings shown"},
			{"hide info too", `document.querySelector('button[data-sev="info"]').click()`, all[2:3], "1 of 5 findings shown"},
			{"critical back", `document.querySelector('button[data-sev="critical"]').click()`, all[:3], "3 of 5 findings shown"},
			{"text filter", `(() => { const q = document.getElementById("q"); q.value = "HEAP"; q.dispatchEvent(new Event("input")); })()`, all[1:2], "1 of 5 findings shown"},
			{"text matches nothing", `(() => { const q = document.getElementById("q"); q.value = "no such text"; q.dispatchEvent(new Event("input")); })()`, []string{}, "0 of 5 findings shown"},
			{"clear", `(() => { const q = document.getElementById("q"); q.value = ""; q.dispatchEvent(new Event("input")); document.querySelector('button[data-sev="info"]').click(); })()`, all, ""},
		}
		for _, s := range steps {
			if s.action != "" {
				if err := p.eval(ctx, s.action, nil); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			if err := p.eval(ctx, visibleFindings, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s.want, got); diff != "" {
				t.Errorf("%s: visible findings (-want +got):\n%s", s.name, diff)
			}
			var shown string
			if err := p.eval(ctx, `document.getElementById("shown").textContent`, &shown); err != nil {
				t.Fatal(err)
			}
			if shown != s.shown {
				t.Errorf("%s: counter %q, want %q", s.name, shown, s.shown)
			}
		}
		// The timeline follows the severity filter too.
		var rows [2]int
		if err := p.eval(ctx, `(() => { document.querySelector('button[data-sev="critical"]').click();
			const r = [...document.querySelectorAll("table.timeline tbody tr.filterable")];
			const n = [r.filter(e => !e.hidden).length, r.length];
			document.querySelector('button[data-sev="critical"]').click();
			return n; })()`, &rows); err != nil {
			t.Fatal(err)
		}
		if rows[0] >= rows[1] || rows[0] == 0 {
			t.Errorf("hiding critical left %d of %d timeline rows", rows[0], rows[1])
		}
	})

	t.Run("evidence links to the line", func(t *testing.T) {
		p := loadReport(t, ctx, b, dir, "ha-pair", reports["ha-pair"])
		var got struct {
			Hash, Target, Text string
			Visible, Hit       bool
		}
		err := p.eval(ctx, `(() => {
			document.querySelector("#f0 table.evidence a").click();
			const t = document.querySelector(":target");
			return {Hash: location.hash, Target: t ? t.id : "", Text: t ? t.textContent : "",
				Visible: !!t && t.getBoundingClientRect().height > 0, Hit: !!t && t.classList.contains("hit")};
		})()`, &got)
		if err != nil {
			t.Fatal(err)
		}
		if got.Hash != "#"+got.Target || !got.Visible || !got.Hit ||
			!strings.HasPrefix(got.Text, "10422") || !strings.Contains(got.Text, "Local state: Active, peer state: Unknown") {
			t.Errorf("evidence link led to %+v, want the visible, marked line 10422 of ha.log", got)
		}
		// A link to a finding hidden by a filter shows it again.
		var visible bool
		err = p.eval(ctx, `(() => {
			document.querySelector('button[data-sev="critical"]').click();
			const hidden = document.getElementById("f1").hidden;
			// The page's own hashchange handler runs first (it was added first).
			return new Promise(r => {
				window.addEventListener("hashchange", () => r(hidden && !document.getElementById("f1").hidden), {once: true});
				location.hash = "#f1";
			});
		})()`, &visible)
		if err != nil {
			t.Fatal(err)
		}
		if !visible {
			t.Error("following a link to a filtered-out finding left it hidden")
		}
	})

	t.Run("dark mode", func(t *testing.T) {
		p := loadReport(t, ctx, b, dir, "ha-pair", reports["ha-pair"])
		var light string
		if err := p.eval(ctx, `getComputedStyle(document.body).backgroundColor`, &light); err != nil {
			t.Fatal(err)
		}
		if _, err := p.call(ctx, "Emulation.setEmulatedMedia", map[string]any{
			"features": []map[string]string{{"name": "prefers-color-scheme", "value": "dark"}},
		}); err != nil {
			t.Fatal(err)
		}
		var dark string
		if err := p.eval(ctx, `getComputedStyle(document.body).backgroundColor`, &dark); err != nil {
			t.Fatal(err)
		}
		if dark == light {
			t.Errorf("background %s in both light and dark mode", dark)
		}
		shot := filepath.Join(art, "report-ha-pair-dark.png")
		if err := p.screenshot(ctx, shot); err != nil {
			t.Errorf("screenshot: %v", err)
		} else {
			t.Logf("screenshot: %s", shot)
		}
	})
}

// loadReport writes r as HTML, opens it in a new page and checks that it
// loaded cleanly.
func loadReport(t *testing.T, ctx context.Context, b *browser, dir, name string, r *Report) *page {
	t.Helper()
	path := filepath.Join(dir, name+"-interactive.html")
	var buf strings.Builder
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
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
	t.Cleanup(func() {
		if probs := p.problems(from); len(probs) > 0 {
			t.Errorf("the page reported problems:\n%s", strings.Join(probs, "\n"))
		}
	})
	return p
}
