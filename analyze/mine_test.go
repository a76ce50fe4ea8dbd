package analyze

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"casefile/analyze/input/inputtest"
	"casefile/analyze/report"
	"casefile/profiles"
)

// TestFingerprint: lines that differ only in the digits of their numbers
// (same lengths) share a shape; any other difference, anywhere in the
// line, gives another; every byte value at every position of a word is
// judged digit or not as it is.
func TestFingerprint(t *testing.T) {
	a := "10/03/16 02:14:07 1 1779872 upcallSender [line=3505]: accept() failed (e=24 - Too many open files)"
	b := "11/04/17 03:15:08 2 2880983 upcallSender [line=4616]: accept() failed (e=35 - Too many open files)"
	if fingerprint([]byte(a)) != fingerprint([]byte(b)) {
		t.Error("same shape, different fingerprints")
	}
	for i := range a {
		if a[i] >= '0' && a[i] <= '9' {
			continue
		}
		c := []byte(a)
		c[i] ^= 0x20
		if c[i] >= '0' && c[i] <= '9' {
			continue
		}
		if fingerprint(c) == fingerprint([]byte(a)) {
			t.Errorf("byte %d changed, same fingerprint", i)
		}
	}
	// The eight-byte path and the tail agree on what a digit is, at every
	// position of a word.
	for v := 0; v < 256; v++ {
		for pos := 0; pos < 8; pos++ {
			for _, tail := range []string{"yyyyyyyy", ""} {
				w := []byte(strings.Repeat("x", 8) + tail)
				x := []byte(strings.Repeat("x", 8) + tail)
				w[pos], x[pos] = byte(v), '5'
				isDigit := v >= '0' && v <= '9'
				if (fingerprint(w) == fingerprint(x)) != isDigit {
					t.Errorf("byte %#x at %d: digit %v, fingerprint says otherwise", v, pos, isDigit)
				}
			}
		}
		w := []byte("abc" + string([]byte{byte(v)}))
		if (fingerprint(w) == fingerprint([]byte("abc5"))) != (v >= '0' && v <= '9') {
			t.Errorf("tail byte %#x misjudged", v)
		}
	}
}

// word spells n in letters (no digit: a constant token).
func word(n int) string {
	b := []byte{}
	for {
		b = append(b, byte('a'+n%26))
		n /= 26
		if n == 0 {
			return string(b)
		}
	}
}

// mineLog runs the tfst profile over one EPProxy log and returns the
// report's coverage of that log.
func mineLog(t *testing.T, text string) (report.LogCoverage, *report.Report) {
	t.Helper()
	prof, err := profiles.Builtin("tfst")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"files/opt/tivoli/EPProxy/epp.log": text}
	dir := inputtest.Build(t, inputtest.Spec{Files: files}).WriteDir(t, t.TempDir())
	rep, err := Run(context.Background(), []string{dir}, Options{Profile: prof, Clock: func() time.Time { return inputtest.Time }})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range rep.Logs {
		if strings.HasSuffix(l.File, "epp.log") {
			return l, rep
		}
	}
	t.Fatalf("no coverage of epp.log in %+v", rep.Logs)
	return report.LogCoverage{}, nil
}

// TestTemplateCap: a log of more distinct messages than the cap of
// templates keeps the cap, and the report says how many lines were beyond
// it; every line is still counted.
func TestTemplateCap(t *testing.T) {
	const n = maxTemplatesPerLog + 500
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "10/03/16 02:14:07 1 1779 q%s r%s s%s: t%s\n", word(i), word(i*7+1), word(i*13+2), word(i*31+3))
	}
	lc, rep := mineLog(t, sb.String())
	if lc.Lines != n || lc.Templates != maxTemplatesPerLog || lc.Dropped != n-maxTemplatesPerLog || lc.Cap != maxTemplatesPerLog {
		t.Errorf("lines %d, templates %d, dropped %d, cap %d; want %d, %d, %d, %d",
			lc.Lines, lc.Templates, lc.Dropped, lc.Cap, n, maxTemplatesPerLog, n-maxTemplatesPerLog, maxTemplatesPerLog)
	}
	if got := len(rep.Unexplained); got > maxTemplatesPerLog {
		t.Errorf("%d unexplained templates, more than the cap", got)
	}
}

// TestMiningAcrossChunks: a log of several chunks (the workers count each
// apart) gives each template the count, first and last line of mining it
// line by line.
func TestMiningAcrossChunks(t *testing.T) {
	msgs := []string{
		"multiplexer: session %d opened to 10.%d.%d.%d:9494",
		"threadPool: worker %d idle, %d busy, %d queued, %d max",
		"logWriter: trace buffer %d of %d.%d.%d flushed",
	}
	type want struct{ count, first, last int }
	wants := map[string]*want{}
	var sb strings.Builder
	start := time.Date(2016, 3, 10, 2, 0, 0, 0, time.UTC)
	lines := 0
	for sb.Len() < 3*chunkSize+chunkSize/3 {
		lines++
		k := (lines * lines) % len(msgs)
		if lines%5000 == 0 {
			k = 2 // rare: a few lines, in different chunks
		} else if k == 2 {
			k = 0
		}
		tm := start.Add(time.Duration(lines) * 100 * time.Millisecond)
		sb.WriteString(tm.Format("06/01/02 15:04:05") + " 1 1779 ")
		fmt.Fprintf(&sb, msgs[k]+"\n", lines%977, lines%256, (lines*7)%256, lines%10)
		w := wants[msgs[k]]
		if w == nil {
			w = &want{first: lines}
			wants[msgs[k]] = w
		}
		w.count++
		w.last = lines
	}
	lc, rep := mineLog(t, sb.String())
	if lc.Lines != lines || lc.Templates != len(msgs) {
		t.Fatalf("lines %d, templates %d; want %d, %d", lc.Lines, lc.Templates, lines, len(msgs))
	}
	found := 0
	for _, u := range rep.Unexplained {
		for m, w := range wants {
			prefix := strings.Fields(m)[0]
			if !strings.HasPrefix(u.Template, prefix) {
				continue
			}
			found++
			if u.Count != w.count || u.Example.Line != w.first {
				t.Errorf("%s: count %d, first line %d; want %d, %d", u.Template, u.Count, u.Example.Line, w.count, w.first)
			}
			wantLast := start.Add(time.Duration(w.last) * 100 * time.Millisecond).Truncate(time.Second)
			if u.LastSeen == nil || u.LastSeen.Sub(wantLast) > time.Minute || wantLast.Sub(*u.LastSeen) > time.Minute {
				t.Errorf("%s: last seen %v, want about %v", u.Template, u.LastSeen, wantLast)
			}
		}
	}
	if found != len(msgs) {
		t.Errorf("%d of %d templates unexplained:\n%+v", found, len(msgs), rep.Unexplained)
	}
}

