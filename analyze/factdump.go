package analyze

import (
	"fmt"
	"io"
	"strings"
	"time"

	"casefile/analyze/report"
)

// BundleFacts is what analyze --facts prints for one bundle: every fact
// of its profile, in profile order, with its value and where it came
// from, so that an author sees what a rule will see.
type BundleFacts struct {
	Bundle  string
	Profile string
	Facts   []FactValue
}

// FactValue is one fact: its value as a text prints it, the lines it was
// read from (file:line; none for a computed fact), and its error.
type FactValue struct {
	Name    string
	Kind    string // pattern, format name, or expr
	Value   string
	Sources []string
	Error   string
	// Note says what of the value is not exact (a distinct list cut at
	// its bound, the lines of pick all kept).
	Note string
}

// maxFactSources bounds the source lines listed per fact.
const maxFactSources = 5

func factsOf(b *bundleState) BundleFacts {
	out := BundleFacts{Bundle: b.name, Profile: b.plan.prof.Name}
	for i := range b.plan.prof.Analyze.Facts {
		f := &b.plan.prof.Analyze.Facts[i]
		kind := "expr"
		if f.Data != nil {
			kind = "data"
		}
		switch {
		case f.Format != "":
			kind = f.Format
		case f.Pattern != nil:
			kind = "pattern"
		}
		fv := FactValue{Name: f.Name, Kind: kind, Value: dumpValue(b.facts[f.Name], b.loc), Error: b.factErrs[f.Name], Note: b.factNotes[f.Name]}
		recs := b.factRecs[f.Name]
		for j, r := range recs {
			if j == maxFactSources-1 && len(recs) > maxFactSources {
				fv.Sources = append(fv.Sources, fmt.Sprintf("... and %d more lines", len(recs)-j))
				break
			}
			fv.Sources = append(fv.Sources, fmt.Sprintf("%s:%d", r.m.path, r.line))
		}
		out.Facts = append(out.Facts, fv)
	}
	return out
}

// dumpValue prints a value on one line, quoting strings so that "" and
// nil differ; long values are cut.
func dumpValue(v any, loc *time.Location) string {
	var s string
	switch x := v.(type) {
	case nil:
		s = "nil"
	case string:
		s = fmt.Sprintf("%q", x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, y := range x {
			parts = append(parts, dumpValue(y, loc))
		}
		s = "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		if t, ok := x["text"].(string); ok {
			if _, rec := x["file"]; rec {
				return fmt.Sprintf("{%v:%v %q}", x["file"], x["line"], t)
			}
		}
		s = "{" + formatValue(x, loc) + "}"
	default:
		s = formatValue(v, loc)
	}
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// WriteFacts prints bundles' facts as analyze --facts shows them.
func WriteFacts(w io.Writer, all []BundleFacts) error {
	for i, bf := range all {
		if i > 0 {
			fmt.Fprintln(w)
		}
		// Values and paths come from the bundle: printed cleaned, never
		// as terminal control sequences.
		fmt.Fprintf(w, "%s (profile %s)\n", report.CleanLine(bf.Bundle), bf.Profile)
		for _, f := range bf.Facts {
			fmt.Fprintf(w, "  %s = %s\n", f.Name, report.CleanLine(f.Value))
			if f.Error != "" {
				fmt.Fprintf(w, "      error: %s\n", report.CleanLine(f.Error))
			}
			if f.Note != "" {
				fmt.Fprintf(w, "      not exact: %s\n", report.CleanLine(f.Note))
			}
			switch {
			case len(f.Sources) > 0:
				fmt.Fprintf(w, "      from %s: %s\n", f.Kind, report.CleanLine(strings.Join(f.Sources, ", ")))
			case f.Kind == "expr":
				fmt.Fprintf(w, "      computed (expr)\n")
			default:
				fmt.Fprintf(w, "      from %s: no line read\n", f.Kind)
			}
		}
	}
	_, err := fmt.Fprint(w, "")
	return err
}
