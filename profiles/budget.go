package profiles

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/vm"
	"github.com/expr-lang/expr/vm/runtime"
)

// Expression budget (issue 12): a profile expression can ask for any
// amount of memory or time (reduce(1..40, #acc + #acc, "ab") doubles a
// string forty times: 2 TiB; two loops over a 30,000-element list run 9e8
// times). The expression language charges the arrays it builds and some
// loops against a budget of 1e6 elements per evaluation
// (conf.DefaultMemoryBudget: "memory budget exceeded"), but not the
// strings it builds nor loops over a list held in a variable. So every
// expression is compiled with these patched in:
//
//   - string building (+ on strings, repeat, replace, join) may produce at
//     most MaxExprBytes per evaluation in total, checked before the bytes
//     are allocated;
//   - closures (the bodies of map, filter, all, any, reduce, count,
//     sortBy...) may run at most MaxExprSteps times per evaluation.
//
// Beyond a budget the evaluation fails ("expression exceeds its budget");
// the engine reports it as that rule's (or fact's) coverage error and
// goes on.
const (
	MaxExprBytes = 64 << 20
	MaxExprSteps = 2_000_000
)

// ErrExprBudget is wrapped by the error of an evaluation that went over
// its budget.
var ErrExprBudget = errors.New("expression exceeds its budget")

// ExprBudget is one evaluation's running totals: put a fresh one in the
// environment under BudgetKey before each run (NewBudget). Without one,
// each single string operation is still bounded by MaxExprBytes.
type ExprBudget struct {
	Bytes, Steps int64
}

// BudgetKey is the environment key of the evaluation's *ExprBudget.
const BudgetKey = "__cf_budget"

// budget fns are named with this prefix; freeNames skips them.
const budgetPrefix = "__cf_"

func budgetOf(env any) *ExprBudget {
	if m, ok := env.(map[string]any); ok {
		if b, ok := m[BudgetKey].(*ExprBudget); ok {
			return b
		}
	}
	return nil
}

// charge counts n bytes about to be built.
func charge(env any, n int64, what string) error {
	if n > MaxExprBytes {
		return fmt.Errorf("%w: %s would build %d bytes (limit %d MiB per evaluation)", ErrExprBudget, what, n, MaxExprBytes>>20)
	}
	if b := budgetOf(env); b != nil {
		b.Bytes += n
		if b.Bytes > MaxExprBytes {
			return fmt.Errorf("%w: more than %d MiB of strings built (at %s)", ErrExprBudget, MaxExprBytes>>20, what)
		}
	}
	return nil
}

func budgetFunctions() []expr.Option {
	return []expr.Option{
		expr.Function(budgetPrefix+"add", func(p ...any) (any, error) {
			a, b := p[1], p[2]
			if sa, ok := a.(string); ok {
				if sb, ok := b.(string); ok {
					if err := charge(p[0], int64(len(sa))+int64(len(sb)), "+"); err != nil {
						return nil, err
					}
					return sa + sb, nil
				}
			}
			return runtime.Add(a, b), nil
		}),
		expr.Function(budgetPrefix+"step", func(p ...any) (any, error) {
			if b := budgetOf(p[0]); b != nil {
				b.Steps++
				if b.Steps > MaxExprSteps {
					return nil, fmt.Errorf("%w: more than %d steps", ErrExprBudget, MaxExprSteps)
				}
			}
			return p[1], nil
		}),
		expr.Function(budgetPrefix+"repeat", func(p ...any) (any, error) {
			if len(p) != 3 {
				return nil, fmt.Errorf("repeat wants 2 arguments")
			}
			s, ok := p[1].(string)
			if !ok {
				return nil, fmt.Errorf("repeat: %T is not a string", p[1])
			}
			n := runtime.ToInt(p[2])
			if n < 0 {
				return nil, fmt.Errorf("invalid argument for repeat (expected positive integer, got %d)", n)
			}
			if len(s) > 0 && n > MaxExprBytes/len(s)+1 {
				return nil, fmt.Errorf("%w: repeat would build more than %d MiB", ErrExprBudget, MaxExprBytes>>20)
			}
			if err := charge(p[0], int64(len(s))*int64(n), "repeat"); err != nil {
				return nil, err
			}
			return strings.Repeat(s, n), nil
		}),
		expr.Function(budgetPrefix+"replace", func(p ...any) (any, error) {
			if len(p) != 4 && len(p) != 5 {
				return nil, fmt.Errorf("invalid number of arguments for replace (expected 3 or 4, got %d)", len(p)-1)
			}
			s, ok1 := p[1].(string)
			old, ok2 := p[2].(string)
			nw, ok3 := p[3].(string)
			if !ok1 || !ok2 || !ok3 {
				return nil, fmt.Errorf("replace wants strings")
			}
			k := -1
			if len(p) == 5 {
				k = runtime.ToInt(p[4])
			}
			n := strings.Count(s, old)
			if k >= 0 && k < n {
				n = k
			}
			if err := charge(p[0], int64(len(s))+int64(n)*int64(len(nw)), "replace"); err != nil {
				return nil, err
			}
			return strings.Replace(s, old, nw, k), nil
		}),
		expr.Function(budgetPrefix+"join", func(p ...any) (any, error) {
			if len(p) != 2 && len(p) != 3 {
				return nil, fmt.Errorf("invalid number of arguments for join (expected 1 or 2, got %d)", len(p)-1)
			}
			glue := ""
			if len(p) == 3 {
				g, ok := p[2].(string)
				if !ok {
					return nil, fmt.Errorf("join: glue %T is not a string", p[2])
				}
				glue = g
			}
			var parts []string
			switch x := p[1].(type) {
			case []string:
				parts = x
			case []any:
				for _, v := range x {
					s, ok := v.(string)
					if !ok {
						return nil, fmt.Errorf("join: %T is not a string", v)
					}
					parts = append(parts, s)
				}
			default:
				return nil, fmt.Errorf("join: %T is not an array of strings", p[1])
			}
			n := int64(len(glue)) * int64(max(len(parts)-1, 0))
			for _, s := range parts {
				n += int64(len(s))
			}
			if err := charge(p[0], n, "join"); err != nil {
				return nil, err
			}
			return strings.Join(parts, glue), nil
		}),
	}
}

