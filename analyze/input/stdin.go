package input

import (
	"errors"
	"io"
	"os"
	"runtime"
)

// StdinPath is the input path that means standard input (analyze -).
const StdinPath = "-"

// spoolStdin copies Options.Stdin to an unlinked temporary file, so that
// it can be read twice like a file given by name. It is the one file this
// package creates: mode 0600, removed at once (on Windows, where an open
// file cannot be removed, when the process ends), at most MaxTotalBytes.
func (s *session) spoolStdin() error {
	if s.opts.Stdin == nil {
		return s.refuse("standard input is not available")
	}
	f, err := os.CreateTemp("", "casefile-stdin-*")
	if err != nil {
		return s.refuse("cannot hold standard input: %v", unwrapPathError(err))
	}
	if runtime.GOOS != "windows" {
		os.Remove(f.Name())
	}
	n, err := io.Copy(f, io.LimitReader(s.opts.Stdin, s.opts.MaxTotalBytes+1))
	if err != nil {
		f.Close()
		return s.refuse("reading standard input: %v", err)
	}
	if n > s.opts.MaxTotalBytes {
		f.Close()
		return s.refuse("standard input is larger than %s (limit)", sizeString(s.opts.MaxTotalBytes))
	}
	if n == 0 {
		f.Close()
		return s.refuse("empty file (nothing on standard input)")
	}
	s.spool = f
	return nil
}

// openSpool opens the copy of standard input as a file named "stdin".
func (s *session) openSpool() (container, error) {
	f := s.spool
	fi, err := f.Stat()
	if err != nil {
		return nil, s.refuse("%v", err)
	}
	s.inSize = fi.Size()
	c, err := s.openContainer(source{name: StdinPath, base: "stdin", ra: f, size: fi.Size()}, 0)
	var na *errNotArchive
	switch {
	case errors.As(err, &na):
		return &fileContainer{s: s, name: "stdin", f: f, info: fi, comp: na.comp}, nil
	case err != nil:
		return nil, err
	}
	return c, nil
}
