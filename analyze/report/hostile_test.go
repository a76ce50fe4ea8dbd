package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Payloads a log line, a file name or a hostile profile may carry.
var payloads = []string{
	`<script>alert(1)</script>`,
	`</script><script>alert(2)</script>`,
	`"><img src=x onerror=alert(3)>`,
	`'><svg onload=alert(4)>`,
	`</style><style>*{display:none}</style>`,
	`javascript:alert(5)`,
	`<!--`, `]]>`, `{{.CSP}}`,
	"\x1b[2J\x1b[H", // clear the screen
	"\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07", // OSC 8 hyperlink
	"\x1b]0;title\x07", // set the window title
	"\x1bP+q\x1b\\",    // DCS
	"\u009b31m",        // C1 CSI
	"\x9b31m",          // raw 8-bit CSI (invalid UTF-8)
	"a\rb", "a\bb", "\x00\x7f",
	"invoice\u202egpj.exe", "\u2066isolate\u2069", "line\u2028sep",
	"\xff\xfe bad \xc3\x28 utf8",
}

// fillStrings sets every string in v (recursively through structs,
// slices, maps and pointers) to s, growing empty slices and maps to one
// element and setting nil pointers, so that every text field of a report
// carries the payload.
func fillStrings(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillStrings(v.Field(i), s)
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		}
		for i := range v.Len() {
			fillStrings(v.Index(i), s)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		key := reflect.New(v.Type().Key()).Elem()
		fillStrings(key, s)
		val := reflect.New(v.Type().Elem()).Elem()
		fillStrings(val, s)
		if val.CanInt() {
			val.SetInt(3)
		}
		m.SetMapIndex(key, val)
		v.Set(m)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fillStrings(v.Elem(), s)
	case reflect.Int, reflect.Int64:
		if v.Int() == 0 {
			v.SetInt(7)
		}
	}
}

// hostileReport is a report whose every text field is payload; severities
// and statuses are valid ones in half the lists so every code path runs.
func hostileReport(payload string) *Report {
	r := &Report{}
	fillStrings(reflect.ValueOf(r).Elem(), payload)
	r.Findings[0].Severity = SeverityCritical
	r.Coverage[0].Status = CoverageSkipped
	r.Bundles[0].Signature.Status = "valid"
	r.Bundles[0].Kind = "bundle"
	r.Bundles[1].Kind = "raw"
	r.Excerpts[0].Start = 7 // evidence lines are 7: make them link
	r.Excerpts[0].Bundle = payload
	return r
}

// sgrOnly matches the colour sequences the text renderer itself writes.
var sgrOnly = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// checkTerminalSafe fails when text could act on a terminal or disguise
// itself: control characters other than newline, C1 controls, bidi
// overrides, line separators, or invalid UTF-8.
func checkTerminalSafe(t *testing.T, out string) {
	t.Helper()
	rest := sgrOnly.ReplaceAllString(out, "")
	if !utf8.ValidString(rest) {
		t.Errorf("output is not valid UTF-8")
	}
	for i, r := range rest {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || needsEscape(r) {
			lo := max(0, i-40)
			t.Errorf("raw %U at byte %d: %q", r, i, rest[lo:min(len(rest), i+40)])
			return
		}
	}
}

var (
	reTag       = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	reQuoted    = regexp.MustCompile(`"[^"]*"`)
	reHandler   = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	reRiskyAttr = regexp.MustCompile(`(?i)\s(?:style|srcdoc|formaction)\s*=`)
	// reAttr walks a tag's attributes left to right, so text inside one
	// attribute's value is never read as another attribute.
	reAttr = regexp.MustCompile(`\s([^\s"'>/=]+)(?:="([^"]*)")?`)
)

// checkHTMLSafe fails when a page holds markup that did not come from the
// template: more than its one script and style, any element that can load
// or run something, or event handler attributes.
func checkHTMLSafe(t *testing.T, page string) {
	t.Helper()
	for _, p := range htmlProblems(page) {
		t.Error(p)
	}
}

