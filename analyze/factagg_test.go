package analyze

import (
	"fmt"
	"strings"
	"testing"
)

// TestExactFacts: pattern facts over 100,000 matching lines in two
// members (the newer read first) are exact: first and last lines by
// time, min, max and sum over every value, distinct values in the order
// of their first lines,. Without the pass's
// aggregate they are computed from the kept lines only.
func TestExactFacts(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: n, in: ["files/**/*.log*"], pattern: 'took (?P<value>\d+)ms', pick: count}
- {name: lo, in: ["files/**/*.log*"], pattern: 'took (?P<value>\d+)ms', type: number, pick: min}
- {name: hi, in: ["files/**/*.log*"], pattern: 'took (?P<value>\d+)ms', type: number, pick: max}
- {name: tot, in: ["files/**/*.log*"], pattern: 'took (?P<value>\d+)ms', type: number, pick: sum}
- {name: fv, in: ["files/**/*.log*"], pattern: 'req (?P<value>\d+) by', pick: first}
- {name: lv, in: ["files/**/*.log*"], pattern: 'req (?P<value>\d+) by', pick: last}
- {name: ds, in: ["files/**/*.log*"], pattern: 'by (?P<value>\w+)', pick: distinct}
rules:
- id: t.f
  title: "{n}|{lo}|{hi}|{tot}|{fv}|{lv}|{join(ds, ',')}"
  explanation: x
  remedy: x
  check: {}
  when: 'true'`)
	const lines = 100000
	pad := strings.Repeat("-", 300) // kept records would pass the budget
	var older, newer strings.Builder
	sum := 0
	for i := 0; i < lines; i++ {
		ms := 10 + i%1000
		who := fmt.Sprintf("w%d", i%3)
		switch i {
		case lines / 3:
			ms = 3 // the minimum, in the middle of the older member
		case lines/2 + lines/5:
			ms = 99999 // the maximum, in the middle of the newer member
			who = "rare"
		}
		sum += ms
		w := &older
		if i >= lines/2 {
			w = &newer
		}
		fmt.Fprintf(w, "%s req %d by %s took %dms %s\n", stamp(i), i, who, ms, pad)
	}
	dir := bundleDirOf(t, map[string]string{"files/a.log": newer.String(), "files/a.log.1": older.String()})
	rep := runWith(t, p, []string{dir}, Options{})
	want := fmt.Sprintf("%d|3|99999|%d|0|%d|w0,w1,w2,rare", lines, sum, lines-1)
	got := summary(rep)
	if len(got) != 1 || !strings.HasSuffix(got[0], ": "+want) {
		t.Errorf("findings %q, want title %q", got, want)
	}
	for _, f := range rep.Findings {
		if f.Inexact != "" {
			t.Errorf("%s: Inexact %q, want none", f.ID, f.Inexact)
		}
	}
}

// TestFactNotes: a distinct fact with more values than it keeps, and a
// pick all fact with more lines than are kept, say so in the findings of
// the rules that read them and in analyze --facts.
func TestFactNotes(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: ids, in: ["files/**/*.log*"], pattern: 'id=(?P<value>\d+)', pick: distinct}
- {name: rows, in: ["files/**/*.log*"], pattern: 'row (?P<value>\d+)', pick: all}
rules:
- id: t.ids
  title: "{len(ids)}"
  explanation: x
  remedy: x
  check: {}
  when: 'true'
- id: t.rows
  title: "{len(rows)}"
  explanation: x
  remedy: x
  check: {}
  when: 'true'`)
	pad := strings.Repeat("-", 300)
	var b strings.Builder
	const n = 30000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s id=%d row %d %s\n", stamp(i), i, i, pad)
	}
	notes := map[string]string{}
	rep := runWith(t, p, []string{bundleDirOf(t, map[string]string{"files/a.log": b.String()})}, Options{Facts: func(bf BundleFacts) {
		for _, f := range bf.Facts {
			notes[f.Name] = f.Note
		}
	}})
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.ID] = f.Title + " / " + f.Inexact
	}
	wantIDs := fmt.Sprintf("%d / fact ids holds the first %d distinct values met; %d lines with further values were counted", maxFactValues, maxFactValues, n-maxFactValues)
	if !strings.HasPrefix(got["t.ids"], wantIDs) {
		t.Errorf("t.ids: %q, want %q...", got["t.ids"], wantIDs)
	}
	if !strings.HasPrefix(notes["ids"], "fact ids holds the first") || !strings.HasPrefix(notes["rows"], "fact rows holds") {
		t.Errorf("analyze --facts notes: %q", notes)
	}
	title, note, _ := strings.Cut(got["t.rows"], " / ")
	if want := fmt.Sprintf("fact rows holds %s of its %d lines", title, n); !strings.HasPrefix(note, want) || title == fmt.Sprint(n) {
		t.Errorf("t.rows: %q, want a title below %d and a note %q...", got["t.rows"], n, want)
	}
}
