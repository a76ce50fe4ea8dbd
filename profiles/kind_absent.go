package profiles

// The absent kind: a line a healthy system writes is missing (AbsentSpec,
// in types).

// Name is "absent".
func (a *AbsentSpec) Name() string { return KindAbsent }

// Vars are the absent rule's variables (none).
func (a *AbsentSpec) Vars() []string { return RuleVars[KindAbsent] }

// Keys: an absent rule makes one finding.
func (a *AbsentSpec) Keys() []string { return nil }

// Exprs: the absent block has none.
func (a *AbsentSpec) Exprs() []*Expr { return nil }

// Spec is the absent block.
func (a *AbsentSpec) Spec() any { return a }

func (a *AbsentSpec) matchers() ([]Matcher, error) {
	ms, err := shorthand(a.Pattern, a.Label, a.FilePattern, a.Any)
	return withIn(ms, a.In), err
}

// Uses are the expected patterns.
func (a *AbsentSpec) Uses() []Use {
	ms, _ := a.matchers()
	return uses("absent", ms)
}

func (a *AbsentSpec) check(_ *Rule, _ map[string]Fact) ([]capture, error) {
	ms, err := a.matchers()
	if err != nil {
		return nil, err
	}
	return checkMatchers(ms, "absent")
}

func (a *AbsentSpec) compile() {
	a.Any, _ = a.matchers()
	a.Pattern, a.Label, a.FilePattern = nil, "", nil
}
