//go:build !windows

package main

// enableColor reports whether the terminal on stdout takes ANSI colours;
// everywhere but Windows consoles it does.
func enableColor() bool { return true }
