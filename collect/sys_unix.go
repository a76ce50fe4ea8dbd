//go:build unix && !linux

package collect

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// unameInfo returns the running kernel's release and machine.
func unameInfo() (string, string) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "", runtime.GOARCH
	}
	return unix.ByteSliceToString(u.Release[:]), unix.ByteSliceToString(u.Machine[:])
}

// liveUptime is not known without /proc here; the uptime command says it.
func liveUptime() time.Duration { return 0 }
