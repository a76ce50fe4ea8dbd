package analyze

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestMemoMatches: the worker's memo of digit-blind patterns (one shape
// per line, shared by the patterns tried on it) decides every line as the
// regular expression does, at the same offsets, chunk after chunk in one
// reused buffer, where a line of the next chunk lies at the same address
// and length as one of the last but reads otherwise ("session 12 failed",
// then "session ab failed").
func TestMemoMatches(t *testing.T) {
	pl := testPlan(t, "m.yaml", `name: m
description: memo
analyze:
  rules:
  - {id: m.a, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'session (?P<id>\d+) failed', group_by: [id]}}
  - {id: m.b, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'worker \d+ idle, (?P<busy>\d+) busy'}}
  - {id: m.c, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'failed \(code=(?P<c>-?\d+)\)'}}
  - {id: m.d, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'routed s ?ession for (?P<peer>[\w.-]*[\w-])\s*$'}}
  - {id: m.e, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'session \w+ failed'}}
  - {id: m.f, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'level [0-5] session'}}
`)
	digits := 0
	for _, pat := range pl.pats {
		if pat.digits {
			digits++
		}
	}
	if digits < 4 {
		t.Fatalf("only %d digit-blind patterns: the test tests nothing", digits)
	}
	// Each template's slots (#) become digits or letters: the same
	// length either way.
	templates := []string{
		"level # session ## failed (code=-##)",
		"worker ### idle, ## busy",
		"a routed session for node#-gw#",
		"a routed ession for ##.#",
		"nothing ## here",
		"session ## failed",
	}
	rng := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 0, 1<<16)
	w := &worker{}
	b := &bundleState{plan: pl, loc: time.UTC, byPath: map[string]*member{}}
	b.slots = make([]slotStore, len(pl.slots))
	ms := (&scanner{}).setup(b, inputMember("files/x.log"), time.Now())
	var order []int
	for range 200 {
		order = append(order, rng.IntN(len(templates)))
	}
	checked := 0
	for round := range 300 {
		buf = buf[:0]
		lines := order
		if round%3 > 0 {
			lines = []int{len(templates) - 1} // the one line asked last, again
		}
		for _, ti := range lines {
			for _, c := range []byte(templates[ti]) {
				if c == '#' {
					if rng.IntN(4) == 0 {
						c = byte('a' + rng.IntN(26))
					} else {
						c = byte('0' + rng.IntN(10))
					}
				}
				buf = append(buf, c)
			}
			buf = append(buf, '\n')
		}
		ms.search = newSearcher(ms.lits, buf)
		j := &job{ms: ms, data: buf}
		w.scan(j)
		type dec struct {
			line int
			pat  *pattern
			loc  []int
		}
		var got, want []dec
		for i := range j.hits {
			h := &j.hits[i]
			pat := ms.pats[h.pat]
			var loc []int
			if h.ln > 0 {
				loc = j.locs[h.lo : h.lo+h.ln]
			}
			if loc == nil {
				loc = pat.re.FindSubmatchIndex(buf[h.start:h.end]) // decided by its literals
			}
			got = append(got, dec{int(h.line), pat, loc})
		}
		for no, line := range bytes.Split(bytes.TrimSuffix(buf, []byte{'\n'}), []byte{'\n'}) {
			for _, pat := range ms.pats {
				if loc := pat.re.FindSubmatchIndex(line); loc != nil {
					want = append(want, dec{no, pat, loc})
				}
			}
		}
		cmp := func(x, y dec) int {
			if x.line != y.line {
				return x.line - y.line
			}
			return x.pat.id - y.pat.id
		}
		slices.SortFunc(got, cmp)
		slices.SortFunc(want, cmp)
		if len(got) != len(want) {
			t.Fatalf("round %d: %d matches, want %d", round, len(got), len(want))
		}
		for i := range got {
			if got[i].line != want[i].line || got[i].pat != want[i].pat || !slices.Equal(got[i].loc, want[i].loc) {
				t.Fatalf("round %d: line %d %q: %s at %v, want line %d %s at %v", round, got[i].line,
					bytes.Split(buf, []byte{'\n'})[got[i].line], got[i].pat.src, got[i].loc, want[i].line, want[i].pat.src, want[i].loc)
			}
		}
		checked += len(got)
		j.hits = j.hits[:0]
	}
	if checked < 5000 {
		t.Errorf("only %d matches checked", checked)
	}
}

// TestZeroDigits: the memo's line shape, eight bytes at a time, is the
// line with every ASCII digit (and nothing else) made '0', for every
// byte value at every offset.
func TestZeroDigits(t *testing.T) {
	for c := 0; c < 256; c++ {
		for off := 0; off < 11; off++ {
			src := bytes.Repeat([]byte{'x'}, 19)
			src[off] = byte(c)
			want := slices.Clone(src)
			if c >= '0' && c <= '9' {
				want[off] = '0'
			}
			if got := zeroDigits([]byte("k:"), src); string(got) != "k:"+string(want) {
				t.Fatalf("byte %#x at %d: %q, want %q", c, off, got, want)
			}
		}
	}
}
