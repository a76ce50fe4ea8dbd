package profiles

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/vm"
)

var (
	// TimeLayouts are the named time layouts of parse_time, by shape.
	TimeLayouts = map[string]string{
		"ctime":     "Mon Jan _2 15:04:05 2006",      // ps -o lstart, asctime
		"rfc3339":   "2006-01-02T15:04:05Z07:00",     // ISO 8601 with a zone
		"iso":       "2006-01-02T15:04:05",           // ISO 8601 without a zone
		"ymd":       "2006-01-02 15:04:05",           // date and time with dashes
		"ymd_slash": "2006/01/02 15:04:05",           // date and time with slashes
		"yymmdd":    "06/01/02 15:04:05",             // two-digit year first
		"syslog":    "Jan _2 15:04:05",               // no year: the collection year
		"clf":       "02/Jan/2006:15:04:05 -0700",    // common log format (web servers)
		"rfc1123":   "Mon, 02 Jan 2006 15:04:05 MST", // HTTP, mail headers
		"epoch":     "",                              // seconds since 1970
	}

	// RuleVars are the variables each rule kind defines (plus the named
	// captures of its patterns).
	RuleVars = map[string][]string{
		// The first and last records are first(records) and last(records):
		// first and last are the expression language's own functions.
		"match": {"hits", "rate", "first_seen", "last_seen", "span", "matched",
			"resolved", "resolved_at", "records", "group", "window_start", "window_end"},
		"absent":   {},
		"sequence": {"hits", "answered", "first_seen", "last_seen", "span", "records", "group"},
		"state":    {"state", "since", "seen", "history", "events", "hits", "first_seen", "last_seen", "records", "group"},
		"check":    {"record", "value", "file", "line", "text", "time"},
	}
	// RecordFields are the fields of a match record (facts picked "all",
	// records, first, last), besides the pattern's named captures. A
	// match rule's where sees them as variables too.
	RecordFields = []string{"value", "file", "line", "text", "time", "bundle", "label"}
	// ExprBuiltins are the names the expression language itself defines
	// (its functions and keywords): no capture, fact or var may take them.
	ExprBuiltins = exprBuiltins()
)

func exprBuiltins() []string {
	out := append([]string{}, builtin.Names...)
	return append(out, "true", "false", "nil", "in", "not", "and", "or", "matches",
		"contains", "startsWith", "endsWith", "let", "if", "else", "bitand", "bitor",
		"bitxor", "bitnand", "bitshl", "bitshr", "bitushr")
}

// CompileExpr compiles e, failing when it names anything outside names or
// the expression language's builtins. Names an expression declares itself
// (let x = ...; x) are in scope where they are declared. The error
// carries the YAML line.
func CompileExpr(file string, e *Expr, names map[string]bool) error {
	prog, err := compileExpr(file, e, names)
	if err != nil {
		return err
	}
	if prog != nil {
		e.Program = prog
	}
	return nil
}

