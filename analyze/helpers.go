package analyze

import (
	"time"

	"casefile/profiles"
)

// textNames binds profiles.TextNames for a finding: the count phrase of
// its hits and the rule's own thresholds.
func textNames(env map[string]any, r *profiles.Rule, loc *time.Location) {
	env["occurrences"] = profiles.CountPhrase(env["hits"], env["first_seen"], env["last_seen"], loc)
	env["min"], env["within"] = nil, nil
	switch k := r.Kind.(type) {
	case *profiles.MatchSpec:
		n := k.Min
		if n <= 0 {
			n = 1
		}
		env["min"] = n
		if k.Within.Duration > 0 {
			env["within"] = compactDuration(k.Within.Duration)
		}
	case *profiles.SequenceSpec:
		if k.Within.Duration > 0 {
			env["within"] = compactDuration(k.Within.Duration)
		}
	}
}

// renderTitle renders the first title_when entry that holds, else the
// title.
func renderTitle(prof *profiles.Profile, r *profiles.Rule, env map[string]any, loc *time.Location) (string, error) {
	for i := range r.TitleWhen {
		tw := &r.TitleWhen[i]
		ok, err := truth(&tw.When, env)
		if err != nil {
			return "", exprError(prof, &tw.When, "title_when", err)
		}
		if ok {
			return renderText(prof, &tw.Title, env, loc)
		}
	}
	return renderText(prof, &r.Title, env, loc)
}

// joinNote adds a note's text: a paragraph, or inline a sentence of the
// paragraph before.
func joinNote(a, b string, inline bool) string {
	if !inline || a == "" || b == "" {
		return joinPara(a, b)
	}
	return a + " " + b
}
