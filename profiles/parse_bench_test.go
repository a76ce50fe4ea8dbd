package profiles

import "testing"

// BenchmarkParseBuiltin loads every built-in profile: validation,
// including the load-time type check, and compile.
func BenchmarkParseBuiltin(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, n := range Names() {
			if _, err := Builtin(n); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParseTFST loads one built-in profile, as analyze does for a
// bundle that names it.
func BenchmarkParseTFST(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Builtin("tfst"); err != nil {
			b.Fatal(err)
		}
	}
}
