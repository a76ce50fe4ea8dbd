package analyze

import (
	"bytes"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"

	"casefile/analyze/input"
	"casefile/internal/slicesx"
	"casefile/profiles"
)

// A plan is a profile compiled for the pass: every pattern any fact, rule
// or context reads, deduplicated, with the member globs each use reads.
type plan struct {
	prof  *profiles.Profile
	logs  []*logSpec
	pats  []*pattern
	slots []*slot
	// retain are the globs of contexts without a pattern: the tail of
	// those members is kept whole.
	retain []string
	// globLists numbers the distinct glob lists of the slots.
	globLists map[string]int

	// factSlots are the slots of each pattern fact: one, or one per
	// in_first alternative.
	factSlots map[string][]*slot
	rules     []*rulePlan
	factByNme map[string]*profiles.Fact
	// captureNames is the union of capture names over all patterns.
	captureNames []string
	// customs are the profile's custom time formats, which auto tries
	// after the built-in ones.
	customs []*timeParser
}

// logSpec is a profile's logs entry with its parser.
type logSpec struct {
	spec   *profiles.LogSpec
	parser *timeParser // nil: none or auto
	auto   bool
}

// pattern is one distinct regular expression of the plan.
type pattern struct {
	id    int
	src   string
	re    *regexp.Regexp
	names []string // named groups, in order
	index []int    // submatch index of each named group
	value int      // position of "value" in names, or -1
	lits  []literal
	// litExact: the pattern matches exactly the lines holding one of
	// exact (no capture, no assertion, case-sensitive): the search
	// decides, the regular expression never runs.
	litExact bool
	exact    []string
	// digits: the pattern treats all digits alike (digitUniform): its
	// decisions are memoised per digit-blind line.
	digits bool
	// konst holds, by names index, the text of a named group that is a
	// literal taking part in every match (`(?P<cmd>WHO) command`): its
	// capture is known without reading the line (nil: not such a group).
	konst [][]byte
	// alts holds, by names index, the texts of a named group that is an
	// alternation of case-sensitive literals of different lengths
	// (`(?P<cmd>WHO|TELL) reply`): the length of its capture tells which
	// (nil: not such a group).
	alts [][][]byte
	// needCaps: some slot's aggregate reads the pattern's captures on
	// every line (group keys, where, a state capture).
	needCaps bool
}

// litLoc is the leftmost match of a litExact pattern in b (nil: none).
func (p *pattern) litLoc(b []byte) []int {
	best, n := -1, 0
	for _, s := range p.exact {
		if i := bytes.Index(b, []byte(s)); i >= 0 && (best < 0 || i < best) {
			best, n = i, len(s)
		}
	}
	if best < 0 {
		return nil
	}
	return []int{best, best + n}
}

// slot is one use of a pattern: a matcher of a rule, a fact, a context
// filter. Records of a slot are kept per bundle.
type slot struct {
	id    int
	pat   *pattern
	globs []string
	label string
	what  string // for messages: "fact fix_level", "myproduct.x match"
	// filePat, when set, must match the member path; its named groups
	// (fnames, at submatch fidx) join the records' captures.
	filePat *regexp.Regexp
	fnames  []string
	fidx    []int
	// globList numbers the slot's globs among the plan's distinct lists.
	globList int
	// optional: no member for globs does not make the rule partial.
	optional bool
	// rule is the index of the rule whose aggregate reads the slot (its
	// match any, sequence start and expect, state track), else -1.
	rule int
	tag  int // its index among that rule's aggregated slots
	// fact is the pattern fact whose value the slot's lines make, when
	// computed in the pass (factAgg): not for typed data (format).
	fact *profiles.Fact
}

// rulePlan is a rule with its slots resolved.
type rulePlan struct {
	idx  int // in plan.rules
	rule *profiles.Rule
	// agg: the rule is evaluated from aggregates made in the pass (see
	// ruleAgg); readsRecords: its expressions read records.
	agg          bool
	readsRecords bool
	names        *internTable // state rules: state and event names
	kind         string
	engine       kindEngine
	any          []*slot // match any / absent any / state track
	also         []*slot
	// related holds the also entries, parallel to also.
	related []*profiles.Related
	res     []*slot // resolved_by
	start   []*slot
	exp     []*slot
	ctx     *slot // context with a pattern
	// captures is the union of the rule's capture names (for defaults).
	captures []string
	// facts are the pattern facts the rule's expressions use (directly or
	// through expression facts), for coverage.
	facts []string
	// appliesFacts are the facts its applies condition uses, directly or
	// through expression facts (pattern and expression facts: a failed
	// one makes the condition unknown); appliesPattern the pattern ones.
	appliesFacts, appliesPattern []string
	// fixedState holds the fixed state of each track slot ("" = capture);
	// event the event name of each track slot that records an event.
	fixedState map[*slot]string
	event      map[*slot]string
}

