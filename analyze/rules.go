package analyze

import (
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"casefile/analyze/report"
	"casefile/profiles"
)

// maxFindingsPerRule bounds the findings one rule makes on one bundle
// unless the rule sets max_findings (a group_by over a noisy capture could
// make thousands); coverage says how many more there were.
const maxFindingsPerRule = 200

// evaluator runs facts and rules after the pass.
type evaluator struct {
	opts     Options
	incident *time.Time
	findings []*finding
	// capped counts findings left out per rule and bundle.
	capped map[string]int
}

// finding is a report finding with the records behind it.
type finding struct {
	report.Finding
	rank int // profile order of the rule, for stable sorting
	// anchor is a check rule's anchor time (zero: none), for near_incident.
	anchor time.Time
}

// draft is a finding before its rule's when, severity and texts are
// worked out.
type draft struct {
	key      string
	parts    []string // the values key joins (report.Finding.KeyParts)
	vars     map[string]any
	caps     *record // whose captures the texts see
	matches  []*record
	related  []*record
	res      *record
	anchor   time.Time // context is taken around it
	count    int
	resolved bool
	keyLine  bool // key is file:line (check for_each)
	// reportKey groups drafts of a state rule with report_by; latest is
	// the time of the key's last line.
	reportKey string
	latest    time.Time
	// first and last, when set, are the exact times of all the lines
	// behind the finding (matches holds the kept ones).
	first, last time.Time
	// inexact says which values are computed from the kept lines only
	// (shown in the finding).
	inexact string
	// bs, when set, are the bundles the finding is about (samples: the
	// later and the earlier), instead of the rule run's.
	bs []*bundleState
}

// ruleEnv is the environment of one rule: base, the kind's variables
// (nil), every capture ("").
func (e *evaluator) ruleEnv(rp *rulePlan, bs []*bundleState, scopeAll bool) map[string]any {
	env := e.baseEnv(bs, !scopeAll)
	for _, v := range rp.rule.Kind.Vars() {
		env[v] = nil
	}
	if rp.kind == "match" {
		env["matched"] = map[string]any{}
	}
	for _, c := range rp.captures {
		env[c] = ""
	}
	return env
}

func setCaps(env map[string]any, rp *rulePlan, r *record) {
	for _, c := range rp.captures {
		env[c] = ""
	}
	if r == nil {
		return
	}
	for i, n := range r.pat.names {
		env[n] = r.caps[i]
	}
	for i, n := range r.fnames {
		env[n] = r.fcaps[i]
	}
}

// ruleRun is one evaluation of a rule over some bundles: it knows which
// of the rule's slots each record came from (its label) and makes each
// record's map once.
type ruleRun struct {
	rp     *rulePlan
	bs     []*bundleState
	slotOf map[*record]*slot
	maps   map[*record]map[string]any
}

func newRuleRun(rp *rulePlan, bs []*bundleState) *ruleRun {
	return &ruleRun{rp: rp, bs: bs, slotOf: map[*record]*slot{}, maps: map[*record]map[string]any{}}
}

// recKey identifies a line matched by a pattern (copies of a record made
// for file patterns share it).
type recKey struct{ b, m, line, seg, pat int }

// records gathers the records of slots over the run's bundles, sorted,
// each line once.
func (rr *ruleRun) records(slots []*slot) []*record {
	seen := map[recKey]bool{}
	var out []*record
	for _, b := range rr.bs {
		for _, s := range slots {
			for _, r := range b.slotRecords(s) {
				k := recKey{r.b.idx, r.m.idx, r.line, r.seg, r.pat.id}
				if seen[k] {
					continue
				}
				seen[k] = true
				out = append(out, r)
				if rr.slotOf[r] == nil {
					rr.slotOf[r] = s
				}
			}
		}
	}
	sortRecords(out)
	return out
}

// recordMap is a record of the rule as expressions see it: its fields,
// its label, and every capture name of the rule ("" when it has none).
func (rr *ruleRun) recordMap(r *record) map[string]any {
	if m, ok := rr.maps[r]; ok {
		return m
	}
	label := ""
	if s := rr.slotOf[r]; s != nil {
		label = s.label
	} else if r.sl != nil {
		label = r.sl.label
	}
	m := recordMap(r, r.value(), label, rr.rp.captures)
	rr.maps[r] = m
	return m
}

// recordMaps are the maps of records for the records variable; none
// when no expression of the rule reads it (they cost more than the
// records).
func (rr *ruleRun) recordMaps(rs []*record) []any {
	out := make([]any, 0, len(rs))
	if !rr.rp.readsRecords {
		return out
	}
	for _, r := range rs {
		out = append(out, rr.recordMap(r))
	}
	return out
}

