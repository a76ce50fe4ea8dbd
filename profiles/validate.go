package profiles

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"casefile/internal/slicesx"
)

// validate checks everything the engines rely on and compiles
// expressions, without changing the profile: what it works out (programs,
// normal forms) is returned for the compile step (compile.go). The first
// problem is returned as "file:line: reason".
func validate(p *Profile) (*compiled, error) {
	c := newCompiled(p.File)
	if err := validateAll(p, c); err != nil {
		return nil, err
	}
	return c, nil
}

func validateAll(p *Profile, c *compiled) error {
	f := p.File
	at := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", f, line, fmt.Sprintf(format, args...))
	}
	if !validName.MatchString(p.Name) {
		return at(1, "profile name %q must be lower case letters, digits, - or _", p.Name)
	}
	if strings.TrimSpace(p.Description) == "" || strings.Contains(p.Description, "\n") {
		return at(1, "description must be one non-empty line")
	}

	// Variables.
	vars := map[string]bool{}
	for _, v := range p.Variables {
		if !validIdent.MatchString(v.Name) {
			return at(v.Line, "variable name %q must be lower case letters, digits and _", v.Name)
		}
		if vars[v.Name] {
			return at(v.Line, "variable %q defined twice", v.Name)
		}
		vars[v.Name] = true
		for os := range v.Defaults {
			if !knownOS[os] {
				return at(v.Line, "variable %q: unknown OS %q in defaults", v.Name, os)
			}
		}
		for _, d := range v.Detect {
			n := 0
			if d.Env != "" {
				n++
			}
			if d.Process != nil {
				n++
				if !hasGroup(*d.Process, "value") {
					return at(d.Line, "variable %q: process pattern needs a (?P<value>...) group", v.Name)
				}
				if !anchored(d.Process.Src) {
					return at(d.Line, "variable %q: process pattern %q must start with ^ (a command line's start: a substring of another command line must not match)", v.Name, d.Process.Src)
				}
			}
			if len(d.FirstExisting) > 0 {
				n++
			}
			if d.File != "" {
				n++
				if d.Pattern == nil || !hasGroup(*d.Pattern, "value") {
					return at(d.Line, "variable %q: file detection needs a pattern with a (?P<value>...) group", v.Name)
				}
			}
			if n != 1 {
				return at(d.Line, "variable %q: each detector needs exactly one of env, process, first_existing, file", v.Name)
			}
			if err := checkOS(d.OS); err != nil {
				return at(d.Line, "%v", err)
			}
		}
	}
	checkRefs := func(line int, strs ...string) error {
		for _, s := range strs {
			for _, r := range VarRefs(s) {
				if !vars[r] {
					return at(line, "unknown variable {%s}", r)
				}
			}
		}
		return nil
	}
	for _, d := range p.Detect.Paths {
		if err := checkRefs(1, d); err != nil {
			return err
		}
	}
	for _, pat := range p.Detect.Processes {
		if !anchored(pat.Src) {
			return at(1, "detect process pattern %q must start with ^ (a command line's start: a substring of another command line must not match)", pat.Src)
		}
	}

	// Collect items.
	collectNames := map[string]bool{}
	for n := range vars {
		collectNames[n] = true
	}
	for n := range CollectEnv(nil, "", nil) {
		collectNames[n] = true
	}
	itemOS := map[string][][]string{}
	for i := range p.Collect {
		it := &p.Collect[i]
		if !validItem.MatchString(it.ID) {
			return at(it.Line, "item id %q must be lower case letters, digits, '.', '-' or '_'", it.ID)
		}
		kinds := 0
		for _, set := range []bool{len(it.Files) > 0, len(it.List) > 0, len(it.Command) > 0, len(it.Commands) > 0, it.Shell != "", it.Builtin != ""} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			return at(it.Line, "item %q needs exactly one of files, list, command, commands, shell, builtin", it.ID)
		}
		if it.Builtin != "" {
			if _, ok := BuiltinCollectors[it.Builtin]; !ok {
				return at(it.Line, "item %q: unknown builtin %q", it.ID, it.Builtin)
			}
		}
		for _, c := range it.Commands {
			if len(c) == 0 {
				return at(it.Line, "item %q: empty command in commands", it.ID)
			}
		}
		if err := checkOS(it.OS); err != nil {
			return at(it.Line, "item %q: %v", it.ID, err)
		}
		if it.Depth != 0 && (len(it.List) == 0 || it.Depth < 1 || it.Depth > MaxListDepth) {
			return at(it.Line, "item %q: depth applies to list items only, from 1 to %d", it.ID, MaxListDepth)
		}
		if it.Oversize != "" {
			if len(it.Files) == 0 {
				return at(it.Line, "item %q: oversize applies to files items only", it.ID)
			}
			if !contains(OversizePolicies, it.Oversize) {
				return at(it.Line, "item %q: oversize %q must be one of %s", it.ID, it.Oversize, strings.Join(OversizePolicies, ", "))
			}
		}
		for _, prev := range itemOS[it.ID] {
			if overlaps(prev, it.OS) {
				return at(it.Line, "item id %q used twice for the same OS (variants need disjoint os lists)", it.ID)
			}
		}
		itemOS[it.ID] = append(itemOS[it.ID], it.OS)
		if err := checkRefs(it.Line, it.Texts()...); err != nil {
			return err
		}
		if err := c.expr(&it.When, collectNames); err != nil {
			return err
		}
	}

	// Redaction rules.
	for _, r := range p.Redact {
		if !validItem.MatchString(r.Name) {
			return at(r.Line, "redaction rule name %q must be lower case letters, digits, '.', '-' or '_'", r.Name)
		}
		switch {
		case r.Pattern.Re == nil && r.Parser == "":
			return at(r.Line, "redaction rule %q needs a pattern or a parser", r.Name)
		case r.Pattern.Re != nil && r.Parser != "":
			return at(r.Line, "redaction rule %q: a pattern or a parser, not both", r.Name)
		case r.Parser != "" && RedactParser != nil && !RedactParser(r.Parser):
			return at(r.Line, "redaction rule %q: no parser %q", r.Name, r.Parser)
		}
		for _, c := range r.Commands {
			if _, ok := itemOS[c]; !ok {
				return at(r.Line, "redaction rule %q: no collect item %q", r.Name, c)
			}
		}
	}

	return validateAnalyze(p, at, c)
}

