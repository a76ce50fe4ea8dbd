// Package safefile writes the files casefile's programs produce (a report,
// a bundle) without ever damaging what is already at the target path, even
// when run as root on a path another user controls:
//
//   - a missing path or a regular file is replaced atomically: the content is
//     written to a temporary file in the same folder, synced, and renamed
//     over the path, so the path holds either the old file or the whole new
//     one, and the temporary file is removed on failure;
//   - a character device (/dev/null, /dev/stdout, a terminal) or a FIFO is
//     written into directly: it is opened without O_CREATE or O_TRUNC, so
//     the device node stays what it was;
//   - anything else is refused before anything is written: a folder, a
//     symbolic link (it is never followed, nor replaced), a socket, a block
//     device (a disk: a report written into one would destroy it).
//
// "-" means standard output by convention; callers map it themselves (this
// package never writes to a path named "-": it refuses it, so that a
// caller that forgot cannot create a file called "-").
package safefile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Stdout is the path that means standard output.
const Stdout = "-"

// Kind says how a path will be written.
type Kind int

const (
	// Replace: missing or a regular file; written through a temporary
	// file renamed over it.
	Replace Kind = iota
	// Stream: a character device or a FIFO; written into directly.
	Stream
)

// Error is a refusal: the path and why, on one line.
type Error struct {
	Path   string
	Reason string
}

func (e *Error) Error() string { return e.Path + ": " + e.Reason }

// Check says how path would be written, or refuses it (an *Error) before
// any work is done: what is at the path, and whether its folder exists.
func Check(path string) (Kind, error) {
	if path == Stdout || path == "" {
		return 0, &Error{Path: path, Reason: `not a file path ("-" means standard output and is the caller's to handle)`}
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Missing: its folder must exist.
	case err != nil:
		return 0, &Error{Path: path, Reason: unwrap(err).Error()}
	default:
		m := fi.Mode()
		switch {
		case m.IsRegular():
			// replaced below
		case m&fs.ModeSymlink != 0:
			return 0, &Error{Path: path, Reason: "is a symbolic link; it is neither followed nor replaced (give the path it points to)"}
		case m.IsDir():
			return 0, &Error{Path: path, Reason: "is a directory; want a file path"}
		case m&fs.ModeNamedPipe != 0, m&fs.ModeCharDevice != 0:
			return Stream, nil
		case m&fs.ModeDevice != 0:
			return 0, &Error{Path: path, Reason: "is a block device; refusing to write into it"}
		default:
			return 0, &Error{Path: path, Reason: "is a special file (socket or other); refusing to replace it"}
		}
	}
	dir := filepath.Dir(path)
	di, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return 0, &Error{Path: path, Reason: fmt.Sprintf("folder %s does not exist", dir)}
	case err != nil:
		return 0, &Error{Path: path, Reason: unwrap(err).Error()}
	case !di.IsDir():
		return 0, &Error{Path: path, Reason: fmt.Sprintf("%s is not a folder", dir)}
	}
	return Replace, nil
}

// File is a file being written. Write to it, then Commit; Abort (safe to
// call after Commit, so it can be deferred) discards it.
type File struct {
	path string
	kind Kind
	perm fs.FileMode
	f    *os.File // the temporary file, or the device/FIFO
	bw   *bufio.Writer
	done bool
}

// Create starts writing path: see the package comment for what happens
// to what is there. perm is the mode of a new file (0o644 for a report,
// 0o600 for a bundle); a device or FIFO keeps its own.
func Create(path string, perm fs.FileMode) (*File, error) {
	kind, err := Check(path)
	if err != nil {
		return nil, err
	}
	out := &File{path: path, kind: kind, perm: perm}
	if kind == Stream {
		// No O_CREATE, no O_TRUNC: the node stays as it is. If it was
		// swapped for something else since Check, opening fails or (a
		// regular file) is refused below.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, &Error{Path: path, Reason: unwrap(err).Error()}
		}
		if fi, err := f.Stat(); err != nil || fi.Mode()&(fs.ModeNamedPipe|fs.ModeCharDevice) == 0 {
			f.Close()
			return nil, &Error{Path: path, Reason: "changed while it was opened; not written"}
		}
		out.f = f
	} else {
		dir, base := filepath.Split(path)
		if dir == "" {
			dir = "."
		}
		f, err := os.CreateTemp(dir, "."+base+".tmp-*")
		if err != nil {
			return nil, &Error{Path: path, Reason: unwrap(err).Error()}
		}
		out.f = f
	}
	out.bw = bufio.NewWriterSize(out.f, 256<<10)
	return out, nil
}

// Kind says how the file is written.
func (f *File) Kind() Kind { return f.kind }

func (f *File) Write(p []byte) (int, error) { return f.bw.Write(p) }

// Commit finishes the file: flushes it and, for a replaced file, syncs it
// and renames it over the path.
func (f *File) Commit() error {
	if f.done {
		return errors.New("safefile: already committed or aborted")
	}
	if err := f.bw.Flush(); err != nil {
		f.Abort()
		return err
	}
	if f.kind == Stream {
		f.done = true
		return f.f.Close()
	}
	if err := f.f.Sync(); err != nil {
		f.Abort()
		return err
	}
	// CreateTemp makes the file 0600; Windows keeps its default ACL.
	if err := f.f.Chmod(f.perm); err != nil && runtime.GOOS != "windows" {
		f.Abort()
		return err
	}
	if err := f.f.Close(); err != nil {
		f.done = true
		os.Remove(f.f.Name())
		return err
	}
	f.done = true
	// Check again just before the rename: a folder, device or link put
	// there meanwhile is not replaced. (Rename itself never writes through
	// a symlink: it replaces the directory entry.)
	if kind, err := Check(f.path); err != nil || kind != Replace {
		os.Remove(f.f.Name())
		if err == nil {
			err = &Error{Path: f.path, Reason: "became a device or FIFO while it was written; not replaced"}
		}
		return err
	}
	if err := os.Rename(f.f.Name(), f.path); err != nil {
		os.Remove(f.f.Name())
		return &Error{Path: f.path, Reason: unwrap(err).Error()}
	}
	return nil
}

// Abort discards the file: the temporary file is removed (a device or
// FIFO has had what was written so far).
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	if f.kind == Replace {
		os.Remove(f.f.Name())
	}
}

// WriteFile writes path with render's output (see Create).
func WriteFile(path string, perm fs.FileMode, render func(io.Writer) error) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := render(f); err != nil {
		return err
	}
	return f.Commit()
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