func (p *plan) addSlot(re profiles.Pattern, globs []string, label, what string, filePat *profiles.Pattern) *slot {
	var pat *pattern
	for _, q := range p.pats {
		if q.src == re.Src {
			pat = q
			break
		}
	}
	if pat == nil {
		pat = &pattern{id: len(p.pats), src: re.Src, re: re.Re, value: -1, lits: requiredLiterals(re.Src)}
		pat.exact = exactLiterals(re.Src, pat.lits)
		pat.litExact = pat.exact != nil
		pat.digits = digitUniform(re.Src)
		for i, n := range re.Re.SubexpNames() {
			if n != "" {
				if n == "value" {
					pat.value = len(pat.names)
				}
				pat.names = append(pat.names, n)
				pat.index = append(pat.index, i)
			}
		}
		pat.konst, pat.alts = constGroups(re.Src, pat.index)
		p.pats = append(p.pats, pat)
	}
	s := &slot{id: len(p.slots), pat: pat, globs: globs, label: label, what: what, rule: -1}
	// Slots with the same globs share their decision per member (setup).
	key := strings.Join(globs, "\x00")
	id, ok := p.globLists[key]
	if !ok {
		if p.globLists == nil {
			p.globLists = map[string]int{}
		}
		id = len(p.globLists)
		p.globLists[key] = id
	}
	s.globList = id
	if filePat != nil && filePat.Re != nil {
		s.filePat = filePat.Re
		for i, n := range filePat.Re.SubexpNames() {
			if n != "" {
				s.fnames = append(s.fnames, n)
				s.fidx = append(s.fidx, i)
			}
		}
	}
	p.slots = append(p.slots, s)
	return s
}

// reads reports whether the slot reads a member.
func (s *slot) reads(path string) bool {
	return matchAny(s.globs, path) && (s.filePat == nil || s.filePat.MatchString(path))
}

// readsMemo is reads with the globs' decision remembered in memo (one
// entry per glob list of the plan: 0 not decided, 1 matches, 2 not):
// a profile's slots share a few glob lists, and a bundle of 10,000
// members matched every slot's globs against each (issue 13).
func (s *slot) readsMemo(path string, memo []int8) bool {
	d := memo[s.globList]
	if d == 0 {
		d = 2
		if matchAny(s.globs, path) {
			d = 1
		}
		memo[s.globList] = d
	}
	return d == 1 && (s.filePat == nil || s.filePat.MatchString(path))
}

// fileCaps returns the values of the slot's file pattern groups for a
// member path (nil without a file pattern).
func (s *slot) fileCaps(path string) []string {
	if s.filePat == nil {
		return nil
	}
	m := s.filePat.FindStringSubmatch(path)
	out := make([]string, len(s.fidx))
	if m == nil {
		return out
	}
	for i, gi := range s.fidx {
		out[i] = m[gi]
	}
	return out
}

