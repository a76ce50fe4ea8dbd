package profiles

import (
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"
)

// Language version 2: texts are literal text with holes. This file holds
// what the validator checks for it (the shape of a hole, shared vars,
// member access on facts and bundles) and the measure of how much of a
// profile is expressions (ExprStats).

// TextNames are names a text of a rule may use besides those of its
// expressions: the rule's own thresholds, quoted from its fields so that
// prose never types them twice.
var TextNames = []string{
	"occurrences", // the count phrase: "once, at <time>" / "12 times between <time> and <time>"
	"min",         // match.min
	"within",      // match.within or sequence.within, as written ("5m")
}

// BundleKeys are the keys of the bundle variable (and of each of bundles).
var BundleKeys = []string{"name", "path", "host", "profile", "os", "kernel", "collected_at", "note", "timezone", "facts", "sources"}

// HoleError says why a text's hole is not a name or a helper call on
// names; "" when it is one.
func HoleError(e *Expr) string {
	if e.Program == nil {
		return ""
	}
	if !simpleHole(e.Program.Node(), true) {
		return fmt.Sprintf("{%s} is an expression: a text's hole holds a name ({peer}), a member ({holder.pid}) or a helper call on names ({plural(hits, \"line\")}); work anything else out in vars or a note's when", e.Src)
	}
	return ""
}

// simpleHole: a name, a member chain of a name, a literal (as an
// argument), or (top) a call whose arguments are those.
func simpleHole(n ast.Node, top bool) bool {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return true
	case *ast.MemberNode:
		if _, ok := x.Property.(*ast.StringNode); !ok {
			return false
		}
		return simpleHole(x.Node, false) && isChain(x.Node)
	case *ast.ChainNode:
		return simpleHole(x.Node, top)
	case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NilNode:
		return !top
	case *ast.CallNode:
		if !top {
			return false
		}
		if _, ok := x.Callee.(*ast.IdentifierNode); !ok {
			return false
		}
		for _, a := range x.Arguments {
			if !simpleHole(a, false) {
				return false
			}
		}
		return true
	case *ast.BuiltinNode:
		if !top {
			return false
		}
		for _, a := range x.Arguments {
			if !simpleHole(a, false) {
				return false
			}
		}
		return true
	}
	return false
}

func isChain(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return true
	case *ast.MemberNode:
		return isChain(x.Node)
	case *ast.ChainNode:
		return isChain(x.Node)
	}
	return false
}

// checkMembers finds member access the validator can judge: a key of
// bundle (or bundles[i]) that it does not have, and bundle.facts.<name>
// or bundle.sources.<name> naming no fact.
func checkMembers(file string, e *Expr, facts map[string]Fact) error {
	if e.Program == nil {
		return nil
	}
	var err error
	node := e.Program.Node()
	elems := bundleElements(node)
	bundleNode := func(n ast.Node) bool {
		if p, ok := unchain(n).(*ast.PointerNode); ok {
			return elems[p]
		}
		return isBundle(n)
	}
	visit := func(n ast.Node) {
		m, ok := n.(*ast.MemberNode)
		if !ok || err != nil {
			return
		}
		prop, ok := m.Property.(*ast.StringNode)
		if !ok {
			return
		}
		if bundleNode(m.Node) && !contains(BundleKeys, prop.Value) {
			err = fmt.Errorf("%s:%d: %q: a bundle has no %q%s (it has %s)", file, e.Line, e.Src, prop.Value, didYouMean(prop.Value, BundleKeys), strings.Join(BundleKeys, ", "))
			return
		}
		if inner, ok := unchain(m.Node).(*ast.MemberNode); ok {
			if ip, ok := inner.Property.(*ast.StringNode); ok && bundleNode(inner.Node) && (ip.Value == "facts" || ip.Value == "sources") {
				if _, known := facts[prop.Value]; !known {
					names := make([]string, 0, len(facts))
					for n := range facts {
						names = append(names, n)
					}
					sort.Strings(names)
					err = fmt.Errorf("%s:%d: %q: no fact %q%s", file, e.Line, e.Src, prop.Value, didYouMean(prop.Value, names))
				}
			}
		}
	}
	ast.Walk(&node, visitor(visit))
	return err
}

