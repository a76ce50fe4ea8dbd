//go:build unix

package collect

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// openNoFollow opens a file for reading without following a final
// symbolic link (O_NOFOLLOW), without blocking on a FIFO or device that
// slipped in (O_NONBLOCK), without becoming its controlling terminal and,
// where permitted, without updating its access time (O_NOATIME): reading
// a host must not change it.
func openNoFollow(name string) (*os.File, error) {
	flags := unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_CLOEXEC | unix.O_NOCTTY
	fd, err := unix.Open(name, flags|oNoatime, 0)
	if err != nil && oNoatime != 0 && errors.Is(err, unix.EPERM) {
		fd, err = unix.Open(name, flags, 0)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	return os.NewFile(uintptr(fd), name), nil
}
