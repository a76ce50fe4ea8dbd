package analyze

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCandidatesMerge: the worker's candidates (each anchor's pass merged
// without a sort, the pattern sets of a line found by several literals
// united in the worker's arena) are exactly the lines holding some
// literal, in order, each once, with the sorted union of the patterns of
// every literal the line holds; chunk after chunk with the same worker
// (its scratch space reused).
func TestCandidatesMerge(t *testing.T) {
	lits := map[literal][]int32{
		{s: "routingManager: WHO"}:  {0, 3},
		{s: "routingManager: TELL"}: {1, 3},
		{s: "routingManager"}:       {4},
		{s: "reply command"}:        {2},
		{s: "[l="}:                  {0, 1, 5},
		{s: "failed", fold: true}:   {6},
		{s: "xyz"}:                  {7},
		{s: "session"}:              {5, 8},
	}
	words := []string{"routingManager: WHO", "routingManager: TELL", "routingManager", "reply command", "[l=",
		"FAILED", "Failed", "xyz", "session", "noise", "12345", " ", "rout", "TELL", "sess", "ion"}
	rng := rand.New(rand.NewPCG(1, 2))
	w := &worker{}
	for round := 0; round < 200; round++ {
		var b bytes.Buffer
		for l := rng.IntN(60); l > 0; l-- {
			for k := rng.IntN(6); k > 0; k-- {
				b.WriteString(words[rng.IntN(len(words))])
			}
			b.WriteByte('\n')
		}
		data := b.Bytes()
		ms := &memberScan{search: newSearcher(lits, data)}
		var got []cand
		for _, c := range w.candidates(ms, data) {
			got = append(got, cand{c.start, c.end, slices.Clone(c.pats)})
		}
		var want []cand
		for start := 0; start < len(data); {
			end := bytes.IndexByte(data[start:], '\n') + start
			line := string(data[start:end])
			var pats []int32
			for l, ps := range lits {
				if strings.Contains(line, l.s) || l.fold && strings.Contains(strings.ToLower(line), l.s) {
					pats = append(pats, ps...)
				}
			}
			if len(pats) > 0 {
				slices.Sort(pats)
				want = append(want, cand{start, end, slices.Compact(pats)})
			}
			start = end + 1
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(cand{})); diff != "" {
			t.Fatalf("round %d, data %q (-want +got):\n%s", round, data, diff)
		}
	}
}