// TestFoldChunks: a shape's times and lines per minute, counted chunk by
// chunk and folded, are those counted in one piece (every line timed).
func TestFoldChunks(t *testing.T) {
	// As many lines as are all timed (timeFirst): minutes of one line,
	// a burst of 9 in one minute, then quiet again.
	var lines []string
	start := time.Date(2016, 3, 10, 2, 0, 0, 0, time.UTC)
	sec := 0
	for i := 0; i < timeFirst; i++ {
		step := 61
		if i >= 5 && i < 13 {
			step = 1
		}
		sec += step
		lines = append(lines, start.Add(time.Duration(sec)*time.Second).Format("06/01/02 15:04:05")+" 1 1779 epmgr: endpoint login refused")
	}
	m := &member{parser: &timeParser{name: "yymmdd", parse: parseYYMMDD}}
	whole := &tplStat{}
	for _, cut := range [][]int{{16}, {3, 7, 16}, {5, 6, 7, 13, 16}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}} {
		lm := newLogMine(m, timeCtx{loc: time.UTC, ref: start})
		st := &tplStat{}
		from := 0
		for _, to := range cut {
			p := lm.scanPart([]byte(strings.Join(lines[from:to], "\n") + "\n"))
			if len(p.shapes) != 1 {
				t.Fatalf("%d shapes", len(p.shapes))
			}
			st.count += p.shapes[0].count
			st.fold(&p.shapes[0])
			p.release()
			from = to
		}
		got := fmt.Sprint(st.count, st.first, st.last, max(st.peak, st.inMin))
		if len(cut) == 1 {
			*whole = *st
			if max(st.peak, st.inMin) != 9 {
				t.Errorf("peak %d, want 9", max(st.peak, st.inMin))
			}
			continue
		}
		if want := fmt.Sprint(whole.count, whole.first, whole.last, max(whole.peak, whole.inMin)); got != want {
			t.Errorf("cut at %v: %s; want %s", cut, got, want)
		}
	}
}

// TestLineFingerprint: at every length (every way a line ends in the
// words hashed), lines of one shape hash alike and a change of any byte
// that is not a digit gives another value.
func TestLineFingerprint(t *testing.T) {
	for n := 0; n < 40; n++ {
		line := strings.Repeat("ab1 ", 10)[:n]
		other := strings.Map(func(r rune) rune {
			if r == '1' {
				return '7'
			}
			return r
		}, line)
		if fingerprint([]byte(line)) != fingerprint([]byte(other)) {
			t.Errorf("length %d: same shape, different fingerprints", n)
		}
		for i := 0; i < n; i++ {
			c := []byte(line)
			if c[i] == '1' {
				continue
			}
			c[i] = '#'
			if fingerprint(c) == fingerprint([]byte(line)) {
				t.Errorf("length %d: byte %d changed, same fingerprint", n, i)
			}
		}
	}
}

// TestNoMining: Options.NoMining (bin/analyze's CASEFILE_NO_MINING=1, for
// measuring what mining costs) leaves the unexplained list and the
// per-log shares out and changes nothing else of the report.
func TestNoMining(t *testing.T) {
	prof, err := profiles.Builtin("tfst")
	if err != nil {
		t.Fatal(err)
	}
	text := "10/03/16 02:14:07 1 1779 accept() failed (e =24 - Too many open files)\n" +
		"10/03/16 02:14:08 1 1779 logWriter: no space left on device\n"
	dir := inputtest.Build(t, inputtest.Spec{Files: map[string]string{"files/opt/tivoli/EPProxy/epp.log": text}}).WriteDir(t, t.TempDir())
	run := func(off bool) *report.Report {
		rep, err := Run(context.Background(), []string{dir}, Options{Profile: prof, NoMining: off, Clock: func() time.Time { return inputtest.Time }})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	on, off := run(false), run(true)
	if len(on.Unexplained) == 0 || len(on.Logs) == 0 {
		t.Fatalf("mining on: %d unexplained, %d logs; want both", len(on.Unexplained), len(on.Logs))
	}
	if len(off.Unexplained) != 0 || len(off.Logs) != 0 {
		t.Errorf("NoMining: %d unexplained, %d logs; want none", len(off.Unexplained), len(off.Logs))
	}
	if got, want := summary(off), summary(on); !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("findings with NoMining %q, with mining %q", got, want)
	}
}
