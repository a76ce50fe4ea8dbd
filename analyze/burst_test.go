package analyze

import (
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// refBurst is what a burst must report, worked out naively from every
// line's second.
type refBurst struct {
	hits, rate          int
	first, last, lo, hi int // seconds (stamp)
}

// refBursts cuts sorted seconds at gaps longer than gap and finds each
// burst's densest window of w seconds (both ends in), the earliest of
// equals.
func refBursts(ts []int, gap, w int) []refBurst {
	var out []refBurst
	for i := 0; i < len(ts); {
		j := i + 1
		for j < len(ts) && ts[j]-ts[j-1] <= gap {
			j++
		}
		b := refBurst{hits: j - i, first: ts[i], last: ts[j-1]}
		lo := i
		for k := i; k < j; k++ {
			for ts[k]-ts[lo] > w {
				lo++
			}
			if k-lo+1 > b.rate {
				b.rate, b.lo, b.hi = k-lo+1, ts[lo], ts[k]
			}
		}
		out = append(out, b)
		i = j
	}
	return out
}

// TestBurstsExact: 100,000 lines over 3 keys, two bursts each (an hour
// apart), in two members that split the bursts between them: every
// burst is its own finding with exact counts, times, rate and densest
// window, whatever the evidence kept; its evidence lies within it and
// quotes its first and its last line.
func TestBurstsExact(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.burst
  title: "{peer}: {hits} rate {rate} from {first_seen} to {last_seen} densest {window_start} - {window_end}"
  severity: warning
  explanation: x
  remedy: x
  max_evidence: 4
  match:
    in: ["files/**/*.log*"]
    pattern: 'fail to (?P<peer>\w+) code=\d+'
    group_by: [peer]
    within: 1m
    split_gap: 10m`)
	peers := []string{"alpha", "beta", "gamma"}
	rng := rand.New(rand.NewSource(14))
	secs := map[string][]int{}
	type line struct {
		sec  int
		peer string
	}
	var lines []line
	for k, peer := range peers {
		sec := 100 * k
		for burst := 0; burst < 2; burst++ {
			for i := 0; i < 100000/6; i++ {
				sec += rng.Intn(3) // 0..2 s apart: several lines a second
				if i == 5000+1000*k {
					sec += 590 // a long pause, still inside the burst
				}
				lines = append(lines, line{sec, peer})
				secs[peer] = append(secs[peer], sec)
			}
			sec += 3600 // the next burst
		}
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].sec < lines[j].sec })
	pad := strings.Repeat("-", 40)
	var b strings.Builder
	for i, l := range lines {
		fmt.Fprintf(&b, "%s fail to %s code=%d %s\n", stamp(l.sec), l.peer, i, pad)
	}
	text := b.String()
	half := strings.Index(text[len(text)/2:], "\n") + len(text)/2 + 1
	dir := bundleDirOf(t, map[string]string{"files/a.log": text[half:], "files/a.log.1": text[:half]})
	rep := runWith(t, p, []string{dir}, Options{})
	got := findingsByKey(rep, "t.burst")
	want := 0
	for _, peer := range peers {
		refs := refBursts(secs[peer], 600, 60)
		if len(refs) != 2 {
			t.Fatalf("%s: the test data has %d bursts, want 2", peer, len(refs))
		}
		for _, r := range refs {
			want++
			key := peer + " @" + stampZ(r.first)
			f, ok := got[key]
			if !ok {
				t.Errorf("no finding %q; have %v", key, summary(rep))
				continue
			}
			title := fmt.Sprintf("%s: %d rate %d from %sZ to %sZ densest %sZ - %sZ", peer, r.hits, r.rate,
				stamp(r.first), stamp(r.last), stamp(r.lo), stamp(r.hi))
			if f.Title != title || f.Count != r.hits {
				t.Errorf("%s:\n got %q x%d\nwant %q x%d", key, f.Title, f.Count, title, r.hits)
			}
			if len(f.Evidence) == 0 || len(f.Evidence) > 4 {
				t.Fatalf("%s: %d evidence lines, want 1 to 4", key, len(f.Evidence))
			}
			for _, ev := range f.Evidence {
				s := ev.Time.UTC().Format("2006-01-02 15:04:05")
				if s < stamp(r.first) || s > stamp(r.last) || !strings.Contains(ev.Text, peer) {
					t.Errorf("%s: evidence %q lies outside the burst", key, ev.Text)
				}
			}
			if s := f.Evidence[0].Time.UTC().Format("2006-01-02 15:04:05"); s != stamp(r.first) {
				t.Errorf("%s: first evidence at %s, want the burst's first line (%s)", key, s, stamp(r.first))
			}
			if s := f.Evidence[len(f.Evidence)-1].Time.UTC().Format("2006-01-02 15:04:05"); s != stamp(r.last) {
				t.Errorf("%s: last evidence at %s, want the burst's last line (%s)", key, s, stamp(r.last))
			}
		}
	}
	if len(got) != want {
		t.Errorf("%d findings, want %d: %v", len(got), want, summary(rep))
	}
}

// stampZ is stamp as a burst's key shows it (RFC 3339, UTC).
func stampZ(i int) string {
	return time.Date(2024, 2, 20, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format(time.RFC3339)
}

// TestBurstSplit pins where split_gap cuts, per key, with lines spread
// over members and bundles.
func TestBurstSplit(t *testing.T) {
	rule := `rules:
- id: t.b
  title: "{hits} {matched.bad} {first_seen} {last_seen}"
  explanation: x
  remedy: x
  scope: all
  match:
    in: ["files/**/*.log*"]
    pattern: 'fail (?P<k>\w+)'
    label: bad
    any:
    - {pattern: 'oops (?P<k>\w+)', label: soft}
    group_by: [k]
    min: 2
    split_gap: 10m`
	type bnd map[string]string // one bundle: file -> lines "sec text"
	tests := []struct {
		name    string
		bundles []bnd
		want    []string // key x count: title
	}{
		{
			name:    "a gap of exactly split_gap joins",
			bundles: []bnd{{"files/a.log": "0 fail x\n600 fail x\n"}},
			want:    []string{"x @2024-02-20T00:00:00Z x2: 2 2 2024-02-20 00:00:00Z 2024-02-20 00:10:00Z"},
		},
		{
			name:    "a second more splits; a burst under min is no finding",
			bundles: []bnd{{"files/a.log": "0 fail x\n601 fail x\n602 oops x\n"}},
			want:    []string{"x @2024-02-20T00:10:01Z x2: 2 1 2024-02-20 00:10:01Z 2024-02-20 00:10:02Z"},
		},
		{
			name: "another member fills the gap",
			bundles: []bnd{{
				"files/a.log":   "0 fail x\n1000 fail x\n",
				"files/a.log.1": "500 oops x\n",
			}},
			want: []string{"x @2024-02-20T00:00:00Z x3: 3 2 2024-02-20 00:00:00Z 2024-02-20 00:16:40Z"},
		},
		{
			name: "another bundle fills the gap; keys apart",
			bundles: []bnd{
				{"files/a.log": "0 fail x\n1000 fail x\n5000 fail x\n5001 fail x\n0 fail y\n100 fail y\n"},
				{"files/b.log": "500 oops x\n"},
			},
			want: []string{
				"x @2024-02-20T00:00:00Z x3: 3 2 2024-02-20 00:00:00Z 2024-02-20 00:16:40Z",
				"x @2024-02-20T01:23:20Z x2: 2 2 2024-02-20 01:23:20Z 2024-02-20 01:23:21Z",
				"y @2024-02-20T00:00:00Z x2: 2 2 2024-02-20 00:00:00Z 2024-02-20 00:01:40Z",
			},
		},
		{
			name:    "lines in reverse order in a member",
			bundles: []bnd{{"files/a.log": "5001 fail x\n5000 fail x\n1000 fail x\n0 fail x\n"}},
			want: []string{
				"x @2024-02-20T01:23:20Z x2: 2 2 2024-02-20 01:23:20Z 2024-02-20 01:23:21Z",
			},
		},
	}
	p := testProfile(t, logsYMD+rule)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var dirs []string
			for _, bd := range tc.bundles {
				files := map[string]string{}
				for name, body := range bd {
					var b strings.Builder
					for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
						var sec int
						var rest string
						fmt.Sscanf(l, "%d", &sec)
						rest = l[strings.Index(l, " ")+1:]
						fmt.Fprintf(&b, "%s %s\n", stamp(sec), rest)
					}
					files[name] = b.String()
				}
				dirs = append(dirs, bundleDirOf(t, files))
			}
			rep := runWith(t, p, dirs, Options{})
			var got []string
			for _, s := range summary(rep) {
				if strings.HasPrefix(s, "t.b ") {
					got = append(got, strings.TrimPrefix(s, "t.b info ["))
				}
			}
			sort.Strings(got)
			var want []string
			for _, w := range tc.want {
				k, rest, _ := strings.Cut(w, " x")
				want = append(want, k+"] x"+rest)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

// TestDensestWindow: without split_gap the group's densest window is
// reported too; a rule on kept lines (where reads a fact) gives it from
// those.
func TestDensestWindow(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: on, expr: 'true'}
rules:
- id: t.w
  title: "{rate} in {within}: {clock(window_start)}-{clock(window_end)}"
  explanation: x
  remedy: x
  match:
    in: ["files/**/*.log*"]
    pattern: 'fail (?P<k>\w+)'
    within: 1m
- id: t.kept
  title: "{rate} in {within}: {clock(window_start)}-{clock(window_end)}"
  explanation: x
  remedy: x
  match:
    in: ["files/**/*.log*"]
    pattern: 'fail (?P<k>\w+)'
    where: on
    within: 1m`)
	var b strings.Builder
	for _, sec := range []int{0, 30, 100, 110, 120, 160, 161, 400, 410, 420, 460} {
		fmt.Fprintf(&b, "%s fail x\n", stamp(sec))
	}
	rep := runWith(t, p, []string{bundleDirOf(t, map[string]string{"files/a.log": b.String()})}, Options{})
	want := []string{"t.kept info x11: 4 in 1m: 00:01:40-00:02:40", "t.w info x11: 4 in 1m: 00:01:40-00:02:40"}
	got := summary(rep)
	sort.Strings(got)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestBurstKeepFloors: a group's local bursts keep their first lines and
// their last within the floors of the first and the last ones; those
// between need the budget (none here) and are counted as dropped; lines
// of one run arriving out of order still keep the earliest and latest.
func TestBurstKeepFloors(t *testing.T) {
	b := &bundleState{}
	m := &member{}
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	rec := func(line int, at time.Duration) *record {
		return &record{b: b, m: m, line: line, t: base.Add(at)}
	}
	k := &burstKeep{gap: int64(10 * time.Minute), head: 2, open: map[*member]*localBurst{}}
	line := 0
	for i := 0; i < 100; i++ { // 100 runs an hour apart, 4 lines each, out of order
		start := time.Duration(i) * time.Hour
		for _, s := range []int{3, 0, 2, 1} {
			line++
			k.add(rec(line, start+time.Duration(s)*time.Minute), nil)
		}
	}
	if len(k.done) != burstFloorHead || len(k.ring) != burstFloorTail || k.dropped != 100-burstFloorHead-burstFloorTail-1 {
		t.Fatalf("done %d, ring %d, dropped %d; want %d, %d, %d", len(k.done), len(k.ring), k.dropped,
			burstFloorHead, burstFloorTail, 100-burstFloorHead-burstFloorTail-1)
	}
	runs := map[int][]int{} // run -> minutes kept
	for _, r := range k.records() {
		d := r.t.Sub(base)
		runs[int(d/time.Hour)] = append(runs[int(d/time.Hour)], int(d%time.Hour/time.Minute))
	}
	for i := 0; i < 100; i++ {
		got := runs[i]
		sort.Ints(got)
		kept := i < burstFloorHead || i >= 100-burstFloorTail-1
		switch {
		case kept && !slices.Equal(got, []int{0, 1, 3}):
			t.Errorf("run %d keeps minutes %v, want its first two and its last: [0 1 3]", i, got)
		case !kept && got != nil:
			t.Errorf("run %d keeps %v, want none (beyond the floors, no budget)", i, got)
		}
	}
}

// TestExplainBursts: --explain says that a rule splits its groups.
func TestExplainBursts(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.b
  title: x
  explanation: x
  remedy: x
  match:
    in: ["files/**/*.log*"]
    pattern: 'fail (?P<k>\w+)'
    group_by: [k]
    split_gap: 90m`)
	s, err := Explain(p, "t.b")
	if err != nil || !strings.Contains(s, "one finding per distinct k\n  one finding per burst: a gap of more than 1h30m between lines starts the next\n") {
		t.Errorf("%v\n%s", err, s)
	}
}

// TestBurstsTimeOfDay: logs with a time of day only, oldest and newest
// first, across midnight: bursts and their evidence get the dates the
// member's lines get.
func TestBurstsTimeOfDay(t *testing.T) {
	p := testProfile(t, `logs:
- {files: ["files/**/a.log"], time: custom, regex: '^(?P<time>\d\d:\d\d:\d\d) ', layout: "15:04:05"}
- {files: ["files/**/page.log"], time: custom, regex: '^(?P<time>\d\d:\d\d:\d\d) ', layout: "15:04:05", order: newest-first}
rules:
- id: t.b
  title: "{hits}"
  explanation: x
  remedy: x
  match:
    in: ["files/**/*.log"]
    pattern: 'fail (?P<k>\w+)'
    group_by: [k]
    split_gap: 30m`)
	dir := bundleDirOf(t, map[string]string{
		"files/a.log":    "23:50:00 fail x\n23:55:00 fail x\n00:40:00 fail x\n00:41:00 fail x\n",
		"files/page.log": "00:41:00 fail y\n00:40:00 fail y\n23:55:00 fail y\n23:50:00 fail y\n",
	})
	rep := runWith(t, p, []string{dir}, Options{})
	var got []string
	for _, f := range rep.Findings {
		s := f.Key + " x" + f.Title + ":"
		for _, ev := range f.Evidence {
			s += " " + ev.Time.UTC().Format("01-02T15:04")
		}
		got = append(got, s)
	}
	sort.Strings(got)
	want := []string{
		"x @2024-02-29T23:50:00Z x2: 02-29T23:50 02-29T23:55",
		"x @2024-03-01T00:40:00Z x2: 03-01T00:40 03-01T00:41",
		"y @2024-02-29T23:50:00Z x2: 02-29T23:50 02-29T23:55",
		"y @2024-03-01T00:40:00Z x2: 03-01T00:40 03-01T00:41",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestBurstsRandom compares bursts, rates and windows with the naive
// reference on random lines spread over three members, for a window
// narrower and one wider than split_gap.
func TestBurstsRandom(t *testing.T) {
	for _, within := range []int{300, 3600} {
		p := testProfile(t, logsYMD+fmt.Sprintf(`rules:
- id: t.r
  title: "{hits} {rate} {window_start} {window_end} {last_seen}"
  explanation: x
  remedy: x
  max_findings: 100000
  match:
    in: ["files/**/*.log*"]
    pattern: 'fail'
    within: %ds
    split_gap: 10m`, within))
		for seed := int64(1); seed <= 3; seed++ {
			rng := rand.New(rand.NewSource(seed))
			var all []int
			logs := make([]strings.Builder, 3)
			sec := 0
			for i := 0; i < 3000; i++ {
				switch rng.Intn(40) {
				case 0:
					sec += 601 + rng.Intn(1200) // a pause: the next burst
				case 1:
					sec += 600 // exactly split_gap: no split
				default:
					sec += rng.Intn(20)
				}
				all = append(all, sec)
				fmt.Fprintf(&logs[rng.Intn(3)], "%s fail %d\n", stamp(sec), i)
			}
			dir := bundleDirOf(t, map[string]string{"files/a.log": logs[0].String(), "files/a.log.1": logs[1].String(), "files/b.log": logs[2].String()})
			rep := runWith(t, p, []string{dir}, Options{})
			got := findingsByKey(rep, "t.r")
			refs := refBursts(all, 600, within)
			if len(got) != len(refs) {
				t.Errorf("within %ds seed %d: %d findings, want %d", within, seed, len(got), len(refs))
			}
			for _, r := range refs {
				key := "@" + stampZ(r.first)
				want := fmt.Sprintf("%d %d %sZ %sZ %sZ", r.hits, r.rate, stamp(r.lo), stamp(r.hi), stamp(r.last))
				if f := got[key]; f.Title != want {
					t.Errorf("within %ds seed %d %s: %q, want %q", within, seed, key, f.Title, want)
				}
			}
		}
	}
}

// TestBurstKeepDraws: a rule that reads records keeps every line of a run
// while the budget lasts, then its first ones and its last.
func TestBurstKeepDraws(t *testing.T) {
	b, m := &bundleState{}, &member{}
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	pat := &pattern{}
	bud := &budget{left: 50 * recSize(&record{pat: pat, text: "x"})}
	k := &burstKeep{gap: int64(time.Hour), head: 5, open: map[*member]*localBurst{}, draw: true}
	for i := 0; i < 200; i++ {
		k.add(&record{b: b, m: m, pat: pat, text: "x", line: i + 1, t: base.Add(time.Duration(i) * time.Second)}, bud)
	}
	rs := k.records()
	if len(rs) != 5+50+1 || rs[len(rs)-1].line != 200 || rs[len(rs)-2].line != 55 {
		t.Errorf("kept %d lines (the last two %d, %d); want 56: the first 5, 50 drawn on the budget, the last",
			len(rs), rs[len(rs)-2].line, rs[len(rs)-1].line)
	}
}
