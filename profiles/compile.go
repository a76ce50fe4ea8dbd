package profiles

import (
	"reflect"

	"github.com/expr-lang/expr/vm"
)

// One compiler: Parse decodes a profile, decides each rule's kind
// (decideKinds), validates it without changing it (validate), and then
// compiles it here, writing what validation worked out into the profile:
// expression programs, the patterns of typed fact sources, the normal
// form of each kind block (kind_*.go: shorthands expanded, default member
// globs filled in), default severities, and the shared vars each rule
// names, placed before its own.

// compiled is what validation works out for the compile step.
type compiled struct {
	file  string
	progs map[*Expr]*vm.Program
	// factPatterns are the patterns of typed fact sources, by fact index.
	factPatterns map[int]*Pattern
	// shared are the shared vars each rule names, by rule index.
	shared map[int]Vars
	// types are the names of known type in the scope being validated
	// (typecheck.go): each expression is also checked against them.
	types map[string]any
	// lastType is the type the checker worked out for the last
	// expression compiled with types (nil without).
	lastType reflect.Type
	// infer asks for lastType even when the expression reads no name of
	// known type (a var's count(records, ...)).
	infer bool
}

func newCompiled(file string) *compiled {
	return &compiled{file: file, progs: map[*Expr]*vm.Program{}, factPatterns: map[int]*Pattern{}, shared: map[int]Vars{}}
}

// expr compiles e in the scope of names (CompileExpr) and keeps its
// program for the compile step.
func (c *compiled) expr(e *Expr, names map[string]bool) error {
	prog, err := compileExpr(c.file, e, names)
	if err != nil {
		return err
	}
	c.lastType = nil
	if prog != nil && c.types != nil && (c.infer || readsTyped(prog, names, c.types)) {
		t, err := typeCheck(c.file, e, names, c.types)
		if err != nil {
			return err
		}
		c.lastType = t
	}
	if prog != nil {
		c.progs[e] = prog
	}
	return nil
}

// syntax compiles e without judging its names (compileSyntax).
func (c *compiled) syntax(e *Expr) error {
	prog, err := compileSyntaxProg(c.file, e)
	if err != nil {
		return err
	}
	if prog != nil {
		c.progs[e] = prog
	}
	return nil
}

// view is e with its program, for the checks that read a compiled
// expression: a copy, the profile's own is left as it is.
func (c *compiled) view(e *Expr) *Expr {
	cp := *e
	if prog := c.progs[e]; prog != nil {
		cp.Program = prog
	}
	return &cp
}

// write is the compile step: it writes what validation worked out into
// the profile.
func (c *compiled) write(p *Profile) {
	for e, prog := range c.progs {
		e.Program = prog
	}
	for i, pat := range c.factPatterns {
		p.Analyze.Facts[i].Pattern = pat
	}
	for i := range p.Analyze.Rules {
		r := &p.Analyze.Rules[i]
		if r.Severity == "" {
			r.Severity = SeverityInfo
		}
		r.Kind.compile()
		if sv := c.shared[i]; len(sv) > 0 {
			placed := make(Vars, 0, len(sv)+len(r.Vars))
			for _, v := range sv {
				v.Shared = true
				placed = append(placed, v)
			}
			r.Vars = append(placed, r.Vars...)
		}
	}
}
