package main

import (
	"os"
	"runtime"

	"golang.org/x/term"
)

const isWindows = runtime.GOOS == "windows"

// terminal says whether f is a terminal and, if so, its width in columns.
func terminal(f *os.File) (bool, int) {
	if f == nil {
		return false, 0
	}
	fd := int(f.Fd())
	if !term.IsTerminal(fd) {
		return false, 0
	}
	w, _, err := term.GetSize(fd)
	if err != nil || w <= 0 {
		return true, 0
	}
	return true, w
}
