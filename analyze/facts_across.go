package analyze

import (
	"fmt"

	"casefile/profiles"
)

// Facts across bundles (profiles/across.go): a scope all rule sees a fact
// with `across` by its name, joined over the bundles of its group in
// their order, as `bundles` lists them. Like bundles[i].facts, the joined
// value is not an input of the rule: coverage judges the rule's own
// patterns.

// acrossFacts are the group's joined facts and the error of each that
// could not be joined (a number where a condition is asked for), worked
// out once, after every bundle's facts.
func (g *group) acrossFacts() (map[string]any, map[string]error) {
	if g.across != nil {
		return g.across, g.acrossErrs
	}
	g.across, g.acrossErrs = map[string]any{}, map[string]error{}
	for i := range g.plan.prof.Analyze.Facts {
		f := &g.plan.prof.Analyze.Facts[i]
		if f.Across == "" {
			continue
		}
		vals := make([]any, len(g.bundles))
		for j, b := range g.bundles {
			vals[j] = b.facts[f.Name]
		}
		v, err := joinAcross(f.Across, vals)
		if err != nil {
			g.acrossErrs[f.Name] = fmt.Errorf("fact %s across %s: %v", f.Name, f.Across, err)
		}
		g.across[f.Name] = v
	}
	return g.across, g.acrossErrs
}

// acrossErr is the first error of a joined fact the rule names.
func (g *group) acrossErr(rp *rulePlan) error {
	_, errs := g.acrossFacts()
	if len(errs) == 0 {
		return nil
	}
	for _, e := range ruleExprs(rp.rule) {
		for _, n := range exprIdents(e) {
			if err := errs[n]; err != nil {
				return err
			}
		}
	}
	return nil
}

// joinAcross joins one fact's values of the bundles (profiles.AcrossKinds).
func joinAcross(kind string, vals []any) (any, error) {
	switch kind {
	case "any", "all":
		for _, v := range vals {
			ok, err := profiles.Holds(v)
			if err != nil {
				return nil, err
			}
			if ok == (kind == "any") {
				return ok, nil
			}
		}
		return kind == "all", nil
	case "sum", "max", "min":
		var acc float64
		n, whole := 0, true
		for _, v := range vals {
			var x float64
			switch t := v.(type) {
			case nil:
				continue
			case int:
				x = float64(t)
			case float64:
				x, whole = t, false
			default:
				return nil, fmt.Errorf("%T (%v) is not a number", v, v)
			}
			switch {
			case n == 0:
				acc = x
			case kind == "max":
				acc = max(acc, x)
			case kind == "min":
				acc = min(acc, x)
			default:
				acc += x
			}
			n++
		}
		switch {
		case n == 0 && kind == "sum":
			return 0, nil
		case n == 0:
			return nil, nil
		case whole:
			return int(acc), nil
		}
		return acc, nil
	case "list":
		out := []any{}
		for _, v := range vals {
			switch t := v.(type) {
			case nil:
			case []any:
				out = append(out, t...)
			default:
				out = append(out, t)
			}
		}
		return out, nil
	case "first":
		return profiles.FirstSet(vals), nil
	}
	return nil, fmt.Errorf("unknown across %q", kind)
}
