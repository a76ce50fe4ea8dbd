package analyze

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"casefile/profiles"
)

// kindEngine is the analyzer's side of a rule kind (profiles.RuleKind is
// the profile's side: validation and normal form). One type per kind,
// one file each (kind_<name>.go), chosen once per rule from the kind the
// loader decided (engineOf); the plan, the evaluation, coverage and
// --explain ask it.
type kindEngine interface {
	// plan adds the rule's slots to the plan (compile).
	plan(p *plan, rp *rulePlan, add func(ms []profiles.Matcher, role string) []*slot)
	// eval makes the rule's drafts from the records of a run.
	eval(e *evaluator, rr *ruleRun, env map[string]any) ([]*draft, error)
	// inputs are the slots whose members the rule reads itself (coverage).
	inputs(rp *rulePlan) []*slot
	// explain writes what the rule looks for (--explain) and returns the
	// fields of the kind block it has shown; explainKind shows the others.
	explain(x *explainer, r *profiles.Rule) []string
}

// engineOf is the engine of a rule's kind.
func engineOf(k profiles.RuleKind) (kindEngine, error) {
	switch k.(type) {
	case *profiles.MatchSpec:
		return matchEngine{}, nil
	case *profiles.AbsentSpec:
		return absentEngine{}, nil
	case *profiles.SequenceSpec:
		return sequenceEngine{}, nil
	case *profiles.StateSpec:
		return stateEngine{}, nil
	case *profiles.CheckSpec:
		return checkEngine{}, nil
	case *profiles.SamplesKind:
		return samplesEngine{}, nil
	}
	return nil, fmt.Errorf("no engine for rule kind %T", k)
}

// explainer writes --explain text.
type explainer struct {
	b strings.Builder
}

func (x *explainer) w(format string, args ...any) { fmt.Fprintf(&x.b, format, args...) }

// matchers shows matchers: their label, whether optional, their globs,
// pattern and file pattern, and any other field they set.
func (x *explainer) matchers(title string, ms []profiles.Matcher) {
	for _, m := range ms {
		var notes []string
		if m.Label != "" {
			notes = append(notes, "label "+m.Label)
		}
		if m.Optional {
			notes = append(notes, "optional")
		}
		lab := ""
		if len(notes) > 0 {
			lab = " (" + strings.Join(notes, ", ") + ")"
		}
		x.w("  %s%s in %s:\n      %s\n", title, lab, strings.Join(m.In, ", "), m.Pattern.Src)
		if m.FilePattern != nil {
			x.w("      of members whose path matches %s\n", m.FilePattern.Src)
		}
		x.rest("      ", &m, "In", "Pattern", "Label", "FilePattern", "Optional")
	}
}

// foldedFields are fields of kind blocks that the compile step folds into
// others (profiles.RuleKind compile): a shorthand pattern into any, the
// block's in into each matcher's. They are shown where they went.
var foldedFields = []string{"Line", "In", "Pattern", "Label", "FilePattern"}

// explainKind writes what a rule's kind looks for: the engine's text, then
// every set field of the kind block it did not show, by its YAML name, so
// that a field added to a block is never left out of --explain.
func explainKind(x *explainer, eng kindEngine, r *profiles.Rule) {
	shown := eng.explain(x, r)
	x.rest("  ", r.Kind.Spec(), append(shown, foldedFields...)...)
}

// rest writes the set fields of a struct (a pointer to one) other than
// shown, one a line: "<yaml name>: <value>".
func (x *explainer) rest(indent string, v any, shown ...string) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return
		}
		rv = rv.Elem()
	}
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		if !f.IsExported() || f.Anonymous || contains(shown, f.Name) || f.Name == "Line" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fv := rv.Field(i)
		if fv.IsZero() {
			continue
		}
		x.w("%s%s: %s\n", indent, name, fieldText(fv))
	}
}

// fieldText shows a field's value as a profile writes it.
func fieldText(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case profiles.Duration:
		return compactDuration(x.Duration)
	case time.Duration:
		return compactDuration(x)
	case profiles.Expr:
		return oneLine(x.Src)
	case profiles.Pattern:
		return x.Src
	case *profiles.Pattern:
		return x.Src
	case profiles.Size:
		return fmt.Sprint(x.Bytes)
	case []string:
		return strings.Join(x, ", ")
	case bool:
		return "yes"
	}
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	return fmt.Sprintf("%+v", v.Interface())
}
