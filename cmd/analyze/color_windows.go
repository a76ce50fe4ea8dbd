//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// enableColor turns on ANSI escape processing on the Windows console
// behind stdout and reports whether it could.
func enableColor() bool {
	h := windows.Handle(os.Stdout.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}
