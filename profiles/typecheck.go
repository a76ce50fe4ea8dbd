package profiles

import (
	"fmt"
	"reflect"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// Type checking at load: the validator compiles each expression a second
// time against an environment that gives the names whose type is known a
// value of that type, so expr-lang's checker refuses hits > "3" or
// root_login + 1 > 2 (root_login an exists fact) at load instead of at run
// time. Names whose type is not certain (vars, facts computed by an
// expression, joined across bundles or picked one value) stay unknown
// (any) and are never refused. The program the analyzer runs is the
// untyped one: this compile only checks.

// kindVarTypes are the rule variables whose runtime value always has one
// type (analyze/rules.go, burst.go bind them), by kind: a value of that
// type each. Times are nil when the lines had none, so first_seen and the
// like are left unknown.
var kindVarTypes = map[string]map[string]any{
	KindMatch:    {"hits": 0, "rate": 0, "resolved": false, "group": ""},
	KindSequence: {"hits": 0, "answered": 0, "group": ""},
	KindState:    {"hits": 0, "group": ""},
}

// factType is a value of the type a fact always holds in one bundle, or
// nil when that is not certain: count facts are ints, exists facts bools,
// all and distinct facts lists.
func factType(fa *Fact) any {
	if fa.Expr.IsSet() || fa.Data != nil {
		return nil
	}
	switch fa.Pick {
	case "count":
		return 0
	case "exists":
		return false
	case "all", "distinct":
		return []any{}
	}
	return nil
}

// ruleTypes is the typed environment of a rule's expressions: the kind's
// typed variables, the facts of known type it sees per bundle (withFacts;
// a fact joined across bundles may change type) and the captures of its
// lines (strings).
func ruleTypes(kind string, facts map[string]Fact, withFacts bool, captures []string) map[string]any {
	env := map[string]any{}
	if withFacts {
		for n, fa := range facts {
			if fa.Across != "" {
				continue
			}
			if v := factType(&fa); v != nil {
				env[n] = v
			}
		}
	}
	for n, v := range kindVarTypes[kind] {
		env[n] = v
	}
	if kindVarTypes[kind] != nil {
		// The kinds that read lines bind their captures as strings
		// (a check rule's for_each fields keep the fact's types).
		for _, c := range captures {
			env[c] = ""
		}
	}
	return env
}

// typeCheck compiles e against the names of types whose name is in scope
// (names) and reports the checker's refusal in the validator's form. It
// returns the type the checker worked out for e (an interface type when
// it is not certain).
func typeCheck(file string, e *Expr, names map[string]bool, types map[string]any) (reflect.Type, error) {
	if !e.IsSet() || types == nil {
		return nil, nil
	}
	env := map[string]any{}
	for n, v := range types {
		if names[n] {
			env[n] = v
		}
	}
	// Env first: it makes the config strict, AllowUndefinedVariables
	// lifts that for the names of unknown type. Without the budget patch
	// (budget.go), whose functions hide the types of + and the string
	// builtins; they compute the same values.
	prog, err := expr.Compile(e.Src, expr.Env(env), expr.AllowUndefinedVariables())
	if err != nil {
		return nil, fmt.Errorf("%s:%d: expression %q: type error: %s", file, e.Line, e.Src, firstLine(err.Error()))
	}
	if mayBeNil(prog.Node()) {
		// The checker types a ? nil : 1 as an int.
		return nil, nil
	}
	return prog.Node().Type(), nil
}

// mayBeNil says whether an expression tree holds nil, optional chaining
// or ??, whose values the checker's type does not cover.
func mayBeNil(n ast.Node) bool {
	v := &nilVisitor{}
	ast.Walk(&n, v)
	return v.found
}

type nilVisitor struct{ found bool }

func (v *nilVisitor) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.NilNode, *ast.ChainNode:
		v.found = true
	case *ast.MemberNode:
		v.found = v.found || x.Optional
	case *ast.BinaryNode:
		v.found = v.found || x.Operator == "??"
	}
}

// readsTyped says whether prog reads a name of known type in scope: only
// those expressions are compiled a second time (load time).
func readsTyped(prog *vm.Program, names map[string]bool, types map[string]any) bool {
	if _, bare := prog.Node().(*ast.IdentifierNode); bare {
		return false // a name alone ({peer} in a text) has no type error
	}
	for _, n := range freeNames(prog.Node()) {
		if _, ok := types[n]; ok && names[n] {
			return true
		}
	}
	return false
}

// zeroOf is a value of t when t is one of the plain types a var can be
// said to hold whatever the input (int, float64, bool, string), else nil.
func zeroOf(t reflect.Type) any {
	if t == nil || t.PkgPath() != "" {
		return nil
	}
	switch t.Kind() {
	case reflect.Int:
		return 0
	case reflect.Float64:
		return 0.0
	case reflect.Bool:
		return false
	case reflect.String:
		return ""
	}
	return nil
}
