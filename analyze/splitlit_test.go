package analyze

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSplitLiterals: in a member whose lines are split at embedded
// timestamps, a literal pattern (litExact) is decided by the search only
// when the line is one segment, not cut at MaxMatchLine; the worker's
// hits (line, segment, pattern) are the regular expressions' on each
// segment as splitAt cuts it: a literal in the second record of a line
// only, in both, in a line longer than MaxMatchLine before and across
// the cut, next to a digit-blind pattern sharing its word. A member that
// is not split is held to the same: a literal across the cut is not in
// the line the regular expressions see.
func TestSplitLiterals(t *testing.T) {
	for _, split := range []bool{true, false} {
		t.Run(fmt.Sprintf("split=%v", split), func(t *testing.T) { testSplitLiterals(t, split) })
	}
}

func testSplitLiterals(t *testing.T, split bool) {
	pl := testPlan(t, "s.yaml", `name: s
description: split literals
analyze:
  logs:
  - {files: ["files/**"], time: yymmdd, split: `+fmt.Sprint(split)+`}
  rules:
  - {id: s.a, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'routingManager: (?:WHO|TELL)'}}
  - {id: s.b, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'routingManager'}}
  - {id: s.c, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'routingManager: (?P<cmd>WHO|TELL) command received \[l=(?P<child>[^\]]*)\]', group_by: [cmd]}}
  - {id: s.d, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'open session failed'}}
`)
	exact := 0
	for _, pat := range pl.pats {
		if pat.litExact {
			exact++
		}
	}
	if exact < 3 {
		t.Fatalf("only %d literal patterns: the test tests nothing", exact)
	}
	stamp := "09/10/12 12:00:01 2 4478 "
	pieces := []string{
		"routingManager: TELL command received [l=nti281-gwp]",
		"routingManager: WHO reply command received",
		"routingManager: WHO command received [l=null]",
		"routingManager: ",
		"open session failed",
		"open session ",
		"threadPool: worker 5 idle",
		"connectionManager: keepalive",
	}
	rng := rand.New(rand.NewPCG(5, 6))
	b := &bundleState{plan: pl, loc: time.UTC, byPath: map[string]*member{}}
	b.slots = make([]slotStore, len(pl.slots))
	ms := (&scanner{}).setup(b, inputMember("files/epp.log"), time.Now())
	if ms.split != split {
		t.Fatalf("member split %v, want %v", ms.split, split)
	}
	w := &worker{}
	multi, long := 0, 0
	for round := range 40 {
		var buf bytes.Buffer
		for l := 0; l < 200; l++ {
			buf.WriteString(stamp)
			for k := rng.IntN(3) + 1; k > 0; k-- {
				buf.WriteString(pieces[rng.IntN(len(pieces))])
				if rng.IntN(3) == 0 {
					buf.WriteString(" " + stamp) // a second record on the line
				}
			}
			if rng.IntN(60) == 0 {
				// A long line: a literal before the cut, across it, beyond it.
				line := strings.Repeat("x", MaxMatchLine-len(stamp)-rng.IntN(30)) + pieces[rng.IntN(3)] + " " + pieces[0]
				buf.WriteString(line)
			}
			buf.WriteByte('\n')
		}
		data := buf.Bytes()
		ms.search = newSearcher(ms.lits, data)
		j := &job{ms: ms, data: data}
		w.scan(j)
		type dec struct{ line, seg, pat int }
		var got, want []dec
		for i := range j.hits {
			h := &j.hits[i]
			got = append(got, dec{int(h.line), int(h.seg), int(h.pat)})
		}
		for no, line := range bytes.Split(bytes.TrimSuffix(data, []byte{'\n'}), []byte{'\n'}) {
			if len(line) > MaxMatchLine {
				long++
			}
			segs := [][]byte{matchable(line)}
			if split {
				segs = splitAt(nil, matchable(line), ms.m.parser, &ms.tc)
			}
			if len(segs) > 1 {
				multi++
			}
			for si, seg := range segs {
				for pi, pat := range ms.pats {
					if pat.re.Match(seg) {
						want = append(want, dec{no, si, pi})
					}
				}
			}
		}
		order := func(x, y dec) int {
			if x.line != y.line {
				return x.line - y.line
			}
			if x.seg != y.seg {
				return x.seg - y.seg
			}
			return x.pat - y.pat
		}
		slices.SortFunc(got, order)
		slices.SortFunc(want, order)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: hits %v\nwant %v", round, fmt.Sprint(got), fmt.Sprint(want))
		}
	}
	if split && multi == 0 || long == 0 {
		t.Fatalf("%d split lines, %d long ones: the test tests nothing", multi, long)
	}
}
