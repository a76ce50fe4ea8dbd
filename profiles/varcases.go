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

// compileVar compiles a rule's var in scope (a case's text also sees
// textScope); under language 2 a case's text holds holes as every text
// does.
func compileVar(file string, v *Var, scope, textScope map[string]bool, language int) error {
	if len(v.Cases) == 0 {
		return CompileExpr(file, &v.Expr, scope)
	}
	for i := range v.Cases {
		c := &v.Cases[i]
		if err := CompileExpr(file, &c.When, scope); err != nil {
			return err
		}
		for _, e := range textExprs(&c.Text) {
			if err := CompileExpr(file, e, textScope); err != nil {
				return err
			}
			if language >= 2 {
				if msg := HoleError(e); msg != "" {
					return fmt.Errorf("%s:%d: var %s: %s", file, e.Line, v.Name, msg)
				}
			}
		}
	}
	return nil
}

// compileVarSyntax compiles a shared var without judging its names.
func compileVarSyntax(file string, v *Var) error {
	for _, e := range v.Exprs() {
		if err := compileSyntax(file, e); err != nil {
			return err
		}
	}
	return nil
}
