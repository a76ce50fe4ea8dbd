package analyze

import "casefile/profiles"

// absentEngine: a line a healthy system writes is missing
// (profiles.AbsentSpec).
type absentEngine struct{}

func (absentEngine) plan(p *plan, rp *rulePlan, add func([]profiles.Matcher, string) []*slot) {
	rp.any = add(rp.rule.Absent.Any, "absent")
}

func (absentEngine) eval(e *evaluator, rr *ruleRun, env map[string]any) ([]*draft, error) {
	if len(rr.records(rr.rp.any)) == 0 {
		return []*draft{{vars: map[string]any{}}}, nil
	}
	return nil, nil
}

func (absentEngine) inputs(rp *rulePlan) []*slot { return rp.any }

func (absentEngine) explain(x *explainer, r *profiles.Rule) []string {
	x.w("  kind absent: a finding when no line like these is there (skipped when none of the files is)\n")
	x.matchers("expected", r.Absent.Any)
	return []string{"Any"}
}
