package report

import (
	"io"
	"strings"
	"testing"
)

// BenchmarkWriteTextLongWord renders a report whose evidence holds one
// 200 kB word, which the text writer must cut into terminal-wide pieces.
// Cutting used to re-measure the rest of the word after every piece
// (quadratic); it should stay linear in the word's length.
func BenchmarkWriteTextLongWord(b *testing.B) {
	r := hostileReport(strings.Repeat("x", 200_000))
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteText(io.Discard, r, TextOptions{Verbose: true, Width: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteHTMLHostile renders the same report as one HTML page.
func BenchmarkWriteHTMLHostile(b *testing.B) {
	r := hostileReport(strings.Repeat("a b\x1bé ", 25_000))
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHTML(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
