package testenv

import (
	"testing"
)

// fakeTB records how a test was stopped.
type fakeTB struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped = true
	panic(stop{})
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = true
	panic(stop{})
}

type stop struct{}

func run(f *fakeTB, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stop); !ok {
				panic(r)
			}
		}
	}()
	fn()
}

func TestMissingProgramSkipsOutsideCIAndFailsInCI(t *testing.T) {
	const missing = "casefile-no-such-program-xyz"
	for _, tc := range []struct {
		ci         string
		skip, fail bool
	}{
		{"", true, false},
		{"false", true, false},
		{"true", false, true},
		{"1", false, true},
	} {
		t.Setenv("CI", tc.ci)
		f := &fakeTB{}
		run(f, func() { Program(f, missing, "nothing") })
		if f.skipped != tc.skip || f.failed != tc.fail {
			t.Errorf("CI=%q: skipped=%v failed=%v, want skipped=%v failed=%v", tc.ci, f.skipped, f.failed, tc.skip, tc.fail)
		}
	}
}

func TestPresentProgramRuns(t *testing.T) {
	t.Setenv("CI", "true")
	f := &fakeTB{}
	var p string
	run(f, func() { p = Program(f, "sh", "dash") })
	if f.skipped || f.failed || p == "" {
		t.Fatalf("sh: path %q skipped=%v failed=%v", p, f.skipped, f.failed)
	}
}
