package profiles

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// VarCase is one case of a var written as a choice of phrases:
//
//	phase:
//	  - {when: 'matched.phase2 > 0', text: phase 2 (IPsec SA / Child SA)}
//	  - {when: 'matched.phase1 > 0', text: phase 1 (ISAKMP/IKE SA)}
//	  - text: the negotiation
//
// The var's value is the text of the first case whose when holds (a case
// without when always holds), rendered as a text; "" when none holds. A
// single mapping ({when: resolved, text: ' (it came back)'}) is one case.
type VarCase struct {
	When Expr
	Text Text
	Line int
}

// decodeVarCases reads a var written as cases (a sequence of {when,
// text} mappings, or one such mapping).
func decodeVarCases(name string, n *yaml.Node) ([]VarCase, error) {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
		if len(items) == 0 {
			return nil, fmt.Errorf("line %d: var %s: a list of cases needs at least one {when, text}", n.Line, name)
		}
	}
	var out []VarCase
	for _, it := range items {
		if it.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("line %d: var %s: a case is a mapping {when: condition, text: phrase}", it.Line, name)
		}
		c := VarCase{Line: it.Line}
		hasText := false
		for i := 0; i+1 < len(it.Content); i += 2 {
			k, v := it.Content[i], it.Content[i+1]
			var err error
			switch k.Value {
			case "when":
				err = c.When.UnmarshalYAML(v)
			case "text":
				err = c.Text.UnmarshalYAML(v)
				hasText = true
			default:
				return nil, fmt.Errorf("line %d: var %s: unknown key %q in a case (when, text)", k.Line, name, k.Value)
			}
			if err != nil {
				return nil, err
			}
		}
		if !hasText {
			return nil, fmt.Errorf("line %d: var %s: a case needs text", it.Line, name)
		}
		out = append(out, c)
	}
	return out, nil
}

// Exprs lists every expression of the var: its expression, or each
// case's when and the holes of its text.
func (v *Var) Exprs() []*Expr {
	if len(v.Cases) == 0 {
		return []*Expr{&v.Expr}
	}
	var out []*Expr
	for i := range v.Cases {
		out = append(out, &v.Cases[i].When)
		out = append(out, textExprs(&v.Cases[i].Text)...)
	}
	return out
}

// Names lists the names the var reads, each once.
func (v *Var) Names() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range v.Exprs() {
		for _, n := range ExprNames(e) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// varExpr compiles a rule's var in scope (a case's text also sees
// textScope); under language 2 a case's text holds holes as every text
// does.
func (c *compiled) varExpr(v *Var, scope, textScope map[string]bool, language int) error {
	if len(v.Cases) == 0 {
		return c.expr(&v.Expr, scope)
	}
	for i := range v.Cases {
		vc := &v.Cases[i]
		if err := c.expr(&vc.When, scope); err != nil {
			return err
		}
		for _, e := range textExprs(&vc.Text) {
			if err := c.expr(e, textScope); err != nil {
				return err
			}
			if language >= 2 {
				if msg := HoleError(c.view(e)); msg != "" {
					return fmt.Errorf("%s:%d: var %s: %s", c.file, e.Line, v.Name, msg)
				}
			}
		}
	}
	return nil
}

// varSyntax compiles a shared var without judging its names.
func (c *compiled) varSyntax(v *Var) error {
	for _, e := range v.Exprs() {
		if err := c.syntax(e); err != nil {
			return err
		}
	}
	return nil
}

// varView is a copy of v with its expressions as compiled (view); the
// profile's own var is left as it is.
func (c *compiled) varView(v *Var) Var {
	out := *v
	out.Expr = *c.view(&v.Expr)
	if len(v.Cases) > 0 {
		out.Cases = make([]VarCase, len(v.Cases))
		for i := range v.Cases {
			vc := v.Cases[i]
			vc.When = *c.view(&v.Cases[i].When)
			parts := make([]TextPart, len(vc.Text.Parts))
			for j, tp := range vc.Text.Parts {
				if tp.Expr != nil {
					tp.Expr = c.view(tp.Expr)
				}
				parts[j] = tp
			}
			vc.Text.Parts = parts
			out.Cases[i] = vc
		}
	}
	return out
}
