// Package testenv lets tests that run a real program (minisign,
// chromium, sshd, an IPsec daemon, ...) say why they cannot run. Outside CI such a
// test skips with the reason; under CI (CI=true), where scripts/test-deps.sh
// has installed every dependency, a missing program is a failure: a green
// CI run must never hide a real-program test that did not run.
package testenv

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// InCI reports whether the tests run under CI (CI set to a true value).
func InCI() bool {
	v, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && v
}

// Unavailable stops the test because something it needs is missing: a
// skip with the reason outside CI, a failure under CI.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("real-program test cannot run under CI: "+format, args...)
	}
	t.Skipf(format, args...)
}

// Program returns the path of the named program, or stops the test (see
// Unavailable) naming the Debian package that provides it.
func Program(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Unavailable(t, "%s not installed (Debian package %s; scripts/test-deps.sh installs it)", name, debianPackage)
	}
	return p
}

// Root stops the test (see Unavailable) unless it runs as root, giving
// why root is needed.
func Root(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		Unavailable(t, "needs root: %s", why)
	}
}