// htmlProblems lists what checkHTMLSafe objects to in page.
func htmlProblems(page string) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !utf8.ValidString(page) {
		add("page is not valid UTF-8")
	}
	lower := strings.ToLower(page)
	for _, c := range []struct {
		tag  string
		want int
	}{{"<script", 1}, {"</script", 1}, {"<style", 1}, {"</style", 1}, {"<img", 0}, {"<svg", 0}, {"<iframe", 0}, {"<object", 0}, {"<embed", 0}, {"<base", 0}, {"<form", 0}, {"<!--", 0}} {
		if n := strings.Count(lower, c.tag); n != c.want {
			add("page holds %q %d times, want %d", c.tag, n, c.want)
		}
	}
	// Look at the tags outside the page's own script and style. Every
	// attribute value html/template writes is double-quoted with quotes
	// inside escaped, so dropping quoted values leaves attribute names.
	markup := strings.Replace(strings.Replace(page, pageJS, "", 1), pageCSS, "", 1)
	for _, tag := range reTag.FindAllString(markup, -1) {
		names := reQuoted.ReplaceAllString(tag, `""`)
		if m := reHandler.FindString(names); m != "" {
			add("tag with an event handler attribute: %q", tag)
		}
		if m := reRiskyAttr.FindString(names); m != "" {
			add("tag with a %s attribute: %q", m, tag)
		}
		for _, a := range reAttr.FindAllStringSubmatch(tag, -1) {
			switch strings.ToLower(a[1]) {
			case "href", "src", "action":
				if !strings.HasPrefix(a[2], "#") && a[2] != "data:," {
					add("link that is not an anchor in the page: %q", tag)
				}
			}
		}
	}
	if strings.ContainsAny(page, "\x1b\x07\x00") {
		add("page holds raw control characters")
	}
	if strings.Contains(page, "\u202e") || strings.Contains(page, "\u2066") {
		add("page holds raw bidi overrides")
	}
	return problems
}

func TestHostileEveryField(t *testing.T) {
	for i, p := range payloads {
		t.Run(fmt.Sprintf("%d %q", i, p), func(t *testing.T) {
			r := hostileReport(p)
			for _, opts := range []TextOptions{{}, {Color: true, Verbose: true, Width: 60}} {
				var buf bytes.Buffer
				if err := WriteText(&buf, r, opts); err != nil {
					t.Fatal(err)
				}
				checkTerminalSafe(t, buf.String())
			}
			var page bytes.Buffer
			if err := WriteHTML(&page, r); err != nil {
				t.Fatal(err)
			}
			checkHTMLSafe(t, page.String())
			var js bytes.Buffer
			if err := WriteJSON(&js, r); err != nil {
				t.Fatal(err)
			}
			if !json.Valid(js.Bytes()) || !utf8.Valid(js.Bytes()) {
				t.Error("JSON report is not valid JSON in UTF-8")
			}
			if bytes.Contains(js.Bytes(), []byte("<")) || bytes.Contains(js.Bytes(), []byte("\x1b")) {
				t.Error("JSON holds raw < or ESC (unsafe to embed or to cat)")
			}
		})
	}
}

// TestHostileVisible checks that neutralised content is still shown, so
// the engineer sees that a line held an escape sequence.
func TestHostileVisible(t *testing.T) {
	tests := []struct{ in, line string }{
		{"\x1b[2J", `\x1b[2J`},
		{"\x1b]8;;http://evil/\x07x", `\x1b]8;;http://evil/\x07x`},
		{"a\u202eb", `a\u202eb`},
		{"\u009b1m", `\u009b1m`},
		{"\xff\xfe", `\xff\xfe`},
		{"a\tb", "a b"},
		{"a\r\nb", `a\r\nb`},
		{"日本語のログ", "日本語のログ"},
		{"ok \uFFFD kept", "ok \uFFFD kept"},
		{"\ufeffBOM", `\ufeffBOM`},
		{"", ""},
	}
	for _, tc := range tests {
		if got := CleanLine(tc.in); got != tc.line {
			t.Errorf("CleanLine(%q) = %q, want %q", tc.in, got, tc.line)
		}
	}
	if got, want := CleanText("one\r\ntwo\nthree\x1b[0m"), "one\ntwo\nthree\\x1b[0m"; got != want {
		t.Errorf("CleanText = %q, want %q", got, want)
	}
	r := hostileReport("\x1b[2Jboom")
	var buf bytes.Buffer
	if err := WriteText(&buf, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `\x1b[2Jboom`) {
		t.Errorf("text report does not show the escaped payload:\n%s", buf.String())
	}
	buf.Reset()
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `\x1b[2Jboom`) {
		t.Error("HTML report does not show the escaped payload")
	}
}