func droppedOf(slots []*slot, bs []*bundleState) int {
	n := 0
	for _, b := range bs {
		for _, s := range slots {
			n += b.slots[s.id].dropped
		}
	}
	return n
}

// evalRule runs one rule over bundles (one, or the group for scope all)
// and returns its findings and the first run-time error.
func (e *evaluator) evalRule(rp *rulePlan, bs []*bundleState, scopeAll bool) ([]*finding, error) {
	env := e.ruleEnv(rp, bs, scopeAll)
	rr := newRuleRun(rp, bs)
	drafts, err := rp.engine.eval(e, rr, env)
	if scopeAll && err == nil && bs[0].group != nil {
		err = bs[0].group.acrossErr(rp)
	}
	var out []*finding
	var made []*draft
	for _, d := range drafts {
		fbs := bs
		if d.bs != nil {
			fbs = d.bs
		}
		f, ferr := e.finalize(rp, fbs, scopeAll, env, d)
		if ferr != nil && err == nil {
			err = ferr
		}
		// A failing cite loses its evidence, not the finding: finalize
		// returns the finding with the error then.
		if f != nil {
			out = append(out, f)
			made = append(made, d)
		}
	}
	if rp.kind == "state" && len(rp.rule.State.ReportBy) > 0 {
		out = reportBy(out, made)
	}
	limit := rp.rule.MaxFindings
	if limit <= 0 {
		limit = maxFindingsPerRule
	}
	if len(out) > limit {
		sort.SliceStable(out, func(i, j int) bool {
			a, b := out[i], out[j]
			if ra, rb := profiles.SeverityRank(a.Severity), profiles.SeverityRank(b.Severity); ra != rb {
				return ra > rb
			}
			return a.Count > b.Count
		})
		e.capped[rp.rule.ID+"\x00"+bs[0].name] += len(out) - limit
		out = out[:limit]
	}
	return out, err
}

// reportBy keeps, per report_by value, the most severe finding (then the
// one whose key was seen last, then the first).
func reportBy(fs []*finding, ds []*draft) []*finding {
	best := map[string]int{}
	var order []string
	for i, d := range ds {
		j, ok := best[d.reportKey]
		if !ok {
			best[d.reportKey] = i
			order = append(order, d.reportKey)
			continue
		}
		ra, rb := profiles.SeverityRank(fs[i].Severity), profiles.SeverityRank(fs[j].Severity)
		if ra > rb || ra == rb && d.latest.After(ds[j].latest) {
			best[d.reportKey] = i
		}
	}
	out := make([]*finding, 0, len(order))
	for _, k := range order {
		out = append(out, fs[best[k]])
	}
	return out
}

// evalMatch: where, group_by, min/within, resolved_by.
func (e *evaluator) evalMatch(rr *ruleRun, env map[string]any) ([]*draft, error) {
	if rr.rp.agg {
		return e.evalMatchAgg(rr)
	}
	return e.evalMatchKept(rr, env)
}

