package profiles

import "fmt"

// The sequence kind: requests left without a reply (SequenceSpec, in
// types).

// Name is "sequence".
func (s *SequenceSpec) Name() string { return KindSequence }

// Vars are the sequence rule's variables.
func (s *SequenceSpec) Vars() []string { return RuleVars[KindSequence] }

// Keys are the captures a request and its reply agree on.
func (s *SequenceSpec) Keys() []string { return s.Key }

// Exprs: the sequence block has none.
func (s *SequenceSpec) Exprs() []*Expr { return nil }

// Spec is the sequence block.
func (s *SequenceSpec) Spec() any { return s }

// Uses are the start and expect patterns.
func (s *SequenceSpec) Uses() []Use {
	return append(uses("start", withIn(s.Start, s.In)), uses("expect", withIn(s.Expect, s.In))...)
}

func (s *SequenceSpec) check(r *Rule, _ map[string]Fact) ([]capture, error) {
	caps, err := checkMatchers(withIn(s.Start, s.In), "start")
	if err != nil {
		return nil, err
	}
	ecaps, err := checkMatchers(withIn(s.Expect, s.In), "expect")
	if err != nil {
		return nil, err
	}
	if s.Skew.Duration > 0 && r.Scope != "all" {
		return nil, fmt.Errorf("sequence skew is for scope all (clocks of different hosts): one bundle has one clock")
	}
	return append(caps, ecaps...), nil
}

func (s *SequenceSpec) compile() {
	s.Start = withIn(s.Start, s.In)
	s.Expect = withIn(s.Expect, s.In)
}
