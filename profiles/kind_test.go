package profiles

import (
	"reflect"
	"strings"
	"testing"
)

// TestKindDecidedOnce: the loader decides each rule's kind from its one
// kind block and stores it; two blocks are a load error naming the rule's
// line and both kinds.
func TestKindDecidedOnce(t *testing.T) {
	src := `name: t
description: d
analyze:
  facts:
  - {name: f, in: [files/f], pattern: '(?P<value>\d+)'}
  rules:
  - {id: t.m, title: x, explanation: x, remedy: x, match: {in: [files/a], pattern: a}}
  - {id: t.a, title: x, explanation: x, remedy: x, absent: {in: [files/a], pattern: a}}
  - {id: t.q, title: x, explanation: x, remedy: x, sequence: {in: [files/a], start: [{pattern: a}], expect: [{pattern: b}]}}
  - {id: t.s, title: x, explanation: x, remedy: x, state: {in: [files/a], track: [{pattern: a, state: up}]}}
  - {id: t.c, title: x, explanation: x, remedy: x, check: {}, when: 'f != nil'}
  - {id: t.p, title: x, explanation: x, remedy: x, scope: all, check: {samples: f}, when: 'later != nil'}
`
	p, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		typ  RuleKind
	}{{"match", (*MatchSpec)(nil)}, {"absent", (*AbsentSpec)(nil)}, {"sequence", (*SequenceSpec)(nil)}, {"state", (*StateSpec)(nil)}, {"check", (*CheckSpec)(nil)}, {"check", (*SamplesKind)(nil)}}
	for i, r := range p.Analyze.Rules {
		if r.KindName() != want[i].name || reflect.TypeOf(r.Kind) != reflect.TypeOf(want[i].typ) {
			t.Errorf("rule %s: kind %s (%T), want %s (%T)", r.ID, r.KindName(), r.Kind, want[i].name, want[i].typ)
		}
	}
	if k, ok := p.Analyze.Rules[0].Kind.(*MatchSpec); !ok || k != p.Analyze.Rules[0].Match {
		t.Errorf("the match kind is not the rule's match block")
	}
	if got := p.Analyze.Rules[5].Kind.Vars(); !contains(got, "per_hour") || !contains(got, "record") {
		t.Errorf("samples kind vars = %v, want the check variables and SampleVars", got)
	}

	two := "name: t\ndescription: d\nanalyze:\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    state: {in: [files/a], track: [{pattern: a, state: up}]}\n    check: {}\n"
	_, err = Parse("t.yaml", []byte(two))
	if err == nil || !strings.Contains(err.Error(), "t.yaml:5: rule t.x: needs exactly one of match, absent, sequence, state, check (has 2: state, check)") {
		t.Errorf("two kind blocks: %v", err)
	}
	none := "name: t\ndescription: d\nanalyze:\n  rules:\n  - {id: t.x, title: x, explanation: x, remedy: x}\n"
	if _, err = Parse("t.yaml", []byte(none)); err == nil || !strings.Contains(err.Error(), "t.yaml:5: rule t.x: needs exactly one of") || !strings.Contains(err.Error(), "(has 0)") {
		t.Errorf("no kind block: %v", err)
	}
}

// TestValidateDoesNotMutate: validation leaves every built-in profile as
// decoded; the compile step alone writes programs, shorthands, defaults
// and shared vars.
func TestValidateDoesNotMutate(t *testing.T) {
	for _, name := range append(Names(), "_host") {
		data, err := builtinFS.ReadFile(name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		p, err := decode(name+".yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := decode(name+".yaml", data)
		c, err := validate(p)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p, before) {
			t.Errorf("%s: validate changed the profile", name)
		}
		c.write(p)
		if len(p.Analyze.Rules) > 0 && reflect.DeepEqual(p, before) {
			t.Errorf("%s: the compile step wrote nothing", name)
		}
		for _, r := range p.Analyze.Rules {
			if m, ok := r.Kind.(*MatchSpec); ok && (m.Pattern != nil || len(m.Any) == 0 || len(m.Any[0].In) == 0) {
				t.Errorf("%s: rule %s: match block not in normal form: %+v", name, r.ID, m)
			}
			if r.When.IsSet() && r.When.Program == nil {
				t.Errorf("%s: rule %s: when not compiled", name, r.ID)
			}
		}
	}
}
