package crash

import (
	"errors"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestFatalIsNotExit2: a Go runtime fatal error exits 2 without Setup
// (the same status as an input refusal) and does not with it.
func TestFatalIsNotExit2(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "crasher")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/crasher").CombinedOutput(); err != nil {
		t.Fatalf("building the crasher: %v\n%s", err, out)
	}
	run := func(arg string) (int, string) {
		cmd := exec.Command(bin, arg)
		cmd.Env = append(cmd.Environ(), "GOTRACEBACK=single")
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("crasher %s did not fail: %v", arg, err)
		}
		return ee.ExitCode(), string(out)
	}
	code, out := run("")
	if code != 2 || !strings.Contains(out, "stack overflow") {
		t.Fatalf("without Setup: exit %d, want the runtime's 2 (the premise of this test)\n%.300s", code, out)
	}
	code, out = run("setup")
	if code == 2 {
		t.Errorf("with Setup a runtime fatal error still exits 2")
	}
	if !strings.Contains(out, "stack overflow") {
		t.Errorf("the crash no longer says why: %.300s", out)
	}
}