// evalMatchKept evaluates a match rule whose where reads facts or
// bundles (so it could not be judged in the pass) over the kept records;
// when lines were not kept, the finding says its numbers are a lower
// bound.
func (e *evaluator) evalMatchKept(rr *ruleRun, env map[string]any) ([]*draft, error) {
	rp, bs := rr.rp, rr.bs
	spec := rp.rule.Match
	prof := bs[0].plan.prof
	labelOf := map[*pattern][]string{}
	for _, s := range rp.any {
		if s.label != "" {
			labelOf[s.pat] = append(labelOf[s.pat], s.label)
		}
	}
	recs := rr.records(rp.any)
	type grp struct {
		key  string
		vals []string
		recs []*record
	}
	var groups []*grp
	byKey := map[string]*grp{}
	whereEnv := maps.Clone(env)
	for _, r := range recs {
		if spec.Where.IsSet() {
			// The line's captures (every capture of the rule) and fields.
			maps.Copy(whereEnv, rr.recordMap(r))
			ok, err := truth(&spec.Where, whereEnv)
			if err != nil {
				return nil, exprError(prof, &spec.Where, "where", err)
			}
			if !ok {
				continue
			}
		}
		var vals []string
		for _, k := range spec.GroupBy {
			v, _ := r.capture(k)
			vals = append(vals, v)
		}
		id := groupID(vals)
		g := byKey[id]
		if g == nil {
			g = &grp{key: joinKey(vals), vals: vals}
			byKey[id] = g
			groups = append(groups, g)
		}
		g.recs = append(g.recs, r)
	}
	minN := spec.Min
	if minN <= 0 {
		minN = 1
	}
	var resRecs []*record
	if len(rp.res) > 0 {
		resRecs = rr.records(rp.res)
	}
	alsoRecs := make([][]*record, len(rp.also))
	for i, s := range rp.also {
		alsoRecs[i] = rr.records([]*slot{s})
	}
	var out []*draft
	for _, g := range groups {
		hits := weightSum(g.recs, spec.Weight)
		first, last := timeSpan(g.recs)
		rate := hits
		if spec.Within.Duration > 0 {
			rate = maxInWindowW(g.recs, spec.Within.Duration, spec.Weight)
			if first.IsZero() {
				rate = hits // no times: the window cannot be judged
			}
		}
		if rate < minN {
			continue
		}
		d := &draft{key: g.key, parts: g.vals, caps: g.recs[0], matches: g.recs, count: hits, anchor: first}
		res := resolution(spec, resRecs, g.recs[len(g.recs)-1], g.vals)
		d.res = res
		d.resolved = res != nil
		matched := map[string]any{}
		for _, s := range rp.any {
			if s.label != "" {
				matched[s.label] = 0
			}
		}
		for _, r := range g.recs {
			for _, l := range labelOf[r.pat] {
				matched[l] = matched[l].(int) + weightOf(r, spec.Weight)
			}
		}
		var records []any
		for _, r := range g.recs {
			records = append(records, rr.recordMap(r))
		}
		loc := bs[0].loc
		d.vars = map[string]any{
			"hits": hits, "rate": rate,
			"first_seen": timeOrNil(first, loc), "last_seen": timeOrNil(last, loc),
			"span": span(first, last), "matched": matched,
			"resolved": res != nil, "resolved_at": nil,
			"records": records,
			"group":   g.key,
		}
		if res != nil {
			d.vars["resolved_at"] = timeOrNil(res.t, loc)
		}
		setWindow(d.vars, densestRecs(g.recs, spec.Within.Duration), loc)
		d.related = relatedLines(rp, alsoRecs, g.recs, first, last)
		if n := droppedOf(rp.any, bs); n > 0 {
			d.inexact = fmt.Sprintf("%d matching lines were not kept (memory budget) and where reads facts, so it was judged on the kept lines only: hits and times are a lower bound", n)
		}
		out = append(out, d)
	}
	return out, nil
}

// resolution finds the first resolved_by line after a group's last line
// (within the resolution's window) of the same group.
func resolution(spec *profiles.MatchSpec, resRecs []*record, lastRec *record, vals []string) *record {
	for _, r := range resRecs {
		if !lastRec.before(r) {
			continue
		}
		if w := spec.ResolvedBy.Within.Duration; w > 0 && !lastRec.t.IsZero() && r.t.Sub(lastRec.t) > w {
			break
		}
		if !sameGroup(r, spec.GroupBy, vals) {
			continue
		}
		return r
	}
	return nil
}

