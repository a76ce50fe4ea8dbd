package analyze

import (
	"strings"

	"casefile/profiles"
)

// stateEngine: a state per key through time-ordered lines, the last one
// judged (profiles.StateSpec).
type stateEngine struct{}

func (stateEngine) plan(p *plan, rp *rulePlan, add func([]profiles.Matcher, string) []*slot) {
	for _, t := range rp.rule.State.Track {
		s := add([]profiles.Matcher{t.Matcher}, "track")[0]
		rp.fixedState[s] = t.State
		if t.Event != "" {
			rp.event[s] = t.Event
		}
		rp.any = append(rp.any, s)
	}
}

func (stateEngine) eval(e *evaluator, rr *ruleRun, env map[string]any) ([]*draft, error) {
	return e.evalState(rr), nil
}

func (stateEngine) inputs(rp *rulePlan) []*slot { return rp.any }

func (stateEngine) explain(x *explainer, r *profiles.Rule) []string {
	s := r.State
	x.w("  kind state: follows a state per %s through the lines in time order, judges the last\n", orOne(s.Key))
	for _, t := range s.Track {
		var st []string
		if t.State != "" {
			st = append(st, "state "+t.State)
		}
		if t.Event != "" {
			st = append(st, "event "+t.Event+" (the state stays)")
		}
		if len(st) == 0 {
			st = append(st, "state from the (?P<state>) group")
		}
		x.w("  %s in %s:\n      %s\n", strings.Join(st, ", "), strings.Join(t.In, ", "), t.Pattern.Src)
		if t.FilePattern != nil {
			x.w("      of members whose path matches %s\n", t.FilePattern.Src)
		}
		x.rest("      ", &t.Matcher, "In", "Pattern", "FilePattern")
		x.rest("      ", &t, "Matcher", "State", "Event")
	}
	if len(s.ReportBy) > 0 {
		x.w("  one finding per %s: its most severe key, then the one seen last\n", strings.Join(s.ReportBy, " + "))
	}
	return []string{"Key", "Track", "ReportBy"}
}
