package analyze

import "slices"

// Excerpts that overlap share their lines once a bundle's pass is over.
// In a dense log the lines a member's findings quote are a few lines
// apart, so its excerpts (excerptRadius lines either side of each) overlap
// most of their lines: 38 excerpts of 722 lines held 158 distinct lines
// for a bundle of scripts/bench-analyze-dense.sh. shareLines keeps one
// copy of each line, per run of overlapping excerpts, and makes each
// excerpt's lines a window into its run: the excerpts and what the report
// makes of them (excerpts in build.go) are unchanged, and what each
// finished bundle holds no longer grows with how close its evidence lines
// are (issue 13: memory flat in the number of bundles).

// shareLines makes m's overlapping excerpts share their lines and returns
// the bytes (as excerptSize counts them) no longer held.
func (m *member) shareLines() int {
	if len(m.exHead())+len(m.exRing()) < 2 {
		return 0
	}
	exs := make([]*excerpt, 0, len(m.exHead())+len(m.exRing()))
	for _, ex := range m.exHead() {
		if ex != nil && !ex.lazy && len(ex.lines) > 0 {
			exs = append(exs, ex)
		}
	}
	for _, ex := range m.exRing() {
		if ex != nil && !ex.lazy && len(ex.lines) > 0 {
			exs = append(exs, ex)
		}
	}
	slices.SortStableFunc(exs, func(a, b *excerpt) int { return a.start - b.start })
	saved := 0
	for i := 0; i < len(exs); {
		// exs[i:j] is a run: each starts at or before the end of those
		// before it.
		start, end := exs[i].start, exs[i].start+len(exs[i].lines)
		j := i + 1
		for j < len(exs) && exs[j].start <= end {
			end = max(end, exs[j].start+len(exs[j].lines))
			j++
		}
		if j-i > 1 {
			saved += shareRun(exs[i:j], start, end)
		}
		i = j
	}
	return saved
}

// shareRun gives the excerpts of one run (sorted by start, covering lines
// start to end) one copy of its lines. A line read differently by two of
// them (never expected: both are the same line of the same member) leaves
// the run as it is.
func shareRun(exs []*excerpt, start, end int) int {
	run := make([]string, end-start)
	set := make([]bool, end-start)
	before := 0
	for _, ex := range exs {
		before += excerptSize(ex)
		for k, l := range ex.lines {
			i := ex.start - start + k
			if set[i] {
				if run[i] != l {
					return 0
				}
				continue
			}
			run[i], set[i] = l, true
		}
	}
	after := 24 * len(run)
	for _, l := range run {
		after += len(l)
	}
	for _, ex := range exs {
		a := ex.start - start
		b := a + len(ex.lines)
		ex.lines = run[a:b:b] // capacity cut: an append never writes into the run
		after += 48
	}
	return max(0, before-after)
}
