package profiles

import (
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
)

// Bindings are the names every analyzer expression may use besides facts
// and a rule's own variables, each declared once, here: how it is called
// (the validator takes the name and the arity from Sig), what it gives
// (Doc; docs/profiles.md documents every one, TestBindingsDocumented),
// and its implementation (Impl), which the analyzer binds (Bind). A
// function that needs the bundles being analyzed asks them through Scope,
// which the analyzer implements: the compiler keeps the two in step.
//
// Adding a helper: write it in a file of its own (funcs_<topic>.go) as a
// plain Go function of untyped arguments (a nil fact must not make a call
// fail) and add one line here: Pure{fn} when it needs nothing of the
// bundles, Scoped when it does (a method of Scope, or a closure over the
// report's zone: see count_phrase), InEnv when it reads the calling
// expression's names (each). docs/profiles.md gets a row for it.
var Bindings = []Binding{
	// Values.
	{"bundle", "this bundle: {name, path, host, profile, os, kernel, collected_at, note, timezone, facts, sources}", Scoped(func(s Scope) any { return s.Bundle() })},
	{"bundles", "every bundle of this profile analyzed together, same shape as bundle", Scoped(func(s Scope) any { return s.Bundles() })},
	{"incident", "the incident time (--at or the note), or nil", Scoped(func(s Scope) any { return s.Incident() })},
	// The bundles' members.
	{"exists(glob, ...)", "bool: a member matches one of the globs (or of a list of globs)", Scoped(func(s Scope) any { return s.Exists })},
	{"members(glob)", "[]string: member paths matching the glob", Scoped(func(s Scope) any { return s.Members })},
	{"oldest(glob)", "time or nil: earliest line time in matching members", Scoped(func(s Scope) any { return s.Oldest })},
	{"newest(glob)", "time or nil: latest line time in matching members", Scoped(func(s Scope) any { return s.Newest })},
	{"item(id)", "map or nil: the manifest item {kind, source, binary, exit_code, error_kind, error, truncated}", Scoped(func(s Scope) any { return s.Item })},
	// Values of facts.
	{"vercmp(a, b)", `int: -1, 0, 1 comparing versions ("1.3.1-TFS-0003" < "1.3.1-TFS-0011")`, Pure{vercmp}},
	{"version_lt(a, b)", "bool: vercmp(a, b) < 0", Pure{versionLT}},
	{"size(s)", `int: bytes of "5MB"`, Pure{sizeOf}},
	{"fields(s)", "[]string: s split on runs of white space", Pure{fieldsOf}},
	{"num(x)", `float: the leading number of a string ("512 kB" -> 512), 0 if none`, Pure{LeadingNumber}},
	{"ago(t, d)", "bool: t is older than duration string d before collection end", Scoped(agoFunc)},
	{"fmt_time(t)", `string: t as texts print it ("2006-01-02 15:04:05 -07:00", the report's zone); "" for nil`, Scoped(fmtTimeFunc)},
	// Text helpers (docs/profiles.md, "Texts"): formatting written once.
	{"count_phrase(n, first, last)", `"once, at <first>" / "12 times between <first> and <last>"`, Scoped(countPhraseFunc)},
	{"plural(n, word[, words])", `"1 line", "3 lines", "2 entries"`, Pure{plural}},
	{"and_list(list)", `"a, b and c"`, Scoped(andListFunc)},
	{"or_list(list)", `"a, b or c"`, Scoped(orListFunc)},
	{"elapsed(d)", `a duration, seconds or "90s" as "1m30s"`, Pure{elapsed}},
	{"clock(t)", `the time of day "15:04:05" in the report's zone`, Scoped(clockFunc)},
	{"bytes(n)", `a byte count as "70 MiB", "512 KiB", "900 B"`, Pure{bytesText}},
	{"carry_down(records[, field, ...])", "empty fields take the value of the records above (headers carried down)", Pure{carryDown}},
	{"within_dir(path, dir)", `bool: path is dir or lies under it ("/" holds every path)`, Pure{withinDir}},
	{"number(n)", `"48,213", "0.5"`, Pure{numberText}},
	{"default(x, y)", `x, or y when x is nil or ""`, Pure{defaultOf}},
	{"wrap(x, before[, after])", `before + x + after, or "" when x is nil, "" or empty`, Scoped(wrapFunc)},
	{"near(records, t, before[, after])", "the records timed from before ahead of t to after past it", Pure{nearHelper}},
	{"between(records, from[, to])", "the records timed from from to to (or on, without to)", Pure{betweenHelper}},
	{"before(a, b)", "bool: time a is earlier than time b; false when either is nil", Pure{beforeHelper}},
	{"in_span(t, span)", "bool: t lies from from to to of span [from, to]; false when any is nil", Pure{inSpan}},
	{"changes(list[, field])", "the first element of each run of equal values (records: by field, default value)", Pure{changesHelper}},
	{"first_set(list)", `the first element that is not nil, "" or empty`, Pure{FirstSet}},
	{"path_dir(path[, depth])", "the folder of a path, at most depth folders deep", Pure{pathDir}},
	{"spread(times)", "the duration from the earliest to the latest time (nil left out)", Pure{spread}},
	{"log_span(globs[, end])", "[oldest, end ?? newest] line time of the first glob that has one", Scoped(logSpanFunc)},
	{"consecutive(list, a, b[, field])", "the [first, second] neighbours whose values are a, then b", Pure{consecutive}},
	{"duplicates(values)", "the values that occur more than once, each once, in first-seen order", Pure{duplicates}},
	{"most_often(values[, n])", `"value (count)", most often first (equals by value)`, Pure{mostOften}},
	{"flags_set(flags, names[, unset])", `the names of the columns set in any flag string ("-" unset)`, Pure{flagsSet}},
	{"each(list, template[, sep])", "one phrase per element: the template's holes see the element's fields, then the facts and helpers; a list, or one text joined by sep", InEnv(eachFunc)},
	{"count_by(list[, field])", "records {key, count}: how many elements hold each value, the most first", Pure{countBy}},
	{"largest(list, field, n)", "the n records with the largest number in field, largest first", Pure{largest}},
	{"command_name(cmd)", `the program of a command line ("/usr/sbin/appd -d" is "appd")`, Pure{commandName}},
	// Addresses and times.
	{"ip(s)", `the address in s in canonical form ("::ffff:10.0.0.1" is "10.0.0.1"), nil if none`, Pure{ipOf}},
	{"cidr_contains(prefix, ip)", `bool: "10.1.0.0/16" holds "10.1.2.3"`, Pure{cidrContains}},
	{"same_subnet(a, b, bits)", `bool: a and b share their first bits (24, or a mask "255.255.255.0")`, Pure{sameSubnet}},
	{"parse_time(s, layout)", "time or nil: a time of a named layout (TimeLayouts), in the bundle's zone", Scoped(parseTimeFunc)},
}

