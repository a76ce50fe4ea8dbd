package analyze

import (
	"testing"
	"time"
)

// BenchmarkScanPart: what a scanning worker spends mining one chunk of a
// busy TFST log (BenchmarkMining's lines), the per-line part of mining's
// cost alone.
func BenchmarkScanPart(b *testing.B) {
	start := time.Date(2016, 3, 10, 2, 0, 0, 0, time.UTC)
	data := []byte(benchLog(1, chunkSize, start))
	data = data[:lastNewline(data)+1]
	m := &member{parser: &timeParser{name: "yymmdd", parse: parseYYMMDD}}
	lm := newLogMine(m, timeCtx{loc: time.UTC, ref: start})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		lm.scanPart(data).release()
	}
}

func lastNewline(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			return i
		}
	}
	return -1
}
