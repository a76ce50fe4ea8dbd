package profiles

import (
	"reflect"
	"sync"
	"testing"

	"github.com/expr-lang/expr"
)

// TestCompileProfileExpr: compiling on a reused configuration gives the
// program (or the error) expr.Compile gives with exprOptions, for every
// expression of the built-in profiles and some that fail, also when
// goroutines compile at once (each takes a configuration of its own).
func TestCompileProfileExpr(t *testing.T) {
	srcs := []string{
		`1 +`, `foo(`, `len(1, 2)`, `"a" + 1`, `x.y.z ?? "none"`,
		`repeat("ab", 3) + join(["a", "b"], ",") + replace("a", "a", "b")`,
		`all(items, {# > 1}) && any(items, .ok) ? "yes" : "no"`,
		`let x = 3; x * 2`, `map(1..3, ({a: #}))`,
	}
	for _, name := range Names() {
		p, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, exprSources(reflect.ValueOf(p).Elem())...)
	}
	if len(srcs) < 100 {
		t.Fatalf("only %d expressions found in the built-in profiles", len(srcs))
	}
	type result struct{ prog, err string }
	compile := func(src string, reused bool) result {
		var r result
		if reused {
			prog, err := compileProfileExpr(src)
			if err != nil {
				r.err = err.Error()
			} else {
				r.prog = prog.Disassemble()
			}
			return r
		}
		prog, err := expr.Compile(src, exprOptions()...)
		if err != nil {
			r.err = err.Error()
		} else {
			r.prog = prog.Disassemble()
		}
		return r
	}
	want := make([]result, len(srcs))
	for i, src := range srcs {
		want[i] = compile(src, false)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, src := range srcs {
				if got := compile(src, true); got != want[i] {
					t.Errorf("%q: reused configuration gives\n%+v\nexpr.Compile gives\n%+v", src, got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// exprSources lists the source of every set Expr reachable from v.
func exprSources(v reflect.Value) []string {
	var out []string
	exprType := reflect.TypeOf(Expr{})
	var walk func(v reflect.Value, depth int)
	walk = func(v reflect.Value, depth int) {
		if depth > 12 {
			return
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), depth+1)
			}
		case reflect.Struct:
			if v.Type() == exprType {
				if e := v.Interface().(Expr); e.IsSet() {
					out = append(out, e.Src)
				}
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i), depth+1)
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i), depth+1)
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(v.MapIndex(k), depth+1)
			}
		}
	}
	walk(v, 0)
	return out
}