// budgetPatch rewrites a parsed expression so that string building and
// closures and string building go through the budget functions above, with $env (where the
// evaluation's *ExprBudget is) as their first argument.
type budgetPatch struct{}

func envNode() ast.Node { return &ast.IdentifierNode{Value: "$env"} }

func (budgetPatch) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.BinaryNode:
		if x.Operator == "+" {
			ast.Patch(n, &ast.CallNode{Callee: &ast.IdentifierNode{Value: budgetPrefix + "add"}, Arguments: []ast.Node{envNode(), x.Left, x.Right}})
		}
	case *ast.PredicateNode:
		x.Node = &ast.CallNode{Callee: &ast.IdentifierNode{Value: budgetPrefix + "step"}, Arguments: []ast.Node{envNode(), x.Node}}
	case *ast.BuiltinNode:
		switch x.Name {
		case "repeat", "replace", "join":
			ast.Patch(n, &ast.CallNode{Callee: &ast.IdentifierNode{Value: budgetPrefix + x.Name}, Arguments: append([]ast.Node{envNode()}, x.Arguments...)})
		}
	}
}

// exprOptions are the options every profile expression is compiled with.
func exprOptions() []expr.Option {
	return append([]expr.Option{expr.AllowUndefinedVariables(), expr.Patch(budgetPatch{})}, budgetFunctions()...)
}

// exprConfigs hold configurations made with exprOptions. expr.Compile
// makes its configuration anew for every expression (the builtins table,
// then the budget functions): a quarter of the memory loading a profile
// allocated. A configuration is not changed by compiling except for its
// cache of types (NtCache), so one goroutine at a time may reuse it.
var exprConfigs = sync.Pool{New: func() any {
	c := conf.CreateNew()
	for _, op := range exprOptions() {
		op(c)
	}
	for name := range c.Disabled {
		delete(c.Builtins, name)
	}
	return c
}}

// compileProfileExpr is expr.Compile(src, exprOptions()...), the same
// steps on a reused configuration.
func compileProfileExpr(src string) (*vm.Program, error) {
	c := exprConfigs.Get().(*conf.Config)
	defer exprConfigs.Put(c)
	c.Check()
	tree, err := checker.ParseCheck(src, c)
	if err != nil {
		return nil, err
	}
	if c.Optimize {
		if err := optimizer.Optimize(&tree.Node, c); err != nil {
			var fe *file.Error
			if errors.As(err, &fe) {
				return nil, fe.Bind(tree.Source)
			}
			return nil, err
		}
	}
	return compiler.Compile(tree, c)
}
