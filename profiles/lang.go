package profiles

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
)

// Names in scope for analyzer expressions, besides facts and a rule's own
// variables. The analyzer binds each function with exactly these types;
// TestBindingsMatch in analyze keeps the two in step.
var (
	// AnalyzeGlobals are variables every analyzer expression may read.
	AnalyzeGlobals = []string{
		"bundle",   // this bundle: {name, path, host, profile, os, kernel, collected_at, note, timezone, facts}
		"bundles",  // every bundle of this profile analyzed together, same shape as bundle
		"incident", // the incident time (--at or the note), or nil
	}
	// AnalyzeFuncs are functions every analyzer expression may call.
	AnalyzeFuncs = []string{
		"exists",     // exists(glob) bool: a member matches the glob
		"members",    // members(glob) []string: member paths matching the glob
		"oldest",     // oldest(glob) time or nil: earliest line time in matching members
		"newest",     // newest(glob) time or nil: latest line time in matching members
		"item",       // item(id) map or nil: the manifest item {kind, source, binary, exit_code, error_kind, error}
		"vercmp",     // vercmp(a, b) int: -1, 0, 1 comparing versions ("1.3.1-TFS-0003" < "1.3.1-TFS-0011")
		"version_lt", // version_lt(a, b) bool: vercmp(a, b) < 0
		"size",       // size("5MB") int: bytes
		"fields",     // fields(s) []string: s split on runs of white space
		"num",        // num(x) float: the leading number of a string ("512 kB" -> 512), 0 if none
		"ago",        // ago(t, d) bool: t is older than duration string d before collection end
	}
	// RuleVars are the variables each rule kind defines (plus the named
	// captures of its patterns).
	RuleVars = map[string][]string{
		// The first and last records are first(records) and last(records):
		// first and last are the expression language's own functions.
		"match": {"hits", "rate", "first_seen", "last_seen", "span", "matched",
			"resolved", "resolved_at", "records", "group"},
		"absent":   {},
		"sequence": {"hits", "answered", "first_seen", "last_seen", "span", "records", "group"},
		"state":    {"state", "since", "seen", "history", "hits", "first_seen", "last_seen", "records", "group"},
		"check":    {"record", "value", "file", "line", "text", "time"},
	}
	// RecordFields are the fields of a match record (facts picked "all",
	// records, first, last), besides the pattern's named captures.
	RecordFields = []string{"value", "file", "line", "text", "time", "bundle"}
	// CollectFuncs are functions a collect item's `when` may call.
	CollectFuncs = []string{"exists"} // exists(path) bool: a host path (or glob) exists under --root
	// CollectGlobals are variables a collect item's `when` may read besides
	// the profile's variables.
	CollectGlobals = []string{"os"}
)

// CompileExpr compiles e, failing when it names anything outside names or
// the expression language's builtins. The error carries the YAML line.
func CompileExpr(file string, e *Expr, names map[string]bool) error {
	if !e.IsSet() {
		return nil
	}
	prog, err := expr.Compile(e.Src, expr.AllowUndefinedVariables())
	if err != nil {
		return fmt.Errorf("%s:%d: bad expression %q: %s", file, e.Line, e.Src, firstLine(err.Error()))
	}
	node := prog.Node()
	v := &identVisitor{}
	ast.Walk(&node, v)
	var unknown []string
	for _, id := range v.names {
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
		return fmt.Errorf("%s:%d: expression %q uses unknown name %s%s", file, e.Line, e.Src, strings.Join(dedupe(unknown), ", "), hint)
	}
	e.Program = prog
	return nil
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
