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

// TestLiteralTrees: an anchor decides its case-sensitive literals as
// trees (one per offset of the anchor byte: literals sharing a word are
// compared once up to where they part, a position reports the patterns
// of every literal ending on its path). Many literals over a small
// alphabet (prefixes of each other, the anchor byte at different offsets
// and several times in a literal, literals cut by the end of the data),
// on lines of the same alphabet: each line is reported with exactly the
// patterns of the literals it holds, as the plain search by strings
// finds them, both on one anchor and through newSearcher (which also
// mixes in folded literals).
func TestLiteralTrees(t *testing.T) {
	const alpha = "MMab: x"
	rng := rand.New(rand.NewPCG(3, 4))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		return string(b)
	}
	for round := 0; round < 300; round++ {
		an := &anchor{b: 'M'}
		lits := map[literal][]int32{}
		for k := rng.IntN(12) + 1; k > 0; k-- {
			s := word(rng.IntN(4)) + "M" + word(rng.IntN(6))
			if rng.IntN(3) == 0 && len(lits) > 0 {
				// extend an existing literal: shared words
				for l := range lits {
					s = l.s + word(rng.IntN(4)+1)
					break
				}
			}
			l := literal{s: s}
			if _, ok := lits[l]; ok {
				continue
			}
			pats := []int32{int32(rng.IntN(20))}
			if rng.IntN(2) == 0 {
				pats = mergePats(pats, []int32{int32(rng.IntN(20))})
			}
			lits[l] = pats
			var offs []int
			for i := range len(s) {
				if s[i] == 'M' {
					offs = append(offs, i)
				}
			}
			an.lits = append(an.lits, &anchored{lit: []byte(s), off: offs[rng.IntN(len(offs))], pats: pats})
		}
		an.buildGroups()
		var b strings.Builder
		for l := rng.IntN(30); l > 0; l-- {
			b.WriteString(word(rng.IntN(40)))
			b.WriteByte('\n')
		}
		b.WriteString(word(rng.IntN(10))) // a last line without a newline
		data := []byte(b.String())
		want := naiveFind(lits, data)
		got := map[int][]int32{}
		an.find(data, func(start, end int, pats []int32) {
			if !slices.IsSorted(pats) {
				t.Fatalf("unsorted %v", pats)
			}
			got[start] = mergePats(got[start], pats)
		})
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d, literals %v, data %q (-want +got):\n%s", round, lits, data, diff)
		}
		// The same literals through newSearcher, with folded ones.
		for k := rng.IntN(3); k > 0; k-- {
			lits[literal{s: strings.ToLower(word(rng.IntN(3)+1)) + "m", fold: true}] = []int32{int32(20 + rng.IntN(5))}
		}
		want = naiveFind(lits, data)
		got = map[int][]int32{}
		newSearcher(lits, data).find(data, func(start, end int, pats []int32) { got[start] = mergePats(got[start], pats) })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d, searcher, literals %v, data %q (-want +got):\n%s", round, lits, data, diff)
		}
	}
}

// naiveFind is the search the anchors must agree with: per line (by its
// start), the patterns of every literal the line holds, a folded one in
// any case.
func naiveFind(lits map[literal][]int32, data []byte) map[int][]int32 {
	want := map[int][]int32{}
	for start := 0; start <= len(data); {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data) - start
		}
		line := string(data[start : start+end])
		for l, ps := range lits {
			if strings.Contains(line, l.s) || l.fold && strings.Contains(strings.ToLower(line), l.s) {
				want[start] = mergePats(want[start], ps)
			}
		}
		start += end + 1
	}
	return want
}
