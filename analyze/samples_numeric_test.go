package analyze

import "testing"

// TestSamplesNumeric: a sampled fact compares whether its value is a number
// or the text of one (a capture); anything else is not compared.
func TestSamplesNumeric(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want float64
		ok   bool
	}{
		{240, 240, true}, {int64(7), 7, true}, {1.5, 1.5, true},
		{"1009", 1009, true}, {" 64 ", 64, true},
		{"1.2.3", 0, false}, {"many", 0, false}, {"NaN", 0, false}, {nil, 0, false}, {true, 0, false},
	} {
		got, ok := numeric(tc.v)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("numeric(%#v) = %v, %v; want %v, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}
