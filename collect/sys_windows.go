//go:build windows

package collect

import (
	"runtime"
	"time"

	"golang.org/x/sys/windows"
)

// unameInfo returns the Windows version and the architecture.
func unameInfo() (string, string) {
	maj, min, build := windows.RtlGetNtVersionNumbers()
	return windowsVersion(maj, min, build), runtime.GOARCH
}

// liveUptime is the time since Windows started.
func liveUptime() time.Duration {
	return time.Duration(windows.DurationSinceBoot())
}
