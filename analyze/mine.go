package analyze

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"casefile/analyze/report"
	"casefile/internal/drain"
)

// Template mining: every line of every log (a member the profile's logs
// section names) is given a message template during the pass, so that a
// report can say what no rule knows (the unexplained section) and what
// share of each log was explained. The pass calls the member's observer
// with each merged chunk, in line order, on the merging goroutine; the
// observer never changes what the pass does.

// maxTemplatesPerLog caps the templates mined per log: memory stays
// bounded whatever the log; lines beyond are counted as dropped.
const maxTemplatesPerLog = 2000

// maxMinutes caps the per-minute counts kept per template (burst).
const maxMinutes = 4096

// logMine is the observer of one log member.
type logMine struct {
	m       *member
	tc      timeCtx
	miner   *drain.Miner
	stats   map[*drain.Cluster]*tplStat
	order   []*tplStat
	lines   int // lines mined
	matched int // lines a rule or fact matched
	toks    []string
	// explains holds the patterns whose matches explain a line.
	explains map[*pattern]bool
}

// explainers returns the patterns of a member that explain the lines they
// match: those of rules, and those of facts that take a value from the
// line. A fact that only asks whether a log has lines (pick: exists,
// no group) and a finding's context lines explain nothing.
func explainers(ms *memberScan) map[*pattern]bool {
	out := map[*pattern]bool{}
	for i, p := range ms.pats {
		for _, sl := range ms.slotsOf[i] {
			switch {
			case strings.HasSuffix(sl.what, " context"):
			case strings.HasPrefix(sl.what, "fact "):
				if len(p.names) > 0 {
					out[p] = true
				}
			default:
				out[p] = true
			}
		}
	}
	return out
}

// tplStat is what is kept of one cluster's lines.
type tplStat struct {
	c         *drain.Cluster
	count     int
	matched   int // lines a rule or fact matched
	firstLine int
	lastLine  int
	first     time.Time
	last      time.Time
	example   string
	level     string
	minutes   map[int64]int32
}

func newLogMine(m *member, tc timeCtx) *logMine {
	return &logMine{m: m, tc: tc, miner: drain.New(drain.Config{MaxTemplates: maxTemplatesPerLog}), stats: map[*drain.Cluster]*tplStat{}}
}

// chunk observes a merged chunk: data holds whole lines, the first being
// line base+1 (its continuation when cont); recs are the chunk's records
// with absolute line numbers, in line order.
func (lm *logMine) chunk(ms *memberScan, data []byte, base int, cont bool, recs []*record) {
	if lm.explains == nil {
		lm.explains = explainers(ms)
	}
	ri := 0
	k := 0
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		line := data
		if i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		no := base + k + 1
		k++
		if k == 1 && cont {
			continue
		}
		for ri < len(recs) && recs[ri].line < no {
			ri++
		}
		hit := false
		for x := ri; x < len(recs) && recs[x].line == no; x++ {
			hit = hit || lm.explains[recs[x].pat]
		}
		lm.line(line, no, hit)
	}
}

var headerWords = map[string]bool{
	"Jan": true, "Feb": true, "Mar": true, "Apr": true, "May": true, "Jun": true, "Jul": true,
	"Aug": true, "Sep": true, "Oct": true, "Nov": true, "Dec": true,
	"Mon": true, "Tue": true, "Wed": true, "Thu": true, "Fri": true, "Sat": true, "Sun": true,
}

var monthWords = map[string]bool{"Jan": true, "Feb": true, "Mar": true, "Apr": true, "May": true, "Jun": true,
	"Jul": true, "Aug": true, "Sep": true, "Oct": true, "Nov": true, "Dec": true}

// MessageTokens cuts a log line into masked tokens without its header:
// the leading tokens that are variable (time stamps, pids, thread ids) or
// month and weekday names, and after a syslog time stamp the host name.
func MessageTokens(line string, dst []string) []string {
	toks := drain.Tokenize(line, dst)
	n := 0
	month := false
	for n < len(toks)-1 && n < 8 && (toks[n] == drain.Wildcard || headerWords[strings.Trim(toks[n], "[],")]) {
		month = month || monthWords[toks[n]]
		n++
	}
	// Syslog: "Mar  4 09:44:51 host prog[pid]: ..." the host name too.
	if month && n == 3 && n < len(toks)-2 {
		n++
	}
	return toks[n:]
}

