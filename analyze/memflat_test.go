package analyze

import (
	"fmt"
	"strings"
	"testing"
)

// TestKeptFlat: a match rule whose expressions do not read records keeps
// only the floors of its groups, however many lines and bundles: what a
// run holds does not grow with the bundles analyzed together (issue 13),
// and the counts stay exact.
func TestKeptFlat(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.err
  title: "{hits} errors from {who}"
  explanation: x
  remedy: x
  match: {in: ["files/**/*.log*"], pattern: 'error (?P<code>\d+) from (?P<who>\w+)', group_by: [who]}`)
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
