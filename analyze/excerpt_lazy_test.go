package analyze

import (
	"bytes"
	"math/rand"
	"slices"
	"testing"
	"unicode/utf8"
)

// TestExcerptSpan: an excerpt the worker only sizes (excerptSpan) is,
// once built, the one excerptAt builds, and its size is the built one's
// (the member's budget reads it before it is built).
func TestExcerptSpan(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	pieces := []string{"", "a", "word and more", "\r", "é", "\xff\xfe", "€", "\n", "\n", "\n"}
	for n := 0; n < 150; n++ {
		var b bytes.Buffer
		for k := rng.Intn(200); k > 0; k-- {
			p := pieces[rng.Intn(len(pieces))]
			if rng.Intn(40) == 0 {
				p = string(bytes.Repeat([]byte(p+"x"), 300+rng.Intn(200))) // beyond maxExcerptText
			}
			b.WriteString(p)
		}
		data := b.Bytes()
		valid := utf8.Valid(data)
		no := 0
		for start := 0; start <= len(data); {
			end := bytes.IndexByte(data[start:], '\n')
			if end < 0 {
				end = len(data)
			} else {
				end += start
			}
			want := excerptAt(data, start, end, no)
			got := excerptSpan(data, start, end, no, valid)
			if size := excerptSize(want); got.size != size {
				t.Fatalf("data %q line %d: size %d, built %d", data, no, got.size, size)
			}
			got.build(data)
			if got.lazy || got.start != want.start || !slices.Equal(got.lines, want.lines) {
				t.Fatalf("data %q line %d: built %d %q, excerptAt %d %q", data, no, got.start, got.lines, want.start, want.lines)
			}
			if end == len(data) {
				break
			}
			start, no = end+1, no+1
		}
	}
}
