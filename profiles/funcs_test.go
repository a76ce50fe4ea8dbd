package profiles

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeScope answers Scope from a table of line times by glob.
type fakeScope struct {
	times         map[string][2]time.Time
	zone, display *time.Location
	end           time.Time
}

func (f *fakeScope) Bundle() any                    { return map[string]any{} }
func (f *fakeScope) Bundles() []any                 { return nil }
func (f *fakeScope) Incident() any                  { return nil }
func (f *fakeScope) Exists(gs ...any) (bool, error) { return len(gs) > 0, nil }
func (f *fakeScope) Members(g any) ([]any, error)   { return []any{}, nil }
func (f *fakeScope) Oldest(g any) (any, error)      { return f.pick(g, 0), nil }
func (f *fakeScope) Newest(g any) (any, error)      { return f.pick(g, 1), nil }
func (f *fakeScope) Item(id any) any                { return nil }
func (f *fakeScope) Zone() *time.Location           { return orUTC(f.zone) }
func (f *fakeScope) Display() *time.Location        { return orUTC(f.display) }
func (f *fakeScope) End() time.Time                 { return f.end }
func (f *fakeScope) pick(g any, i int) any {
	if r, ok := f.times[g.(string)]; ok {
		return r[i]
	}
	return nil
}

func orUTC(l *time.Location) *time.Location {
	if l == nil {
		return time.UTC
	}
	return l
}

// TestBindingsDocumented: docs/profiles.md documents every binding,
// a function as "`name(", a value as "`name`".
func TestBindingsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/profiles.md")
	if err != nil {
		t.Fatal(err)
	}
	for i := range Bindings {
		b := &Bindings[i]
		want := "`" + b.Name() + "`"
		if strings.Contains(b.Sig, "(") {
			want = "`" + b.Name() + "("
		}
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/profiles.md does not document %s (no %s)", b.Sig, want)
		}
	}
}

// TestBindingSigs: what each binding's Sig says agrees with the Go
// function the analyzer binds: as many parameters as Sig has arguments,
// or a variadic one for the optional ones; a value is no function.
func TestBindingSigs(t *testing.T) {
	env := map[string]any{}
	Bind(env, &fakeScope{})
	if len(env) != len(Bindings) {
		t.Fatalf("Bind bound %d names for %d bindings", len(env), len(Bindings))
	}
	for i := range Bindings {
		b, a := &Bindings[i], bound[i].arity
		if b.Doc == "" || strings.Contains(b.Doc, "\n") {
			t.Errorf("%s: Doc must be one line", b.Sig)
		}
		ft := reflect.TypeOf(env[a.name])
		if !a.function {
			if ft != nil && ft.Kind() == reflect.Func {
				t.Errorf("%s: a value, bound to a %v", b.Sig, ft)
			}
			continue
		}
		if ft == nil || ft.Kind() != reflect.Func {
			t.Errorf("%s: a function, bound to %v", b.Sig, ft)
			continue
		}
		fixed := ft.NumIn()
		if ft.IsVariadic() {
			fixed--
			if a.min < fixed || a.max >= 0 && a.max <= fixed {
				t.Errorf("%s: Go %v takes %d fixed arguments and more; Sig says %s", b.Sig, ft, fixed, a)
			}
		} else if a.min != fixed || a.max != fixed {
			t.Errorf("%s: Go %v takes %d arguments; Sig says %s", b.Sig, ft, fixed, a)
		}
	}
}

// TestParseSig reads arities from signatures and refuses bad ones.
func TestParseSig(t *testing.T) {
	for sig, want := range map[string]arity{
		"bundle":                            {name: "bundle"},
		"f()":                               {name: "f", function: true},
		"members(glob)":                     {name: "members", function: true, min: 1, max: 1},
		"plural(n, word[, words])":          {name: "plural", function: true, min: 2, max: 3},
		"near(records, t, before[, after])": {name: "near", function: true, min: 3, max: 4},
		"exists(glob, ...)":                 {name: "exists", function: true, min: 1, max: -1},
		"carry_down(records[, field, ...])": {name: "carry_down", function: true, min: 1, max: -1},
	} {
		got, err := parseSig(sig)
		if err != nil {
			t.Errorf("%s: %v", sig, err)
			continue
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(arity{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", sig, diff)
		}
	}
	for _, sig := range []string{"Bad(x)", "f(x", "f(x, , y)", "f(..., x)"} {
		if _, err := parseSig(sig); err == nil {
			t.Errorf("%s: no error", sig)
		}
	}
}
