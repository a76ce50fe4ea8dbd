package analyze

import "casefile/profiles"

// checkEngine: facts judged alone, or each record of a fact
// (profiles.CheckSpec).
type checkEngine struct{}

func (checkEngine) plan(p *plan, rp *rulePlan, add func([]profiles.Matcher, string) []*slot) {
	if fe := rp.rule.Check.ForEach; fe != "" {
		if f := p.factByNme[fe]; f != nil && f.Pattern != nil {
			rp.captures = append(rp.captures, f.Pattern.Captures()...)
			if f.FilePattern != nil {
				rp.captures = append(rp.captures, f.FilePattern.Captures()...)
			}
		}
	}
}

func (checkEngine) eval(e *evaluator, rr *ruleRun, env map[string]any) ([]*draft, error) {
	return e.evalCheck(rr), nil
}

// inputs: a check rule reads facts (coverage takes them as its inputs).
func (checkEngine) inputs(rp *rulePlan) []*slot { return nil }

func (checkEngine) explain(x *explainer, r *profiles.Rule) []string {
	if fe := r.Check.ForEach; fe != "" {
		x.w("  kind check: judges each record of fact %s\n", fe)
	} else {
		x.w("  kind check: judges facts\n")
	}
	return []string{"ForEach"}
}
