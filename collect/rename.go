package collect

import (
	"errors"
	"io/fs"
	"os"
)

// osLinkError is os.LinkError under a name of this package.
type osLinkError = os.LinkError

// linkRename is renameNoReplace by a hard link, which fails when to
// exists (whatever it is), then the removal of from; where hard links
// are not supported, a check that nothing is at to, then a rename.
func linkRename(from, to string) error {
	err := os.Link(from, to)
	if err == nil {
		return os.Remove(from)
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, lerr := os.Lstat(to); lerr == nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: fs.ErrExist}
	}
	return os.Rename(from, to)
}

// outputProblem says why the output path cannot be written: anything
// already there (a special file, a link, a folder's entry) is never
// replaced. nil when nothing is there.
func outputProblem(p string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil
	}
	m := fi.Mode()
	what := "a file"
	switch {
	case m&fs.ModeSymlink != 0:
		what = "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a block device"
	case m.IsDir():
		what = "a folder"
	}
	return &outputExistsError{path: p, what: what}
}

// outputExistsError: something is at the output path.
type outputExistsError struct{ path, what string }

func (e *outputExistsError) Error() string {
	return e.path + " is " + e.what + ": " + errOutputExists.Error() + " (collect writes only new files)"
}

func (e *outputExistsError) Unwrap() error { return errOutputExists }
