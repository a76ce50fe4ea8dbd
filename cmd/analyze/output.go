package main

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// checkOutput refuses an -o path that cannot take a report before any
// work is done: a directory, or a file in a folder that does not exist.
func checkOutput(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return refuse("%s: is a directory; -o wants a file path", path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return refuse("%s: folder %s does not exist", path, dir)
	case err != nil:
		return refuse("%s: %v", path, err)
	case !fi.IsDir():
		return refuse("%s: %s is not a folder", path, dir)
	}
	return nil
}

// writeAtomic writes a file through a temporary file in the same folder
// and renames it over path, so that path is either the old file or the
// whole new report, never a partial one; nothing else is left behind.
func writeAtomic(path string, render func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err = render(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	// CreateTemp makes the file 0600; a report is as readable as any
	// file the user writes (Windows keeps its default ACL).
	if err = tmp.Chmod(0o644); err != nil && !isWindows {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
