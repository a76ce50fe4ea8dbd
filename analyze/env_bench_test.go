package analyze

import (
	"testing"
	"time"

	"casefile/profiles"
)

// BenchmarkBaseEnv measures building an expression environment (the
// functions and globals), which happens per rule evaluation.
func BenchmarkBaseEnv(b *testing.B) {
	bs := &bundleState{loc: time.UTC, plan: &plan{prof: &profiles.Profile{}}, all: []string{"files/a.log"}}
	bs.group = &group{bundles: []*bundleState{bs}}
	bs.bundleMap = map[string]any{}
	e := &evaluator{}
	b.ReportAllocs()
	for b.Loop() {
		env := e.baseEnv([]*bundleState{bs}, true)
		if len(env) < 10 {
			b.Fatal("short env")
		}
	}
}
