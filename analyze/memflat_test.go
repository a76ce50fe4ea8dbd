package analyze

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// errorsByWho is the profile of the memory tests: one rule that groups
// "error N from WHO" lines of the logs by WHO.
const errorsByWho = logsYMD + `rules:
- id: t.err
  title: "{hits} errors from {who}"
  explanation: x
  remedy: x
  match: {in: ["files/**/*.log*"], pattern: 'error (?P<code>\d+) from (?P<who>\w+)', group_by: [who]}`

// TestKeptFlat: a match rule whose expressions do not read records keeps
// only the floors of its groups, however many lines and bundles: what a
// run holds does not grow with the bundles analyzed together (issue 13),
// and the counts stay exact.
func TestKeptFlat(t *testing.T) {
	p := testProfile(t, errorsByWho)
	const nb, lines = 6, 6000
	var b strings.Builder
	for i := 0; i < lines; i++ {
		fmt.Fprintf(&b, "%s error %d from host%d %s\n", stamp(i), i, i%2, strings.Repeat("x", 200))
	}
	var paths []string
	for i := 0; i < nb; i++ {
		paths = append(paths, bundleDirOf(t, map[string]string{"files/a.log": b.String()}))
	}
	kept, left := 0, 0
	afterPass = func(states []*bundleState, sc *scanner) {
		left = sc.bud.left
		for _, st := range states {
			for _, a := range st.aggs {
				if a != nil {
					for _, g := range a.order {
						kept += len(g.kept.head) + len(g.kept.tail)
					}
				}
			}
		}
	}
	defer func() { afterPass = nil }()
	rep := runWith(t, p, paths, Options{})
	if want := nb * 2 * (keepFloorHead + keepFloorTail); kept != want || left != runBudget {
		t.Errorf("%d records kept, budget left %d; want the floors (%d), the budget untouched (%d)", kept, left, want, runBudget)
	}
	n := 0
	for _, f := range rep.Findings {
		if want := fmt.Sprintf("%d errors from %s", lines/2, f.Key); f.Title != want || len(f.Evidence) != 5 {
			t.Errorf("%q with %d evidence lines, want %q with 5", f.Title, len(f.Evidence), want)
		}
		n++
	}
	if n != 2*nb {
		t.Errorf("%d findings, want %d", n, 2*nb)
	}
}