// compileExpr is CompileExpr without writing the program into e: nil for
// an unset expression.
func compileExpr(file string, e *Expr, names map[string]bool) (*vm.Program, error) {
	if !e.IsSet() {
		return nil, nil
	}
	prog, err := compileProfileExpr(e.Src)
	if err != nil {
		msg := firstLine(err.Error())
		if strings.Contains(e.Src, "{") && strings.Contains(msg, "unexpected token") {
			msg += "; hint: a closure body that starts with { needs parentheses, as in map(xs, ({a: #}))"
		}
		return nil, fmt.Errorf("%s:%d: bad expression %q: %s", file, e.Line, e.Src, msg)
	}
	var unknown []string
	for _, id := range freeNames(prog.Node()) {
		if !names[id] {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		hint := ""
		for _, u := range unknown {
			if u == "first" || u == "last" {
				hint = " (the first and last records are first(records) and last(records))"
			}
		}
		return nil, fmt.Errorf("%s:%d: expression %q uses unknown name %s%s", file, e.Line, e.Src, strings.Join(dedupe(unknown), ", "), hint)
	}
	if err := checkCalls(prog.Node()); err != nil {
		return nil, fmt.Errorf("%s:%d: expression %q: %v", file, e.Line, e.Src, err)
	}
	return prog, nil
}

// ExprNames returns the names a compiled expression reads from its
// environment (facts, variables, functions), each once, in order of first
// use; names it declares itself with let are not among them.
func ExprNames(e *Expr) []string {
	if e == nil || e.Program == nil {
		return nil
	}
	return freeNames(e.Program.Node())
}

// freeNames lists the identifiers of an expression tree that are not
// bound by an enclosing let, each once.
func freeNames(n ast.Node) []string {
	var out []string
	seen := map[string]bool{}
	bound := map[string]int{}
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		if n == nil {
			return
		}
		switch x := n.(type) {
		case *ast.IdentifierNode:
			if x.Value == "$env" || strings.HasPrefix(x.Value, budgetPrefix) {
				return // patched in by budgetPatch
			}
			if bound[x.Value] == 0 && !seen[x.Value] {
				seen[x.Value] = true
				out = append(out, x.Value)
			}
		case *ast.VariableDeclaratorNode:
			walk(x.Value)
			bound[x.Name]++
			walk(x.Expr)
			bound[x.Name]--
		case *ast.UnaryNode:
			walk(x.Node)
		case *ast.BinaryNode:
			walk(x.Left)
			walk(x.Right)
		case *ast.ChainNode:
			walk(x.Node)
		case *ast.MemberNode:
			walk(x.Node)
			walk(x.Property)
		case *ast.SliceNode:
			walk(x.Node)
			walk(x.From)
			walk(x.To)
		case *ast.CallNode:
			walk(x.Callee)
			for _, a := range x.Arguments {
				walk(a)
			}
		case *ast.BuiltinNode:
			for _, a := range x.Arguments {
				walk(a)
			}
		case *ast.PredicateNode:
			walk(x.Node)
		case *ast.SequenceNode:
			for _, s := range x.Nodes {
				walk(s)
			}
		case *ast.ConditionalNode:
			walk(x.Cond)
			walk(x.Exp1)
			walk(x.Exp2)
		case *ast.ArrayNode:
			for _, s := range x.Nodes {
				walk(s)
			}
		case *ast.MapNode:
			for _, s := range x.Pairs {
				walk(s)
			}
		case *ast.PairNode:
			walk(x.Key)
			walk(x.Value)
		case *ast.NilNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode,
			*ast.StringNode, *ast.BytesNode, *ast.ConstantNode, *ast.PointerNode:
		default:
			// A node kind this walk does not know: every identifier in it
			// counts (never hides a name).
			c := &identVisitor{}
			ast.Walk(&n, c)
			for _, id := range c.names {
				if !seen[id] {
					seen[id] = true
					out = append(out, id)
				}
			}
		}
	}
	walk(n)
	return out
}

type identVisitor struct{ names []string }

func (v *identVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok {
		v.names = append(v.names, id.Value)
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// CompareVersions compares two version strings the way support engineers
// read them: runs of digits compare as numbers, other runs as text, and a
// version that is a prefix of another is older ("1.3" < "1.3.1",
// "1.3.1-TFS-0009" < "1.3.1-TFS-0011"). Separators (. - _ space) only split.
func CompareVersions(a, b string) int {
	ta, tb := versionTokens(a), versionTokens(b)
	for i := 0; i < len(ta) && i < len(tb); i++ {
		x, y := ta[i], tb[i]
		xn, xerr := strconv.ParseUint(x, 10, 64)
		yn, yerr := strconv.ParseUint(y, 10, 64)
		switch {
		case xerr == nil && yerr == nil:
			if xn != yn {
				if xn < yn {
					return -1
				}
				return 1
			}
		case xerr == nil: // number sorts after text: 1.3.1 > 1.3.beta
			return 1
		case yerr == nil:
			return -1
		default:
			if c := strings.Compare(strings.ToLower(x), strings.ToLower(y)); c != 0 {
				return c
			}
		}
	}
	switch {
	case len(ta) < len(tb):
		return -1
	case len(ta) > len(tb):
		return 1
	}
	return 0
}

func versionTokens(s string) []string {
	var out []string
	cur := strings.Builder{}
	kind := 0 // 1 digit, 2 other
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			if kind != 1 {
				flush()
			}
			kind = 1
			cur.WriteRune(r)
		case r == '.' || r == '-' || r == '_' || r == ' ' || r == '+' || r == '/':
			flush()
			kind = 0
		default:
			if kind != 2 {
				flush()
			}
			kind = 2
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}