// bundleElements finds the element pointers (`.x`, `#`) of closures over
// bundles (any(bundles, .facts.x)): those of the closure's own body, not
// of a closure nested in it (whose element is another).
func bundleElements(root ast.Node) map[*ast.PointerNode]bool {
	out := map[*ast.PointerNode]bool{}
	ast.Walk(&root, visitor(func(n ast.Node) {
		b, ok := n.(*ast.BuiltinNode)
		if !ok || len(b.Arguments) < 2 {
			return
		}
		id, ok := unchain(b.Arguments[0]).(*ast.IdentifierNode)
		pred, isPred := b.Arguments[1].(*ast.PredicateNode)
		if !ok || id.Value != "bundles" || !isPred {
			return
		}
		own := map[*ast.PointerNode]bool{}
		body := pred.Node
		ast.Walk(&body, visitor(func(n ast.Node) {
			if p, ok := n.(*ast.PointerNode); ok && p.Name == "" {
				own[p] = true
			}
		}))
		ast.Walk(&body, visitor(func(n ast.Node) {
			inner, ok := n.(*ast.PredicateNode)
			if !ok {
				return
			}
			ib := inner.Node
			ast.Walk(&ib, visitor(func(n ast.Node) {
				if p, ok := n.(*ast.PointerNode); ok {
					delete(own, p)
				}
			}))
		}))
		for p := range own {
			out[p] = true
		}
	}))
	return out
}

type visitor func(n ast.Node)

func (v visitor) Visit(n *ast.Node) { v(*n) }

func unchain(n ast.Node) ast.Node {
	if c, ok := n.(*ast.ChainNode); ok {
		return c.Node
	}
	return n
}

// isBundle: the node is `bundle` or `bundles[i]` (a closure's element
// over bundles is found by bundleElements).
func isBundle(n ast.Node) bool {
	n = unchain(n)
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return x.Value == "bundle"
	case *ast.MemberNode:
		if id, ok := unchain(x.Node).(*ast.IdentifierNode); ok && id.Value == "bundles" {
			_, isStr := x.Property.(*ast.StringNode)
			return !isStr
		}
	}
	return false
}

