package analyze

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze/input/inputtest"
)

// Sequence rules are evaluated in the pass (seqfold.go); these tests
// compare that with the evaluation from full event streams it replaced
// (evalSequenceNaive, below), which merges every start and expect of a
// group in time order after the pass.

// TestSequenceFoldRandom: random bundles of several members each (ymd
// logs with runs out of order, a newest-first log, a time-of-day log
// dated after the pass, lines without a time, members without times), starts and expects of
// several keys with random within and skew, scope all and bundle: the
// findings (counts, answered counts, first and last unanswered times,
// evidence) equal those of the naive evaluation. A state rule over the
// same lines, walked at the end of each bundle's pass for scope bundle
// (reduceStreams), equals its walk after the pass.
func TestSequenceFoldRandom(t *testing.T) {
	end := inputtest.Time
	withFindings := 0
	for seed := uint64(1); seed <= 24; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		within := []string{"0s", "3s", "20s", "90s"}[rng.IntN(4)]
		skew := []string{"0s", "2s", "30s"}[rng.IntN(3)]
		scope := []string{"all", "bundle"}[rng.IntN(2)]
		if scope == "bundle" {
			skew = "0s" // skew is for scope all
		}
		p := testProfile(t, fmt.Sprintf(`logs:
- {files: ["files/**/*.log"], time: ymd}
- {files: ["files/**/*.nf"], time: ymd, order: newest-first}
- {files: ["files/**/*.tod"], time: custom, regex: '^(?P<time>\d\d:\d\d:\d\d) ', layout: "15:04:05"}
rules:
- id: t.seq
  title: "{hits} unanswered, {answered} answered, first {first_seen} last {last_seen} span {span} kept {len(records)}"
  explanation: x
  remedy: x
  scope: %s
  max_evidence: 50
  sequence:
    in: ["files/**"]
    start:
    - {pattern: 'send (?P<q>\w+) id=\d+', label: send}
    - {pattern: 'ask (?P<q>\w+)'}
    expect: [{pattern: 'reply (?P<q>\w+)'}]
    key: [q]
    within: %s
    skew: %s
- id: t.st
  title: "{state} since {since} after {history}, events {events}, seen {seen}, {hits} lines, {first_seen} – {last_seen}"
  explanation: x
  remedy: x
  scope: %s
  max_evidence: 3
  state:
    in: ["files/**"]
    key: [q]
    track:
    - {pattern: 'send (?P<q>\w+) id=\d+', state: BUSY}
    - {pattern: 'reply (?P<q>\w+)', state: IDLE}
    - {pattern: 'ask (?P<q>\w+)', event: asked}`, scope, within, skew, scope))
		keys := []string{"who", "tell", "ping"}[:1+rng.IntN(3)]
		// lines over the last 10 minutes before the collection end, some
		// windows reaching past it
		line := func() (int, string) {
			sec := rng.IntN(600)
			q := keys[rng.IntN(len(keys))]
			var text string
			switch k := rng.IntN(10); {
			case k < 4:
				text = fmt.Sprintf("send %s id=%d", q, rng.IntN(1000))
			case k < 5:
				text = "ask " + q
			case k < 9:
				text = "reply " + q
			default:
				text = fmt.Sprintf("noise %d", rng.IntN(1000))
			}
			return sec, text
		}
		var dirs []string
		untimedOnly := seed%5 == 0
		nb := 1 + rng.IntN(3)
		for bi := 0; bi < nb; bi++ {
			files := map[string]string{}
			for mi := 0; mi < 1+rng.IntN(4); mi++ {
				n := rng.IntN(300)
				type ln struct {
					sec  int
					text string
				}
				var ls []ln
				for i := 0; i < n; i++ {
					s, x := line()
					ls = append(ls, ln{s, x})
				}
				// mostly in time order, with runs out of order
				slices.SortStableFunc(ls, func(a, b ln) int { return a.sec - b.sec })
				for i := 0; i+1 < len(ls); i++ {
					if rng.IntN(8) == 0 {
						ls[i], ls[i+1] = ls[i+1], ls[i]
					}
				}
				var b strings.Builder
				kind := rng.IntN(4)
				if untimedOnly {
					kind = 4 // no time format: every line untimed
				}
				if kind == 1 { // newest first
					for i, j := 0, len(ls)-1; i < j; i, j = i+1, j-1 {
						ls[i], ls[j] = ls[j], ls[i]
					}
				}
				for _, l := range ls {
					at := end.Add(-10*time.Minute + time.Duration(l.sec)*time.Second)
					switch {
					case kind == 4:
						fmt.Fprintf(&b, "%s\n", l.text)
					case kind == 3:
						fmt.Fprintf(&b, "%s %s\n", at.Format("15:04:05"), l.text)
					case rng.IntN(25) == 0:
						fmt.Fprintf(&b, "%s\n", l.text) // no time
					default:
						fmt.Fprintf(&b, "%s %s\n", at.Format("2006-01-02 15:04:05"), l.text)
					}
				}
				name := fmt.Sprintf("files/m%d.%s", mi, []string{"log", "nf", "log", "tod", "txt"}[kind])
				files[name] = b.String()
			}
			dirs = append(dirs, bundleDirOf(t, files))
		}
		if seed%2 == 1 {
			// the short list and the pend stream overflow and are filtered
			recentMax, pendMin = 2, 8
		}
		got := runWith(t, p, dirs, Options{})
		recentMax, pendMin = 64, 4096
		seqNaiveEval, keepStreams = evalSequenceNaive, true
		want := runWith(t, p, dirs, Options{})
		seqNaiveEval, keepStreams = nil, false
		if d := cmp.Diff(want.Findings, got.Findings); d != "" {
			t.Errorf("seed %d (within %s, skew %s, scope %s): findings differ from the naive evaluation (-naive +fold):\n%s", seed, within, skew, scope, d)
		}
		if len(findingsByKey(got, "t.seq")) > 0 {
			withFindings++
		}
	}
	if withFindings < 12 {
		t.Errorf("only %d of 24 runs have unanswered starts: the test compares little", withFindings)
	}
}

