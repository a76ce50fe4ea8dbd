package analyze

import (
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"casefile/profiles"
)

// RuleInfo describes one rule for a catalog (analyze --explain all).
type RuleInfo struct {
	Profile  string // profile name: "ipsec"
	ID       string // "ipsec.stuck"
	Severity string // the rule's own severity
	// Varies: severity_when or resolved_by may change the severity.
	Varies bool
	Kind   string // match, absent, sequence, state or check
	Scope  string // "bundle" or "all"
	// Title is the title as a person reads it (Readable), a conditional
	// part shortened to its first case and "…".
	Title string
	Rule  string // where it is written: "ipsec.yaml:120"
	// Applies is the rule's applies condition ("" when it applies to
	// every bundle).
	Applies string
}

// Catalog lists every rule of the built-in profiles, by profile name and
// then in profile order.
func Catalog() ([]RuleInfo, error) {
	var out []RuleInfo
	for _, name := range profiles.Names() {
		p, err := profiles.Builtin(name)
		if err != nil {
			return nil, err
		}
		out = append(out, ProfileCatalog(p)...)
	}
	return out, nil
}

// ProfileCatalog lists the rules of one (validated) profile, in order.
func ProfileCatalog(p *profiles.Profile) []RuleInfo {
	var out []RuleInfo
	for i := range p.Analyze.Rules {
		r := &p.Analyze.Rules[i]
		sev := r.Severity
		if sev == "" {
			sev = profiles.SeverityInfo
		}
		scope := r.Scope
		if scope == "" {
			scope = "bundle"
		}
		out = append(out, RuleInfo{
			Profile: p.Name, ID: r.ID, Severity: sev,
			Varies: len(r.SeverityWhen) > 0 || resolvable(r),
			Kind:   r.KindName(), Scope: scope,
			Title: readableText(&r.Title, true), Rule: ruleFile(p, r.Line),
			Applies: oneLine(r.Applies.Src),
		})
	}
	return out
}

// resolvable: a match rule with resolved_by, whose severity drops once
// resolved.
func resolvable(r *profiles.Rule) bool {
	m, ok := r.Kind.(*profiles.MatchSpec)
	return ok && m.ResolvedBy != nil
}

// Readable renders a rule's text (title, explanation, remedy, note) for
// people reading the rule rather than a finding: literal parts as they
// are, a value as ‹name› (‹…› when its expression is long), the cases of
// a condition as [A | B], an optional part as [text] and a plural ending
// as (s).
func Readable(t profiles.Text) string { return readableText(&t, false) }

// maxPlaceholder is the longest expression shown as it is written.
const maxPlaceholder = 32

func readableText(t *profiles.Text, short bool) string {
	if len(t.Parts) == 0 {
		return t.Src
	}
	var b strings.Builder
	for _, p := range t.Parts {
		if p.Expr == nil {
			b.WriteString(p.Literal)
			continue
		}
		tree, err := parser.Parse(p.Expr.Src)
		if err != nil {
			b.WriteString(placeholder(p.Expr.Src))
			continue
		}
		s, _ := prose(tree.Node, short)
		b.WriteString(s)
	}
	return b.String()
}

// plural reports whether the cases of an optional part are one short
// word ending, like the s of {hits == 1 ? "" : "s"}.
func plural(texts []string) bool {
	return len(texts) == 1 && len(texts[0]) <= 3 && !strings.ContainsAny(texts[0], " ‹")
}

// placeholder shows an expression as ‹expression›, or ‹…› when long.
func placeholder(src string) string {
	src = strings.Join(strings.Fields(src), " ")
	if len(src) > maxPlaceholder {
		return "‹…›"
	}
	return "‹" + src + "›"
}

// prose renders an expression of a text: the text it writes (string
// literals, joined, with placeholders for the values between) and true,
// or a placeholder and false when it computes a value.
func prose(n ast.Node, short bool) (string, bool) {
	switch x := n.(type) {
	case *ast.StringNode:
		return x.Value, true
	case *ast.NilNode:
		return "", true
	case *ast.BinaryNode:
		if x.Operator == "??" {
			// A value with a default: the value.
			if _, ok := prose(x.Left, short); !ok {
				return placeholder(x.Left.String()), false
			}
		}
		if x.Operator == "+" {
			l, lok := prose(x.Left, short)
			r, rok := prose(x.Right, short)
			if lok || rok {
				return l + r, true
			}
		}
	case *ast.BuiltinNode:
		if x.Name == "string" && len(x.Arguments) == 1 {
			return prose(x.Arguments[0], short)
		}
	case *ast.CallNode:
		if id, ok := x.Callee.(*ast.IdentifierNode); ok && id.Value == "string" && len(x.Arguments) == 1 {
			return prose(x.Arguments[0], short)
		}
	case *ast.ConditionalNode:
		var cases []ast.Node
		var flatten func(n ast.Node)
		flatten = func(n ast.Node) {
			if c, ok := n.(*ast.ConditionalNode); ok {
				flatten(c.Exp1)
				flatten(c.Exp2)
				return
			}
			cases = append(cases, n)
		}
		flatten(x)
		var texts []string
		empty := false
		for _, c := range cases {
			s, _ := prose(c, short)
			if strings.TrimSpace(s) == "" {
				empty = true
				continue
			}
			if !contains(texts, s) {
				texts = append(texts, s)
			}
		}
		switch {
		case len(texts) == 0:
			return "", true
		case empty && plural(texts):
			return "(" + texts[0] + ")", true
		case short && empty:
			// An optional part: left out of a short title.
			return "", true
		case short && len(texts) > 1:
			return strings.TrimRight(texts[0], " ") + "…", true
		case short:
			return texts[0], true
		case len(texts) == 1 && empty:
			return "[" + texts[0] + "]", true
		case len(texts) == 1:
			return texts[0], true
		}
		return "[" + strings.Join(texts, " | ") + "]", true
	}
	return placeholder(n.String()), false
}
