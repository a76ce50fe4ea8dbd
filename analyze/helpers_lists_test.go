package analyze

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSqueeze: runs of equal consecutive elements fold into one, equal
// elements apart stay, nil is an empty list.
func TestSqueeze(t *testing.T) {
	tests := []struct {
		in   any
		want []any
	}{
		{[]any{"A", "A", "B", "A", "A"}, []any{"A", "B", "A"}},
		{[]any{1, 1, 1}, []any{1}},
		{[]any{}, []any{}},
		{nil, []any{}},
		{"A", []any{}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, squeeze(tc.in)); diff != "" {
			t.Errorf("squeeze(%v) (-want +got):\n%s", tc.in, diff)
		}
	}
}