func validateAnalyze(p *Profile, at func(int, string, ...any) error, c *compiled) error {
	f := p.File
	a := &p.Analyze
	for _, l := range a.Logs {
		if len(l.Files) == 0 {
			return at(l.Line, "logs entry needs files")
		}
		if err := checkGlobs(l.Files); err != nil {
			return at(l.Line, "%v", err)
		}
		if err := checkCommandGlobs(p, l.Files); err != nil {
			return at(l.Line, "%v", err)
		}
		switch {
		case l.Time == "custom":
			if l.Regex == nil || l.Layout == "" {
				return at(l.Line, "custom time needs regex and layout")
			}
		case l.Time == "":
			return at(l.Line, "logs entry needs time (one of %s, custom)", strings.Join(sortedKeys(TimeFormats), ", "))
		default:
			if _, ok := TimeFormats[TimeFormat(l.Time)]; !ok {
				return at(l.Line, "unknown time format %q (one of %s, custom)", l.Time, strings.Join(sortedKeys(TimeFormats), ", "))
			}
		}
		if !knownOrder[l.Order] {
			return at(l.Line, "order %q must be oldest-first or newest-first", l.Order)
		}
		if err := checkLogRecords(l, a.Facts); err != nil {
			return at(l.Line, "%v", err)
		}
		if c := l.Content; c != nil {
			if err := validateContent(l, c); err != nil {
				return at(c.Line, "content: %v", err)
			}
		}
	}

	globals := map[string]bool{}
	for i := range Bindings {
		globals[Bindings[i].Name()] = true
	}
	reserved := map[string]bool{}
	for _, n := range ExprBuiltins {
		reserved[n] = true
	}
	recordField := map[string]bool{}
	for _, n := range RecordFields {
		recordField[n] = true
	}
	facts := map[string]Fact{}
	// names returns what an expression may read: builtins, facts (unless
	// the rule runs over all bundles, where a bare fact name would not say
	// which bundle it came from: those read bundles[i].facts) and extra.
	// The globals and facts part is made once per number of facts (facts
	// are only added) and cloned: building it name by name for every
	// expression was a fifth of loading a profile.
	var base [2]map[string]bool
	var baseFacts [2]int
	names := func(withFacts bool, extra ...[]string) map[string]bool {
		i := btoi(withFacts)
		if base[i] == nil || baseFacts[i] != len(facts) {
			b := make(map[string]bool, len(globals)+len(facts))
			for n := range globals {
				b[n] = true
			}
			for n, fa := range facts {
				// A scope all rule sees the facts joined across bundles.
				if withFacts || fa.Across != "" {
					b[n] = true
				}
			}
			base[i], baseFacts[i] = b, len(facts)
		}
		m := maps.Clone(base[i])
		for _, e := range extra {
			for _, n := range e {
				m[n] = true
			}
		}
		return m
	}
	for i := range a.Facts {
		fa := &a.Facts[i]
		if !validIdent.MatchString(fa.Name) {
			return at(fa.Line, "fact name %q must be lower case letters, digits and _", fa.Name)
		}
		if globals[fa.Name] || reserved[fa.Name] {
			return at(fa.Line, "fact name %q is a builtin name", fa.Name)
		}
		if _, dup := facts[fa.Name]; dup {
			return at(fa.Line, "fact %q defined twice", fa.Name)
		}
		if fa.Format != "" {
			if err := checkSource(fa); err != nil {
				return at(fa.Line, "%v", err)
			}
			// The fact as the engines will see it (the compile step
			// writes its pattern); the profile's is left as written.
			sp := SourcePattern(fa)
			c.factPatterns[i] = &sp
			cp := *fa
			cp.Pattern = &sp
			fa = &cp
		} else if fa.Pick == "map" {
			return at(fa.Line, "fact %q: pick map needs a format (its rows have keys)", fa.Name)
		}
		if n := btoi(fa.Pattern != nil) + btoi(fa.Expr.IsSet()) + btoi(fa.Data != nil); n != 1 {
			return at(fa.Line, "fact %q needs exactly one of pattern (with in), expr or data", fa.Name)
		}
		if fa.Pattern != nil && len(fa.In) == 0 && len(fa.InFirst) == 0 {
			return at(fa.Line, "fact %q: pattern needs in (member globs) or in_first", fa.Name)
		}
		if len(fa.In) > 0 && len(fa.InFirst) > 0 {
			return at(fa.Line, "fact %q: in and in_first exclude each other", fa.Name)
		}
		if fa.Pattern == nil && (len(fa.In) > 0 || len(fa.InFirst) > 0 || fa.FilePattern != nil || fa.Optional) {
			return at(fa.Line, "fact %q: in, in_first, file_pattern and optional go with pattern, not expr or data", fa.Name)
		}
		if err := checkGlobs(fa.In); err != nil {
			return at(fa.Line, "fact %q: %v", fa.Name, err)
		}
		for _, in := range append([][]string{fa.In}, fa.InFirst...) {
			if err := checkCommandGlobs(p, in); err != nil {
				return at(fa.Line, "fact %q: %v", fa.Name, err)
			}
		}
		for j, alt := range fa.InFirst {
			if len(alt) == 0 {
				return at(fa.Line, "fact %q: in_first alternative %d is empty", fa.Name, j+1)
			}
			if err := checkGlobs(alt); err != nil {
				return at(fa.Line, "fact %q: %v", fa.Name, err)
			}
		}
		if fa.Pattern != nil {
			caps, err := matcherCaptures(*fa.Pattern, fa.FilePattern)
			if err != nil {
				return at(fa.Line, "fact %q: %v", fa.Name, err)
			}
			if fa.FilePattern != nil && hasGroup(*fa.FilePattern, "value") {
				return at(fa.FilePattern.Line, "fact %q: the value group belongs in pattern, not file_pattern", fa.Name)
			}
			for _, c := range caps {
				if recordField[c] && c != "value" {
					return at(captureLine(fa.Pattern, fa.FilePattern, c, fa.Line), "fact %q: capture name %q is a record field (%s): rename the group", fa.Name, c, strings.Join(RecordFields, ", "))
				}
			}
		}
		if err := checkAcross(fa); err != nil {
			return at(fa.Line, "%v", err)
		}
		if !knownPick[fa.Pick] {
			return at(fa.Line, "fact %q: unknown pick %q", fa.Name, fa.Pick)
		}
		if !knownType[fa.Type] {
			return at(fa.Line, "fact %q: unknown type %q", fa.Name, fa.Type)
		}
		// An expr fact sees only the facts defined before it: no cycles.
		c.types = ruleTypes("", facts, true, nil)
		err := c.expr(&fa.Expr, names(true))
		c.types = nil
		if err != nil {
			return err
		}
		if err := checkMembers(f, c.view(&fa.Expr), facts); err != nil {
			return err
		}
		if err := checkExprGlobs(p, c.view(&fa.Expr)); err != nil {
			return at(fa.Line, "fact %q: %v", fa.Name, err)
		}
		facts[fa.Name] = *fa
	}

	// Shared vars: declared once, compiled here for their syntax; each
	// rule that names one checks it in its own scope.
	sharedNames := map[string]bool{}
	for j := range a.Vars {
		v := &a.Vars[j]
		if !validIdent.MatchString(v.Name) {
			return at(v.Line, "var name %q must be lower case letters, digits and _", v.Name)
		}
		if globals[v.Name] || reserved[v.Name] {
			return at(v.Line, "var %q is a builtin name", v.Name)
		}
		if _, ok := facts[v.Name]; ok {
			return at(v.Line, "var %q would hide a fact", v.Name)
		}
		if sharedNames[v.Name] {
			return at(v.Line, "var %q declared twice", v.Name)
		}
		if err := c.varSyntax(v); err != nil {
			return err
		}
		sharedNames[v.Name] = true
	}
	var sharedList []string
	sharedView := make(Vars, len(a.Vars))
	for j, v := range a.Vars {
		sharedList = append(sharedList, v.Name)
		sharedView[j] = c.varView(&a.Vars[j])
	}

	ids := map[string]int{}
	for i := range a.Rules {
		r := &a.Rules[i]
		k := r.Kind
		if !strings.HasPrefix(r.ID, p.Name+".") || !validItem.MatchString(strings.TrimPrefix(r.ID, p.Name+".")) {
			return at(r.Line, "rule id %q must be %q followed by lower case letters, digits or -", r.ID, p.Name+".")
		}
		if prev, dup := ids[r.ID]; dup {
			return at(r.Line, "rule id %q used twice (first at line %d)", r.ID, prev)
		}
		ids[r.ID] = r.Line
		if r.Title.Src == "" {
			return at(r.Line, "rule %s needs a title", r.ID)
		}
		noteRemedy := false
		for _, n := range r.Notes {
			noteRemedy = noteRemedy || n.Remedy.Src != ""
		}
		if r.Explanation.Src == "" || r.Remedy.Src == "" && !(p.Language >= 2 && noteRemedy) {
			return at(r.Line, "rule %s needs an explanation and a remedy (language 2: or notes with remedies)", r.ID)
		}
		if r.Severity != "" && SeverityRank(r.Severity) == 0 {
			return at(r.Line, "rule %s: severity %q must be info, warning or critical", r.ID, r.Severity)
		}
		if r.MaxEvidence < 0 || r.MaxFindings < 0 {
			return at(r.Line, "rule %s: max_evidence and max_findings must not be negative", r.ID)
		}
		if !knownScope[r.Scope] {
			return at(r.Line, "rule %s: scope %q must be bundle or all", r.ID, r.Scope)
		}
		// applies is judged per bundle before the rule runs (also for
		// scope all rules, whose group it applies to when it applies to
		// any bundle): it sees that bundle's facts and the globals, not
		// the rule's captures or variables, which do not exist yet.
		c.types = ruleTypes("", facts, true, nil)
		if err := c.expr(&r.Applies, names(true)); err != nil {
			if strings.Contains(err.Error(), "unknown name") {
				err = fmt.Errorf("%v (applies sees the facts, bundle, bundles, incident and the functions, not the rule's captures or variables)", err)
			}
			return err
		}
		kind := k.Name()
		caps, err := k.check(r, facts)
		if err != nil {
			line := r.Line
			var le *lineError
			if errors.As(err, &le) && le.line > 0 {
				line = le.line
			}
			return at(line, "rule %s: %v", r.ID, err)
		}
		for _, g := range ruleGlobs(r) {
			if err := checkCommandGlobs(p, g.globs); err != nil {
				return at(g.line, "rule %s: %v", r.ID, err)
			}
		}
		vars := k.Vars()
		if r.Resample != nil {
			if err := checkResample(p, r); err != nil {
				return err
			}
		}
		var captures []string
		for _, cp := range caps {
			captures = append(captures, cp.name)
			if err := checkCaptureName(cp, k, globals, reserved, recordField); err != nil {
				return at(cp.line, "rule %s: %v", r.ID, err)
			}
			if fa, ok := facts[cp.name]; ok && fa.Across != "" && r.Scope == "all" {
				return at(cp.line, "rule %s: capture name %q is a fact this rule sees across bundles: rename the group", r.ID, cp.name)
			}
		}
		captures = slicesx.Uniq(captures)
		var lineCaps []string // captures of the rule's own lines: strings
		for _, cp := range caps {
			if !cp.fact {
				lineCaps = append(lineCaps, cp.name)
			}
		}
		c.types = ruleTypes(kind, facts, r.Scope != "all", lineCaps)
		if err := checkRuleKeys(k, captures); err != nil {
			return at(r.Line, "rule %s: %v", r.ID, err)
		}
		if err := checkWeight(r, captures); err != nil {
			return at(r.Line, "rule %s: %v", r.ID, err)
		}
		if kind == KindCheck && !r.When.IsSet() {
			return at(r.Line, "rule %s: a check rule needs when", r.ID)
		}
		if r.Anchor.IsSet() && kind != KindCheck {
			return at(r.Anchor.Line, "rule %s: anchor is for check rules (the other kinds take their time from their lines)", r.ID)
		}
		// Vars: in order, each sees the ones before it.
		withFacts := r.Scope != "all"
		var varNames []string
		taken := map[string]string{}
		for _, v := range vars {
			taken[v] = "a variable of " + kind + " rules"
		}
		for _, c := range captures {
			taken[c] = "a capture of the rule's patterns"
		}
		for n := range facts {
			taken[n] = "a fact"
		}
		for n := range sharedNames {
			taken[n] = "a shared var of the profile"
		}
		for j := range r.Vars {
			v := &r.Vars[j]
			if !validIdent.MatchString(v.Name) {
				return at(v.Line, "rule %s: var name %q must be lower case letters, digits and _", r.ID, v.Name)
			}
			if globals[v.Name] || reserved[v.Name] {
				return at(v.Line, "rule %s: var %q is a builtin name", r.ID, v.Name)
			}
			if what, ok := taken[v.Name]; ok {
				return at(v.Line, "rule %s: var %q would hide %s", r.ID, v.Name, what)
			}
			c.infer = len(v.Cases) == 0
			err := c.varExpr(v, names(withFacts, vars, captures, sharedList, varNames), names(withFacts, vars, captures, sharedList, varNames, TextNames), p.Language)
			c.infer = false
			if err != nil {
				return err
			}
			if z := zeroOf(c.lastType); z != nil && len(v.Cases) == 0 && c.types != nil {
				// A var whose expression has one plain type whatever
				// its inputs: the later expressions are checked with it.
				c.types[v.Name] = z
			}
			taken[v.Name] = "an earlier var"
			varNames = append(varNames, v.Name)
		}
		scope := names(withFacts, vars, captures, sharedList, varNames)
		textScope := names(withFacts, vars, captures, sharedList, varNames, TextNames)
		var texts []*Expr
		exprs := []*Expr{&r.When, &r.Anchor}
		for j := range r.SeverityWhen {
			sw := &r.SeverityWhen[j]
			if SeverityRank(sw.Severity) == 0 {
				return at(sw.Line, "rule %s: severity %q must be info, warning or critical", r.ID, sw.Severity)
			}
			if !sw.When.IsSet() {
				return at(sw.Line, "rule %s: severity_when entry needs when", r.ID)
			}
			exprs = append(exprs, &sw.When)
		}
		for j := range r.TitleWhen {
			tw := &r.TitleWhen[j]
			if !tw.When.IsSet() || tw.Title.Src == "" {
				return at(tw.Line, "rule %s: title_when entry needs when and title", r.ID)
			}
			exprs = append(exprs, &tw.When)
			texts = append(texts, textExprs(&tw.Title)...)
		}
		for j := range r.Notes {
			n := &r.Notes[j]
			if n.Explanation.Src == "" && n.Remedy.Src == "" {
				return at(n.Line, "rule %s: note needs explanation or remedy text", r.ID)
			}
			exprs = append(exprs, &n.When)
			texts = append(texts, textExprs(&n.Explanation)...)
			texts = append(texts, textExprs(&n.Remedy)...)
		}
		for j := range r.Cite {
			exprs = append(exprs, &r.Cite[j])
		}
		texts = append(texts, textExprs(&r.Title)...)
		texts = append(texts, textExprs(&r.Explanation)...)
		texts = append(texts, textExprs(&r.Remedy)...)
		for _, e := range exprs {
			if err := c.expr(e, scope); err != nil {
				return err
			}
		}
		for _, e := range texts {
			if err := c.expr(e, textScope); err != nil {
				return err
			}
			if p.Language >= 2 {
				if msg := HoleError(c.view(e)); msg != "" {
					return at(e.Line, "rule %s: %s", r.ID, msg)
				}
			}
		}
		// The shared vars the rule names go before its own.
		used := map[string]bool{}
		all := append(append([]*Expr{}, exprs...), texts...)
		for j := range r.Vars {
			all = append(all, r.Vars[j].Exprs()...)
		}
		for _, e := range all {
			ev := c.view(e)
			if err := checkMembers(f, ev, facts); err != nil {
				return err
			}
			if err := checkExprGlobs(p, ev); err != nil {
				return at(ev.Line, "rule %s: %v", r.ID, err)
			}
			for _, n := range ExprNames(ev) {
				used[n] = true
			}
		}
		if len(a.Vars) > 0 {
			sv, err := sharedVars(f, sharedView, used, names(withFacts, vars, captures), r.ID)
			if err != nil {
				return err
			}
			c.shared[i] = sv
		}
		// The kind block's own expressions (match where) run per line,
		// before findings exist: they see the line's captures and record
		// fields, not the rule's vars.
		for _, e := range k.Exprs() {
			if err := c.expr(e, names(withFacts, vars, captures, RecordFields)); err != nil {
				return err
			}
		}
		if line, msg := burstError(r, captures, all, c.view); msg != "" {
			return at(line, "rule %s: %s", r.ID, msg)
		}
		if r.Context != nil {
			if len(r.Context.In) == 0 {
				return at(r.Context.Line, "rule %s: context needs in", r.ID)
			}
			if err := checkGlobs(r.Context.In); err != nil {
				return at(r.Context.Line, "rule %s: %v", r.ID, err)
			}
		}
	}
	c.types = nil
	return nil
}