// TestSequenceFoldYearless: raw logs copied today, a syslog member whose
// year is guessed from its mtime and moved after the pass to the year of
// a dated member (fixYears): its starts and expects are folded with the
// final year, so a request in one member is answered by a reply in the
// other, seconds later.
func TestSequenceFoldYearless(t *testing.T) {
	p := testProfile(t, `logs:
- {files: ["files/**/auth.log"], time: syslog}
- {files: ["files/**/journal.log"], time: ymd}
rules:
- id: t.req
  title: "{hits} unanswered, {answered} answered, first {first_seen}"
  explanation: x
  remedy: x
  sequence:
    in: ["files/**/*.log"]
    start: [{pattern: 'send (?P<q>\w+) id=\d+'}]
    expect: [{pattern: 'reply (?P<q>\w+)'}]
    key: [q]
    within: 5s`)
	copied := time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	for name, text := range map[string]string{
		"auth.log":    "Aug  9 10:00:01 gw x: reply who\nAug  9 10:00:30 gw x: send who id=2\n",
		"journal.log": "2014-08-09 10:00:00 gw x: send who id=1\n2014-08-09 10:00:31 gw x: reply who\n2014-08-09 11:00:00 gw x: send who id=3\n2014-08-09 12:00:00 gw x: done\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, copied, copied); err != nil {
			t.Fatal(err)
		}
	}
	rep := runWith(t, p, []string{dir}, Options{Timezone: time.UTC})
	want := "1 unanswered, 2 answered, first 2014-08-09 11:00:00Z"
	if f := findingsByKey(rep, "t.req")["who"]; f.Title != want || f.Count != 1 {
		t.Errorf("finding %q x%d, want %q x1 (%v)", f.Title, f.Count, want, summary(rep))
	}
	seqNaiveEval, keepStreams = evalSequenceNaive, true
	naive := runWith(t, p, []string{dir}, Options{Timezone: time.UTC})
	seqNaiveEval, keepStreams = nil, false
	if d := cmp.Diff(naive.Findings, rep.Findings); d != "" {
		t.Errorf("findings differ from the naive evaluation (-naive +fold):\n%s", d)
	}
}