// didYouMean returns ` (did you mean "x"?)` for the nearest of names, or
// "" when none is near.
func didYouMean(s string, names []string) string {
	best, bestD := "", 3
	if len(s) <= 3 {
		bestD = 2
	}
	for _, n := range names {
		if d := editDistance(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// sharedVars resolves the profile-level vars a rule uses (named by its
// expressions or texts, or by another shared var it uses), in declared
// order; each must compile in the rule's scope.
func sharedVars(file string, shared Vars, used map[string]bool, scope map[string]bool, ruleID string) (Vars, error) {
	need := map[string]bool{}
	for n := range used {
		need[n] = true
	}
	// A shared var may use those above it: walk from the last one up.
	for i := len(shared) - 1; i >= 0; i-- {
		v := &shared[i]
		if !need[v.Name] {
			continue
		}
		for _, n := range v.Names() {
			need[n] = true
		}
	}
	var out Vars
	inScope := maps.Clone(scope)
	if inScope == nil {
		inScope = map[string]bool{}
	}
	for i := range shared {
		v := shared[i]
		if !need[v.Name] {
			continue
		}
		for _, n := range v.Names() {
			if !inScope[n] {
				return nil, fmt.Errorf("%s:%d: shared var %s uses %s, which rule %s does not have", file, v.Line, v.Name, n, ruleID)
			}
		}
		inScope[v.Name] = true
		out = append(out, v)
	}
	return out, nil
}

// ExprStat is how much of a profile is expressions.
type ExprStat struct {
	Profile    string
	Bytes      int // the profile file's size
	ExprBytes  int // bytes of expressions: conditions, vars, computed facts, cite, where, and text holes that are more than a name or a helper call
	Longest    int // the longest expression
	LongestSrc string
	Over160    int // expressions longer than 160 characters
	TextExprs  int // text holes that are expressions (language 2 refuses them)
}

// Percent is ExprBytes as a share of Bytes.
func (s ExprStat) Percent() float64 {
	if s.Bytes == 0 {
		return 0
	}
	return 100 * float64(s.ExprBytes) / float64(s.Bytes)
}

// ExprStats measures a loaded profile. A bare name (cite: [fix_level],
// when: itself) is not counted: it is a name, not an expression.
func ExprStats(p *Profile) ExprStat {
	st := ExprStat{Profile: p.Name, Bytes: len(p.Raw)}
	add := func(e *Expr) {
		src := strings.TrimSpace(e.Src)
		if src == "" || validIdent.MatchString(src) {
			return
		}
		st.ExprBytes += len(src)
		if len(src) > st.Longest {
			st.Longest, st.LongestSrc = len(src), src
		}
		if len(src) > 160 {
			st.Over160++
		}
	}
	text := func(t *Text) {
		for i := range t.Parts {
			e := t.Parts[i].Expr
			if e == nil {
				continue
			}
			if e.Program == nil {
				if prog, err := expr.Compile(e.Src, expr.AllowUndefinedVariables()); err == nil {
					cp := *e
					cp.Program = prog
					e = &cp
				}
			}
			if HoleError(e) != "" {
				st.TextExprs++
				add(e)
			}
		}
	}
	for i := range p.Collect {
		add(&p.Collect[i].When)
	}
	for i := range p.Analyze.Facts {
		add(&p.Analyze.Facts[i].Expr)
	}
	addVar := func(v *Var) {
		add(&v.Expr)
		for j := range v.Cases {
			add(&v.Cases[j].When)
			text(&v.Cases[j].Text)
		}
	}
	for i := range p.Analyze.Vars {
		addVar(&p.Analyze.Vars[i])
	}
	for i := range p.Analyze.Rules {
		r := &p.Analyze.Rules[i]
		for _, e := range []*Expr{&r.Applies, &r.When, &r.Anchor} {
			add(e)
		}
		for j := range r.Vars {
			if !r.Vars[j].Shared {
				addVar(&r.Vars[j])
			}
		}
		for j := range r.SeverityWhen {
			add(&r.SeverityWhen[j].When)
		}
		for j := range r.TitleWhen {
			add(&r.TitleWhen[j].When)
			text(&r.TitleWhen[j].Title)
		}
		for j := range r.Notes {
			add(&r.Notes[j].When)
			text(&r.Notes[j].Explanation)
			text(&r.Notes[j].Remedy)
		}
		for j := range r.Cite {
			add(&r.Cite[j])
		}
		for _, e := range r.Kind.Exprs() {
			add(e)
		}
		text(&r.Title)
		text(&r.Explanation)
		text(&r.Remedy)
	}
	return st
}

// compileSyntaxProg compiles e without judging its names (a shared var:
// each rule that uses it judges them in its scope).
// A shared var is compiled with the budget (exprOptions) like every other
// expression: it runs in each rule that names it.
func compileSyntaxProg(file string, e *Expr) (*vm.Program, error) {
	if !e.IsSet() {
		return nil, nil
	}
	prog, err := compileProfileExpr(e.Src)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: bad expression %q: %s", file, e.Line, e.Src, firstLine(err.Error()))
	}
	return prog, nil
}

var hostIDs = sync.OnceValue(func() []string {
	data, err := builtinFS.ReadFile("_host.yaml")
	if err != nil {
		return nil
	}
	var h struct {
		Collect []struct {
			ID string `yaml:"id"`
		} `yaml:"collect"`
	}
	if yaml.Unmarshal(data, &h) != nil {
		return nil
	}
	var out []string
	for _, it := range h.Collect {
		out = append(out, it.ID)
	}
	return out
})

// commandGlobHits reports whether glob g matches the output of one of
// the collect items ids (commands/<id>.out or .err).
func commandGlobHits(g string, ids []string) bool {
	var buf []byte
	for _, id := range ids {
		for _, ext := range [...]string{".out", ".err"} {
			buf = append(append(append(buf[:0], "commands/"...), id...), ext...)
			if hit, _ := MatchGlob(g, string(buf)); hit {
				return true
			}
		}
	}
	return false
}

// checkCommandGlobs refuses a commands/... member glob that can match no
// collect item's output (commands/<id>.out or .err) of the profile or of
// _host.yaml: a typo there reads nothing, silently. A profile without
// collect items (analyze only, tests) is not judged.
func checkCommandGlobs(p *Profile, globs []string) error {
	if len(p.Collect) == 0 || p.File == "_host.yaml" {
		return nil
	}
	var ids []string // made only when a glob names commands/
	for _, g := range globs {
		if !strings.HasPrefix(g, "commands/") {
			continue
		}
		if ids == nil {
			ids = append([]string{}, hostIDs()...)
			for _, it := range p.Collect {
				ids = append(ids, it.ID)
			}
		}
		if commandGlobHits(g, ids) {
			continue
		}
		var names []string
		for _, id := range ids {
			names = append(names, "commands/"+id+".out", "commands/"+id+".err")
		}
		return fmt.Errorf("member glob %q names no collect item of this profile or of _host.yaml%s", g, didYouMean(g, names))
	}
	return nil
}
