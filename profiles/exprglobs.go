package profiles

import (
	"github.com/expr-lang/expr/ast"
)

// globFuncs are the functions whose string arguments are member globs.
var globFuncs = map[string]bool{"exists": true, "members": true, "oldest": true, "newest": true, "log_span": true}

// checkExprGlobs applies checkCommandGlobs to the member globs an
// expression writes as literals (exists("commands/ps.out"), a list of
// them); a glob computed at run time is not judged.
func checkExprGlobs(p *Profile, e *Expr) error {
	if e == nil || e.Program == nil {
		return nil
	}
	var globs []string
	lit := func(n ast.Node) {
		switch x := n.(type) {
		case *ast.StringNode:
			globs = append(globs, x.Value)
		case *ast.ArrayNode:
			for _, el := range x.Nodes {
				if s, ok := el.(*ast.StringNode); ok {
					globs = append(globs, s.Value)
				}
			}
		}
	}
	node := e.Program.Node()
	ast.Walk(&node, visitor(func(n ast.Node) {
		call, ok := n.(*ast.CallNode)
		if !ok {
			return
		}
		if id, ok := call.Callee.(*ast.IdentifierNode); ok && globFuncs[id.Value] {
			for _, a := range call.Arguments {
				lit(a)
			}
		}
	}))
	return checkCommandGlobs(p, globs)
}
