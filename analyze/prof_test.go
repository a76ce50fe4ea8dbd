package analyze

import (
	"context"
	"os"
	"testing"
)

// TestProfileRun (CASEFILE_PROFILE_INPUT=path) runs the analysis of one
// input, for go test -cpuprofile.
func TestProfileRun(t *testing.T) {
	in := os.Getenv("CASEFILE_PROFILE_INPUT")
	if in == "" {
		t.Skip("CASEFILE_PROFILE_INPUT not set")
	}
	if _, err := Run(context.Background(), []string{in}, Options{}); err != nil {
		t.Fatal(err)
	}
}
