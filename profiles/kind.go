package profiles

import (
	"fmt"
	"strings"
)

// RuleKind is what a rule looks for. The loader decides it once, from the
// one kind block the rule has (match, absent, sequence, state, check), and
// stores it in Rule.Kind; the validator, the compiler, the analyzer and
// --explain ask it rather than looking at which block pointer is set. It
// is implemented by the kind blocks themselves (*MatchSpec, *AbsentSpec,
// *SequenceSpec, *StateSpec, *CheckSpec) and by *SamplesKind (a check
// block with samples:), one file each (kind_<name>.go), in the manner of
// text/template/parse: the kinds are types behind one interface. The
// analyzer's side of a kind (its slots, its evaluation, its inputs for
// coverage, its --explain text) is analyze's kindEngine, chosen once from
// this value.
type RuleKind interface {
	// Name is the kind block's key: match, absent, sequence, state, check.
	Name() string
	// Vars are the variables the kind binds for the rule's expressions,
	// besides the named captures of its patterns.
	Vars() []string
	// Keys are the captures that key the rule's findings (group_by, key).
	Keys() []string
	// Uses are the kind's matchers with their roles, as the engines read
	// them: a shorthand pattern first, member globs defaulted to the
	// block's in. They are the same before and after compiling.
	Uses() []Use
	// Exprs are the expressions written in the kind block (match where).
	Exprs() []*Expr
	// Spec is the kind block as written (*MatchSpec, ..., *CheckSpec).
	Spec() any

	// check validates the kind block of r (facts: those defined in the
	// profile) without changing anything and
	// returns the named captures its patterns give the rule.
	check(r *Rule, facts map[string]Fact) ([]capture, error)
	// compile writes the block's normal form (shorthands expanded,
	// defaults filled in), once the profile has been validated.
	compile()
}

// Use is one matcher of a rule kind and its role: "match" (match any),
// "also", "resolved_by", "absent", "start", "expect" or "track".
type Use struct {
	Role    string
	Matcher Matcher
	// Also, ResolvedBy and Track point at the entry the matcher comes from
	// for the roles that have one.
	Also  *Related
	Track *Tracker
}

// Kind names, as profiles write the blocks.
const (
	KindMatch    = "match"
	KindAbsent   = "absent"
	KindSequence = "sequence"
	KindState    = "state"
	KindCheck    = "check"
)

// KindNames are the rule kinds, in the order docs/profiles.md lists them.
var KindNames = []string{KindMatch, KindAbsent, KindSequence, KindState, KindCheck}

// decideKind returns the kind of a rule: its one kind block. Two blocks,
// or none, are an error.
func decideKind(r *Rule) (RuleKind, error) {
	var kinds []RuleKind
	if r.Match != nil {
		kinds = append(kinds, r.Match)
	}
	if r.Absent != nil {
		kinds = append(kinds, r.Absent)
	}
	if r.Sequence != nil {
		kinds = append(kinds, r.Sequence)
	}
	if r.State != nil {
		kinds = append(kinds, r.State)
	}
	if r.Check != nil {
		if r.Check.Samples != "" {
			kinds = append(kinds, &SamplesKind{r.Check})
		} else {
			kinds = append(kinds, r.Check)
		}
	}
	if len(kinds) != 1 {
		var names []string
		for _, k := range kinds {
			names = append(names, k.Name())
		}
		have := ""
		if len(names) > 1 {
			have = ": " + strings.Join(names, ", ")
		}
		return nil, fmt.Errorf("needs exactly one of match, absent, sequence, state, check (has %d%s)", len(kinds), have)
	}
	return kinds[0], nil
}

// decideKinds sets the Kind of every rule (the loader, once).
func decideKinds(p *Profile) error {
	for i := range p.Analyze.Rules {
		r := &p.Analyze.Rules[i]
		k, err := decideKind(r)
		if err != nil {
			return fmt.Errorf("%s:%d: rule %s: %v", p.File, r.Line, r.ID, err)
		}
		r.Kind = k
	}
	return nil
}

// KindName is the name of the rule's kind ("" before loading).
func (r *Rule) KindName() string {
	if r.Kind == nil {
		return ""
	}
	return r.Kind.Name()
}

// checkMatchers checks matchers of one role (with the block's default
// in already applied) and returns their captures.
func checkMatchers(ms []Matcher, what string) ([]capture, error) {
	var caps []capture
	if len(ms) == 0 {
		return nil, fmt.Errorf("%s needs at least one pattern", what)
	}
	for i, m := range ms {
		if m.Pattern.Re == nil {
			return nil, fmt.Errorf("%s entry %d needs a pattern", what, i+1)
		}
		if len(m.In) == 0 {
			return nil, fmt.Errorf("%s entry %d needs in (member globs)", what, i+1)
		}
		if err := checkGlobs(m.In); err != nil {
			return nil, err
		}
		if m.Label != "" && !validIdent.MatchString(m.Label) {
			return nil, fmt.Errorf("label %q must be lower case letters, digits and _", m.Label)
		}
		names, err := matcherCaptures(m.Pattern, m.FilePattern)
		if err != nil {
			return nil, &lineError{m.Pattern.Line, err}
		}
		for _, n := range names {
			caps = append(caps, capture{name: n, line: captureLine(&m.Pattern, m.FilePattern, n, 0)})
		}
	}
	return caps, nil
}

// withIn returns copies of matchers with in defaulted to defIn.
func withIn(ms []Matcher, defIn []string) []Matcher {
	out := make([]Matcher, len(ms))
	for i, m := range ms {
		if len(m.In) == 0 {
			m.In = defIn
		}
		out[i] = m
	}
	return out
}

// shorthand is the matchers of a block that may write one pattern (with
// its label and file_pattern) in place of an any list: that pattern
// first, then the list.
func shorthand(p *Pattern, label string, fp *Pattern, any []Matcher) ([]Matcher, error) {
	if p != nil {
		return append([]Matcher{{Pattern: *p, Label: label, FilePattern: fp}}, any...), nil
	}
	if label != "" || fp != nil {
		return nil, fmt.Errorf("label and file_pattern go with pattern (entries of any have their own)")
	}
	return any, nil
}

// uses makes Uses of one role.
func uses(role string, ms []Matcher) []Use {
	out := make([]Use, len(ms))
	for i, m := range ms {
		out[i] = Use{Role: role, Matcher: m}
	}
	return out
}

// Matchers of a role among uses.
func Matchers(us []Use, role string) []Matcher {
	var out []Matcher
	for _, u := range us {
		if u.Role == role {
			out = append(out, u.Matcher)
		}
	}
	return out
}
