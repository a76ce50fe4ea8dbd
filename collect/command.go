package collect

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"casefile/bundle"
)

// errCommandNotFound reports a command found neither under the root nor
// (unless RootCommandsOnly) on the real PATH.
var errCommandNotFound = errors.New("command not found")

// rootBinDirs are the folders of the root searched for a command name.
var rootBinDirs = []string{"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"}

// binary is a command resolved to an executable.
type binary struct {
	real  string // path on this machine
	shown string // path recorded in the manifest: the host path for root binaries
}

// lookPath finds a command. Under a root other than / nothing runs
// without RootExec (errNoRootExec), and with it only the root's own
// programs. A name without a slash is looked up in the root's bin,
// sbin, usr/bin, usr/sbin, usr/local/bin and usr/local/sbin, then (on
// the real root only) in the absolute folders of PATH; never in a
// folder a variable names. A path is taken under the root. Whatever is
// found must pass the ownership test (trustedHost): a candidate that
// fails it is passed over, and when nothing else is found the reason is
// the error (*untrustedError).
func (c *collector) lookPath(name string) (binary, error) {
	if name == "" {
		return binary{}, errCommandNotFound
	}
	if !c.fs.isRealRoot() && !c.opts.RootExec {
		return binary{}, errNoRootExec
	}
	b, err := c.rootLookPath(name)
	if err == nil || !errors.Is(err, errCommandNotFound) {
		return b, err
	}
	if !c.fs.isRealRoot() || strings.ContainsAny(name, `/\`) {
		return binary{}, errCommandNotFound
	}
	var refused error
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if !filepath.IsAbs(dir) {
			continue // "." or "" in PATH: the working folder is nobody's choice here
		}
		p, err := exec.LookPath(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		if err := c.trustedRealPath(p); err != nil {
			if refused == nil {
				refused = err
			}
			continue
		}
		return binary{real: p, shown: p}, nil
	}
	if refused != nil {
		return binary{}, refused
	}
	return binary{}, errCommandNotFound
}

// rootLookPath finds a command under the root only (see lookPath):
// errCommandNotFound, or the ownership test's reason when the only
// candidates found fail it.
func (c *collector) rootLookPath(name string) (binary, error) {
	if name == "" {
		return binary{}, errCommandNotFound
	}
	var cands []string
	if strings.ContainsAny(name, `/\`) {
		cands = []string{name}
	} else {
		for _, d := range rootBinDirs {
			cands = append(cands, path.Join(d, name))
		}
	}
	var refused error
	for _, p := range cands {
		b, host, ok := c.rootExecutable(p)
		if !ok {
			continue
		}
		if err := c.trustedHost(host); err != nil {
			if refused == nil {
				refused = err
			}
			continue
		}
		return b, nil
	}
	if refused != nil {
		return binary{}, refused
	}
	return binary{}, errCommandNotFound
}

// rootExecutable reports whether host path p under the root is an
// executable regular file (links resolved inside the root), and the host
// path it resolves to.
func (c *collector) rootExecutable(p string) (binary, string, bool) {
	candidates := []string{p}
	if runtime.GOOS == "windows" && path.Ext(p) == "" {
		candidates = []string{p + ".exe", p + ".bat", p + ".cmd", p + ".com"}
	}
	for _, cand := range candidates {
		r, _, err := c.fs.resolve(cand)
		if err != nil {
			continue
		}
		real := c.fs.real(r)
		fi, err := os.Stat(real)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if runtime.GOOS != "windows" && fi.Mode()&0o111 == 0 {
			continue
		}
		shown := r
		if c.fs.isRealRoot() {
			shown = real
		}
		return binary{real: real, shown: shown}, cand, true
	}
	return binary{}, "", false
}

// searchPath is the PATH commands run with: the root's folders first,
// then the real PATH, so that a fake host's script can use cat and sed.
// (Which command an item runs is decided by lookPath, before; only shell
// lines look commands up through PATH, and in RootCommandsOnly mode they
// get the root's commands alone: see rootShims.)
func (c *collector) searchPath(rootOnly bool) string {
	var dirs []string
	if !c.fs.isRealRoot() {
		dirs = c.rootBinReal()
	}
	if !rootOnly || c.fs.isRealRoot() {
		if p := os.Getenv("PATH"); p != "" {
			for _, d := range filepath.SplitList(p) {
				// Only absolute folders that pass the ownership test:
				// a shell line looks its commands up here.
				if filepath.IsAbs(d) && (!c.fs.isRealRoot() || c.trustedRealPath(d) == nil) {
					dirs = append(dirs, d)
				}
			}
		} else if runtime.GOOS != "windows" {
			dirs = append(dirs, "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
		}
	}
	return strings.Join(dirs, string(os.PathListSeparator))
}

// rootBinReal lists the root's command folders (rootBinDirs; never a
// folder a variable names) as real paths.
func (c *collector) rootBinReal() []string {
	var dirs []string
	for _, d := range rootBinDirs {
		dirs = append(dirs, c.fs.real(d))
	}
	return dirs
}

// rootShims returns a folder that holds, for each command of the root's
// command folders (the first of a name wins, as in lookPath), a small
// script that runs it with PATH set to searchPath(false). A shell line
// in RootCommandsOnly mode gets this folder alone as its PATH: the
// commands the line names are looked up only in the root, while the
// root's scripts it runs get a normal PATH (the root's folders, then the
// real PATH), so that a fake bin/ethtool can cat its fixture. The folder
// is made once per collection, beside the output, and removed at the
// end (removeShims). Not on Windows: there the shell line gets the
// root's folders alone. "" when it cannot be made.
func (c *collector) rootShims() string {
	if c.shimDir != "" || c.shimErr != nil {
		return c.shimDir
	}
	if runtime.GOOS == "windows" {
		c.shimErr = errUnsupported
		return ""
	}
	dir, err := os.MkdirTemp(c.tmpDir, ".casefile-path-*")
	if err != nil {
		c.shimErr = err
		return ""
	}
	c.shimDir = dir
	full := c.searchPath(false)
	seen := map[string]bool{}
	for _, d := range rootBinDirs {
		entries, _ := os.ReadDir(c.fs.real(d))
		for _, e := range entries {
			name := e.Name()
			if seen[name] || strings.ContainsAny(name, "/\\\x00") {
				continue
			}
			b, host, ok := c.rootExecutable(path.Join(cleanHost(d), name))
			if !ok || c.trustedHost(host) != nil {
				continue
			}
			seen[name] = true
			script := "#!/bin/sh\nPATH=" + singleQuote(full) + "\nexport PATH\nexec " + singleQuote(b.real) + " \"$@\"\n"
			if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o700); err != nil {
				c.shimErr = err
				c.removeShims()
				return ""
			}
		}
	}
	return dir
}

// singleQuote quotes s for /bin/sh, always.
func singleQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// removeShims removes the folder of rootShims, if any.
func (c *collector) removeShims() {
	if c.shimDir != "" {
		os.RemoveAll(c.shimDir)
		c.shimDir = ""
	}
}

// commandEnv is the environment of commands: the collector's own (or, in
// RootCommandsOnly mode, a minimal one, for reproducible output) with
// PATH as above, the C locale so output is in English and parseable,
// and CASEFILE_ROOT naming the root for fake hosts' scripts.
func (c *collector) commandEnv(shell bool) []string {
	var env []string
	if c.fs.isRealRoot() {
		for _, kv := range os.Environ() {
			k, _, _ := strings.Cut(kv, "=")
			switch strings.ToUpper(k) {
			case "PATH", "LC_ALL", "LANG", "LANGUAGE", "CASEFILE_ROOT":
				continue
			}
			env = append(env, kv)
		}
	} else if runtime.GOOS == "windows" {
		env = append(env, "SystemRoot="+os.Getenv("SystemRoot"))
	} else {
		env = append(env, "HOME=/")
	}
	pathVar := c.searchPath(false)
	if shell && !c.fs.isRealRoot() {
		if pathVar = c.rootShims(); pathVar == "" {
			pathVar = c.searchPath(true)
		}
	}
	return append(env, "PATH="+pathVar, "LC_ALL=C", "LANG=C", "CASEFILE_ROOT="+c.fs.root)
}

// cmdRun is the outcome of running one command.
type cmdRun struct {
	bin      binary
	argv     []string
	exitCode *int
	duration time.Duration
	timedOut bool
	stdout   *tailBuffer
	stderr   *tailBuffer
	err      error // could not start, or killed
}

// close releases the output buffers.
func (r *cmdRun) close() {
	r.stdout.Close()
	r.stderr.Close()
}

// maxStderr caps what is kept of a command's standard error.
const maxStderr = 1 << 20

// run executes argv (argv[0] already resolved to bin) with a timeout. On
// expiry, or when ctx is cancelled, the command's whole process group (on
// Windows its process tree) is killed; output so far is kept.
func (c *collector) run(ctx context.Context, bin binary, argv []string, timeout time.Duration, maxOut int64, shell bool) *cmdRun {
	r := &cmdRun{bin: bin, argv: argv, stdout: newTailBuffer(c.tmpDir, maxOut), stderr: newTailBuffer(c.tmpDir, maxStderr)}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, bin.real)
	cmd.Args = append([]string{argv[0]}, argv[1:]...)
	cmd.Env = c.commandEnv(shell)
	cmd.Dir = c.fs.root
	cmd.Stdout = r.stdout
	cmd.Stderr = r.stderr
	cmd.WaitDelay = 2 * time.Second
	setProcessGroup(cmd)
	cmd.Cancel = func() error { return killTree(cmd) }
	start := time.Now()
	err := cmd.Start()
	if err != nil {
		r.err = err
		return r
	}
	err = cmd.Wait()
	r.duration = time.Since(start)
	if errors.Is(err, exec.ErrWaitDelay) {
		// The command exited but something it started kept its output
		// open: end the rest of its group rather than leave it behind.
		killTree(cmd)
		err = nil
	}
	if cmd.ProcessState != nil {
		code := cmd.ProcessState.ExitCode()
		if code >= 0 {
			r.exitCode = &code
		}
	}
	switch {
	case errors.Is(cctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil:
		r.timedOut = true
		r.exitCode = nil
		r.err = fmt.Errorf("timed out after %s; process group killed", timeout)
	case ctx.Err() != nil:
		r.exitCode = nil
		r.err = fmt.Errorf("interrupted: %w", ctx.Err())
	case err != nil:
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			r.err = err
		}
	}
	return r
}

// commandErrorKind classifies a failed command.
func commandErrorKind(r *cmdRun) string {
	switch {
	case r.err == nil:
		return ""
	case r.timedOut:
		return bundle.ErrTimeout
	case errors.Is(r.err, errCommandNotFound), errors.Is(r.err, fs.ErrNotExist), errors.Is(r.err, exec.ErrNotFound):
		return bundle.ErrCommandNotFound
	case errors.Is(r.err, fs.ErrPermission), errors.Is(r.err, syscall.EACCES):
		return bundle.ErrPermission
	}
	return lookupErrorKind(r.err)
}

// lookupErrorKind classifies why a command was not run: not found,
// refused by the ownership test (forbidden), or not run under a root
// without --root-exec (skipped).
func lookupErrorKind(err error) string {
	var ue *untrustedError
	switch {
	case errors.As(err, &ue):
		return bundle.ErrForbidden
	case errors.Is(err, errNoRootExec):
		return bundle.ErrSkipped
	case errors.Is(err, errCommandNotFound), errors.Is(err, fs.ErrNotExist):
		return bundle.ErrCommandNotFound
	}
	return bundle.ErrOther
}

// quoteArgs renders argv as a shell would read it back.
func quoteArgs(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = shellQuote(a)
	}
	return strings.Join(out, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%^{}\\", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
