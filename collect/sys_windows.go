//go:build windows

package collect

import (
	"fmt"
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

// windowsVersion formats a Windows version number like `ver` does.
func windowsVersion(major, minor, build uint32) string {
	return fmt.Sprintf("%d.%d.%d", major, minor, build)
}
