package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// Peak RSS of a child is read from its rusage. On Linux a child started
// by a large process inherits that process's RSS as its starting peak:
// Go starts children with vfork (the child runs in the parent's memory
// until exec) and exec keeps the larger peak. Measured from the test
// process (tens of MiB), a small analyze run reads as the test's size, so
// a flatness check could not fail below it. So the test process starts a
// fresh copy of itself as a launcher (launchEnv set), small because it
// has done nothing yet, which runs analyze and prints the child's peak.
const launchEnv = "CASEFILE_RSS_LAUNCH"

// TestMain runs the launcher when asked to, the tests otherwise.
func TestMain(m *testing.M) {
	if os.Getenv(launchEnv) != "" {
		os.Exit(launch(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// launch runs args[0] with the rest, with its stdin, stdout and stderr,
// and prints "maxrss KIB" and its exit code on the last line of stderr.
func launch(args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = os.Environ()
	err := cmd.Run()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			fmt.Fprintln(os.Stderr, err)
			return 125
		}
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "no rusage")
		return 125
	}
	fmt.Fprintf(os.Stderr, "\nmaxrss %d exit %d\n", ru.Maxrss, cmd.ProcessState.ExitCode())
	return 0
}
