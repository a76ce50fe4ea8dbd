package analyze

import (
	"testing"
	"time"
)

// TestExistsList: exists takes a list of globs (a data fact) as well as
// globs one by one.
func TestExistsList(t *testing.T) {
	b := &bundleState{loc: time.UTC, all: []string{"files/opt/x/epp.cfg", "files/opt/x/epp.log"}}
	exists := funcs([]*bundleState{b}, time.UTC)["exists"].(func(...any) (bool, error))
	for _, c := range []struct {
		args []any
		want bool
	}{
		{[]any{[]any{"files/**/gwp.cfg", "files/**/epp.log*"}}, true},
		{[]any{[]any{"files/**/gwp.cfg", "files/**/relay.cfg"}}, false},
		{[]any{"files/**/gwp.cfg", "files/**/epp.cfg"}, true},
		{[]any{[]any{}}, false},
	} {
		got, err := exists(c.args...)
		if err != nil || got != c.want {
			t.Errorf("exists(%v) = %v, %v; want %v", c.args, got, err, c.want)
		}
	}
	if _, err := exists([]any{42}); err == nil {
		t.Error("exists([42]): no error")
	}
}
