package analyze

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var javaCont = regexp.MustCompile(`^(?:\s+at |\s+\.\.\. \d+ more|Caused by: )`)

// TestRecordCut: a chunk is cut before its last head line, unless that
// would carry more than half the chunk or leave nothing.
func TestRecordCut(t *testing.T) {
	pad := strings.Repeat("p\n", 20)
	cases := []struct {
		name, data string
		want       string // the chunk's part kept
	}{
		{"last line a head", "a\n\tat x\nb\n", "a\n\tat x\n"},
		{"head then frames", pad + "a\nb\n\tat x\n\tat y\n", pad + "a\n"},
		{"partial line after", pad + "a\nb\n\tat x\npart", pad + "a\n"},
		{"only head at the start", "a\n\tat x\n\tat y\n", "a\n\tat x\n\tat y\n"},
		{"all frames", "\tat x\n\tat y\n", "\tat x\n\tat y\n"},
		{"carry limited to half", "a\n" + strings.Repeat("\tat frame\n", 10) + "b\n" + strings.Repeat("\tat frame\n", 30), "a\n" + strings.Repeat("\tat frame\n", 10) + "b\n" + strings.Repeat("\tat frame\n", 30)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.data)
			i := bytes.LastIndexByte(data, '\n')
			got := string(data[:recordCut(javaCont, data, i)+1])
			if got != c.want {
				t.Errorf("kept %q, want %q", got, c.want)
			}
		})
	}
	if got := recordCut(nil, []byte("a\n\tat x\n"), 7); got != 7 {
		t.Errorf("without continuation the cut moved to %d", got)
	}
}

