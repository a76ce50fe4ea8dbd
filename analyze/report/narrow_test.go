package report

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// narrowState is what the narrow-screen check reads from the page.
type narrowState struct {
	InnerWidth, InnerHeight int
	ScrollWidth             int
	Overflowing             []string // elements sticking out of the page, for the failure message
	TitleTop, TitleBottom   float64
	EvidenceTop             float64
	EvidenceBottom          float64
	EvidenceWhiteSpace      string
	EvidenceWidth           float64
}

const readNarrow = `(() => {
  const iw = window.innerWidth, ih = window.innerHeight;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= iw + 1) continue;
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if ((ox === 'auto' || ox === 'scroll' || ox === 'hidden') && p.getBoundingClientRect().right <= iw + 1) { clipped = true; break; }
    }
    if (!clipped && out.length < 8) out.push(el.tagName.toLowerCase() + '.' + el.className + ' right=' + Math.round(r.right));
  }
  const s = {InnerWidth: iw, InnerHeight: ih, ScrollWidth: document.documentElement.scrollWidth, Overflowing: out};
  const title = document.querySelector('article.finding h4');
  if (title) { const r = title.getBoundingClientRect(); s.TitleTop = r.top; s.TitleBottom = r.bottom; }
  const ev = document.querySelector('article.finding table.evidence td.text code');
  if (ev) {
    const r = ev.getBoundingClientRect();
    s.EvidenceTop = r.top; s.EvidenceBottom = r.top + parseFloat(getComputedStyle(ev).lineHeight || '20');
    s.EvidenceWhiteSpace = getComputedStyle(ev).whiteSpace; s.EvidenceWidth = r.width;
  }
  return s;
})()`

// TestHTMLNarrowScreen opens reports in headless Chromium at a phone's
// width (390 x 844 CSS pixels): the page must not scroll sideways, the
// first finding's title and its first evidence line must be on the first
// screen, and an evidence line must keep its shape (one line that scrolls
// in its own box, as wide as the screen allows) instead of wrapping into a
// narrow column.
func TestHTMLNarrowScreen(t *testing.T) {
	b := startBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	art := artifactDir(t)
	dir := t.TempDir()

	reports := map[string]*Report{"ha-pair": loadFixture(t, filepath.Join(fixtureDir, "ha-pair.json"))}
	// Real engine output with long log lines and paths (the demo's case).
	if data, err := os.ReadFile("../../testdata/cases/tfst/fd-exhaustion-with-peer/report.golden.json"); err == nil {
		var r Report
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		reports["tfst-demo"] = &r
	} else {
		t.Errorf("the demo case's report is missing: %v", err)
	}
	for name, r := range reports {
		t.Run(name, func(t *testing.T) {
			p := loadReport(t, ctx, b, dir, name+"-narrow", r)
			if _, err := p.call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{
				"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": false,
			}); err != nil {
				t.Fatal(err)
			}
			var st narrowState
			if err := p.eval(ctx, readNarrow, &st); err != nil {
				t.Fatal(err)
			}
			shot := filepath.Join(art, "report-"+name+"-390px.png")
			if err := p.screenshot(ctx, shot); err == nil {
				t.Logf("screenshot: %s", shot)
			}
			if st.InnerWidth != 390 {
				t.Fatalf("viewport %dpx wide, want 390 (emulation failed)", st.InnerWidth)
			}
			if st.ScrollWidth > st.InnerWidth {
				t.Errorf("page is %dpx wide at %dpx: it scrolls sideways; sticking out: %s", st.ScrollWidth, st.InnerWidth, strings.Join(st.Overflowing, "; "))
			}
			if st.TitleTop < 0 || st.TitleBottom > float64(st.InnerHeight) || st.TitleBottom == 0 {
				t.Errorf("first finding's title at %.0f-%.0fpx: not on the first screen (%dpx)", st.TitleTop, st.TitleBottom, st.InnerHeight)
			}
			if st.EvidenceTop < 0 || st.EvidenceBottom > float64(st.InnerHeight) || st.EvidenceBottom == 0 {
				t.Errorf("first evidence line at %.0f-%.0fpx: not on the first screen (%dpx)", st.EvidenceTop, st.EvidenceBottom, st.InnerHeight)
			}
			if st.EvidenceWhiteSpace != "pre" || st.EvidenceWidth < 300 {
				t.Errorf("evidence line: white-space %q, %.0fpx wide: want one unwrapped line at least 300px wide", st.EvidenceWhiteSpace, st.EvidenceWidth)
			}
		})
	}
}
