package analyze

import (
	"context"
	"strings"
	"testing"
	"time"

	"casefile/analyze/input/inputtest"
)

// TestLineCap: matching sees the first MaxMatchLine bytes of a line and
// nothing after them, also in the continuation of a line longer than a
// chunk; lines after a long one are matched as usual (issue 12: a 1 MiB
// line holding a literal many times used to take 14-26 s).
func TestLineCap(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.busy
  title: "{hits} busy"
  severity: info
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'busy (?P<n>\d+)'}`)
	pad := func(n int) string { return strings.Repeat("x ", n/2) }
	log := "2024-03-01 10:00:00 busy 1 " + pad(2*MaxMatchLine) + "\n" + // within the cap: matched
		"2024-03-01 10:00:01 " + pad(MaxMatchLine) + " busy 2\n" + // beyond the cap: not matched
		"2024-03-01 10:00:02 " + pad(chunkSize+MaxMatchLine) + " busy 3 busy 4\n" + // in the continuation chunk: not matched
		"2024-03-01 10:00:03 busy 5\n" // after the long lines: matched
	dir := bundleDirOf(t, map[string]string{"files/a.log": log})
	rep := runWith(t, p, []string{dir}, Options{})
	if len(rep.Findings) != 1 || rep.Findings[0].Count != 2 {
		t.Fatalf("findings %v, want t.busy with 2 hits (lines 1 and 4)", summary(rep))
	}
	var lines []int
	for _, ev := range rep.Findings[0].Evidence {
		lines = append(lines, ev.Line)
	}
	if len(lines) != 2 || lines[0] != 1 || lines[1] != 4 {
		t.Errorf("evidence lines %v, want [1 4]", lines)
	}
}

// BenchmarkLongLine: the pass over 8 MiB of log is linear whatever the
// line length: lines of 100 bytes, of 1 MiB, and one line of 8 MiB, each
// holding the literal of a rule every 20 bytes (the worst case of the
// prefilter). Compare the MB/s of the sub-benchmarks:
//
//	go test ./analyze -run '^$' -bench LongLine
func BenchmarkLongLine(b *testing.B) {
	p := testProfile(b, logsYMD+`rules:
- id: t.emfile
  title: "{hits}"
  severity: info
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'Too many open files'}`)
	const total = 8 << 20
	for _, c := range []struct {
		name string
		line int
	}{{"100B", 100}, {"1MiB", 1 << 20}, {"8MiB", total}} {
		var sb strings.Builder
		for sb.Len() < total {
			sb.WriteString("2024-03-01 10:00:00 ")
			for n := 20; n < c.line-20; n += 20 {
				sb.WriteString("Too many open files ")
			}
			sb.WriteString("\n")
		}
		bl := inputtest.Build(b, inputtest.Spec{Files: map[string]string{"files/a.log": sb.String()}})
		dir := bl.WriteDir(b, b.TempDir())
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(sb.Len()))
			for b.Loop() {
				opts := Options{Profile: p, Clock: func() time.Time { return inputtest.Time }}
				if _, err := Run(context.Background(), []string{dir}, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
