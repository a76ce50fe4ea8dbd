package analyze

import (
	"fmt"
	"strings"
	"time"

	"casefile/bundle"
	"casefile/profiles"
)

// scope is what profiles.Bindings ask of the bundles an expression runs
// over (one bundle, or every bundle of a scope-all rule): it implements
// profiles.Scope. Arguments are untyped so that a nil fact never makes a
// call fail: see docs/profiles.md.
type scope struct {
	bs       []*bundleState
	display  *time.Location
	incident *time.Time
	end      time.Time
}

func newScope(bs []*bundleState, display *time.Location, incident *time.Time) *scope {
	s := &scope{bs: bs, display: display, incident: incident}
	for _, b := range bs {
		if b.ref.After(s.end) {
			s.end = b.ref
		}
	}
	return s
}

// funcs binds profiles.Bindings over the members of some bundles.
func funcs(bs []*bundleState, display *time.Location) map[string]any {
	m := make(map[string]any, len(profiles.Bindings))
	profiles.Bind(m, newScope(bs, display, nil))
	return m
}

func (s *scope) Bundle() any { return s.bs[0].bundleMap }

func (s *scope) Bundles() []any {
	g := s.bs[0].group
	if g == nil {
		return nil
	}
	var all []any
	for _, b := range g.bundles {
		all = append(all, b.bundleMap)
	}
	return all
}

func (s *scope) Incident() any {
	if s.incident == nil {
		return nil
	}
	return s.incident.In(s.bs[0].loc)
}

func (s *scope) Zone() *time.Location    { return s.bs[0].loc }
func (s *scope) Display() *time.Location { return s.display }
func (s *scope) End() time.Time          { return s.end }

func glob(g any) (string, error) {
	s, ok := g.(string)
	if !ok {
		return "", fmt.Errorf("a member glob must be a string, not %T", g)
	}
	if _, err := profiles.MatchGlob(s, ""); err != nil {
		return "", fmt.Errorf("bad glob %q", s)
	}
	return s, nil
}

// Exists is exists(glob, ...): any of them, or of a list of globs.
func (s *scope) Exists(gs ...any) (bool, error) {
	if len(gs) == 0 {
		return false, fmt.Errorf("exists takes at least one glob")
	}
	if l, ok := gs[0].([]any); ok && len(gs) == 1 { // exists(list of globs)
		gs = l
	}
	for _, g := range gs {
		gl, err := glob(g)
		if err != nil {
			return false, err
		}
		for _, b := range s.bs {
			for _, p := range b.all {
				if ok, _ := profiles.MatchGlob(gl, p); ok {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

func (s *scope) Members(g any) ([]any, error) {
	gl, err := glob(g)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, b := range s.bs {
		for _, p := range b.all {
			if ok, _ := profiles.MatchGlob(gl, p); ok {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

func (s *scope) Oldest(g any) (any, error) { return s.timeRange(g, false) }
func (s *scope) Newest(g any) (any, error) { return s.timeRange(g, true) }

func (s *scope) timeRange(g any, newest bool) (any, error) {
	gl, err := glob(g)
	if err != nil {
		return nil, err
	}
	var best time.Time
	for _, b := range s.bs {
		for _, m := range b.members {
			if ok, _ := profiles.MatchGlob(gl, m.path); !ok {
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
	return best.In(s.bs[0].loc), nil
}

func (s *scope) Item(id any) any {
	str, _ := id.(string)
	for _, b := range s.bs {
		if b.manifest == nil {
			continue
		}
		for it := range b.in.Items() {
			if it.ID == str {
				return itemMap(&it)
			}
		}
	}
	return nil
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

// leadingNumber is num() (profiles.LeadingNumber).
func leadingNumber(x any) float64 { return profiles.LeadingNumber(x) }

func parseLeadingNumber(s string) (float64, bool) { return profiles.ParseLeadingNumber(s) }

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

// exprError places an expression's failure: "myproduct.yaml:120: when: ...".
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
