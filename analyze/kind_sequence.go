package analyze

import (
	"strings"

	"casefile/profiles"
)

// sequenceEngine: requests left without a reply (profiles.SequenceSpec).
type sequenceEngine struct{}

func (sequenceEngine) plan(p *plan, rp *rulePlan, add func([]profiles.Matcher, string) []*slot) {
	rp.start = add(rp.rule.Sequence.Start, "start")
	rp.exp = add(rp.rule.Sequence.Expect, "expect")
}

func (sequenceEngine) eval(e *evaluator, rr *ruleRun, env map[string]any) ([]*draft, error) {
	return e.evalSequence(rr), nil
}

func (sequenceEngine) inputs(rp *rulePlan) []*slot {
	return append(append([]*slot{}, rp.start...), rp.exp...)
}

func (sequenceEngine) explain(x *explainer, r *profiles.Rule) []string {
	s := r.Sequence
	x.w("  kind sequence: a finding per key with requests left without a reply\n")
	x.matchers("request", s.Start)
	x.matchers("reply", s.Expect)
	if len(s.Key) > 0 {
		x.w("  request and reply agree on: %s\n", strings.Join(s.Key, ", "))
	}
	if s.Within.Duration > 0 {
		x.w("  the reply must come within %s\n", compactDuration(s.Within.Duration))
	}
	if s.Skew.Duration > 0 {
		x.w("  a reply from another bundle up to %s before its request still answers it (clock skew)\n", compactDuration(s.Skew.Duration))
	}
	return []string{"Start", "Expect", "Key", "Within", "Skew"}
}