// TestRecScan: every line of a record maps to its head, a pattern
// counts a record once, and a record ends at the next head.
func TestRecScan(t *testing.T) {
	data := []byte("head1\n\tat a\n\tat b\nhead2\nCaused by: x\nhead3\n")
	ms := &memberScan{pats: make([]*pattern, 2)}
	rs := &recScan{}
	rs.re, rs.data = javaCont, data
	rs.last = []int{-1, -1}
	type got struct {
		pat, line        int
		text             string
		first            bool
		headLine, recEnd int
	}
	_ = ms
	var out []got
	lines := strings.SplitAfter(string(data), "\n")
	off := 0
	var starts []int
	for _, l := range lines {
		starts = append(starts, off)
		off += len(l)
	}
	try := func(pat, line int) {
		s := starts[line]
		e := s + len(strings.TrimSuffix(lines[line], "\n"))
		sp, first := rs.place(int32(pat), s, e, line)
		out = append(out, got{pat, line, string(data[sp.start:sp.end]), first, int(sp.line), int(sp.end)})
	}
	try(0, 1) // a frame: record head1
	try(0, 0) // the head, same pattern: counted already
	try(1, 2) // another pattern: counts
	try(0, 4) // Caused by under head2
	try(0, 5) // head3
	want := []got{
		{0, 1, "head1\n\tat a\n\tat b", true, 0, 17},
		{0, 0, "", false, 0, 0},
		{1, 2, "head1\n\tat a\n\tat b", true, 0, 17},
		{0, 4, "head2\nCaused by: x", true, 3, 36},
		{0, 5, "head3", true, 5, 42},
	}
	if diff := cmp.Diff(want, out, cmp.AllowUnexported(got{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// javaLog is a Java application log (log4j times) with stack traces.
func javaLog(traces int) string {
	var b strings.Builder
	for i := 0; i < traces; i++ {
		fmt.Fprintf(&b, "2024-03-01 10:%02d:%02d,000 INFO  request %d served\n", i/60%60, i%60, i)
		fmt.Fprintf(&b, "2024-03-01 10:%02d:%02d,500 ERROR Failed to send alert %d\n", i/60%60, i%60, i)
		b.WriteString("java.net.ConnectException: Connection refused\n")
		b.WriteString("\tat java.net.PlainSocketImpl.socketConnect(Native Method)\n")
		b.WriteString("\tat com.example.Mailer.send(Mailer.java:42)\n")
		b.WriteString("Caused by: java.net.SocketTimeoutException: connect timed out\n")
		b.WriteString("\t... 12 more\n")
	}
	return b.String()
}

func contProfile(t *testing.T, cont string) string {
	t.Helper()
	return `logs:
- files: ["files/**/app.log"]
  time: log4j
` + cont + `
rules:
- id: t.alert
  title: '{hits} alerts failed'
  explanation: x
  remedy: x
  max_evidence: 2
  match: {in: ["files/**/app.log"], pattern: 'ERROR Failed to send alert'}
- id: t.cause
  title: '{hits} timeouts: {cause}'
  explanation: x
  remedy: x
  max_evidence: 1
  match: {in: ["files/**/app.log"], pattern: 'Caused by: (?P<cause>\S+)|\.\.\. \d+ more'}
`
}

// TestContinuationRecords: a rule matching the head line quotes the
// whole record, each line with its number; a pattern matching two
// continuation lines of one record counts the record once; without
// continuation each line is a record, as before.
func TestContinuationRecords(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.log"), []byte(javaLog(3)), 0o644); err != nil {
		t.Fatal(err)
	}
	withCont := contProfile(t, `  continuation: '^(?:\s+at |\s+\.\.\. \d+ more|Caused by: |[\w.]+(?:Exception|Error)\b)'`)
	rep := runWith(t, testProfile(t, withCont), []string{dir}, Options{Timezone: time.UTC})
	if diff := cmp.Diff([]string{
		"t.alert info x3: 3 alerts failed",
		"t.cause info x3: 3 timeouts: java.net.SocketTimeoutException:",
	}, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	var ev []string
	for _, e := range rep.Findings[0].Evidence {
		ev = append(ev, fmt.Sprintf("%d %s %s", e.Line, e.Role, e.Text))
	}
	want := []string{
		"2 match 2024-03-01 10:00:00,500 ERROR Failed to send alert 0",
		"3 continuation java.net.ConnectException: Connection refused",
		"4 continuation \tat java.net.PlainSocketImpl.socketConnect(Native Method)",
		"5 continuation \tat com.example.Mailer.send(Mailer.java:42)",
		"6 continuation Caused by: java.net.SocketTimeoutException: connect timed out",
		"7 continuation \t... 12 more",
		"16 match 2024-03-01 10:00:02,500 ERROR Failed to send alert 2",
		"17 continuation java.net.ConnectException: Connection refused",
		"18 continuation \tat java.net.PlainSocketImpl.socketConnect(Native Method)",
		"19 continuation \tat com.example.Mailer.send(Mailer.java:42)",
		"20 continuation Caused by: java.net.SocketTimeoutException: connect timed out",
		"21 continuation \t... 12 more",
	}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	// The cause rule matched continuation lines: its evidence is the
	// record, from the head.
	if e := rep.Findings[1].Evidence; len(e) != 6 || e[0].Line != 16 || e[0].Role != "match" {
		t.Errorf("cause evidence: %+v", e)
	}

	// Without continuation: each matching line counts.
	rep = runWith(t, testProfile(t, contProfile(t, "")), []string{dir}, Options{Timezone: time.UTC})
	if diff := cmp.Diff([]string{
		"t.alert info x3: 3 alerts failed",
		"t.cause info x6: 6 timeouts: java.net.SocketTimeoutException:",
	}, summary(rep)); diff != "" {
		t.Errorf("without continuation (-want +got):\n%s", diff)
	}
}

// TestContinuationCut: a record longer than the evidence bound says so.
func TestContinuationCut(t *testing.T) {
	dir := t.TempDir()
	log := "2024-03-01 10:00:00,000 ERROR Failed to send alert\n" + strings.Repeat("\tat frame\n", recordLines+9)
	if err := os.WriteFile(filepath.Join(dir, "app.log"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := runWith(t, testProfile(t, contProfile(t, `  continuation: '^\s+at '`)), []string{dir}, Options{Timezone: time.UTC})
	ev := rep.Findings[0].Evidence
	if len(ev) != recordLines {
		t.Fatalf("%d evidence lines, want %d", len(ev), recordLines)
	}
	if last := ev[len(ev)-1]; last.Line != recordLines || !strings.HasSuffix(last.Text, "…[record cut: 10 more lines]") {
		t.Errorf("last line %d %q", last.Line, last.Text)
	}
}

// TestContinuationChunks: counts stay exact when records cross the
// pass's chunk boundaries (1 MiB): every record is one hit per pattern.
func TestContinuationChunks(t *testing.T) {
	const n = 8000 // about 2.5 MiB: three chunks
	dir := t.TempDir()
	log := javaLog(n)
	if len(log) < 2*chunkSize {
		t.Fatalf("log of %d bytes does not cross two chunks", len(log))
	}
	if err := os.WriteFile(filepath.Join(dir, "app.log"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := runWith(t, testProfile(t, contProfile(t, `  continuation: '^(?:\s+at |\s+\.\.\. \d+ more|Caused by: |[\w.]+(?:Exception|Error)\b)'`)), []string{dir}, Options{Timezone: time.UTC})
	want := []string{
		fmt.Sprintf("t.alert info x%d: %d alerts failed", n, n),
		fmt.Sprintf("t.cause info x%d: %d timeouts: java.net.SocketTimeoutException:", n, n),
	}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The last record's evidence is whole.
	ev := rep.Findings[0].Evidence
	if last := ev[len(ev)-1]; last.Line != 7*n || last.Text != "\t... 12 more" {
		t.Errorf("last evidence line %d %q", last.Line, last.Text)
	}
}

// FuzzContinuation: the cut of a chunk and the records of its lines on
// arbitrary text: the cut is a newline at or before the chunk's last,
// and every line's record holds it, starting at a line start.
func FuzzContinuation(f *testing.F) {
	for _, s := range []string{javaLog(2), "\tat x\n", "a\n\n\tat\n", "x", "\n\n\n", "a\r\n\tat b\r\nc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		data := []byte(s)
		if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
			c := recordCut(javaCont, data, i)
			if c > i || c < 0 || data[c] != '\n' {
				t.Fatalf("cut %d of %q (last newline %d)", c, s, i)
			}
		}
		rs := &recScan{re: javaCont, data: data, last: []int{-1}}
		start, no := 0, 0
		for start < len(data) {
			end := bytes.IndexByte(data[start:], '\n')
			if end < 0 {
				end = len(data)
			} else {
				end += start
			}
			rs.last[0] = -1
			sp, ok := rs.place(0, start, end, no)
			if !ok || int(sp.start) > start || int(sp.end) < end || int(sp.line) > no ||
				sp.start > 0 && data[sp.start-1] != '\n' {
				t.Fatalf("line %d [%d,%d) of %q: record %+v %v", no, start, end, s, sp, ok)
			}
			if got := bytes.Count(data[sp.start:start], []byte{'\n'}); got != no-int(sp.line) {
				t.Fatalf("line %d of %q: head line %d, %d newlines between", no, s, sp.line, got)
			}
			start, no = end+1, no+1
		}
	})
}

// TestContinuationStraddle: a record whose lines straddle the first
// chunk boundary is one record (one hit, its evidence from its head).
func TestContinuationStraddle(t *testing.T) {
	var b strings.Builder
	filler := "2024-03-01 09:00:00,000 INFO  filler line of some length to pad\n"
	for b.Len() < chunkSize-300 {
		b.WriteString(filler)
	}
	head := strings.Count(b.String(), "\n") + 1
	b.WriteString("2024-03-01 10:00:00,500 ERROR Failed to send alert\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "\tat com.example.Frame%d.run(Frame.java:%d)\n", i, i)
	}
	b.WriteString("2024-03-01 10:00:01,000 INFO  after\n")
	if b.Len() <= chunkSize {
		t.Fatal("the log does not cross the chunk boundary")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := runWith(t, testProfile(t, `logs:
- files: ["files/**/app.log"]
  time: log4j
  continuation: '^\s+at '
rules:
- id: t.frames
  title: '{hits}'
  explanation: x
  remedy: x
  match: {in: ["files/**/app.log"], pattern: 'at com\.example\.Frame'}`), []string{dir}, Options{Timezone: time.UTC})
	if diff := cmp.Diff([]string{"t.frames info x1: 1"}, summary(rep)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	ev := rep.Findings[0].Evidence
	if len(ev) != 31 || ev[0].Line != head || ev[30].Line != head+30 {
		t.Errorf("evidence %d lines from %d, want 31 from %d", len(ev), ev[0].Line, head)
	}
}
