package analyze

import "casefile/profiles"

// samplesEngine: a check rule with samples, comparing two samples of a
// fact per host (profiles.SamplesKind; the evaluation is in samples.go).
type samplesEngine struct{ checkEngine }

func (samplesEngine) eval(e *evaluator, rr *ruleRun, env map[string]any) ([]*draft, error) {
	return e.evalSamples(rr), nil
}

func (samplesEngine) explain(x *explainer, r *profiles.Rule) []string {
	x.w("  kind check: compares the earliest and the latest value of fact %s among the bundles of each host\n", r.Check.Samples)
	return []string{"Samples"}
}
