package analyze

import (
	"strings"
	"time"

	"casefile/profiles"
)

// renderText evaluates a text's {expressions} and joins the parts.
func renderText(prof *profiles.Profile, t *profiles.Text, env map[string]any, loc *time.Location) (string, error) {
	var b strings.Builder
	for i := range t.Parts {
		part := &t.Parts[i]
		if part.Expr == nil {
			b.WriteString(part.Literal)
			continue
		}
		v, err := run(part.Expr, env)
		if err != nil {
			return "", exprError(prof, part.Expr, "text", err)
		}
		b.WriteString(formatValue(v, loc))
	}
	return b.String(), nil
}

// formatValue prints a value as a text's hole does (profiles.FormatValue).
func formatValue(v any, loc *time.Location) string { return profiles.FormatValue(v, loc) }

// compactDuration prints 1h2m, 45s, 2d3h, 150ms (profiles.CompactDuration).
func compactDuration(d time.Duration) string { return profiles.CompactDuration(d) }
