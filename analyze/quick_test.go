package analyze

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze/report"
)

// TestQuickSkipsExact: once the budget is spent and a store keeps only
// its ring of last lines, the merge counts the lines of patterns whose
// slots only count (count and pick-all facts, a resolved_by, a context)
// without making their records (quickSkips). Counts, kept lines and the
// whole report must equal a merge that makes every record, and a naive
// count of the lines.
func TestQuickSkipsExact(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: pings, in: ["files/**/*.log*"], pattern: 'ping', pick: count}
- {name: allp, in: ["files/**/*.log*"], pattern: 'ping seq=\d+ ', pick: all}
- {name: lastp, in: ["files/**/a.log"], pattern: 'seq=(?P<value>\d+)', pick: last}
rules:
- id: t.down
  title: "down, pings {pings}, all {len(allp)}, last {lastp}"
  explanation: x
  remedy: x
  match:
    in: ["files/**/a.log"]
    pattern: 'link down'
    resolved_by: {pattern: 'ping'}
  context: {in: ["files/**/b.log"], pattern: 'ping', before: 1m, after: 1m, max: 10}`)
	const n = 6000
	pad := strings.Repeat("x", 1000) // long lines: the budget is spent early
	var a, b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&a, "%s ping seq=%d %s\n", stamp(i), i, pad)
		if i == n-20 {
			fmt.Fprintf(&a, "%s link down\n", stamp(i))
		}
		fmt.Fprintf(&b, "%s ping seq=%d %s\n", stamp(i), i, pad)
	}
	dir := bundleDirOf(t, map[string]string{"files/a.log": a.String(), "files/b.log": b.String()})
	type pass struct {
		counts  map[string]int      // lines per slot (its what)
		tails   map[string][]string // the texts of its ring, oldest first
		dropped int
	}
	run := func(off bool) (*pass, []string, *report.Report) {
		noQuickSkips = off
		defer func() { noQuickSkips, afterPass = false, nil }()
		ps := &pass{counts: map[string]int{}, tails: map[string][]string{}}
		afterPass = func(states []*bundleState, sc *scanner) {
			for _, st := range states {
				for _, sl := range st.plan.slots {
					k := &st.slots[sl.id]
					ps.counts[sl.what] += k.n()
					ps.dropped += k.dropped
					for _, r := range k.records()[len(k.head):] {
						ps.tails[sl.what] = append(ps.tails[sl.what], r.text)
					}
				}
			}
		}
		rep := runWith(t, p, []string{dir}, Options{})
		return ps, summary(rep), rep
	}
	quick, qsum, qrep := run(false)
	slow, _, srep := run(true)
	if quick.dropped == 0 {
		t.Fatal("no store dropped lines: the budget was not spent, quickSkips never ran")
	}
	if diff := cmp.Diff(srep, qrep); diff != "" {
		t.Errorf("report (-every record +quickSkips):\n%s", diff)
	}
	if diff := cmp.Diff(slow, quick, cmp.AllowUnexported(pass{})); diff != "" {
		t.Errorf("stores (-every record +quickSkips):\n%s", diff)
	}
	// Naive counts.
	want := map[string]int{"fact pings": 2 * n, "fact allp": 2 * n, "fact lastp": n,
		"t.down resolved_by": n, "t.down context": n}
	for what, c := range want {
		if quick.counts[what] != c {
			t.Errorf("%s: %d lines, want %d (all: %v)", what, quick.counts[what], c, quick.counts)
		}
	}
	if len(qsum) != 1 || !strings.HasPrefix(qsum[0], fmt.Sprintf("t.down info x1: down, pings %d, all ", 2*n)) ||
		!strings.HasSuffix(qsum[0], fmt.Sprintf(", last %d", n-1)) {
		t.Errorf("findings %q, want t.down with pings %d and last %d", qsum, 2*n, n-1)
	}
	if in := qrep.Findings[0].Inexact; !strings.Contains(in, fmt.Sprintf("of its %d lines", 2*n)) {
		t.Errorf("Inexact %q, want the pick-all fact's %d lines", in, 2*n)
	}
	// The ring of the context's store: the last lines of b.log.
	ring := quick.tails["t.down context"]
	if len(ring) != keepFloorTail {
		t.Fatalf("context ring %d lines, want %d", len(ring), keepFloorTail)
	}
	for i, txt := range ring {
		if w := fmt.Sprintf("ping seq=%d ", n-keepFloorTail+i); !strings.Contains(txt, w) {
			t.Errorf("context ring line %d: %.60q, want %q", i, txt, w)
		}
	}
}

// TestGroupRecentExact: a rule's aggregate compares a line's group
// values with the two groups found last before it looks the group up
// (ruleAgg.group); groups that alternate, come in runs, cycle over more
// than two, or lack an optional capture are counted as a naive count
// over the lines says.
func TestGroupRecentExact(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.pair
  title: "a={a} b={b}"
  explanation: x
  remedy: x
  match:
    in: ["files/**/*.log*"]
    pattern: 'op a=(?P<a>\w*)(?: b=(?P<b>\w+))?'
    group_by: [a, b]`)
	var b strings.Builder
	want := map[string]int{}
	keys := []string{"x", "x y", "y", "x", "z", "", "z", "x y"} // a, or "a b"
	for i := 0; i < 3000; i++ {
		var k string
		switch {
		case i < 1000:
			k = keys[i%2] // alternating
		case i < 2000:
			k = keys[(i/7)%len(keys)] // runs
		default:
			k = keys[i%len(keys)] // cycling over all
		}
		a, bv, _ := strings.Cut(k, " ")
		line := "op a=" + a
		if bv != "" {
			line += " b=" + bv
		}
		fmt.Fprintf(&b, "%s %s\n", stamp(i), line)
		want[fmt.Sprintf("a=%s b=%s", a, bv)]++
	}
	rep := runWith(t, p, []string{bundleDirOf(t, map[string]string{"files/a.log": b.String()})}, Options{})
	got := map[string]int{}
	for _, f := range rep.Findings {
		got[f.Title] += f.Count
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines per group (-naive +got):\n%s", diff)
	}
}