// Binding is one name of the analyzer's expressions: a value ("bundle")
// or a function ("plural(n, word[, words])").
type Binding struct {
	// Sig is the name, and for a function how it is called: its
	// arguments in parentheses, [ ] around the optional ones, "..." for
	// any number more of the one before.
	Sig string
	// Doc says in one line what it gives.
	Doc string
	// Impl is what the analyzer binds: Pure, Scoped or InEnv.
	Impl Impl
}

// Impl is a binding's implementation: Pure, Scoped or InEnv.
type Impl interface {
	bind(s Scope, env map[string]any) any
}

// Pure is a function that needs nothing of the bundles analyzed: bound as
// it is.
type Pure struct{ Fn any }

func (p Pure) bind(Scope, map[string]any) any { return p.Fn }

// Scoped is a value or function made for the bundles being analyzed: a
// method of Scope, or a closure over its zones.
type Scoped func(s Scope) any

func (f Scoped) bind(s Scope, _ map[string]any) any { return f(s) }

// InEnv is a function that reads the names of the expression it is called
// from (facts, vars, the other bindings), as they stand when it runs: a
// helper that renders a template per element (each).
type InEnv func(s Scope, env map[string]any) any

func (f InEnv) bind(s Scope, env map[string]any) any { return f(s, env) }

// Scope is what the bindings ask of the bundles an expression runs over
// (one bundle, or every bundle of a scope-all rule). The analyzer
// implements it.
type Scope interface {
	// Bundle is this bundle as expressions see it; Bundles every bundle
	// of the profile analyzed together.
	Bundle() any
	Bundles() []any
	// Incident is the incident time in the bundle's zone, or nil.
	Incident() any
	// Exists: a member matches one of the globs, or of a list of globs.
	Exists(globs ...any) (bool, error)
	// Members are the member paths a glob matches.
	Members(glob any) ([]any, error)
	// Oldest and Newest are the earliest and latest line times of the
	// members a glob matches, nil for none.
	Oldest(glob any) (any, error)
	Newest(glob any) (any, error)
	// Item is a manifest item by id, nil for none.
	Item(id any) any
	// Zone is where times without a zone are read (the bundle's zone);
	// Display is where times print (the report's one zone).
	Zone() *time.Location
	Display() *time.Location
	// End is when the collection ended (the latest of the bundles): the
	// reference of ago and the year of a syslog time.
	End() time.Time
}

