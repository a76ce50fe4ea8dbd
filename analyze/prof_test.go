package analyze

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
)

// TestProfileRun (CASEFILE_PROFILE_INPUT="path ...") analyzes inputs
// together, for go test -cpuprofile; with CASEFILE_PROFILE_HEAP=file it
// writes the heap in use right after the pass there.
func TestProfileRun(t *testing.T) {
	in := strings.Fields(os.Getenv("CASEFILE_PROFILE_INPUT"))
	if len(in) == 0 {
		t.Skip("CASEFILE_PROFILE_INPUT not set")
	}
	if h := os.Getenv("CASEFILE_PROFILE_HEAP"); h != "" {
		afterPass = func([]*bundleState, *scanner) {
			runtime.GC()
			f, err := os.Create(filepath.Clean(h))
			if err != nil {
				t.Error(err)
				return
			}
			defer f.Close()
			if err := pprof.WriteHeapProfile(f); err != nil {
				t.Error(err)
			}
		}
		defer func() { afterPass = nil }()
		if e := os.Getenv("CASEFILE_PROFILE_HEAP_END"); e != "" {
			atBundleEnd = func(*bundleState, *scanner) {
				runtime.GC()
				f, _ := os.Create(e)
				defer f.Close()
				pprof.WriteHeapProfile(f)
			}
			defer func() { atBundleEnd = nil }()
		}
	}
	if _, err := Run(context.Background(), in, Options{}); err != nil {
		t.Fatal(err)
	}
}