// hostileBytesReport has what JSON fixtures cannot hold: invalid UTF-8 and
// a 10 MiB line (the engine bounds lines; renderers must not depend on it).
func hostileBytesReport() *Report {
	huge := strings.Repeat("A<b>\x1b[1m", (10<<20)/8)
	bad := "bad \xff\xfe\xc3\x28 bytes </script>"
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	return &Report{
		SchemaVersion: 1,
		Tool:          Tool{Name: "casefile", Version: "test"},
		GeneratedAt:   t0,
		IncidentTime:  &t0,
		Bundles: []Bundle{{Path: "x\xff.tar.gz", Name: "b\xfe", Kind: "bundle", Host: "h\xc3", Signature: Signature{Status: "unsigned"},
			Integrity: Integrity{Status: IntegrityOK}, Items: []Item{{ID: huge, Source: bad, Error: huge}}}},
		Findings: []Finding{{ID: "x.huge", Severity: SeverityCritical, Title: bad, Explanation: huge, Remedy: bad, Bundle: "b\xfe", Count: 1,
			Evidence: []Evidence{{File: "files/" + bad, Line: 3, Text: huge}, {File: "f", Line: 4, Text: bad}}}},
		Timeline: []Event{{Time: t0, Bundle: "b\xfe", File: "f", Line: 3, Text: huge, FindingID: "x.huge", Severity: SeverityCritical}},
		Coverage: []RuleCoverage{{Rule: "x.huge", Bundle: "b\xfe", Status: CoverageRan, Findings: 1}},
		Excerpts: []Excerpt{{Bundle: "b\xfe", File: "f", Start: 3, Lines: []string{huge, bad}}},
	}
}

func TestHostileBytes(t *testing.T) {
	r := hostileBytesReport()
	const width = 80
	var text bytes.Buffer
	if err := WriteText(&text, r, TextOptions{Width: width}); err != nil {
		t.Fatal(err)
	}
	checkTerminalSafe(t, text.String())
	// The 10 MiB explanation is wrapped in full only with -v; the summary
	// stays a summary.
	if text.Len() > 64<<10 {
		t.Errorf("text summary is %d bytes for a report with one 10 MiB line", text.Len())
	}
	for _, l := range strings.Split(text.String(), "\n") {
		if displayWidth(l) > width {
			t.Errorf("line wider than %d columns: %q", width, l)
		}
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	checkHTMLSafe(t, page.String())
	if page.Len() > 1<<20 {
		t.Errorf("HTML page is %d bytes for a report with 10 MiB lines; lines must be cut", page.Len())
	}
	if !strings.Contains(page.String(), "more bytes]") {
		t.Error("HTML page does not say that a long line was cut")
	}
	// JSON keeps lines whole (scripts get what the engine gave); its
	// handling of invalid UTF-8 is checked by TestHostileEveryField.
}

// TestTextWidth: every line of a text report fits the width it was given.
func TestTextWidth(t *testing.T) {
	for _, path := range fixtures(t) {
		r := loadFixture(t, path)
		for _, w := range []int{60, 80, 100} {
			var buf bytes.Buffer
			if err := WriteText(&buf, r, TextOptions{Width: w, Color: true}); err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(buf.String(), "\n") {
				if n := displayWidth(sgrOnly.ReplaceAllString(l, "")); n > w {
					t.Errorf("%s at width %d: line of %d columns: %q", path, w, n, l)
				}
			}
		}
	}
}

// TestCheckHTMLSafeCatches proves the page checker itself: pages that
// smuggle a link, a handler or an extra script must fail it, and an
// attribute value that merely reads like an attribute must not.
func TestCheckHTMLSafeCatches(t *testing.T) {
	base := "<html><head><style>" + pageCSS + "</style><script>" + pageJS + "</script></head><body>%s</body></html>"
	for _, tc := range []struct {
		body string
		bad  bool
	}{
		{`<a href="#f-1" title="x srC=">ok</a>`, false},
		{`<a href="#f-1" class="x href=http://evil">ok</a>`, false},
		{`<a href="http://evil.example/">x</a>`, true},
		{`<a title="t" SRC="//evil.example/x.js">x</a>`, true},
		{`<span onclick="alert(1)">x</span>`, true},
		{`<span style="background:url(x)">x</span>`, true},
		{`<img src="#x">`, true},
	} {
		got := htmlProblems(fmt.Sprintf(base, tc.body))
		if (len(got) > 0) != tc.bad {
			t.Errorf("htmlProblems(%q) = %q, want problems: %v", tc.body, got, tc.bad)
		}
	}
}
