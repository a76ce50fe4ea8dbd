package profiles

import (
	"fmt"

	"github.com/expr-lang/expr"
)

// Eval is the one evaluator of profile expressions: the analyzer's
// conditions, vars, texts and facts, and the collector's `when`. Each
// evaluation gets a fresh budget (MaxExprBytes, MaxExprSteps: budget.go)
// in env; a panic of the expression language becomes an error. An
// expression the validator has not compiled is compiled here with the same
// options (without judging its names); an unset one yields nil.
func Eval(e *Expr, env map[string]any) (v any, err error) {
	if e == nil || !e.IsSet() && e.Program == nil {
		return nil, nil
	}
	prog := e.Program
	if prog == nil {
		if prog, err = compileSyntaxProg("", e); err != nil {
			return nil, err
		}
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if env != nil {
		env[BudgetKey] = &ExprBudget{}
		defer delete(env, BudgetKey)
	}
	return expr.Run(prog, env)
}

// Truth evaluates a condition (Eval): true or false, nil is false, and a
// name can be a condition: a list holds when it is not empty, a record or
// mapping when it is there, a text when it is not "" (when: silent_logs,
// when: dbdir). Anything else is an error. An unset condition holds. The
// analyzer's conditions and the collector's when are judged alike.
func Truth(e *Expr, env map[string]any) (bool, error) {
	if e == nil || !e.IsSet() {
		return true, nil
	}
	v, err := Eval(e, env)
	if err != nil {
		return false, err
	}
	return Holds(v)
}

// Holds is a value as a condition (Truth): a bool; nil false; a list or
// mapping when not empty; a text when not ""; anything else an error.
func Holds(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case nil:
		return false, nil
	case []any:
		return len(x) > 0, nil
	case map[string]any:
		return len(x) > 0, nil
	case string:
		return x != "", nil
	}
	return false, fmt.Errorf("the condition gave %T (%v), not true or false", v, v)
}

// CollectEnv is the environment of a collect item's `when`: the profile's
// variables (vars), the host's OS and exists(path), a host path or glob
// that exists (under --root), and the functions of Bindings that need no
// bundle (Pure: version_lt, ip, ...). It is also where the validator
// takes the names a `when` may use from (nil arguments: the names only).
func CollectEnv(vars map[string]string, goos string, exists func(path string) bool) map[string]any {
	env := make(map[string]any, len(Bindings)+len(vars))
	for i := range bound {
		if p, ok := bound[i].impl.(Pure); ok {
			env[bound[i].name] = p.Fn
		}
	}
	env["os"] = goos
	env["exists"] = exists
	for k, v := range vars {
		env[k] = v
	}
	return env
}
