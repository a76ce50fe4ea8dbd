package analyze

import (
	"math/rand"
	"sort"
	"testing"
	"time"
)

// TestCompactTimeOnly: a match rule's time stream over many members whose
// times go back from member to member (segments joined across members,
// small ones merged: evSeg.joins, evStream.compact) reads as the same
// times, counts and densest window as the same lines in time order (one
// segment), and holds few segments (issue 13: one bundle of 10,000 logs
// made one per member and group).
func TestCompactTimeOnly(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	b := &bundleState{idx: 3}
	base := time.Date(2024, 2, 20, 10, 0, 0, 0, time.UTC)
	var recs []*record
	for i := range 3000 {
		m := &member{idx: i, tc: timeCtx{loc: time.UTC, ref: base}}
		// Members of five families side by side: each family's times
		// ascend, the members' go back and forth.
		start := base.Add(time.Duration(i%5)*time.Hour + time.Duration(i/5)*time.Second)
		for j := range 1 + rng.Intn(4) {
			r := &record{b: b, m: m, line: j + 1, t: start.Add(time.Duration(j*rng.Intn(3)) * time.Second)}
			if rng.Intn(50) == 0 {
				r.t = time.Time{} // an untimed line
			}
			recs = append(recs, r)
		}
	}
	got := evStream{timeOnly: true}
	for _, r := range recs {
		got.addN(r, 0, 0, 0, 1+r.line%2)
	}
	sorted := append([]*record(nil), recs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].t.Before(sorted[j].t) })
	want := evStream{timeOnly: true}
	for _, r := range sorted {
		want.addN(r, 0, 0, 0, 1+r.line%2)
	}
	count := func(s *evStream) map[int64]int {
		out := map[int64]int{}
		it := newEvIter(s)
		var e evt
		for it.next(&e) {
			out[e.t] += e.n
		}
		return out
	}
	g, w := count(&got), count(&want)
	if len(g) != len(w) || got.n != want.n {
		t.Fatalf("%d times, %d lines; want %d times, %d lines", len(g), got.n, len(w), want.n)
	}
	for k, n := range w {
		if g[k] != n {
			t.Errorf("time %d: %d lines, want %d", k, g[k], n)
		}
	}
	for _, win := range []time.Duration{time.Second, time.Minute, time.Hour} {
		f1, l1, r1, w1 := densest(win, &got)
		f2, l2, r2, w2 := densest(win, &want)
		if !f1.Equal(f2) || !l1.Equal(l2) || r1 != r2 || w1 != w2 {
			t.Errorf("densest over %v: %v %v %d %v, want %v %v %d %v", win, f1, l1, r1, w1, f2, l2, r2, w2)
		}
	}
	t.Logf("%d lines of 3,000 members in %d segments (in time order: %d)", got.n, len(got.segs), len(want.segs))
	if len(got.segs) > 2*compactSegs {
		t.Errorf("%d segments, want at most %d", len(got.segs), 2*compactSegs)
	}
}