// compile builds the plan of a validated profile.
func compile(prof *profiles.Profile) (*plan, error) {
	p := &plan{prof: prof, factSlots: map[string][]*slot{}, factByNme: map[string]*profiles.Fact{}}
	for i := range prof.Analyze.Logs {
		ls := &prof.Analyze.Logs[i]
		parser, err := parserFor(ls)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", prof.File, ls.Line, err)
		}
		p.logs = append(p.logs, &logSpec{spec: ls, parser: parser, auto: ls.Time == "auto"})
		if ls.Time == "custom" {
			p.customs = append(p.customs, parser)
		}
	}
	for i := range prof.Analyze.Facts {
		f := &prof.Analyze.Facts[i]
		p.factByNme[f.Name] = f
		if f.Pattern != nil {
			alts := f.InFirst
			if len(alts) == 0 {
				alts = [][]string{f.In}
			}
			for _, in := range alts {
				s := p.addSlot(*f.Pattern, in, "", "fact "+f.Name, f.FilePattern)
				s.optional = f.Optional
				if f.Format == "" {
					s.fact = f
				}
				p.factSlots[f.Name] = append(p.factSlots[f.Name], s)
			}
		}
	}
	for i := range prof.Analyze.Rules {
		r := &prof.Analyze.Rules[i]
		rp := &rulePlan{idx: len(p.rules), rule: r, names: &internTable{id: map[string]int{}}, fixedState: map[*slot]string{}, event: map[*slot]string{}}
		what := r.ID
		add := func(ms []profiles.Matcher, role string) []*slot {
			var out []*slot
			for _, m := range ms {
				s := p.addSlot(m.Pattern, m.In, m.Label, what+" "+role, m.FilePattern)
				s.optional = m.Optional
				out = append(out, s)
				rp.captures = append(rp.captures, m.Pattern.Captures()...)
				rp.captures = append(rp.captures, s.fnames...)
			}
			return out
		}
		if r.Kind == nil {
			return nil, fmt.Errorf("%s:%d: rule %s has no kind", prof.File, r.Line, r.ID)
		}
		eng, err := engineOf(r.Kind)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: rule %s: %v", prof.File, r.Line, r.ID, err)
		}
		rp.kind, rp.engine = r.Kind.Name(), eng
		eng.plan(p, rp, add)
		if c := r.Context; c != nil {
			if c.Pattern != nil {
				rp.ctx = p.addSlot(*c.Pattern, c.In, "", what+" context", nil)
			} else {
				p.retain = append(p.retain, c.In...)
			}
		}
		rp.captures = slicesx.Uniq(rp.captures)
		rp.agg = newRuleAgg(rp, nil) != nil
		for _, x := range ruleExprs(r) {
			if contains(exprIdents(x), "records") {
				rp.readsRecords = true
			}
		}
		var aggSlots []*slot
		switch {
		case !rp.agg:
		case rp.kind == "match" || rp.kind == "state":
			aggSlots = rp.any
		case rp.kind == "sequence":
			aggSlots = append(append(aggSlots, rp.start...), rp.exp...)
		}
		for i, s := range aggSlots {
			s.rule, s.tag = rp.idx, i
			switch rp.kind {
			case "match":
				s.pat.needCaps = s.pat.needCaps || len(r.Match.GroupBy) > 0 || r.Match.Where.IsSet()
			case "sequence":
				s.pat.needCaps = s.pat.needCaps || len(r.Sequence.Key) > 0
			case "state":
				_, ev := rp.event[s]
				s.pat.needCaps = s.pat.needCaps || len(r.State.Key) > 0 || rp.fixedState[s] == "" && !ev
			}
		}
		rp.facts = p.ruleFacts(r)
		rp.appliesPattern, rp.appliesFacts = p.factsOf([]*profiles.Expr{&r.Applies}, "")
		p.rules = append(p.rules, rp)
	}
	var caps []string
	for _, pat := range p.pats {
		caps = append(caps, pat.names...)
	}
	for _, s := range p.slots {
		caps = append(caps, s.fnames...)
	}
	p.captureNames = slicesx.Uniq(caps)
	return p, nil
}

// ruleFacts lists the pattern facts a rule depends on, through
// expression facts too. Its applies condition is not among them: it says
// whether the rule concerns a bundle, not what the rule reads.
func (p *plan) ruleFacts(r *profiles.Rule) []string {
	forEach := ""
	if c, ok := r.Kind.(*profiles.CheckSpec); ok {
		forEach = c.ForEach
	}
	exprs := ruleExprs(r)
	if r.Scope == "all" {
		// The facts it names are joined across bundles (facts_across.go)
		// and, like bundles[i].facts, are not its inputs.
		exprs = nil
	}
	out, _ := p.factsOf(exprs, forEach)
	return out
}

// factsOf lists the facts expressions (and the fact named extra, if any)
// depend on, through expression facts too: the pattern facts, sorted,
// and every fact met on the way, in order.
func (p *plan) factsOf(exprs []*profiles.Expr, extra string) (pattern, all []string) {
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		f := p.factByNme[name]
		if f == nil {
			return
		}
		all = append(all, name)
		if f.Pattern != nil {
			pattern = append(pattern, name)
			return
		}
		for _, n := range exprIdents(&f.Expr) {
			visit(n)
		}
	}
	for _, e := range exprs {
		for _, n := range exprIdents(e) {
			visit(n)
		}
	}
	if extra != "" {
		visit(extra)
	}
	sort.Strings(pattern)
	return pattern, all
}

// ruleExprs returns every expression written in a rule.
func ruleExprs(r *profiles.Rule) []*profiles.Expr {
	out := []*profiles.Expr{&r.When, &r.Anchor}
	for i := range r.Vars {
		out = append(out, r.Vars[i].Exprs()...)
	}
	for i := range r.SeverityWhen {
		out = append(out, &r.SeverityWhen[i].When)
	}
	for i := range r.TitleWhen {
		out = append(out, &r.TitleWhen[i].When)
		out = append(out, textExprList(&r.TitleWhen[i].Title)...)
	}
	for i := range r.Notes {
		out = append(out, &r.Notes[i].When)
		out = append(out, textExprList(&r.Notes[i].Explanation)...)
		out = append(out, textExprList(&r.Notes[i].Remedy)...)
	}
	for i := range r.Cite {
		out = append(out, &r.Cite[i])
	}
	out = append(out, textExprList(&r.Title)...)
	out = append(out, textExprList(&r.Explanation)...)
	out = append(out, textExprList(&r.Remedy)...)
	if r.Kind != nil {
		out = append(out, r.Kind.Exprs()...)
	}
	return out
}

