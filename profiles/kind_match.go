package profiles

import "fmt"

// The match kind: lines that are there (MatchSpec, in types).

// Name is "match".
func (m *MatchSpec) Name() string { return KindMatch }

// Vars are the match rule's variables.
func (m *MatchSpec) Vars() []string { return RuleVars[KindMatch] }

// Keys are the group_by captures.
func (m *MatchSpec) Keys() []string { return m.GroupBy }

// Exprs is the where condition.
func (m *MatchSpec) Exprs() []*Expr { return []*Expr{&m.Where} }

// Spec is the match block.
func (m *MatchSpec) Spec() any { return m }

// anyMatchers are the match patterns: the shorthand first, in defaulted.
func (m *MatchSpec) anyMatchers() ([]Matcher, error) {
	ms, err := shorthand(m.Pattern, m.Label, m.FilePattern, m.Any)
	return withIn(ms, m.In), err
}

// Uses are the match patterns, the also entries and the resolved_by
// patterns.
func (m *MatchSpec) Uses() []Use {
	ms, _ := m.anyMatchers()
	out := uses("match", ms)
	for i := range m.Also {
		a := &m.Also[i]
		am := a.Matcher
		if len(am.In) == 0 {
			am.In = m.In
		}
		out = append(out, Use{Role: "also", Matcher: am, Also: a})
	}
	if res := m.ResolvedBy; res != nil {
		rs, _ := res.matchers(m.In)
		out = append(out, uses("resolved_by", rs)...)
	}
	return out
}

// matchers are the success patterns: the shorthand first, in defaulted to
// the resolution's in, else the match block's.
func (res *Resolution) matchers(matchIn []string) ([]Matcher, error) {
	ms, err := shorthand(res.Pattern, res.Label, res.FilePattern, res.Any)
	in := res.In
	if len(in) == 0 {
		in = matchIn
	}
	return withIn(ms, in), err
}

func (m *MatchSpec) check(r *Rule, _ map[string]Fact) ([]capture, error) {
	ms, err := m.anyMatchers()
	if err != nil {
		return nil, err
	}
	caps, err := checkMatchers(ms, "match")
	if err != nil {
		return nil, err
	}
	matchCaps := map[string]bool{}
	for _, c := range caps {
		matchCaps[c.name] = true
	}
	if len(m.Also) > 0 {
		also := Matchers(m.Uses(), "also")
		acaps, err := checkMatchers(also, "also")
		if err != nil {
			return nil, err
		}
		caps = append(caps, acaps...)
		for i := range m.Also {
			a := &m.Also[i]
			own, _ := matcherCaptures(a.Pattern, a.FilePattern)
			for _, k := range a.JoinOn {
				if !contains(own, k) || !matchCaps[k] {
					return nil, &lineError{a.Pattern.Line, fmt.Errorf("also entry %d: join_on %q must be a named capture of both the entry's pattern and the match patterns", i+1, k)}
				}
			}
		}
	}
	if m.Min < 0 {
		return nil, fmt.Errorf("min must not be negative")
	}
	if res := m.ResolvedBy; res != nil {
		rs, err := res.matchers(m.In)
		if err != nil {
			return nil, err
		}
		rcaps, err := checkMatchers(rs, "resolved_by")
		if err != nil {
			return nil, err
		}
		caps = append(caps, rcaps...)
		if res.Severity != "" && SeverityRank(res.Severity) == 0 {
			return nil, fmt.Errorf("resolved_by severity %q must be info, warning or critical", res.Severity)
		}
	}
	return caps, nil
}

func (m *MatchSpec) compile() {
	m.Any, _ = m.anyMatchers()
	m.Pattern, m.Label, m.FilePattern = nil, "", nil
	for i := range m.Also {
		if len(m.Also[i].In) == 0 {
			m.Also[i].In = m.In
		}
	}
	if res := m.ResolvedBy; res != nil {
		res.Any, _ = res.matchers(m.In)
		res.Pattern, res.Label, res.FilePattern = nil, "", nil
		if res.Severity == "" {
			res.Severity = SeverityInfo
		}
	}
}
