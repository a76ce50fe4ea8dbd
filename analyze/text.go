package analyze

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"casefile/profiles"
)

// timeLayout is how times print in texts: in the report's one zone
// (Options.DisplayZone, UTC by default), "Z" for UTC, else the offset.
const timeLayout = "2006-01-02 15:04:05Z07:00"

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

// formatValue prints a value for a text: times in the bundle's zone,
// durations compact, lists joined with ", ", nil as nothing, numbers
// without trailing zeros, records as their line.
func formatValue(v any, loc *time.Location) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	case time.Time:
		if x.IsZero() {
			return ""
		}
		if loc != nil {
			x = x.In(loc)
		}
		return x.Format(timeLayout)
	case *time.Time:
		if x == nil {
			return ""
		}
		return formatValue(*x, loc)
	case time.Duration:
		return compactDuration(x)
	case []any:
		parts := make([]string, len(x))
		for i, y := range x {
			parts[i] = formatValue(y, loc)
		}
		return strings.Join(parts, ", ")
	case []string:
		return strings.Join(x, ", ")
	case map[string]any:
		if t, ok := x["text"].(string); ok {
			if _, rec := x["file"]; rec {
				return t
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + formatValue(x[k], loc)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// compactDuration prints 1h2m, 45s, 2d3h, 150ms.
func compactDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	neg := d < 0
	if neg {
		d = -d
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if d < time.Second {
		b.WriteString(d.String())
		return b.String()
	}
	d = d.Round(time.Second)
	units := []struct {
		n time.Duration
		s string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	for _, u := range units {
		if d >= u.n {
			b.WriteString(strconv.FormatInt(int64(d/u.n), 10))
			b.WriteString(u.s)
			d %= u.n
		}
	}
	return b.String()
}
