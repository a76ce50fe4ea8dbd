package profiles

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func listHelpers() map[string]any {
	m := map[string]any{}
	Bind(m, &fakeScope{})
	return m
}

// TestEach: a phrase per element, holes as in texts (helpers on the
// element's fields, wrap for optional parts), plain values as {value},
// joined by a separator when one is given; an operator in a hole is
// refused as it is in a text.
func TestEach(t *testing.T) {
	m := listHelpers()
	each := m["each"].(func(...any) (any, error))
	recs := []any{
		map[string]any{"name": "clamd", "pid": "812", "size": "73400320", "obj": ""},
		map[string]any{"name": "savd", "pid": "9", "size": "1536", "obj": "x.so"},
	}
	got, err := each(recs, "{name} (pid {pid}, {bytes(size)}){wrap(obj, \" \")}")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]any{"clamd (pid 812, 70 MiB)", "savd (pid 9, 1.5 KiB) x.so"}, got); d != "" {
		t.Errorf("each (-want +got):\n%s", d)
	}
	joined, err := each([]any{"eth0", "eth1"}, "ethtool -G {value}", "; ")
	if err != nil || joined != "ethtool -G eth0; ethtool -G eth1" {
		t.Errorf("each with sep = %q, %v", joined, err)
	}
	if got, err := each(nil, "{name}"); err != nil || len(got.([]any)) != 0 {
		t.Errorf("each over nil = %v, %v; want an empty list", got, err)
	}
	// An element's field does not leak into the next element, and a
	// field named like a helper does not replace it for good.
	got, err = each([]any{map[string]any{"bytes": "x", "a": "1"}, map[string]any{"b": "2"}}, "{a}{b}", ",")
	if err != nil || got != "1,2" {
		t.Errorf("fields leak: %q, %v", got, err)
	}
	if _, err := each(recs, "{name}", ","); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["bytes"].(func(any) string); !ok {
		t.Errorf("helper bytes replaced by a field")
	}
	// Names of the environment it is bound in (the facts) are seen
	// beside the element's fields: a lookup by a field.
	m["ring_max"] = map[string]any{"eth0": 4096}
	got, err = each([]any{map[string]any{"dev": "eth0", "rx": "256"}}, "ethtool -G {dev} rx {get(ring_max, dev)} (now {rx})", "; ")
	if err != nil || got != "ethtool -G eth0 rx 4096 (now 256)" {
		t.Errorf("each with a fact = %q, %v", got, err)
	}
	if _, err := each(recs, "{name + pid}"); err == nil || !strings.Contains(err.Error(), "is an expression") {
		t.Errorf("operator in a hole: err = %v, want the text rule", err)
	}
	if _, err := each(recs, "{name"); err == nil {
		t.Errorf("unterminated hole accepted")
	}
}

// TestCountBy: counts per value, the most first, ties in order of first
// appearance; plain values count themselves.
func TestCountBy(t *testing.T) {
	recs := []any{
		map[string]any{"uid": "48"}, map[string]any{"uid": "0"}, map[string]any{"uid": "0"},
		map[string]any{"uid": "1000"}, "not a record",
	}
	want := []any{
		map[string]any{"key": "0", "count": 2},
		map[string]any{"key": "48", "count": 1},
		map[string]any{"key": "1000", "count": 1},
	}
	if d := cmp.Diff(want, countBy(recs, "uid")); d != "" {
		t.Errorf("count_by (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]any{map[string]any{"key": "b", "count": 2}, map[string]any{"key": "a", "count": 1}},
		countBy([]any{"a", "b", "b"})); d != "" {
		t.Errorf("count_by of values (-want +got):\n%s", d)
	}
}

// TestLargestAndCommandName: the largest by a numeric field (numbers, not
// strings: 900 < 1200), ties stable, n beyond the list; a command line's
// program.
func TestLargestAndCommandName(t *testing.T) {
	a := map[string]any{"v": "900", "cmd": "/usr/sbin/nginx -g daemon off;"}
	b := map[string]any{"v": 1200.0, "cmd": "postgres"}
	c := map[string]any{"v": "900", "cmd": ""}
	d := map[string]any{"v": "n/a"}
	if diff := cmp.Diff([]any{b, a}, largest([]any{d, a, b, c}, "v", 2)); diff != "" {
		t.Errorf("largest 2 (-want +got):\n%s", diff)
	}
	if got := largest([]any{d, a}, "v", 5); len(got) != 2 || !cmp.Equal(got[0], a) {
		t.Errorf("largest 5 of 2 = %v", got)
	}
	for in, want := range map[any]string{"/usr/sbin/nginx -g daemon off;": "nginx", "postgres": "postgres", "": "", nil: "", `C:\bin\svc.exe -x`: "svc.exe"} {
		if got := commandName(in); got != want {
			t.Errorf("command_name(%q) = %q, want %q", in, got, want)
		}
	}
}
