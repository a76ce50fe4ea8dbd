package profiles

import (
	"errors"
	"strings"

	"github.com/expr-lang/expr"
)

// CompileHole compiles a template hole written outside a rule's texts
// (the per-element template of the analyzer's each helper) and holds it
// to a text's rules (HoleError): a name, a member, a helper call on
// names.
func CompileHole(e *Expr) error {
	plain, err := expr.Compile(e.Src, expr.AllowUndefinedVariables())
	if err != nil {
		return errors.New(firstLine(err.Error()))
	}
	if msg := HoleError(&Expr{Src: e.Src, Program: plain}); msg != "" {
		return errors.New(msg)
	}
	prog, err := compileSyntaxProg("", e)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), ":0: "))
	}
	e.Program = prog
	return nil
}
