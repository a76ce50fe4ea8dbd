package analyze

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze/report"
)

// Exact aggregates beyond the evidence budget (issue 13): every count,
// time and rate a rule reports is computed from every matching line,
// however many; only the quoted lines are bounded.

// stamp is the ymd time of second i after 2024-02-20 00:00:00 (the
// test bundles are collected on 2024-03-01 at 12:00).
func stamp(i int) string {
	return time.Date(2024, 2, 20, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format("2006-01-02 15:04:05")
}

func findingsByKey(rep *report.Report, id string) map[string]report.Finding {
	out := map[string]report.Finding{}
	for _, f := range rep.Findings {
		if f.ID == id {
			out[f.Key] = f
		}
	}
	return out
}

// TestExactGroupedWhere: 100,000 matching lines over 3 keys, a where
// that drops some of them, a densest window: counts, rates and times
// equal what a count over every line gives.
func TestExactGroupedWhere(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.fail
  title: "{peer}: {hits} rate {rate} first {first_seen} last {last_seen} kept {len(records)}"
  severity: warning
  explanation: x
  remedy: x
  max_evidence: 4
  match:
    in: ["files/**/*.log*"]
    pattern: 'fail to (?P<peer>\w+) code=(?P<code>\d+)'
    where: 'code != "0"'
    group_by: [peer]
    within: 1m`)
	peers := []string{"alpha", "beta", "gamma"}
	pad := strings.Repeat("-", 300) // kept records would pass the budget
	var b strings.Builder
	hits := map[string]int{}
	perMin := map[string]map[int]int{} // lines per peer and minute, for the rate
	first, last := map[string]int{}, map[string]int{}
	for i := 0; i < 120000; i++ {
		peer := peers[i%3]
		code := 1 + i%5
		if i%6 == 5 {
			code = 0 // dropped by where
		}
		sec := i / 2 // two lines a second
		fmt.Fprintf(&b, "%s fail to %s code=%d %s\n", stamp(sec), peer, code, pad)
		if i%7 == 0 {
			fmt.Fprintf(&b, "%s unrelated line %d\n", stamp(sec), i)
		}
		if code == 0 {
			continue
		}
		if hits[peer] == 0 {
			first[peer] = sec
			perMin[peer] = map[int]int{}
		}
		hits[peer]++
		last[peer] = sec
		perMin[peer][sec]++
	}
	// The densest window of 1m (61 whole seconds, both ends included).
	rate := map[string]int{}
	for _, peer := range peers {
		for s := first[peer]; s <= last[peer]; s++ {
			n := 0
			for k := s; k <= s+60; k++ {
				n += perMin[peer][k]
			}
			rate[peer] = max(rate[peer], n)
		}
	}
	// Two members, the second an older rotation: order across members is
	// by time, not by member.
	text := b.String()
	half := strings.Index(text[len(text)/2:], "\n") + len(text)/2 + 1
	dir := bundleDirOf(t, map[string]string{"files/a.log": text[half:], "files/a.log.1": text[:half]})
	rep := runWith(t, p, []string{dir}, Options{})
	got := findingsByKey(rep, "t.fail")
	if len(got) != 3 {
		t.Fatalf("findings: %v", summary(rep))
	}
	for _, peer := range peers {
		f := got[peer]
		wantTitle := fmt.Sprintf("%s: %d rate %d first %s", peer, hits[peer], rate[peer], stamp(first[peer]))
		if f.Count != hits[peer] || !strings.HasPrefix(f.Title, wantTitle) {
			t.Errorf("%s: count %d, title %q; want count %d, title %q...", peer, f.Count, f.Title, hits[peer], wantTitle)
		}
		if f.FirstSeen == nil || f.FirstSeen.Format("2006-01-02 15:04:05") != stamp(first[peer]) ||
			f.LastSeen.Format("2006-01-02 15:04:05") != stamp(last[peer]) {
			t.Errorf("%s: span %v – %v, want %s – %s", peer, f.FirstSeen, f.LastSeen, stamp(first[peer]), stamp(last[peer]))
		}
		if len(f.Evidence) > 4 {
			t.Errorf("%s: %d evidence lines, max_evidence 4", peer, len(f.Evidence))
		}
		// The title reads records, which holds the kept lines only: the
		// finding says so.
		if !strings.Contains(f.Inexact, "records holds") {
			t.Errorf("%s: Inexact = %q, want a note that records holds only some lines", peer, f.Inexact)
		}
	}
}

// TestExactSequenceAndState: a sequence with 100,000 starts, most
// answered, and a state rule over as many lines: pending counts,
// answered counts, histories and hits are exact.
func TestExactSequenceAndState(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.req
  title: "{hits} unanswered, {answered} answered, first {first_seen}"
  explanation: x
  remedy: x
  sequence:
    in: ["files/**/*.log*"]
    start: [{pattern: 'send (?P<q>\w+) id=\d+'}]
    expect: [{pattern: 'reply (?P<q>\w+) id=\d+'}]
    key: [q]
    within: 5s
- id: t.st
  title: "{state} after {len(history)} changes, {hits} lines, seen DOWN {seen['DOWN'] != nil}"
  explanation: x
  remedy: x
  state:
    in: ["files/**/*.log*"]
    key: [link]
    track:
    - {pattern: 'link (?P<link>\w+) is (?P<state>UP|DOWN)'}`)
	var b strings.Builder
	unanswered, answered := map[string]int{}, map[string]int{}
	firstUn := map[string]int{}
	states := 0
	for i := 0; i < 100000; i++ {
		q := []string{"who", "tell"}[i%2]
		sec := 3 * i // a key's requests are 6s apart: a reply answers its own only
		fmt.Fprintf(&b, "%s send %s id=%d\n", stamp(sec), q, i)
		if i%10 == 3 || i%10 == 7 && i%20 != 7 { // never answered
			if unanswered[q] == 0 {
				firstUn[q] = sec
			}
			unanswered[q]++
		} else {
			fmt.Fprintf(&b, "%s reply %s id=%d\n", stamp(sec+1), q, i)
			answered[q]++
		}
		if i%100 == 0 {
			fmt.Fprintf(&b, "%s link eth0 is %s\n", stamp(sec), []string{"UP", "DOWN"}[(i/100)%2])
			states++
		}
	}
	dir := bundleDirOf(t, map[string]string{"files/a.log": b.String()})
	rep := runWith(t, p, []string{dir}, Options{})
	seq := findingsByKey(rep, "t.req")
	if len(seq) != 1 {
		t.Errorf("sequence findings: %v", summary(rep))
	}
	for _, q := range []string{"tell"} {
		f, ok := seq[q]
		want := fmt.Sprintf("%d unanswered, %d answered, first %sZ", unanswered[q], answered[q], stamp(firstUn[q]))
		if !ok || f.Title != want || f.Count != unanswered[q] {
			t.Errorf("%s: %q x%d, want %q x%d", q, f.Title, f.Count, want, unanswered[q])
		}
	}
	st := findingsByKey(rep, "t.st")
	wantState := fmt.Sprintf("%s after 20 changes, %d lines, seen DOWN true", []string{"UP", "DOWN"}[(states-1)%2], states)
	if f := st["eth0"]; f.Title != wantState || f.Count != states {
		t.Errorf("state: %q x%d, want %q x%d", f.Title, f.Count, wantState, states)
	}
}

