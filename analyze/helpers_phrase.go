package analyze

import (
	"time"

	"casefile/profiles"
)

// evalVar works out one var of a rule: its expression, or (a var written
// as cases) the text of the first case whose when holds, "" when none
// does. A case's text is rendered as every text is (times in loc).
func evalVar(prof *profiles.Profile, v *profiles.Var, env map[string]any, loc *time.Location) (any, error) {
	if len(v.Cases) == 0 {
		x, err := run(&v.Expr, env)
		if err != nil {
			return nil, exprError(prof, &v.Expr, "var "+v.Name, err)
		}
		return x, nil
	}
	for i := range v.Cases {
		c := &v.Cases[i]
		ok, err := truth(&c.When, env)
		if err != nil {
			return nil, exprError(prof, &c.When, "var "+v.Name+" case", err)
		}
		if ok {
			return renderText(prof, &c.Text, env, loc)
		}
	}
	return "", nil
}
