package profiles

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// List helpers of the profile language (docs/md, "Texts are
// templates"): a phrase per element from a template, counts per value,
// the biggest elements, a command line's program. Written once here so
// that profiles do not build prose with + and join(map(...)).

// eachTemplates caches parsed templates by their source: they are the
// profile's own literals, a bounded set.
var eachTemplates sync.Map // string -> []TextPart or error

func eachTemplate(src string) ([]TextPart, error) {
	if v, ok := eachTemplates.Load(src); ok {
		if err, isErr := v.(error); isErr {
			return nil, err
		}
		return v.([]TextPart), nil
	}
	parts, err := ParseText(src, 0)
	if err == nil {
		for i := range parts {
			e := parts[i].Expr
			if e == nil {
				continue
			}
			if err = CompileHole(e); err != nil {
				break
			}
		}
	}
	if err != nil {
		err = fmt.Errorf("each: template %q: %v", src, err)
		eachTemplates.Store(src, err)
		return nil, err
	}
	eachTemplates.Store(src, parts)
	return parts, nil
}

// eachPhrase is each(list, template[, sep]): the template rendered once
// per element of list, with the element's fields as names (a plain
// value is {value}); a list of phrases, or one text joined by sep.
// Holes are those of texts: a name, a member, a helper call on names.
func eachPhrase(helpers map[string]any, display *time.Location, args ...any) (any, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, fmt.Errorf("each takes a list, a template and optionally a separator")
	}
	tmpl, ok := args[1].(string)
	if !ok {
		return nil, fmt.Errorf("each: the template must be a string, not %T", args[1])
	}
	parts, err := eachTemplate(tmpl)
	if err != nil {
		return nil, err
	}
	xs, _ := args[0].([]any)
	out := make([]any, 0, len(xs))
	env := make(map[string]any, len(helpers)+8)
	for k, v := range helpers {
		env[k] = v
	}
	for _, x := range xs {
		fields, isRec := x.(map[string]any)
		if !isRec {
			fields = map[string]any{"value": x}
		}
		for k, v := range fields {
			env[k] = v
		}
		var b strings.Builder
		for i := range parts {
			if parts[i].Expr == nil {
				b.WriteString(parts[i].Literal)
				continue
			}
			v, err := Eval(parts[i].Expr, env)
			if err != nil {
				return nil, fmt.Errorf("each: {%s}: %v", parts[i].Expr.Src, firstLineOf(err.Error()))
			}
			b.WriteString(FormatValue(v, display))
		}
		for k := range fields {
			if h, ok := helpers[k]; ok {
				env[k] = h
			} else {
				delete(env, k)
			}
		}
		out = append(out, b.String())
	}
	if len(args) == 3 {
		ss := make([]string, len(out))
		for i, s := range out {
			ss[i] = s.(string)
		}
		return strings.Join(ss, ToString(args[2])), nil
	}
	return out, nil
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// countBy is count_by(list[, field]): how many elements hold each value (of
// field, for records), as records {key, count}, the most first, equal
// counts in the order the values first appear. nil and "" are counted
// too: a value is a value.
func countBy(list any, field ...string) []any {
	xs, _ := list.([]any)
	type kc struct {
		key any
		n   int
	}
	var order []*kc
	seen := map[string]*kc{}
	for _, x := range xs {
		v := x
		if len(field) > 0 {
			rec, ok := x.(map[string]any)
			if !ok {
				continue
			}
			v = rec[field[0]]
		}
		k := fmt.Sprintf("%T:%v", v, v)
		if c, ok := seen[k]; ok {
			c.n++
			continue
		}
		c := &kc{key: v, n: 1}
		seen[k] = c
		order = append(order, c)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].n > order[j].n })
	out := make([]any, len(order))
	for i, c := range order {
		out[i] = map[string]any{"key": c.key, "count": c.n}
	}
	return out
}

// largest is largest(list, field, n): the n records with the largest numeric
// field, largest first; equal ones keep their order. Records without a
// number in field come last.
func largest(list any, field string, n any) []any {
	xs, _ := list.([]any)
	type nv struct {
		x   any
		v   float64
		num bool
	}
	items := make([]nv, 0, len(xs))
	for _, x := range xs {
		it := nv{x: x}
		if rec, ok := x.(map[string]any); ok {
			it.v, it.num = NumberOf(rec[field])
		}
		items = append(items, it)
	}
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].num != items[j].num {
			return items[i].num
		}
		return items[i].v > items[j].v
	})
	k := int(LeadingNumber(n))
	if k < 0 {
		k = 0
	}
	if k > len(items) {
		k = len(items)
	}
	out := make([]any, k)
	for i := range out {
		out[i] = items[i].x
	}
	return out
}

// commandName is the program of a command line: its first word without
// the folder ("/usr/sbin/nginx -g daemon off;" is "nginx"); "" for none.
func commandName(cmd any) string {
	f := strings.Fields(ToString(cmd))
	if len(f) == 0 {
		return ""
	}
	return path.Base(strings.ReplaceAll(f[0], `\`, "/"))
}

// eachFunc binds each over the environment it is called from, printing
// times in the report's zone.
func eachFunc(s Scope, env map[string]any) any {
	return func(args ...any) (any, error) { return eachPhrase(env, s.Display(), args...) }
}

// NumberOf is a value as a number, if it is one: a number, or a text that
// starts with one.
func NumberOf(v any) (float64, bool) {
	if v == nil {
		return 0, false
	}
	if s, isStr := v.(string); isStr {
		if _, ok := ParseLeadingNumber(s); !ok {
			return 0, false
		}
	}
	return LeadingNumber(v), true
}