// TestGroupKeysDoNotCollide: ("x y", "z") and ("x", "y z") are two groups.
func TestGroupKeysDoNotCollide(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.pair
  title: "a={a} b={b}"
  explanation: x
  remedy: x
  match:
    in: ["files/**/*.log*"]
    pattern: 'a="(?P<a>[^"]*)" b="(?P<b>[^"]*)"'
    group_by: [a, b]`)
	log := "2024-03-01 10:00:00 a=\"x y\" b=\"z\"\n" +
		"2024-03-01 10:00:01 a=\"x\" b=\"y z\"\n" +
		"2024-03-01 10:00:02 a=\"x\" b=\"y z\"\n"
	rep := runWith(t, p, []string{bundleDirOf(t, map[string]string{"files/a.log": log})}, Options{})
	want := []string{
		"t.pair info [x y z] x1: a=x y b=z",
		"t.pair info [x y z] x2: a=x b=y z",
	}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestBudgetAcrossBundles: many bundles full of matching lines keep no
// more records than the run's budget and the per-store floors, and
// every bundle's count is still exact.
func TestBudgetAcrossBundles(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: n, in: ["files/**/*.log*"], pattern: 'error (?P<value>\d+)', pick: count}
rules:
- id: t.err
  title: "{hits} errors, fact {n}"
  explanation: x
  remedy: x
  match: {in: ["files/**/*.log*"], pattern: 'error (?P<code>\d+) from (?P<who>\w+)', group_by: [who]}`)
	const nb, lines = 12, 20000
	var b strings.Builder
	for i := 0; i < lines; i++ {
		// Long lines, so that the kept ones would pass the budget.
		fmt.Fprintf(&b, "%s error %d from host%d %s\n", stamp(i), i, i%2, strings.Repeat("x", 400))
	}
	var paths []string
	for i := 0; i < nb; i++ {
		paths = append(paths, bundleDirOf(t, map[string]string{"files/a.log": b.String()}))
	}
	var kept, floors int
	var left int
	afterPass = func(states []*bundleState, sc *scanner) {
		left = sc.bud.left
		for _, st := range states {
			for i := range st.slots {
				kept += len(st.slots[i].head) + len(st.slots[i].tail)
				floors += keepFloorHead + keepFloorTail
			}
			for _, a := range st.aggs {
				if a == nil {
					continue
				}
				for _, g := range a.order {
					kept += len(g.kept.head) + len(g.kept.tail)
					floors += keepFloorHead + keepFloorTail
				}
			}
		}
	}
	defer func() { afterPass = nil }()
	rep := runWith(t, p, paths, Options{})
	if left < 0 {
		t.Errorf("budget overdrawn: %d", left)
	}
	// Each kept record beyond the floors costs at least its text.
	if maxKept := floors + runBudget/400; kept > maxKept {
		t.Errorf("%d records kept over %d bundles, want at most %d (floors %d + budget)", kept, nb, maxKept, floors)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.ID != "t.err" {
			continue
		}
		n++
		if want := fmt.Sprintf("%d errors, fact %d", lines/2, lines); f.Count != lines/2 || f.Title != want {
			t.Errorf("%s %s: %q x%d, want %q", f.Bundle, f.Key, f.Title, f.Count, want)
		}
	}
	if n != 2*nb {
		t.Errorf("%d findings, want %d", n, 2*nb)
	}
}
