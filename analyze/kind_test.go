package analyze

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"casefile/profiles"
)

// explainKinds has a rule of every kind, each block with its optional
// parts present (also, resolved_by), so that every field of every kind
// block can be set.
const explainKinds = `name: t
description: d
analyze:
  facts:
  - {name: f, in: [files/f], pattern: 'n=(?P<value>\d+)'}
  - {name: recs, in: [files/f], pattern: 'r=(?P<value>\d+)', pick: all}
  rules:
  - id: t.match
    title: x
    explanation: x
    remedy: x
    match:
      in: [files/a]
      pattern: a
      also: [{pattern: b}]
      resolved_by: {pattern: c}
  - {id: t.absent, title: x, explanation: x, remedy: x, absent: {in: [files/a], pattern: a}}
  - {id: t.sequence, title: x, explanation: x, remedy: x, sequence: {in: [files/a], start: [{pattern: a}], expect: [{pattern: b}]}}
  - {id: t.state, title: x, explanation: x, remedy: x, state: {in: [files/a], track: [{pattern: a, state: up}]}}
  - {id: t.check, title: x, explanation: x, remedy: x, check: {}, when: 'f != nil'}
  - {id: t.foreach, title: x, explanation: x, remedy: x, check: {for_each: recs}, when: 'value != ""'}
  - {id: t.samples, title: x, explanation: x, remedy: x, scope: all, check: {samples: f}, when: 'later != nil'}
`

// TestExplainShowsEveryField walks every field of every kind block (and
// of the matchers, also, resolved_by and track entries in it) by
// reflection, sets it to a value of its own, and fails when --explain
// does not show it: explain is generated from the blocks' structure, so
// a field added to a block shows without anyone remembering to.
func TestExplainShowsEveryField(t *testing.T) {
	p, err := profiles.Parse("t.yaml", []byte(explainKinds))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for i := range p.Analyze.Rules {
		r := &p.Analyze.Rules[i]
		kinds[reflect.TypeOf(r.Kind).String()] = true
		base, err := Explain(p, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		spec := reflect.ValueOf(r.Kind.Spec()).Elem()
		walkFields(t, spec, spec.Type().Name(), true, func(path string, f reflect.Value) {
			old := reflect.New(f.Type()).Elem()
			old.Set(f)
			want, ok := fieldValue(f, path)
			if !ok {
				t.Errorf("%s: %s has a type (%s) this test does not know how to set: teach fieldValue", r.ID, path, f.Type())
				return
			}
			got, err := Explain(p, r.ID)
			f.Set(old)
			if err != nil {
				t.Errorf("%s with %s set: %v", r.ID, path, err)
				return
			}
			if got == base || want != "" && !strings.Contains(got, want) {
				t.Errorf("%s: --explain does not show %s (set to %q):\n%s", r.ID, path, want, got)
			}
		})
	}
	for _, k := range []string{"*profiles.MatchSpec", "*profiles.AbsentSpec", "*profiles.SequenceSpec", "*profiles.StateSpec", "*profiles.CheckSpec", "*profiles.SamplesKind"} {
		if !kinds[k] {
			t.Errorf("no rule of kind %s in the test profile", k)
		}
	}
}

// foldedInto: fields of a kind block (or of resolved_by) the compile step
// folds into its matchers, which are walked instead.
var foldedInto = map[string]bool{"In": true, "Pattern": true, "Label": true, "FilePattern": true}

// walkFields calls set for every settable leaf field of the struct v,
// going into nested structs, pointers to structs and the first element
// of slices of structs. block: v is a kind block or resolved_by.
func walkFields(t *testing.T, v reflect.Value, path string, block bool, set func(path string, f reflect.Value)) {
	vt := v.Type()
	for i := 0; i < vt.NumField(); i++ {
		sf := vt.Field(i)
		if !sf.IsExported() || sf.Name == "Line" || block && foldedInto[sf.Name] {
			continue
		}
		f := v.Field(i)
		p := path + "." + sf.Name
		switch {
		case sf.Anonymous:
			walkFields(t, f, p, false, set)
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Struct:
			if f.Len() == 0 {
				t.Errorf("%s is empty in the test profile: give it an entry", p)
				continue
			}
			walkFields(t, f.Index(0), p+"[0]", false, set)
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct && f.Type().Elem() != reflect.TypeOf(profiles.Pattern{}):
			if f.IsNil() {
				t.Errorf("%s is nil in the test profile: give it a value", p)
				continue
			}
			walkFields(t, f.Elem(), p, f.Type().Elem() == reflect.TypeOf(profiles.Resolution{}), set)
		default:
			set(p, f)
		}
	}
}

// fieldValue sets f to a value of its own and returns the text --explain
// must then hold ("" for a flag: the text must change).
func fieldValue(f reflect.Value, path string) (string, bool) {
	word := "zq" + strings.ToLower(strings.NewReplacer(".", "", "[0]", "").Replace(path))
	switch f.Interface().(type) {
	case string:
		f.SetString(word)
		return word, true
	case []string:
		f.Set(reflect.ValueOf([]string{word}))
		return word, true
	case int:
		f.SetInt(7317)
		return "7317", true
	case bool:
		f.SetBool(!f.Bool())
		return "", true
	case profiles.Duration:
		f.Set(reflect.ValueOf(profiles.Duration{Duration: 7317 * time.Second}))
		return compactDuration(7317 * time.Second), true
	case profiles.Pattern:
		f.Set(reflect.ValueOf(profiles.MustPattern(word)))
		return word, true
	case *profiles.Pattern:
		pat := profiles.MustPattern(word)
		f.Set(reflect.ValueOf(&pat))
		return word, true
	case profiles.Expr:
		f.Set(reflect.ValueOf(profiles.Expr{Src: word + " > 1"}))
		return word + " > 1", true
	}
	return "", false
}

// TestEngineForEveryKind: every kind the loader can decide has an
// analyzer engine.
func TestEngineForEveryKind(t *testing.T) {
	for _, k := range []profiles.RuleKind{&profiles.MatchSpec{}, &profiles.AbsentSpec{}, &profiles.SequenceSpec{}, &profiles.StateSpec{}, &profiles.CheckSpec{}, &profiles.SamplesKind{CheckSpec: &profiles.CheckSpec{}}} {
		if _, err := engineOf(k); err != nil {
			t.Error(err)
		}
	}
}