// keptNote is the finding's note when records (which its expressions
// read) holds only the kept lines of more.
// factNotesOf are the notes of the facts a rule reads that are not
// exact (factAgg.note), in the bundles of a finding.
func factNotesOf(rp *rulePlan, bs []*bundleState) string {
	var out []string
	for _, f := range rp.facts {
		for _, b := range bs {
			if n := b.factNotes[f]; n != "" && !contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return strings.Join(out, "; ")
}

// joinNotes joins the non-empty notes with "; ".
func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

func keptNote(rp *rulePlan, kept, total int) string {
	if !rp.readsRecords || kept >= total {
		return ""
	}
	return fmt.Sprintf("records holds %d of the %d lines (the first and the last; memory budget): values computed from records count those only; hits, times and rate count every line", kept, total)
}

// evalMatchAgg evaluates a match rule from its aggregates: every count,
// time and rate is exact; records holds the kept lines.
func (e *evaluator) evalMatchAgg(rr *ruleRun) ([]*draft, error) {
	rp, bs := rr.rp, rr.bs
	spec := rp.rule.Match
	groups, err := mergeGroups(rr)
	if err != nil {
		return nil, err
	}
	minN := spec.Min
	if minN <= 0 {
		minN = 1
	}
	var resRecs []*record
	if len(rp.res) > 0 {
		resRecs = rr.records(rp.res)
	}
	alsoRecs := make([][]*record, len(rp.also))
	for i, s := range rp.also {
		alsoRecs[i] = rr.records([]*slot{s})
	}
	loc := bs[0].loc
	var out []*draft
	for _, g := range groups {
		if g.hits == 0 || len(g.recs) == 0 {
			continue
		}
		if spec.SplitGap.Duration > 0 {
			out = append(out, e.burstDrafts(rr, g, resRecs, alsoRecs)...)
			continue
		}
		hits := g.hits
		first, last, rate, win := g.densest(spec.Within.Duration)
		if spec.Within.Duration <= 0 || first.IsZero() {
			rate = hits // no window, or no times: the window cannot be judged
		}
		if rate < minN {
			continue
		}
		recs := g.recs
		d := &draft{key: g.key, parts: g.vals, caps: recs[0], matches: recs, count: hits, anchor: first}
		res := resolution(spec, resRecs, recs[len(recs)-1], g.vals)
		d.res = res
		d.resolved = res != nil
		matched := map[string]any{}
		for _, s := range rp.any {
			if s.label != "" {
				matched[s.label] = 0
			}
		}
		for i, s := range rp.any {
			if s.label != "" {
				matched[s.label] = matched[s.label].(int) + g.labels[i]
			}
		}
		records := rr.recordMaps(recs)
		d.vars = map[string]any{
			"hits": hits, "rate": rate,
			"first_seen": timeOrNil(first, loc), "last_seen": timeOrNil(last, loc),
			"span": span(first, last), "matched": matched,
			"resolved": res != nil, "resolved_at": nil,
			"records": records,
			"group":   g.key,
		}
		if res != nil {
			d.vars["resolved_at"] = timeOrNil(res.t, loc)
		}
		setWindow(d.vars, win, loc)
		d.related = relatedLines(rp, alsoRecs, recs, first, last)
		d.first, d.last = first, last
		d.inexact = keptNote(rp, len(recs), g.total)
		out = append(out, d)
	}
	return out, nil
}

// relatedLines picks the aftermath of a finding's matches: per also entry,
// the lines from its before (default 0) ahead of the first match to 10
// minutes after the last; with within, instead the lines that close to a
// match; with join_on, only lines sharing those captures with a match
// (within that time, if set). Lines without a time are not judged by time.
func relatedLines(rp *rulePlan, alsoRecs [][]*record, matches []*record, first, last time.Time) []*record {
	var out []*record
	seen := map[recKey]bool{}
	for i, rel := range rp.related {
		within := rel.Within.Duration
		lo, hi := first.Add(-rel.Before.Duration), last.Add(10*time.Minute)
		for _, r := range alsoRecs[i] {
			timed := !first.IsZero() && !r.t.IsZero()
			if within == 0 && timed && (r.t.Before(lo) || r.t.After(hi)) {
				continue
			}
			if (within > 0 || len(rel.JoinOn) > 0) && !joined(r, matches, rel.JoinOn, within) {
				continue
			}
			k := recKey{r.b.idx, r.m.idx, r.line, r.seg, r.pat.id}
			if !seen[k] {
				seen[k] = true
				out = append(out, r)
			}
		}
	}
	sortRecords(out)
	return out
}

// joined reports whether some match shares r's join captures and (within
// > 0) lies within that time of it. matches are in time order.
func joined(r *record, matches []*record, join []string, within time.Duration) bool {
	from := 0
	if within > 0 && !r.t.IsZero() {
		lo := r.t.Add(-within)
		from = sort.Search(len(matches), func(i int) bool { return !matches[i].t.IsZero() && !matches[i].t.Before(lo) })
		// Untimed matches sort first: look at them too.
		for i := 0; i < len(matches) && matches[i].t.IsZero(); i++ {
			if sameCaptures(r, matches[i], join) {
				return true
			}
		}
	}
	for _, m := range matches[from:] {
		if within > 0 && !r.t.IsZero() && !m.t.IsZero() {
			if m.t.Sub(r.t) > within {
				break
			}
			if r.t.Sub(m.t) > within {
				continue
			}
		}
		if sameCaptures(r, m, join) {
			return true
		}
	}
	return false
}

func sameCaptures(a, b *record, names []string) bool {
	for _, n := range names {
		x, _ := a.capture(n)
		y, _ := b.capture(n)
		if x != y {
			return false
		}
	}
	return true
}

func sameGroup(r *record, keys []string, vals []string) bool {
	for i, k := range keys {
		if v, ok := r.capture(k); ok && v != vals[i] {
			return false
		}
	}
	return true
}

// timeSpan returns the first and last times of records (zero if none).
func timeSpan(rs []*record) (first, last time.Time) {
	for _, r := range rs {
		if r.t.IsZero() {
			continue
		}
		if first.IsZero() || r.t.Before(first) {
			first = r.t
		}
		if last.IsZero() || r.t.After(last) {
			last = r.t
		}
	}
	return first, last
}

func span(first, last time.Time) any {
	if first.IsZero() || last.IsZero() {
		return time.Duration(0)
	}
	return last.Sub(first)
}

// maxInWindow is the most records whose times fit in any window of
// length w (records are in time order).
func maxInWindow(rs []*record, w time.Duration) int {
	var ts []time.Time
	for _, r := range rs {
		if !r.t.IsZero() {
			ts = append(ts, r.t)
		}
	}
	best, i := 0, 0
	for j := range ts {
		for ts[j].Sub(ts[i]) > w {
			i++
		}
		best = max(best, j-i+1)
	}
	return best
}

// evalSequence pairs starts with later expects of the same key, from the
// rule's aggregates: every start and expect counts. A start is answered
// by the first expect after it within the window (untimed lines are not
// judged by time), or (skew) by an expect of another bundle at most skew
// before it; one whose window reaches past the end of the data is not
// judged. The pass has folded the expects and answered most starts
// (seqfold.go); the starts still waiting are judged here against the
// expects of every bundle of the run, in the merge's order.
func (e *evaluator) evalSequence(rr *ruleRun) []*draft {
	if seqNaiveEval != nil {
		return seqNaiveEval(e, rr)
	}
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
	var out []*draft
	for _, g := range groups {
		kept := map[posKey]*record{}
		for _, r := range g.recs {
			kept[posOf(r)] = r
		}
		for _, r := range g.cands {
			kept[posOf(r)] = r
		}
		var un []*record
		j := judgeWaiting(g.seqs, int64(within), int64(skew), endNS, func(x *evt) {
			if r := kept[posOfEvt(x)]; r != nil {
				un = append(un, r)
			}
		})
		answered, nUn, first, last := j.answered, j.nUn, j.first, j.last
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

// seqNaiveEval and keepStreams (tests): evaluate sequence rules from
// full event streams instead, and state rules of scope bundle after the
// pass (seqfold_test.go).
var (
	seqNaiveEval func(e *evaluator, rr *ruleRun) []*draft
	keepStreams  bool
)

// dataEnd is the time the data ends: the latest collection end, else the
// latest line time read.
func dataEnd(bs []*bundleState) time.Time {
	var end time.Time
	for _, b := range bs {
		if b.manifest != nil && b.ref.After(end) {
			end = b.ref
		}
	}
	if !end.IsZero() {
		return end
	}
	for _, b := range bs {
		for _, m := range b.members {
			if m.last.After(end) {
				end = m.last
			}
		}
	}
	return end
}

// maxHistory bounds a state's history.
const maxHistory = 20

// evalState follows a state per key through every line of its
// aggregate, in time order, and makes one draft per key.
func (e *evaluator) evalState(rr *ruleRun) []*draft {
	rp, bs := rr.rp, rr.bs
	spec := rp.rule.State
	groups, _ := mergeGroups(rr)
	loc := bs[0].loc
	maxEv := rp.rule.MaxEvidence
	if maxEv <= 0 {
		maxEv = 5
	}
	var out []*draft
	for _, g := range groups {
		if g.hits == 0 || len(g.recs) == 0 {
			continue
		}
		kept := map[posKey]*record{}
		for _, r := range g.recs {
			kept[posOf(r)] = r
		}
		sum := g.stateSum
		if sum == nil {
			sum = walkState(rp, maxEv, g.evs...)
		}
		changes, lastPos := sum.changes, sum.lastPos
		state, since, first, last := sum.state, sum.since, sum.first, sum.last
		seen := map[string]any{}
		for n, t := range sum.seen {
			seen[n] = timeOrNil(t, loc)
		}
		history, events := []any{}, []any{}
		for _, n := range sum.history {
			history = append(history, n)
		}
		for _, n := range sum.events {
			events = append(events, n)
		}
		var evidence []*record
		for _, p := range changes {
			if r := kept[p]; r != nil {
				evidence = append(evidence, r)
			}
		}
		if len(evidence) == 0 {
			evidence = g.recs[len(g.recs)-1:]
		}
		caps := kept[lastPos]
		if caps == nil {
			caps = g.recs[len(g.recs)-1]
		}
		records := rr.recordMaps(g.recs)
		var rvals []string
		for _, c := range spec.ReportBy {
			v, _ := g.recs[0].capture(c)
			rvals = append(rvals, v)
		}
		anchor := since
		if anchor.IsZero() {
			anchor = first
		}
		out = append(out, &draft{
			key: g.key, parts: g.vals, caps: caps, matches: evidence, count: g.hits, anchor: anchor,
			first: sum.cFirst, last: sum.cLast,
			reportKey: groupID(rvals), latest: last,
			inexact: keptNote(rp, len(g.recs), g.hits),
			vars: map[string]any{
				"state": state, "since": timeOrNil(since, loc), "seen": seen,
				"history": history, "events": events, "hits": g.hits,
				"first_seen": timeOrNil(first, loc), "last_seen": timeOrNil(last, loc),
				"records": records,
				"group":   g.key,
			},
		})
	}
	return out
}

// stateSum is what a state group's walk over its lines in time order
// gives (evalState): computed after the pass, or at the end of its
// bundle's pass for a rule of scope bundle (reduceStreams), which then
// lets its stream go.
type stateSum struct {
	state           string
	since           time.Time
	seen            map[string]time.Time // zero: untimed
	history, events []string
	changes         []posKey // the last maxEv changes and events
	lastPos         posKey
	first, last     time.Time
	cFirst, cLast   time.Time // of the changes: the finding's span
}

// walkState follows a state through a group's lines in time order.
func walkState(rp *rulePlan, maxEv int, evs ...*evStream) *stateSum {
	st := &stateSum{seen: map[string]time.Time{}}
	it := newEvIter(evs...)
	var x evt
	for it.next(&x) {
		t := timeOfEvt(&x)
		if !t.IsZero() {
			if st.first.IsZero() {
				st.first = t
			}
			st.last = t
		}
		name := rp.names.vals[x.tag>>1]
		change := false
		if x.tag&1 == 1 {
			st.seen[name] = t
			st.events = append(st.events, name)
			if len(st.events) > maxHistory {
				st.events = st.events[len(st.events)-maxHistory:]
			}
			change = true
		} else {
			if name != st.state || len(st.history) == 0 {
				st.state, st.since = name, t
				st.history = append(st.history, name)
				if len(st.history) > maxHistory {
					st.history = st.history[len(st.history)-maxHistory:]
				}
				change = true
			}
			st.seen[name] = t
		}
		if change {
			if !t.IsZero() {
				if st.cFirst.IsZero() {
					st.cFirst = t
				}
				st.cLast = t
			}
			st.changes = append(st.changes, posOfEvt(&x))
			if len(st.changes) > maxEv {
				st.changes = st.changes[len(st.changes)-maxEv:]
			}
		}
		st.lastPos = posOfEvt(&x)
	}
	return st
}

// evalCheck: once, or once per record of a for_each fact.
func (e *evaluator) evalCheck(rr *ruleRun) []*draft {
	rp, bs := rr.rp, rr.bs
	fe := rp.rule.Check.ForEach
	if fe == "" {
		return []*draft{{vars: map[string]any{}}}
	}
	var out []*draft
	for _, b := range bs {
		maps, _ := b.sources[fe].([]any)
		for i, r := range b.factRecs[fe] {
			var m map[string]any
			if i < len(maps) {
				m, _ = maps[i].(map[string]any)
			}
			if m == nil {
				m = recordMap(r, r.value(), "", nil)
			}
			vars := map[string]any{}
			// The check kind's variables (profiles.RuleVars), per record.
			for _, n := range rp.rule.Kind.Vars() {
				if n == "record" {
					vars[n] = m
				} else {
					vars[n] = m[n]
				}
			}
			out = append(out, &draft{
				key: fmt.Sprintf("%s:%d", r.m.path, r.line), keyLine: true, caps: r,
				matches: []*record{r}, count: 1, anchor: r.t, vars: vars,
			})
		}
	}
	return out
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// finalize works out a draft's when, severity, texts, evidence, cite and
// context; nil when the rule's when does not hold.
func (e *evaluator) finalize(rp *rulePlan, bs []*bundleState, scopeAll bool, base map[string]any, d *draft) (*finding, error) {
	r := rp.rule
	prof := bs[0].plan.prof
	env := maps.Clone(base)
	setCaps(env, rp, d.caps)
	maps.Copy(env, d.vars)
	// The count phrase prints its times as every text does: in the
	// report's zone (--timezone), not the bundle's.
	textNames(env, r, e.opts.displayZone())
	for i := range r.Vars {
		v := &r.Vars[i]
		x, err := evalVar(prof, v, env, e.opts.displayZone())
		if err != nil {
			return nil, err
		}
		env[v.Name] = x
	}
	ok, err := truth(&r.When, env)
	if err != nil {
		return nil, exprError(prof, &r.When, "when", err)
	}
	if !ok {
		return nil, nil
	}
	sev := r.Severity
	for i := range r.SeverityWhen {
		sw := &r.SeverityWhen[i]
		ok, err := truth(&sw.When, env)
		if err != nil {
			return nil, exprError(prof, &sw.When, "severity_when", err)
		}
		if ok {
			sev = sw.Severity
			break
		}
	}
	if m, ok := r.Kind.(*profiles.MatchSpec); ok && d.resolved && m.ResolvedBy != nil {
		if rs := m.ResolvedBy.Severity; profiles.SeverityRank(rs) < profiles.SeverityRank(sev) {
			sev = rs
		}
	}
	loc := e.opts.displayZone()
	title, err := renderTitle(prof, r, env, loc)
	if err != nil {
		return nil, err
	}
	expl, err := renderText(prof, &r.Explanation, env, loc)
	if err != nil {
		return nil, err
	}
	rem, err := renderText(prof, &r.Remedy, env, loc)
	if err != nil {
		return nil, err
	}
	for i := range r.Notes {
		n := &r.Notes[i]
		ok, err := truth(&n.When, env)
		if err != nil {
			return nil, exprError(prof, &n.When, "note when", err)
		}
		if !ok {
			continue
		}
		if n.Explanation.Src != "" {
			s, err := renderText(prof, &n.Explanation, env, loc)
			if err != nil {
				return nil, err
			}
			expl = joinNote(expl, s, n.Inline)
		}
		if n.Remedy.Src != "" {
			s, err := renderText(prof, &n.Remedy, env, loc)
			if err != nil {
				return nil, err
			}
			rem = joinNote(rem, s, n.Inline)
		}
	}
	f := &finding{Finding: report.Finding{
		ID: r.ID, Severity: sev, Title: title, Explanation: expl, Remedy: rem,
		Bundle: bs[0].name, Key: d.key, KeyParts: d.parts, Count: d.count, Rule: ruleFile(prof, r.Line),
		Inexact: joinNotes(d.inexact, factNotesOf(rp, bs)),
	}}
	if r.Anchor.IsSet() {
		v, err := run(&r.Anchor, env)
		if err != nil {
			return nil, exprError(prof, &r.Anchor, "anchor", err)
		}
		switch t := v.(type) {
		case nil:
		case time.Time:
			f.anchor = t
		default:
			return nil, exprError(prof, &r.Anchor, "anchor", fmt.Errorf("gave %T (%v), not a time", v, v))
		}
	}
	first, last := timeSpan(d.matches)
	if !d.first.IsZero() {
		first, last = d.first, d.last
	}
	if !first.IsZero() {
		f.FirstSeen, f.LastSeen = ptime(first.In(loc)), ptime(last.In(loc))
	}
	maxEv := maxEvidenceOf(r)
	matches := d.matches
	if rp.kind == "state" {
		if len(matches) > maxEv {
			matches = matches[len(matches)-maxEv:]
		}
	} else {
		matches = pickEvidence(matches, maxEv)
	}
	ev := []report.Evidence{}
	seen := map[string]bool{}
	addRec := func(x *record, role string) {
		k := lineKey(x.b.name, x.m.path, x.line, x.seg)
		if seen[k] {
			return
		}
		seen[k] = true
		ev = append(ev, recordEvidence(x, role)...)
	}
	for _, x := range matches {
		addRec(x, "match")
	}
	for i, x := range d.related {
		if i >= maxEv {
			break
		}
		addRec(x, "related")
	}
	if d.res != nil {
		addRec(d.res, "resolution")
	}
	// Cite: facts by name (the lines behind their value), or records an
	// expression yields.
	var citeErr error
	for i := range r.Cite {
		c := &r.Cite[i]
		name := strings.TrimSpace(c.Src)
		if recs, ok := bs[0].factRecs[name]; ok && !scopeAll && !contains(rp.captures, name) {
			for _, x := range citedFactRecords(bs[0], name, recs, maxEv) {
				addRec(x, "fact")
			}
			continue
		}
		v, err := run(c, env)
		if err != nil {
			if citeErr == nil {
				citeErr = exprError(prof, c, "cite", err)
			}
			continue
		}
		for k, m := range citedMaps(v) {
			if k >= 4*maxEv {
				break
			}
			x := evidenceOfMap(m, loc)
			key := lineKey(x.Bundle, x.File, x.Line, 0)
			if seen[key] {
				continue
			}
			seen[key] = true
			ev = append(ev, x)
		}
	}
	f.Evidence = ev
	if rp.kind == "check" {
		// A check's time and count are its evidence's: the record, the
		// cited lines.
		f.Count = len(ev)
		var lo, hi time.Time
		for _, x := range ev {
			if x.Time == nil {
				continue
			}
			if lo.IsZero() || x.Time.Before(lo) {
				lo = *x.Time
			}
			if hi.IsZero() || x.Time.After(hi) {
				hi = *x.Time
			}
		}
		if lo.IsZero() && !f.anchor.IsZero() {
			lo, hi = f.anchor, f.anchor
		}
		if !lo.IsZero() {
			f.FirstSeen, f.LastSeen = ptime(lo.In(loc)), ptime(hi.In(loc))
		}
		switch {
		case !f.anchor.IsZero():
			d.anchor = f.anchor
		case d.anchor.IsZero() && !lo.IsZero():
			d.anchor = lo
		case d.anchor.IsZero():
			d.anchor = derefTime(e.incident)
		}
	}
	// Bundles that contributed.
	if scopeAll {
		names := map[string]bool{}
		for _, x := range ev {
			names[x.Bundle] = true
		}
		for _, b := range bs {
			if names[b.name] || len(names) == 0 {
				f.Bundles = append(f.Bundles, b.name)
			}
		}
		if len(f.Bundles) > 0 {
			f.Bundle = f.Bundles[0]
		}
	}
	if r.Context != nil && !d.anchor.IsZero() {
		f.Context = e.context(rp, bs, d.anchor, seen)
	}
	if citeErr != nil {
		return f, citeErr
	}
	return f, nil
}

// citedFactRecords are the records behind a fact's value: the first or
// last record for those picks, the record holding the minimum or maximum,
// else all (at most max).
func citedFactRecords(b *bundleState, name string, recs []*record, max int) []*record {
	if len(recs) == 0 {
		return nil
	}
	f := b.plan.factByNme[name]
	pick := ""
	if f != nil {
		pick = f.Pick
	}
	switch pick {
	case "", "last":
		return recs[len(recs)-1:]
	case "first":
		return recs[:1]
	case "min", "max":
		v, ok := b.facts[name].(float64)
		if !ok {
			return nil
		}
		for _, r := range recs {
			x := typed(r.value(), f.Type)
			if x == nil {
				continue
			}
			if s, isStr := x.(string); isStr {
				if _, ok := parseLeadingNumber(s); !ok {
					continue
				}
			}
			if leadingNumber(x) == v {
				return []*record{r}
			}
		}
		return nil
	}
	if len(recs) > max {
		return recs[:max]
	}
	return recs
}

// lineKey identifies a quoted line (a segment of a split line) across
// evidence, cited records and context.
func lineKey(bundle, file string, line, seg int) string {
	k := fmt.Sprintf("%s\x00%s\x00%d", bundle, file, line)
	if seg > 0 {
		k += fmt.Sprintf("\x00%d", seg)
	}
	return k
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pickEvidence keeps the first n-1 records and the last.
func pickEvidence(rs []*record, n int) []*record {
	if len(rs) <= n {
		return rs
	}
	out := append([]*record{}, rs[:n-1]...)
	return append(out, rs[len(rs)-1])
}

func ptime(t time.Time) *time.Time { return &t }

func evidenceOf(r *record, role string) report.Evidence {
	ev := report.Evidence{Bundle: r.b.name, File: r.m.path, Line: r.line, Text: headText(r), Role: role}
	if !r.t.IsZero() {
		ev.Time = ptime(r.t.In(r.b.loc))
	}
	return ev
}

// citedMaps flattens what a cite expression gave into record maps.
func citedMaps(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["file"]; ok {
			return []map[string]any{x}
		}
	case []any:
		var out []map[string]any
		for _, y := range x {
			out = append(out, citedMaps(y)...)
		}
		return out
	}
	return nil
}

func evidenceOfMap(m map[string]any, loc *time.Location) report.Evidence {
	ev := report.Evidence{Role: "fact"}
	ev.Bundle, _ = m["bundle"].(string)
	ev.File, _ = m["file"].(string)
	ev.Line, _ = m["line"].(int)
	ev.Text, _ = m["text"].(string)
	if t, ok := m["time"].(time.Time); ok && !t.IsZero() {
		ev.Time = ptime(t.In(loc))
	}
	return ev
}

func joinPara(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + "\n\n" + b
}
