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

// liveUptime is the running system's uptime.
func liveUptime() time.Duration {
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		return 0
	}
	return time.Duration(si.Uptime) * time.Second
}