// Bind puts every binding into env, bound to s. A binding's own
// implementation may call it (a helper that renders a template per
// element with the other helpers in scope): it reads the table init
// makes of Bindings, not Bindings, so that is no initialization cycle.
func Bind(env map[string]any, s Scope) {
	for i := range bound {
		env[bound[i].name] = bound[i].impl.bind(s, env)
	}
}

// Name is the binding's name: Sig up to its parenthesis.
func (b *Binding) Name() string {
	name, _, _ := strings.Cut(b.Sig, "(")
	return name
}

// arity is what Sig says of a binding.
type arity struct {
	name     string
	function bool
	min, max int // max < 0: any number
}

// boundBinding is a binding as Bind, CollectEnv and the validator use it.
type boundBinding struct {
	arity
	sig  string
	impl Impl
}

// bound is Bindings with their Sig read, and boundByName the same by
// name: made in init (Bind).
var (
	bound       []boundBinding
	boundByName map[string]*boundBinding
)

func init() {
	bound = make([]boundBinding, len(Bindings))
	boundByName = make(map[string]*boundBinding, len(Bindings))
	for i := range Bindings {
		a, err := parseSig(Bindings[i].Sig)
		if err != nil {
			panic(err)
		}
		if _, dup := boundByName[a.name]; dup {
			panic("binding " + a.name + " declared twice")
		}
		bound[i] = boundBinding{arity: a, sig: Bindings[i].Sig, impl: Bindings[i].Impl}
		boundByName[a.name] = &bound[i]
	}
}

// parseSig reads "name", "name(a, b[, c])" or "name(a, ...)".
func parseSig(sig string) (arity, error) {
	name, args, fn := strings.Cut(sig, "(")
	a := arity{name: name, function: fn}
	if !validIdent.MatchString(name) {
		return a, fmt.Errorf("binding %q: bad name", sig)
	}
	if !fn {
		return a, nil
	}
	args, ok := strings.CutSuffix(args, ")")
	if !ok {
		return a, fmt.Errorf("binding %q: no closing parenthesis", sig)
	}
	optional := false
	for _, p := range strings.Split(args, ",") {
		p = strings.TrimSpace(p)
		if strings.HasPrefix(p, "[") {
			optional = true
		}
		opens := strings.HasSuffix(strings.TrimRight(p, "] "), "[") // "word[, words]"
		p = strings.Trim(p, "[] ")
		switch {
		case p == "":
			if args != "" {
				return a, fmt.Errorf("binding %q: empty argument", sig)
			}
		case p == "...":
			a.max = -1
		case a.max < 0:
			return a, fmt.Errorf("binding %q: an argument after the dots", sig)
		default:
			a.max++
			if !optional {
				a.min++
			}
		}
		optional = optional || opens
	}
	return a, nil
}

// String is how an error names the arity: "2 or 3 arguments".
func (a arity) String() string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return fmt.Sprintf("%d arguments", n)
	}
	switch {
	case a.max < 0:
		return fmt.Sprintf("at least %s", plural(a.min))
	case a.min == a.max:
		return plural(a.min)
	case a.max == a.min+1:
		return fmt.Sprintf("%d or %s", a.min, plural(a.max))
	}
	return fmt.Sprintf("%d to %s", a.min, plural(a.max))
}

// checkCall judges a call of a binding by its number of arguments.
func checkCall(name string, n int) error {
	b, ok := boundByName[name]
	if !ok || !b.function || n >= b.min && (b.max < 0 || n <= b.max) {
		return nil
	}
	return fmt.Errorf("%s takes %s (%s), not %d", name, b.arity, b.sig, n)
}

// checkCalls judges the calls of bindings in an expression by their
// number of arguments (Sig). A name the expression binds itself with let
// is not a binding there.
func checkCalls(n ast.Node) error {
	v := &callVisitor{}
	ast.Walk(&n, v)
	for _, c := range v.calls {
		id, ok := c.Callee.(*ast.IdentifierNode)
		if !ok || v.let[id.Value] {
			continue
		}
		if err := checkCall(id.Value, len(c.Arguments)); err != nil {
			return err
		}
	}
	return nil
}

type callVisitor struct {
	calls []*ast.CallNode
	let   map[string]bool
}

func (v *callVisitor) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.CallNode:
		v.calls = append(v.calls, x)
	case *ast.VariableDeclaratorNode:
		if v.let == nil {
			v.let = map[string]bool{}
		}
		v.let[x.Name] = true
	}
}
