// Command collect gathers what a product's troubleshooting procedure asks
// for on a customer host (logs and their rotations, configuration files,
// command outputs, process and socket tables), redacts secrets, and
// writes one signed .tar.gz bundle for the help desk.
//
//	collect --profile NAME|FILE|auto [flags]
//	collect --list-profiles
//	collect keygen -o PATH
//	collect upload BUNDLE URL
//
// Exit status: 0 when the bundle was written (items that could not be
// read are recorded in it), 2 on usage errors, 1 when no bundle could be
// written, 3 when the bundle was written but --upload failed (it is kept).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// memoryLimit is the collector's soft memory limit: a customer host's
// memory is not ours. The garbage collector works harder near it; the
// bundle's data never sits in memory anyway (see docs/collect.md).
const memoryLimit = 48 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &env{
		stdout: os.Stdout,
		stderr: os.Stderr,
		tty:    term.IsTerminal(int(os.Stderr.Fd())),
		width: func() int {
			if w, _, err := term.GetSize(int(os.Stderr.Fd())); err == nil && w > 20 {
				return w
			}
			return 80
		},
		stopSignals: stop,
	}
	os.Exit(runMain(ctx, os.Args[1:], env))
}

// env is what the command talks to, so tests can run it in process.
type env struct {
	stdout, stderr io.Writer
	tty            bool       // stderr is a terminal: show a progress bar
	width          func() int // terminal width
	stopSignals    func()     // restores default signal handling
	// now is the collection clock (nil: time.Now); tests pin it.
	now func() time.Time
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // no bundle written
	exitUsage = 2
)

// usageError marks errors of the command line (exit 2).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// runMain runs the command line and returns the exit status.
func runMain(ctx context.Context, args []string, e *env) int {
	cmd := newRootCmd(ctx, e)
	// Errors cobra finds before a command runs (unknown command, bad
	// arguments) are usage errors.
	ran := false
	cmd.PersistentPreRun = func(*cobra.Command, []string) { ran = true }
	cmd.SetArgs(args)
	cmd.SetOut(e.stdout)
	cmd.SetErr(e.stderr)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if errors.As(err, new(uploadFailed)) {
		return exitUpload // upload.go printed why and how to retry
	}
	fmt.Fprintf(e.stderr, "collect: %v\n", err)
	var rq requestError
	if errors.As(err, &rq) {
		return exitUsage // a refused request: its one line says why
	}
	var u usageError
	if errors.As(err, &u) || !ran {
		fmt.Fprintf(e.stderr, "Run 'collect --help' for usage.\n")
		return exitUsage
	}
	return exitFail
}