func (lm *logMine) line(b []byte, no int, hit bool) {
	b = bytes.TrimSuffix(b, []byte{'\r'})
	if len(bytes.TrimSpace(b)) == 0 {
		return
	}
	s := string(b)
	lm.toks = MessageTokens(s, lm.toks[:0])
	c := lm.miner.AddTokens(lm.toks)
	lm.lines++
	if hit {
		lm.matched++
	}
	if c == nil {
		return
	}
	st := lm.stats[c]
	if st == nil {
		st = &tplStat{c: c, firstLine: no, example: cleanText(b, maxLineText), level: levelOf(lm.toks)}
		lm.stats[c] = st
		lm.order = append(lm.order, st)
	}
	st.count++
	st.lastLine = no
	if hit {
		st.matched++
	}
	if p := lm.m.parser; p != nil && !lm.m.tod {
		if t, ok := p.parse(b, &lm.tc); ok {
			if st.first.IsZero() || t.Before(st.first) {
				st.first = t
			}
			if t.After(st.last) {
				st.last = t
			}
			min := t.Unix() / 60
			if st.minutes == nil {
				st.minutes = map[int64]int32{}
			}
			if _, ok := st.minutes[min]; ok || len(st.minutes) < maxMinutes {
				st.minutes[min]++
			}
		}
	}
}

// levelOf returns the log's own level field when it says error or
// warning.
func levelOf(toks []string) string {
	for i, t := range toks {
		if i > 3 {
			break
		}
		w := strings.ToUpper(strings.Trim(t, "[]<>():,"))
		switch w {
		case "ERROR", "ERR", "FATAL", "CRIT", "CRITICAL", "SEVERE", "EMERG", "ALERT", "PANIC":
			return "ERROR"
		case "WARN", "WARNING":
			return "WARNING"
		}
	}
	return ""
}

// errorWords are the words that make a message look like a failure.
var errorWords = []string{"error", "fail", "fatal", "panic", "denied", "refused", "refusing", "reject",
	"timeout", "timed out", "cannot", "can't", "unable", "no space", "segfault", "segmentation fault",
	"killed", "abort", "crash", "corrupt", "invalid", "exception", "unreachable", "out of memory",
	"too many", "not found", "lost", "exhausted", "overflow", "dumped core", "core dumped"}

// tplGroup gathers the clusters of one log with the same final template.
type tplGroup struct {
	template string
	stats    []*tplStat
	count    int
	matched  int
}

func (lm *logMine) groups() []*tplGroup {
	by := map[string]*tplGroup{}
	var out []*tplGroup
	for _, st := range lm.order {
		t := st.c.Template()
		g := by[t]
		if g == nil {
			g = &tplGroup{template: t}
			by[t] = g
			out = append(out, g)
		}
		g.stats = append(g.stats, st)
		g.count += st.count
		g.matched += st.matched
	}
	return out
}