// TestHeldFlat: what a run holds after the pass (the heap in use) does
// not grow with the lines of its bundles (issue 13): 8 dense bundles of
// 60,000 matching lines each hold what 8 of 6,000 hold, within 10%: the
// time streams of match rules are reduced at the end of each bundle's
// pass (before, 3 MiB for the 480,000 lines, 294 KiB for 48,000).
func TestHeldFlat(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.err
  title: "{hits} errors from {who}, at most {rate} a minute"
  explanation: x
  remedy: x
  match: {in: ["files/**/*.log*"], pattern: 'error (?P<code>\d+) from (?P<who>\w+)', group_by: [who], within: 1m}`)
	held := func(lines int) (heap uint64, streams, excerpts int) {
		var b strings.Builder
		for i := range lines {
			fmt.Fprintf(&b, "%s.%03d error %d from host%d and some more words on the line\n", stamp(i/20), i%20, i, i%3)
			if i%2 == 0 {
				fmt.Fprintf(&b, "%s.%03d a calm line between them, as a log has\n", stamp(i/20), i%20)
			}
		}
		dir := bundleDirOf(t, map[string]string{"files/a.log": b.String()})
		paths := []string{dir, dir, dir, dir, dir, dir, dir, dir}
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC() // what earlier tests left in pools too
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		afterPass = func(states []*bundleState, sc *scanner) {
			for _, st := range states {
				for _, a := range st.aggs {
					if a == nil {
						continue
					}
					for _, g := range a.order {
						for _, sg := range g.ev.segs {
							streams += cap(sg.buf)
						}
					}
				}
			}
			excerpts = excerptBudget - sc.exBud.left
			runtime.GC()
			runtime.GC() // and the chunk buffers' pool
			runtime.ReadMemStats(&ms)
			heap = ms.HeapAlloc - min(base, ms.HeapAlloc)
		}
		defer func() { afterPass = nil }()
		rep := runWith(t, p, paths, Options{})
		for _, f := range rep.Findings {
			if f.Count != lines/3 {
				t.Errorf("%s: %d, want %d", f.Title, f.Count, lines/3)
			}
		}
		return heap, streams, excerpts
	}
	hs, ss, es := held(6_000)
	hl, sl, el := held(60_000)
	t.Logf("held after the pass, 8 bundles: of 6,000 lines %d KiB (streams %d, excerpts %d), of 60,000 lines %d KiB (streams %d, excerpts %d)", hs>>10, ss, es, hl>>10, sl, el)
	if hl > hs+hs/10 {
		t.Errorf("8 bundles of 60,000 lines hold %d KiB after the pass, of 6,000 lines %d KiB: more than 10%% apart", hl>>10, hs>>10)
	}
}

// TestExcerptsEveryBundle: the excerpts of a run share one budget, and a
// member keeps only those around the lines its findings can quote once
// its pass is over (issue 13): 12 dense bundles get an excerpt for every
// evidence line, the twelfth as the first, and the budget in use after
// the pass is what those excerpts take (2.0 MiB here). Before, the
// members' head and tail excerpts (80 per member, most around lines no
// finding quotes) took the whole budget (4 MiB here), leaving none for
// the bundles after: 20 dense bundles of scripts/bench-analyze-dense.sh
// got 16 excerpts, 100 now.
func TestExcerptsEveryBundle(t *testing.T) {
	p := testProfile(t, errorsByWho)
	var b strings.Builder
	pad := strings.Repeat("words ", 50)
	for i := range 6000 {
		fmt.Fprintf(&b, "%s error %d from host%d %s\n", stamp(i), i, i%3, pad)
		fmt.Fprintf(&b, "%s a calm line %s\n", stamp(i), pad)
	}
	const nb = 12
	var paths []string
	for range nb {
		paths = append(paths, bundleDirOf(t, map[string]string{"files/a.log": b.String()}))
	}
	used := 0
	afterPass = func(_ []*bundleState, sc *scanner) { used = excerptBudget - sc.exBud.left }
	defer func() { afterPass = nil }()
	rep := runWith(t, p, paths, Options{})
	type line struct {
		b, f string
		n    int
	}
	covered := map[line]bool{}
	for _, ex := range rep.Excerpts {
		for i := range ex.Lines {
			covered[line{ex.Bundle, ex.File, ex.Start + i}] = true
		}
	}
	evidence, missing := 0, map[string]int{}
	for _, f := range rep.Findings {
		for _, ev := range f.Evidence {
			evidence++
			if !covered[line{ev.Bundle, ev.File, ev.Line}] {
				missing[ev.Bundle]++
			}
		}
	}
	if len(rep.Findings) != 3*nb || len(missing) > 0 {
		t.Errorf("%d findings (want %d); evidence lines without an excerpt, per bundle: %v", len(rep.Findings), 3*nb, missing)
	}
	// What is left is the excerpts the report shows (those holding a
	// quoted line: about 23 of 7 KiB a bundle here), not the budget.
	t.Logf("excerpts hold %d bytes of the budget after the pass (%d evidence lines)", used, evidence)
	if limit := excerptBudget * 3 / 4; used > limit {
		t.Errorf("excerpts hold %d bytes of the budget after the pass, want at most %d", used, limit)
	}
}

// TestExcerptsManyMembers: the excerpts of a bundle's small members are
// pruned a while after each member's pass, not only at the bundle's end
// (issue 13: one bundle of 10,000 members): 2,000 small logs full of
// matching lines keep 190 KiB of the excerpt budget at the bundle's
// end, and every evidence line, the last log's too, has its excerpt.
// Before, only a member of 64 KiB of excerpts was pruned at its end: the
// first logs here took the whole budget (4 MiB) to the bundle's end, and
// the logs after got no excerpt (each finding's last evidence line had
// none).
func TestExcerptsManyMembers(t *testing.T) {
	p := testProfile(t, errorsByWho)
	const logs = 2000
	files := map[string]string{}
	pad := strings.Repeat("words ", 12)
	for i := range logs {
		var b strings.Builder
		for j := range 6 {
			fmt.Fprintf(&b, "%s error %d from host%d %s\n", stamp(i*10+j), j, (i+j)%3, pad)
			fmt.Fprintf(&b, "%s a calm line %s\n", stamp(i*10+j), pad)
		}
		files[fmt.Sprintf("files/var/log/app%04d.log", i)] = b.String()
	}
	dir := bundleDirOf(t, files)
	used := -1
	atBundleEnd = func(_ *bundleState, sc *scanner) { used = excerptBudget - sc.exBud.left }
	defer func() { atBundleEnd = nil }()
	rep := runWith(t, p, []string{dir}, Options{})
	type line struct {
		f string
		n int
	}
	covered := map[line]bool{}
	for _, ex := range rep.Excerpts {
		for i := range ex.Lines {
			covered[line{ex.File, ex.Start + i}] = true
		}
	}
	evidence, missing := 0, 0
	for _, f := range rep.Findings {
		for _, ev := range f.Evidence {
			evidence++
			if !covered[line{ev.File, ev.Line}] {
				missing++
				t.Errorf("%s: evidence %s:%d has no excerpt", f.Key, ev.File, ev.Line)
			}
		}
	}
	t.Logf("excerpts hold %d bytes of the budget at the bundle's end; %d evidence lines, %d without an excerpt", used, evidence, missing)
	if len(rep.Findings) != 3 || evidence != 15 {
		t.Errorf("%d findings with %d evidence lines, want 3 with 15", len(rep.Findings), evidence)
	}
	if limit := excerptBudget / 4; used > limit {
		t.Errorf("excerpts hold %d bytes of the budget at the bundle's end, want at most %d", used, limit)
	}
}

// TestMembersHeld: what a bundle holds of each small log at the end of
// its pass (the run's peak of memory) stays under 1152 bytes a log (issue
// 13: one bundle of 10,000 members within 10% of one bundle of the same
// bytes): the member, its mined summary, its time streams' segments, its
// excerpts (pruned a while after its end), its manifest entry and path.
// 3.8 KiB a log before the excerpts of small members were pruned during
// the pass, the member, miner, family and zone state made smaller and
// the time streams of match rules given a segment per run of members
// rather than per member, their small segments merged; 1.3 KiB since
// (1,340 bytes); 1,060 bytes since the member (368 -> 208 bytes) and the
// miner's summary (136 -> 96) were made smaller, family file lists
// halved and the path-to-member map built only after the pass.
func TestMembersHeld(t *testing.T) {
	p := testProfile(t, errorsByWho)
	held := func(logs int) int64 {
		files := map[string]string{}
		for i := range logs {
			var b strings.Builder
			for j := range 6 {
				fmt.Fprintf(&b, "%s error %d from host%d on the line\n", stamp(j*logs+i), j, (i+j)%3)
				fmt.Fprintf(&b, "%s session %d of %s opened\n", stamp(j*logs+i), i, word(j%3))
			}
			files[fmt.Sprintf("files/var/log/app/app.log.%d", i+1)] = b.String()
		}
		dir := bundleDirOf(t, files)
		var heap int64
		atBundleEnd = func(*bundleState, *scanner) {
			runtime.GC()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap = int64(ms.HeapAlloc)
		}
		defer func() { atBundleEnd = nil }()
		runWith(t, p, []string{dir}, Options{})
		return heap
	}
	few, many := held(200), held(2200)
	per := (many - few) / 2000
	t.Logf("held at the bundle's end: 200 logs %d KiB, 2,200 logs %d KiB: %d bytes a log", few>>10, many>>10, per)
	if per > 1152 {
		t.Errorf("a bundle holds %d bytes a log at its end (200 logs: %d KiB, 2,200: %d KiB), want at most 1152", per, few>>10, many>>10)
	}
}
