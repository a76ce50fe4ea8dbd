package analyze

import (
	"bytes"
	"math/rand"
	"slices"
	"strconv"
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

// BenchmarkChunkExcerpts is a dense chunk's excerpts in the scan worker
// (a record on every line, 80 excerpts): built all (excerptAt, as before
// issue 13's change) or the last excerptsTail built and the rest sized
// (excerptSpan, as the worker does after a member's first chunk).
func BenchmarkChunkExcerpts(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; buf.Len() < 1<<20; i++ {
		buf.WriteString("2026-12-07 18:00:00.123 ERROR routed session 4711 failed: peer reset, retry ")
		buf.WriteString(strconv.Itoa(i))
		buf.WriteByte('\n')
	}
	data := buf.Bytes()
	var starts, ends []int
	for p := 0; len(starts) < excerptsHead+excerptsTail; {
		e := p + bytes.IndexByte(data[p:], '\n')
		starts, ends = append(starts, p), append(ends, e)
		p = e + 1
	}
	for _, lazy := range []bool{false, true} {
		b.Run(map[bool]string{false: "built", true: "sized"}[lazy], func(b *testing.B) {
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				for i := range starts {
					if lazy && i < excerptsHead {
						excerptSpan(data, starts[i], ends[i], i, true)
					} else {
						excerptAt(data, starts[i], ends[i], i)
					}
				}
			}
		})
	}
}

// TestExcerptShared: excerpts built one after another in a chunk sharing
// the lines they overlap (excerptShared with the worker's lineMemo, lines
// a few apart, some next to each other, some far) are the ones excerptAt
// builds alone; chunk after chunk with the same memo (reset between).
func TestExcerptShared(t *testing.T) {
	rng := rand.New(rand.NewSource(14))
	pieces := []string{"", "a", "word and more", "\r", "é", "\xff\xfe", "€", "\n", "\n", "\n"}
	var memo lineMemo
	shared := 0
	for n := 0; n < 150; n++ {
		var b bytes.Buffer
		for k := rng.Intn(300); k > 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		data := b.Bytes()
		memo.reset()
		no := 0
		for start := 0; start <= len(data); {
			end := bytes.IndexByte(data[start:], '\n')
			if end < 0 {
				end = len(data)
			} else {
				end += start
			}
			if rng.Intn(4) == 0 {
				want := excerptAt(data, start, end, no)
				got := excerptShared(data, start, end, no, &memo)
				if got.start != want.start || !slices.Equal(got.lines, want.lines) {
					t.Fatalf("data %q line %d: shared %d %q, excerptAt %d %q", data, no, got.start, got.lines, want.start, want.lines)
				}
				shared += len(memo.offs)
			}
			if end == len(data) {
				break
			}
			start, no = end+1, no+1
		}
	}
	if shared == 0 {
		t.Fatal("no excerpt built")
	}
}
