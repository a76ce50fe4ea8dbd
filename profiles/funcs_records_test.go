package profiles

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCarryDown: header values carry down to the lines under them, a new
// outer header clears the inner one, and the records are copies.
func TestCarryDown(t *testing.T) {
	in := []any{
		map[string]any{"dev": "eth0", "part": "", "rx": ""},
		map[string]any{"dev": "", "part": "max", "rx": ""},
		map[string]any{"dev": "", "part": "", "rx": "4096"},
		map[string]any{"dev": "eth1", "part": "", "rx": ""},
		map[string]any{"dev": "", "part": "", "rx": "256"},
		"not a record",
	}
	got := carryDown(in, "dev", "part")
	want := []any{
		map[string]any{"dev": "eth0", "part": "", "rx": ""},
		map[string]any{"dev": "eth0", "part": "max", "rx": ""},
		map[string]any{"dev": "eth0", "part": "max", "rx": "4096"},
		map[string]any{"dev": "eth1", "part": "", "rx": ""},
		map[string]any{"dev": "eth1", "part": "", "rx": "256"},
		"not a record",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("carry_down (-want +got):\n%s", d)
	}
	if in[2].(map[string]any)["dev"] != "" {
		t.Errorf("carry_down changed its input")
	}
	if got := carryDown(nil, "dev"); len(got) != 0 {
		t.Errorf("carry_down(nil) = %v", got)
	}
}
