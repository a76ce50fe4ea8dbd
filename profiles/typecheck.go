package profiles

import (
	"fmt"

	"github.com/expr-lang/expr"
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
// (names) and reports the checker's refusal in the validator's form.
func typeCheck(file string, e *Expr, names map[string]bool, types map[string]any) error {
	if !e.IsSet() || len(types) == 0 {
		return nil
	}
	env := map[string]any{}
	for n, v := range types {
		if names[n] {
			env[n] = v
		}
	}
	if len(env) == 0 {
		return nil
	}
	// Env first: it makes the config strict, AllowUndefinedVariables
	// (in exprOptions) lifts that for the names of unknown type.
	opts := append([]expr.Option{expr.Env(env)}, exprOptions()...)
	if _, err := expr.Compile(e.Src, opts...); err != nil {
		return fmt.Errorf("%s:%d: expression %q: type error: %s", file, e.Line, e.Src, firstLine(err.Error()))
	}
	return nil
}
