package report

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// FuzzRenderers puts arbitrary text in every field of a report: the text
// report must stay terminal-safe and the page must hold no markup but its
// own.
func FuzzRenderers(f *testing.F) {
	for _, p := range payloads {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := hostileReport(s)
		var buf bytes.Buffer
		if err := WriteText(&buf, r, TextOptions{Color: true, Verbose: true, Width: 50}); err != nil {
			t.Fatal(err)
		}
		checkTerminalSafe(t, buf.String())
		buf.Reset()
		if err := WriteHTML(&buf, r); err != nil {
			t.Fatal(err)
		}
		checkHTMLSafe(t, buf.String())
	})
}

// FuzzCleanLine: the result is valid UTF-8 without control characters,
// and clean text stays as it is.
func FuzzCleanLine(f *testing.F) {
	for _, p := range payloads {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := CleanLine(s)
		if !utf8.ValidString(c) {
			t.Fatalf("CleanLine(%q) = %q: not UTF-8", s, c)
		}
		for _, r := range c {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || needsEscape(r) {
				t.Fatalf("CleanLine(%q) = %q holds %U", s, c, r)
			}
		}
		if CleanLine(c) != c {
			t.Fatalf("CleanLine is not idempotent on %q", c)
		}
	})
}