// capture is a named group of a rule: of a pattern, a file_pattern, or
// (fact) the for_each fact's pattern.
type capture struct {
	name string
	line int
	fact bool
}

// lineError is an error about a line of the profile other than the rule's.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }

// checkCaptureName refuses a capture name that would be confused with
// another name an expression of the rule sees.
func checkCaptureName(c capture, k RuleKind, globals, reserved, recordField map[string]bool) error {
	n := c.name
	switch {
	case n == "value":
		// The record's value is its value group: the same thing.
		return nil
	case recordField[n]:
		return fmt.Errorf("capture name %q is a record field (%s): rename the group", n, strings.Join(RecordFields, ", "))
	case globals[n]:
		return fmt.Errorf("capture name %q is a builtin of the analyzer (%s): rename the group", n, n)
	case reserved[n]:
		return fmt.Errorf("capture name %q is a function or keyword of the expression language: rename the group", n)
	case n == "state" && k.Name() == KindState && !c.fact:
		// The tracked state's own group.
		return nil
	case contains(k.Vars(), n):
		return fmt.Errorf("capture name %q is a variable of %s rules: rename the group", n, k.Name())
	}
	return nil
}

// matcherCaptures lists a pattern's named groups and its file pattern's.
func matcherCaptures(p Pattern, fp *Pattern) ([]string, error) {
	caps := p.Captures()
	if fp != nil {
		for _, c := range fp.Captures() {
			if contains(caps, c) {
				return nil, fmt.Errorf("group %q is in both pattern and file_pattern", c)
			}
			caps = append(caps, c)
		}
	}
	return caps, nil
}

