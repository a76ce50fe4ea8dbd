package profiles

import "fmt"

// The check kind: facts judged alone, or each record of a fact
// (CheckSpec, in types). A check block with samples: is the samples kind
// (kind_samples.go).

// Name is "check".
func (c *CheckSpec) Name() string { return KindCheck }

// Vars are the check rule's variables (those of a for_each record).
func (c *CheckSpec) Vars() []string { return RuleVars[KindCheck] }

// Keys: a check rule's findings are keyed by record, not by captures.
func (c *CheckSpec) Keys() []string { return nil }

// Exprs: the check block has none (its condition is the rule's when).
func (c *CheckSpec) Exprs() []*Expr { return nil }

// Spec is the check block.
func (c *CheckSpec) Spec() any { return c }

// Uses: a check rule reads facts, not lines.
func (c *CheckSpec) Uses() []Use { return nil }

// check: for_each names a fact picked all, whose captures become the
// rule's.
func (c *CheckSpec) check(r *Rule, facts map[string]Fact) ([]capture, error) {
	if c.ForEach == "" {
		return nil, nil
	}
	fe, ok := facts[c.ForEach]
	if !ok || fe.Pick != "all" {
		return nil, &lineError{c.Line, fmt.Errorf("for_each must name a fact with pick: all")}
	}
	var caps []capture
	if fe.Pattern != nil {
		fcaps, _ := matcherCaptures(*fe.Pattern, fe.FilePattern)
		for _, n := range fcaps {
			caps = append(caps, capture{name: n, line: captureLine(fe.Pattern, fe.FilePattern, n, fe.Line), fact: true})
		}
	}
	return caps, nil
}

func (c *CheckSpec) compile() {}