func textExprList(t *profiles.Text) []*profiles.Expr {
	var out []*profiles.Expr
	for i := range t.Parts {
		if t.Parts[i].Expr != nil {
			out = append(out, t.Parts[i].Expr)
		}
	}
	return out
}

// exprIdents lists the names an expression reads (not those it
// declares with let).
func exprIdents(e *profiles.Expr) []string { return profiles.ExprNames(e) }

// matchAny reports whether a member path matches any of the globs.
func matchAny(globs []string, name string) bool {
	for _, g := range globs {
		if ok, _ := profiles.MatchGlob(g, name); ok {
			return true
		}
	}
	return false
}

// specFor returns the first log spec whose globs match a member.
func (p *plan) specFor(name string) *logSpec {
	for _, ls := range p.logs {
		if matchAny(ls.spec.Files, name) {
			return ls
		}
	}
	return nil
}

// ruleByID finds a rule of the plan.
func (p *plan) ruleByID(id string) *rulePlan {
	for _, r := range p.rules {
		if r.rule.ID == id {
			return r
		}
	}
	return nil
}

// ruleFile names where a rule is written: "myproduct.yaml:120".
func ruleFile(prof *profiles.Profile, line int) string {
	f := prof.File
	if i := strings.LastIndexAny(f, `/\`); i >= 0 {
		f = f[i+1:]
	}
	return fmt.Sprintf("%s:%d", f, line)
}

// contentShapes are the line shapes the profile's logs declare, in
// order, for recognising raw files by content.
func (p *plan) contentShapes() []input.ContentShape {
	var out []input.ContentShape
	for _, ls := range p.logs {
		c := ls.spec.Content
		if c == nil {
			continue
		}
		sh := input.ContentShape{Name: c.Name, As: c.As}
		for _, l := range c.Lines {
			sh.Lines = append(sh.Lines, l.Re)
		}
		out = append(out, sh)
	}
	return out
}

// claims reports whether a glob of the plan (a log, a fact, a rule, a
// context) reads a member path: such a raw file is read by its name and
// never recognised by content.
func (p *plan) claims(path string) bool {
	if p.specFor(path) != nil || matchAny(p.retain, path) {
		return true
	}
	for _, s := range p.slots {
		if s.reads(path) {
			return true
		}
	}
	return false
}

// constGroups finds the named groups of a pattern (submatch indices
// index) whose text is known without reading the line. konst: a group
// that captures the same text in every match, one whose expression is a
// case-sensitive literal (or empty) and that every match passes through
// (only concatenations and groups around it, no alternation, option or
// repetition). alts: a group that is an alternation of case-sensitive
// literals of pairwise different lengths, wherever it is (the length of
// the capture tells the text). Both are by index position, nil for the
// other groups (nil: none).
func constGroups(src string, index []int) (konst [][]byte, alts [][][]byte) {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil, nil
	}
	found := map[int][]byte{}
	choice := map[int][][]byte{}
	var walk func(r *syntax.Regexp, every bool)
	walk = func(r *syntax.Regexp, every bool) {
		if r.Op == syntax.OpCapture {
			sub := r.Sub[0]
			switch {
			case every && sub.Op == syntax.OpLiteral && sub.Flags&syntax.FoldCase == 0:
				found[r.Cap] = []byte(string(sub.Rune))
				return
			case every && sub.Op == syntax.OpEmptyMatch:
				found[r.Cap] = []byte{}
				return
			case sub.Op == syntax.OpAlternate:
				if a := literalAlts(sub); a != nil {
					choice[r.Cap] = a
					return
				}
			}
			walk(sub, every)
			return
		}
		for _, s := range r.Sub {
			walk(s, every && r.Op == syntax.OpConcat)
		}
	}
	walk(re, true)
	for i, gi := range index {
		if c, ok := found[gi]; ok {
			if konst == nil {
				konst = make([][]byte, len(index))
			}
			konst[i] = c
		}
		if a, ok := choice[gi]; ok {
			if alts == nil {
				alts = make([][][]byte, len(index))
			}
			alts[i] = a
		}
	}
	return konst, alts
}

// literalAlts: the texts of an alternation of case-sensitive literals of
// pairwise different lengths, else nil.
func literalAlts(r *syntax.Regexp) [][]byte {
	var out [][]byte
	for _, s := range r.Sub {
		if s.Op != syntax.OpLiteral || s.Flags&syntax.FoldCase != 0 {
			return nil
		}
		t := []byte(string(s.Rune))
		for _, o := range out {
			if len(o) == len(t) {
				return nil
			}
		}
		out = append(out, t)
	}
	return out
}