// TestConstGroups: a named group that is a literal every match passes
// through, or an alternation of literals of different lengths, is known
// without reading the line (by its capture's length, for the latter);
// others are not, and the known texts equal what the regular expression
// captures.
func TestConstGroups(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line string
		want []string // "-" for a group not known, "~" known by its length
	}{
		{`routingManager: (?P<cmd>WHO) command received \[l=(?P<child>[^\]]*)\]`, "x routingManager: WHO command received [l=a]", []string{"WHO", "-"}},
		{`(?P<cmd>WHO|TELL) reply`, "TELL reply", []string{"~"}},
		{`(?P<cmd>WHO|TELL) reply`, "WHO reply", []string{"~"}},
		{`x (?:(?P<lvl>ERROR|WARNING|INFO))?`, "x WARNING", []string{"~"}},
		{`(?P<lvl>ERROR|WARN|INFO)`, "INFO", []string{"-"}}, // two of length 4
		{`(?P<lvl>WHO|WHAT)`, "WHAT", []string{"-"}},        // factored: WH(?:O|AT)
		{`(?i)(?P<lvl>WHO|TELL)`, "tell", []string{"-"}},    // case folded
		{`(?P<lvl>WHO|TE+LL)`, "TEELL", []string{"-"}},      // not all literals
		{`a(?:(?P<x>b))?c`, "ac", []string{"-"}},
		{`(?i)(?P<x>abc)`, "ABC", []string{"-"}},
		{`(?P<x>ab)|(?P<y>cd)`, "cd", []string{"-", "-"}},
		{`(?P<x>ab)+`, "abab", []string{"-"}},
		{`((?P<x>ab)c)(?P<e>)d`, "abcd", []string{"ab", ""}},
		{`(?P<x>\.\[)`, "a.[b", []string{".["}},
		{`(?P<x>ü)x`, "üx", []string{"ü"}},
	} {
		re := regexp.MustCompile(tc.src)
		var index []int
		for i, n := range re.SubexpNames() {
			if n != "" {
				index = append(index, i)
			}
		}
		konst, alts := constGroups(tc.src, index)
		m := re.FindStringSubmatchIndex(tc.line)
		if m == nil {
			t.Fatalf("%s does not match %q", tc.src, tc.line)
		}
		for i, w := range tc.want {
			k := konst != nil && konst[i] != nil
			a := alts != nil && alts[i] != nil
			captured := ""
			if m[2*index[i]] >= 0 {
				captured = tc.line[m[2*index[i]]:m[2*index[i]+1]]
			}
			switch w {
			case "-":
				if k || a {
					t.Errorf("%s: group %d known (%q, %q), want not known", tc.src, i, konst, alts)
				}
			case "~":
				// What capBytes does: the alternative of the capture's length.
				got := ""
				for _, x := range alts[i] {
					if len(x) == len(captured) {
						got = string(x)
					}
				}
				if !a || k || got != captured {
					t.Errorf("%s: group %d by length gives %q, captured %q (alts %q)", tc.src, i, got, captured, alts)
				}
			default:
				if !k || a || string(konst[i]) != w || captured != w {
					t.Errorf("%s: group %d known %q (captured %q), want %q", tc.src, i, konst, captured, w)
				}
			}
		}
	}
}