// benignMatch reports whether a mined template is covered by a known-benign
// one: as many tokens, and each benign token a wildcard or the same.
func benignMatch(benign [][]string, tpl []string) bool {
	for _, b := range benign {
		if len(b) != len(tpl) {
			continue
		}
		ok := true
		for i, t := range b {
			if t != drain.Wildcard && t != tpl[i] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// buildUnexplained fills the report's unexplained list and the per-log
// shares of lines explained.
func buildUnexplained(rep *report.Report, e *evaluator, states []*bundleState) {
	for _, b := range states {
		var benign [][]string
		if b.plan != nil && b.plan.prof != nil {
			for _, t := range b.plan.prof.Benign {
				benign = append(benign, strings.Fields(t))
			}
		}
		for _, m := range b.members {
			lm := m.mine
			if lm == nil || lm.lines == 0 || !lm.isLog() {
				continue
			}
			lc := report.LogCoverage{Bundle: b.name, File: m.path, Lines: lm.lines, Templates: 0, Dropped: lm.miner.Dropped, Cap: maxTemplatesPerLog}
			explained := lm.matched
			span := logSpan(lm)
			for _, g := range lm.groups() {
				lc.Templates++
				if benignMatch(benign, strings.Fields(g.template)) {
					explained += g.count - g.matched
					continue
				}
				if g.matched > 0 {
					continue
				}
				rep.Unexplained = append(rep.Unexplained, unexplainedEntry(e, b, m, g, span))
			}
			lc.Explained = explained
			lc.Unknown = lm.matched == 0 && explained == 0
			rep.Logs = append(rep.Logs, lc)
		}
	}
	markUnknownInputs(rep)
	sort.SliceStable(rep.Unexplained, func(i, j int) bool {
		a, c := rep.Unexplained[i], rep.Unexplained[j]
		if a.Score != c.Score {
			return a.Score > c.Score
		}
		return a.Count > c.Count
	})
}

// dated reports whether a line of the log had a time: a log, not a
// config file or a command's output read for a fact.
func (lm *logMine) dated() bool {
	for _, st := range lm.order {
		if !st.first.IsZero() {
			return true
		}
	}
	return lm.m.tod && lm.m.todHave
}

// isLog reports whether the member is a log: a line had a time, or the
// profile names a time format for it (then no line having one says the
// file is not what the profile expects).
func (lm *logMine) isLog() bool {
	if lm.dated() {
		return true
	}
	sp := lm.m.spec
	return sp != nil && !sp.auto && sp.parser != nil
}

// logSpan is the time a log covers, in minutes (at least one).
func logSpan(lm *logMine) float64 {
	var first, last time.Time
	for _, st := range lm.order {
		if st.first.IsZero() {
			continue
		}
		if first.IsZero() || st.first.Before(first) {
			first = st.first
		}
		if st.last.After(last) {
			last = st.last
		}
	}
	return max(1, last.Sub(first).Minutes())
}

func unexplainedEntry(e *evaluator, b *bundleState, m *member, g *tplGroup, span float64) report.Unexplained {
	u := report.Unexplained{ID: drain.ID(g.template), Template: g.template, Bundle: b.name, File: m.path, Count: g.count}
	first := g.stats[0]
	var ft, lt time.Time
	level := ""
	perMin := map[int64]int32{}
	for _, st := range g.stats {
		if st.firstLine < first.firstLine {
			first = st
		}
		if !st.first.IsZero() && (ft.IsZero() || st.first.Before(ft)) {
			ft = st.first
		}
		if st.last.After(lt) {
			lt = st.last
		}
		if st.level != "" && level != "ERROR" {
			level = st.level
		}
		for k, v := range st.minutes {
			perMin[k] += v
		}
	}
	u.Example = report.Evidence{Bundle: b.name, File: m.path, Line: first.firstLine, Text: first.example}
	if !ft.IsZero() {
		f, l := ft.UTC(), lt.UTC()
		u.FirstSeen, u.LastSeen = &f, &l
		u.Example.Time = nil
	}
	low := strings.ToLower(g.template)
	var words []string
	for _, w := range errorWords {
		if strings.Contains(low, w) {
			words = append(words, w)
		}
	}
	if len(words) > 0 {
		u.Score += 4
		u.Reasons = append(u.Reasons, "error words: "+strings.Join(words, ", "))
	}
	switch level {
	case "ERROR":
		u.Score += 3
		u.Reasons = append(u.Reasons, "level error")
	case "WARNING":
		u.Score++
		u.Reasons = append(u.Reasons, "level warning")
	}
	var peak int32
	for _, v := range perMin {
		peak = max(peak, v)
	}
	if bg := float64(g.count) / span; peak >= 5 && float64(peak) >= 10*bg {
		u.Score += 3
		u.Reasons = append(u.Reasons, fmt.Sprintf("burst: %d in one minute", peak))
	}
	if e.incident != nil && u.FirstSeen != nil {
		inc := *e.incident
		if !u.FirstSeen.After(inc.Add(incidentWindow)) && !u.LastSeen.Before(inc.Add(-incidentWindow)) {
			u.NearIncident = true
			u.Score += 3
			u.Reasons = append(u.Reasons, "near the incident")
		}
	}
	if g.count <= 3 {
		u.Score++
		u.Reasons = append(u.Reasons, fmt.Sprintf("rare: %d %s", g.count, nounFor(g.count, "line", "lines")))
	}
	if u.Reasons == nil {
		u.Reasons = []string{}
	}
	return u
}

func nounFor(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// markUnknownInputs: a rule that "ran" on logs of which no line matched
// anything the profile knows did not really run: it is partial, and the
// reason names them.
func markUnknownInputs(rep *report.Report) {
	unknown := map[string]bool{}
	for _, l := range rep.Logs {
		if l.Unknown {
			unknown[l.Bundle+"\x00"+l.File] = true
		}
	}
	if len(unknown) == 0 {
		return
	}
	for i, c := range rep.Coverage {
		if c.Status != report.CoverageRan || len(c.Inputs) == 0 {
			continue
		}
		var bad []string
		for _, in := range c.Inputs {
			if unknown[c.Bundle+"\x00"+in] {
				bad = append(bad, in)
			}
		}
		if len(bad) == 0 {
			continue
		}
		c.Status = report.CoveragePartial
		c.Reason = joinReason(c.Reason, "no line of "+strings.Join(bad, ", ")+" matched anything the profile knows (an unknown format or the wrong file)")
		rep.Coverage[i] = c
	}
}
