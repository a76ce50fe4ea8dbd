package profiles

import "fmt"

// SamplesKind is a check block with samples: FACT, a kind of its own: the
// rule compares the fact's earliest and latest values among the bundles
// of one host (docs/followup.md), with SampleVars bound. Its block is
// still written check:, so its Name is "check".
type SamplesKind struct {
	*CheckSpec
}

// Vars are the check variables and SampleVars.
func (s *SamplesKind) Vars() []string {
	return append(append([]string{}, RuleVars[KindCheck]...), SampleVars...)
}

// check: a samples rule runs over every bundle of its profile (scope
// all), names a fact, and is not also for_each.
func (s *SamplesKind) check(r *Rule, facts map[string]Fact) ([]capture, error) {
	line := s.Line
	if r.Scope != "all" {
		return nil, &lineError{line, fmt.Errorf("samples compares bundles of one host: it needs scope: all")}
	}
	if s.ForEach != "" {
		return nil, &lineError{line, fmt.Errorf("samples and for_each exclude each other")}
	}
	if _, ok := facts[s.Samples]; !ok {
		return nil, &lineError{line, fmt.Errorf("samples must name a fact (%q is none)", s.Samples)}
	}
	return nil, nil
}
