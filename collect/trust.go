package collect

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// errNoRootExec: under a --root other than /, no program runs unless
// Options.RootExec (--root-exec) says so: a mounted image's binaries
// would run as the collecting user on this machine.
var errNoRootExec = errors.New("not run: under a --root other than / no program runs without --root-exec")

// untrustedError says why a program is not run: it, or a folder above
// it, could be replaced by someone other than root or the collecting
// user ("/home/u/bin is owned by uid 1000").
type untrustedError struct{ reason string }

func (e *untrustedError) Error() string { return e.reason }

// notRunText is the error recorded for a program refused by the
// ownership test: "/home/u/bin is owned by uid 1000: appd -v not run".
func notRunText(err error, argv []string) string {
	words := append([]string{path.Base(strings.ReplaceAll(argv[0], `\`, "/"))}, argv[1:]...)
	return err.Error() + ": " + quoteArgs(words) + " not run"
}

// trustedHost checks the program at host path p (under the root) and
// every folder above it, through each link on the way: each must be
// owned by root or the collecting user and not writable by group or
// others (a sticky folder such as /tmp excepted: only an entry's owner
// can replace it there). Under a root other than /, the root's own
// folders on this machine are checked too. nil: it may be run.
func (c *collector) trustedHost(p string) error {
	if runtime.GOOS == "windows" {
		return nil // owners are not checked on Windows (docs/collect.md)
	}
	if !c.fs.isRealRoot() {
		real, err := filepath.EvalSymlinks(c.fs.root)
		if err != nil {
			return err
		}
		for d := real; ; d = filepath.Dir(d) {
			if err := c.trustedReal(d, d); err != nil {
				return err
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	// Every prefix of the path as written, resolved inside the root, and
	// every folder above what it resolves to.
	segs := splitPath(cleanHost(p))
	for i := 1; i <= len(segs); i++ {
		r, _, err := c.fs.resolve("/" + strings.Join(segs[:i], "/"))
		if err != nil {
			return err
		}
		for a := r; ; a = path.Dir(a) {
			if err := c.trustedReal(c.fs.real(a), a); err != nil {
				return err
			}
			if a == "/" || a == path.Dir(a) {
				break
			}
		}
	}
	return nil
}

// trustedReal checks one file or folder (real path; shown in messages),
// caching the answer.
func (c *collector) trustedReal(real, shown string) error {
	if c.trustCache == nil {
		c.trustCache = map[string]error{}
	}
	if err, ok := c.trustCache[real]; ok {
		return err
	}
	err := checkOwner(real, shown)
	c.trustCache[real] = err
	return err
}

// checkOwner is the test of one path (see trustedHost).
func checkOwner(real, shown string) error {
	fi, err := os.Lstat(real)
	if err != nil {
		return err
	}
	uid, _ := fileOwner(fi)
	if uid != 0 && uid != os.Geteuid() && uid >= 0 {
		return &untrustedError{fmt.Sprintf("%s is owned by uid %d", shown, uid)}
	}
	m := fi.Mode()
	if fi.IsDir() && m&os.ModeSticky != 0 {
		return nil
	}
	switch m.Perm() & 0o022 {
	case 0o020:
		return &untrustedError{fmt.Sprintf("%s is writable by its group", shown)}
	case 0o002:
		return &untrustedError{fmt.Sprintf("%s is writable by others", shown)}
	case 0o022:
		return &untrustedError{fmt.Sprintf("%s is writable by group and others", shown)}
	}
	return nil
}

// trustedReal path on this machine (a program on the real PATH).
func (c *collector) trustedRealPath(p string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return err
	}
	r, err = filepath.Abs(r)
	if err != nil {
		return err
	}
	for d := r; ; d = filepath.Dir(d) {
		if err := c.trustedReal(d, d); err != nil {
			return err
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	return nil
}

// markUntrustedVars notes, on each detected variable whose value is a
// path that fails the ownership test, why programs under it are never
// run (the value is still used to read files). Programs named through
// such a variable are refused with that reason, whatever they resolve to.
func (c *collector) markUntrustedVars() {
	for k, v := range c.vars {
		switch v.Source {
		case SourceEnv, SourceProcess, SourceFile, SourcePath, SourceRequest:
		default:
			continue
		}
		val := strings.TrimSpace(v.Value)
		if val == "" || !(strings.HasPrefix(val, "/") || len(val) > 2 && val[1] == ':') || !c.fs.exists(val) || hasMeta(val) {
			continue
		}
		if err := c.trustedHost(val); err != nil {
			var ue *untrustedError
			if errors.As(err, &ue) {
				v.Note = "programs under it are never run: " + ue.reason
				c.vars[k] = v
			}
		}
	}
}

// untrustedVarIn returns the reason a command named by s (argv[0] as the
// profile writes it) must not run: it uses a variable marked by
// markUntrustedVars. nil otherwise.
func (c *collector) untrustedVarIn(s string) error {
	for _, m := range varRef.FindAllStringSubmatch(s, -1) {
		if v, ok := c.vars[m[1]]; ok && v.Note != "" {
			return &untrustedError{strings.TrimPrefix(v.Note, "programs under it are never run: ")}
		}
	}
	return nil
}