// TestIvals: the interval sets against a bitmap.
func TestIvals(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := 0; trial < 200; trial++ {
		var s ivals
		var bits [220]bool
		for k := 0; k < 1+rng.IntN(30); k++ {
			lo := int64(rng.IntN(200))
			hi := lo + int64(rng.IntN(12))
			s.add(lo, hi)
			for x := lo; x <= hi; x++ {
				bits[x] = true
			}
			for x := range bits {
				if s.has(int64(x)) != bits[x] {
					t.Fatalf("trial %d: has(%d) = %v, want %v (set %v)", trial, x, !bits[x], bits[x], s)
				}
			}
			for i := 1; i < len(s); i++ {
				if s[i].lo-s[i-1].hi <= 1 {
					t.Fatalf("trial %d: intervals touch or overlap: %v", trial, s)
				}
			}
		}
		var parts []ivals
		var u ivals
		for x := range bits {
			if bits[x] {
				u.add(int64(x), int64(x))
			}
		}
		parts = append(parts, s[:len(s)/2], s[len(s)/2:])
		if got := unite(parts...); !slices.Equal(got, u) {
			t.Fatalf("trial %d: unite gives %v, the bitmap %v", trial, got, u)
		}
	}
}

// TestSequenceFoldBounded: a log of 120,000 handshake lines over four
// members with overlapping times, nearly every request answered: what a
// sequence group holds after the pass does not grow with the lines (no
// event stream, a few waiting starts, one interval of answering times),
// and the counts equal the naive evaluation's and the generator's.
func TestSequenceFoldBounded(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.req
  title: "{hits} unanswered, {answered} answered, first {first_seen}"
  explanation: x
  remedy: x
  sequence:
    in: ["files/**/*.log*"]
    start: [{pattern: 'send (?P<q>\w+) id=\d+'}]
    expect: [{pattern: 'reply (?P<q>\w+)'}]
    key: [q]
    within: 5m`)
	files := map[string]string{}
	for mi := 0; mi < 4; mi++ {
		var b strings.Builder
		for i := 0; i < 15000; i++ {
			fmt.Fprintf(&b, "%s send who id=%d\n", stamp(2*i), i)
			if mi != 2 || i%1000 != 0 { // another member's reply answers m2's
				fmt.Fprintf(&b, "%s reply who\n", stamp(2*i+1))
			}
		}
		if mi == 1 {
			for i := 0; i < 10; i++ { // never answered
				fmt.Fprintf(&b, "%s send who id=%d\n", stamp(40000+i), i)
			}
		}
		files[fmt.Sprintf("files/m%d.log", mi)] = b.String()
	}
	var held []string
	afterPass = func(states []*bundleState, sc *scanner) {
		for _, b := range states {
			for _, a := range b.aggs {
				if a == nil || a.rp.kind != "sequence" {
					continue
				}
				for _, g := range a.order {
					f := g.seq
					if g.ev.n != 0 || f == nil || f.pend.n+len(f.recent) > 2*recentMax || len(f.ans) > 1 {
						held = append(held, fmt.Sprintf("%s: stream %d, waiting %d+%d, intervals %d", g.key, g.ev.n, f.pend.n, len(f.recent), len(f.ans)))
					}
				}
			}
		}
	}
	defer func() { afterPass = nil }()
	dir := bundleDirOf(t, files)
	rep := runWith(t, p, []string{dir}, Options{})
	afterPass = nil
	if len(held) > 0 {
		t.Errorf("sequence groups hold more than a few entries after the pass: %v", held)
	}
	want := fmt.Sprintf("10 unanswered, 60000 answered, first %sZ", stamp(40000))
	if f := findingsByKey(rep, "t.req")["who"]; f.Title != want || f.Count != 10 {
		t.Errorf("finding %q x%d, want %q x10 (%v)", f.Title, f.Count, want, summary(rep))
	}
	seqNaiveEval, keepStreams = evalSequenceNaive, true
	naive := runWith(t, p, []string{dir}, Options{})
	seqNaiveEval, keepStreams = nil, false
	if d := cmp.Diff(naive.Findings, rep.Findings); d != "" {
		t.Errorf("findings differ from the naive evaluation (-naive +fold):\n%s", d)
	}
}

// evalSequenceNaive (the evaluation before seqFold) pairs starts with later expects of the same key, from the
// rule's aggregates: every start and expect counts. A start is answered
// by the first expect after it within the window (untimed lines are not
// judged by time), or (skew) by an expect of another bundle at most skew
// before it; one whose window reaches past the end of the data is not
// judged.
func evalSequenceNaive(e *evaluator, rr *ruleRun) []*draft {
	rp, bs := rr.rp, rr.bs
	spec := rp.rule.Sequence
	within, skew := spec.Within.Duration, spec.Skew.Duration
	groups, _ := mergeGroups(rr)
	end := dataEnd(bs)
	endNS := int64(untimed)
	if !end.IsZero() {
		endNS = end.UnixNano()
	}
	loc := bs[0].loc
	type pend struct {
		t      int64
		skewOK bool
		pos    posKey
	}
	var out []*draft
	for _, g := range groups {
		kept := map[posKey]*record{}
		for _, r := range g.recs {
			kept[posOf(r)] = r
		}
		for _, r := range g.cands {
			kept[posOf(r)] = r
		}
		lastExp := map[int]int64{} // per bundle, the time of its last timed expect
		var pending []pend
		answered, nUn := 0, 0
		var first, last int64 = untimed, untimed
		var un []*record
		settle := func(p pend) {
			if p.skewOK {
				answered++
				return
			}
			if within > 0 && p.t != untimed && endNS != untimed && p.t+int64(within) > endNS {
				return // may still be answered
			}
			nUn++
			if p.t != untimed {
				if first == untimed {
					first = p.t
				}
				last = p.t
			}
			if r := kept[p.pos]; r != nil {
				un = append(un, r)
			}
		}
		it := newEvIter(g.evs...)
		var x evt
		for it.next(&x) {
			if x.prio == 0 { // a start
				p := pend{t: x.t, pos: posOfEvt(&x)}
				if skew > 0 && x.t != untimed {
					for b, et := range lastExp {
						if b != x.b && x.t-et <= int64(skew) {
							p.skewOK = true
							break
						}
					}
				}
				pending = append(pending, p)
				continue
			}
			if x.t != untimed {
				lastExp[x.b] = x.t
			}
			for _, p := range pending {
				if within > 0 && p.t != untimed && x.t != untimed && x.t-p.t > int64(within) {
					settle(p) // too late to count as its answer
					continue
				}
				answered++
			}
			pending = pending[:0]
		}
		for _, p := range pending {
			settle(p)
		}
		if nUn == 0 {
			continue
		}
		caps := g.recs[0]
		if len(un) > 0 {
			caps = un[0]
		}
		var ft, lt time.Time
		if first != untimed {
			ft, lt = time.Unix(0, first).UTC(), time.Unix(0, last).UTC()
		}
		records := rr.recordMaps(un)
		matches := un
		if len(matches) == 0 {
			matches = []*record{caps}
		}
		out = append(out, &draft{
			key: g.key, parts: g.vals, caps: caps, matches: matches, count: nUn, anchor: ft, first: ft, last: lt,
			inexact: keptNote(rp, len(un), nUn),
			vars: map[string]any{
				"hits": nUn, "answered": answered,
				"first_seen": timeOrNil(ft, loc), "last_seen": timeOrNil(lt, loc),
				"span": span(ft, lt), "records": records, "group": g.key,
			},
		})
	}
	return out
}
