package analyze

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"casefile/bundle"
	"casefile/profiles"
)

// funcs binds profiles.AnalyzeFuncs over the members of some bundles (one
// bundle, or every bundle of a scope-all rule). Arguments are untyped so
// that a nil fact never makes a call fail: see docs/profiles.md.
func funcs(bs []*bundleState, display *time.Location) map[string]any {
	glob := func(g any) (string, error) {
		s, ok := g.(string)
		if !ok {
			return "", fmt.Errorf("a member glob must be a string, not %T", g)
		}
		if _, err := profiles.MatchGlob(s, ""); err != nil {
			return "", fmt.Errorf("bad glob %q", s)
		}
		return s, nil
	}
	timeRange := func(g any, newest bool) (any, error) {
		s, err := glob(g)
		if err != nil {
			return nil, err
		}
		var best time.Time
		for _, b := range bs {
			for _, m := range b.members {
				if ok, _ := profiles.MatchGlob(s, m.path); !ok {
					continue
				}
				t := m.first
				if newest {
					t = m.last
				}
				if t.IsZero() {
					continue
				}
				if best.IsZero() || (newest && t.After(best)) || (!newest && t.Before(best)) {
					best = t
				}
			}
		}
		if best.IsZero() {
			return nil, nil
		}
		return best.In(bs[0].loc), nil
	}
	ref := func() time.Time {
		var t time.Time
		for _, b := range bs {
			if b.ref.After(t) {
				t = b.ref
			}
		}
		return t
	}
	m := map[string]any{
		"exists": func(gs ...any) (bool, error) { // exists(glob, ...): any of them
			if len(gs) == 0 {
				return false, fmt.Errorf("exists takes at least one glob")
			}
			if l, ok := gs[0].([]any); ok && len(gs) == 1 { // exists(list of globs)
				gs = l
			}
			for _, g := range gs {
				s, err := glob(g)
				if err != nil {
					return false, err
				}
				for _, b := range bs {
					for _, p := range b.all {
						if ok, _ := profiles.MatchGlob(s, p); ok {
							return true, nil
						}
					}
				}
			}
			return false, nil
		},
		"members": func(g any) ([]any, error) {
			s, err := glob(g)
			if err != nil {
				return nil, err
			}
			out := []any{}
			for _, b := range bs {
				for _, p := range b.all {
					if ok, _ := profiles.MatchGlob(s, p); ok {
						out = append(out, p)
					}
				}
			}
			return out, nil
		},
		"oldest": func(g any) (any, error) { return timeRange(g, false) },
		"newest": func(g any) (any, error) { return timeRange(g, true) },
		"item": func(id any) any {
			s, _ := id.(string)
			for _, b := range bs {
				if b.manifest == nil {
					continue
				}
				for i := range b.manifest.Items {
					if it := &b.manifest.Items[i]; it.ID == s {
						return itemMap(it)
					}
				}
			}
			return nil
		},
		"vercmp": func(a, b any) int {
			if a == nil || b == nil {
				return 0
			}
			return profiles.CompareVersions(toString(a), toString(b))
		},
		"version_lt": func(a, b any) bool {
			if a == nil || b == nil {
				return false
			}
			return profiles.CompareVersions(toString(a), toString(b)) < 0
		},
		"size": func(s any) (int, error) {
			if s == nil {
				return 0, nil
			}
			n, err := profiles.ParseSize(toString(s))
			return int(n), err
		},
		"fields": func(s any) []any {
			out := []any{}
			if s == nil {
				return out
			}
			for _, f := range strings.Fields(toString(s)) {
				out = append(out, f)
			}
			return out
		},
		"num": func(x any) float64 { return leadingNumber(x) },
		"fmt_time": func(t any) string {
			if t == nil {
				return ""
			}
			return formatValue(t, display)
		},
		"ago": func(t any, d any) (bool, error) {
			tt, ok := t.(time.Time)
			if !ok || tt.IsZero() {
				return false, nil
			}
			dur, err := profiles.ParseDuration(toString(d))
			if err != nil {
				return false, err
			}
			return ref().Sub(tt) > dur, nil
		},
	}
	addHelpers(m, bs[0].loc, display, ref())
	return m
}

// itemMap is a manifest item as expressions see it.
func itemMap(it *bundle.Item) map[string]any {
	var exit any
	if it.ExitCode != nil {
		exit = *it.ExitCode
	}
	var truncated int64
	for _, s := range it.Stored {
		truncated += s.Truncated
	}
	return map[string]any{
		"kind": it.Kind, "source": it.Source, "binary": it.Binary,
		"exit_code": exit, "error_kind": it.ErrorKind, "error": it.Error,
		"truncated": int(truncated),
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// leadingNumber is num(): the number a value starts with ("512 kB" is
// 512), 0 when none.
func leadingNumber(x any) float64 {
	switch v := x.(type) {
	case nil:
		return 0
	case float64:
		return v
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case bool:
		if v {
			return 1
		}
		return 0
	}
	f, _ := parseLeadingNumber(toString(x))
	return f
}

func parseLeadingNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	digits := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		if s[end] != '.' {
			digits++
		}
		end++
	}
	if digits == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimRight(s[:end], "."), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// run evaluates an expression (profiles.Eval, with its budget); an unset
// one yields nil.
func run(e *profiles.Expr, env map[string]any) (v any, err error) {
	if e == nil || e.Program == nil {
		return nil, nil
	}
	return profiles.Eval(e, env)
}

// truth evaluates a condition; an unset one holds.
func truth(e *profiles.Expr, env map[string]any) (bool, error) {
	return profiles.Truth(e, env)
}

// exprError places an expression's failure: "tfst.yaml:120: when: ...".
func exprError(prof *profiles.Profile, e *profiles.Expr, what string, err error) error {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if strings.Contains(msg, "<nil>") {
		msg += " (a fact or capture is nil here: guard it with `x != nil &&` or `x ?? default`)"
	}
	return fmt.Errorf("%s: %s %q: %s", ruleFile(prof, e.Line), what, e.Src, msg)
}
