package profiles

import (
	"fmt"
	"strings"
)

// The state kind: a state per key through time-ordered lines, the last
// one judged (StateSpec, in types).

// Name is "state".
func (s *StateSpec) Name() string { return KindState }

// Vars are the state rule's variables.
func (s *StateSpec) Vars() []string { return RuleVars[KindState] }

// Keys are the captures forming the key.
func (s *StateSpec) Keys() []string { return s.Key }

// Exprs: the state block has none.
func (s *StateSpec) Exprs() []*Expr { return nil }

// Spec is the state block.
func (s *StateSpec) Spec() any { return s }

// Uses are the track entries.
func (s *StateSpec) Uses() []Use {
	out := make([]Use, len(s.Track))
	for i := range s.Track {
		t := &s.Track[i]
		m := t.Matcher
		if len(m.In) == 0 {
			m.In = s.In
		}
		out[i] = Use{Role: "track", Matcher: m, Track: t}
	}
	return out
}

func (s *StateSpec) check(_ *Rule, _ map[string]Fact) ([]capture, error) {
	caps, err := checkMatchers(Matchers(s.Uses(), "track"), "track")
	if err != nil {
		return nil, err
	}
	for i := range s.Track {
		t := &s.Track[i]
		switch {
		case t.State != "" && t.Event != "":
			return nil, fmt.Errorf("track entry %d: state and event exclude each other", i+1)
		case t.Event != "" && strings.TrimSpace(t.Event) != t.Event:
			return nil, fmt.Errorf("track entry %d: event %q has surrounding spaces", i+1, t.Event)
		case t.State == "" && t.Event == "" && !hasGroup(t.Pattern, "state"):
			return nil, fmt.Errorf("track entry %d needs a (?P<state>...) group, a fixed state or an event", i+1)
		}
	}
	for _, k := range s.ReportBy {
		if !contains(s.Key, k) {
			return nil, fmt.Errorf("report_by %q must be one of the key's captures (%s)", k, strings.Join(s.Key, ", "))
		}
	}
	return caps, nil
}

func (s *StateSpec) compile() {
	for i := range s.Track {
		if len(s.Track[i].In) == 0 {
			s.Track[i].In = s.In
		}
	}
}
