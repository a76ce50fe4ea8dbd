package analyze

import (
	"strings"

	"casefile/profiles"
)

// matchEngine: lines that are there (profiles.MatchSpec).
type matchEngine struct{}

func (matchEngine) plan(p *plan, rp *rulePlan, add func([]profiles.Matcher, string) []*slot) {
	m := rp.rule.Match
	rp.any = add(m.Any, "match")
	for j := range m.Also {
		rp.also = append(rp.also, add([]profiles.Matcher{m.Also[j].Matcher}, "also")...)
		rp.related = append(rp.related, &m.Also[j])
	}
	if m.ResolvedBy != nil {
		rp.res = add(m.ResolvedBy.Any, "resolved_by")
	}
}

func (matchEngine) eval(e *evaluator, rr *ruleRun, env map[string]any) ([]*draft, error) {
	return e.evalMatch(rr, env)
}

func (matchEngine) inputs(rp *rulePlan) []*slot { return rp.any }

func (matchEngine) explain(x *explainer, r *profiles.Rule) []string {
	m := r.Match
	x.w("  kind match: a finding when lines like these are there\n")
	x.matchers("lines", m.Any)
	if m.Where.IsSet() {
		x.w("  only lines where: %s\n", m.Where.Src)
	}
	if len(m.GroupBy) > 0 {
		x.w("  one finding per distinct %s\n", strings.Join(m.GroupBy, " + "))
	}
	if g := m.SplitGap.Duration; g > 0 {
		x.w("  one finding per burst: a gap of more than %s between lines starts the next\n", compactDuration(g))
	}
	minN := max(m.Min, 1)
	if m.Within.Duration > 0 {
		x.w("  at least %d lines within %s (rate: the most in any such window)\n", minN, compactDuration(m.Within.Duration))
	} else {
		x.w("  at least %d line(s)\n", minN)
	}
	for _, a := range m.Also {
		x.matchers("related lines (quoted, never a trigger)", []profiles.Matcher{a.Matcher})
		var how []string
		if len(a.JoinOn) > 0 {
			how = append(how, "sharing "+strings.Join(a.JoinOn, ", ")+" with a match")
		}
		if a.Within.Duration > 0 {
			how = append(how, "within "+compactDuration(a.Within.Duration)+" of a match")
		}
		if a.Before.Duration > 0 {
			how = append(how, "from "+compactDuration(a.Before.Duration)+" before the first match")
		}
		if len(how) > 0 {
			x.w("      only lines %s\n", strings.Join(how, ", "))
		}
		x.rest("      ", &a, "Matcher", "JoinOn", "Within", "Before")
	}
	if res := m.ResolvedBy; res != nil {
		when := "any time after the last match"
		if res.Within.Duration > 0 {
			when = "within " + compactDuration(res.Within.Duration) + " of the last match"
		}
		x.w("  resolved (severity %s) by a success %s:\n", res.Severity, when)
		x.matchers("success", res.Any)
		x.rest("      ", res, append([]string{"Any", "Within", "Severity"}, foldedFields...)...)
	}
	return []string{"Any", "Where", "GroupBy", "SplitGap", "Min", "Within", "Also", "ResolvedBy"}
}