// captureLine is the line a capture was written on.
func captureLine(p, fp *Pattern, name string, def int) int {
	line := 0
	if fp != nil && hasGroup(*fp, name) {
		line = fp.Line
	} else if p != nil {
		line = p.Line
	}
	if line == 0 {
		line = def
	}
	return line
}

func checkRuleKeys(k RuleKind, captures []string) error {
	have := map[string]bool{}
	for _, c := range captures {
		have[c] = true
	}
	for _, key := range k.Keys() {
		if !have[key] {
			return fmt.Errorf("key %q is not a named capture of the rule's patterns", key)
		}
	}
	return nil
}

func textExprs(t *Text) []*Expr {
	var out []*Expr
	for i := range t.Parts {
		if t.Parts[i].Expr != nil {
			out = append(out, t.Parts[i].Expr)
		}
	}
	return out
}

func hasGroup(p Pattern, name string) bool {
	for _, c := range p.Captures() {
		if c == name {
			return true
		}
	}
	return false
}

func checkOS(list []string) error {
	for _, o := range list {
		if !knownOS[o] {
			return fmt.Errorf("unknown OS %q", o)
		}
	}
	return nil
}

func overlaps(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// checkGlobs rejects member globs that cannot match a member path.
func checkGlobs(globs []string) error {
	for _, g := range globs {
		if g == "" || strings.HasPrefix(g, "/") || strings.Contains(g, `\`) {
			return fmt.Errorf("member glob %q must be relative to the bundle, like files/**/epp.log*", g)
		}
		if _, err := MatchGlob(g, ""); err != nil {
			return fmt.Errorf("bad glob %q: %v", g, err)
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// anchored reports whether a process pattern starts at the command
// line's start: "^", after optional flags such as "(?i)".
func anchored(src string) bool {
	for strings.HasPrefix(src, "(?") {
		end := strings.IndexByte(src, ')')
		if end < 0 || strings.ContainsAny(src[2:end], ":<P'") {
			break // a group, not a flag setting
		}
		src = src[end+1:]
	}
	return strings.HasPrefix(src, "^")
}

// validateContent checks a log's content shapes: a name, at least one
// line shape, and an as path that the entry's own globs read (with
// {name} standing for any file name), inside files/ or commands/.
func validateContent(l LogSpec, c *LogContent) error {
	if strings.TrimSpace(c.Name) == "" {
		return fmt.Errorf("needs a name (what the log is: \"audit log\")")
	}
	if len(c.Lines) == 0 {
		return fmt.Errorf("needs lines (the shapes of the log's lines)")
	}
	for _, p := range c.Lines {
		if p.Re == nil {
			return fmt.Errorf("a line shape is empty")
		}
	}
	if !strings.HasPrefix(c.As, "files/") && !strings.HasPrefix(c.As, "commands/") {
		return fmt.Errorf("as %q must be a member path under files/ or commands/", c.As)
	}
	sample := strings.ReplaceAll(c.As, "{name}", "console.txt")
	if strings.ContainsAny(sample, "{}*?[]") || strings.Contains(sample, "//") || strings.Contains(sample, "/../") || strings.HasSuffix(sample, "/") {
		return fmt.Errorf("as %q must be a plain member path ({name} is the only placeholder)", c.As)
	}
	for _, g := range l.Files {
		if ok, _ := MatchGlob(g, sample); ok {
			return nil
		}
	}
	return fmt.Errorf("as %q is not read by this entry's files globs, so the file would not be read as this log", c.As)
}

type globsAt struct {
	globs []string
	line  int
}

// ruleGlobs lists the member globs of a rule's matchers and context,
// with the line of each.
func ruleGlobs(r *Rule) []globsAt {
	var out []globsAt
	for _, u := range r.Kind.Uses() {
		out = append(out, globsAt{u.Matcher.In, max(u.Matcher.Pattern.Line, r.Line)})
	}
	if r.Context != nil {
		out = append(out, globsAt{r.Context.In, max(r.Context.Line, r.Line)})
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
