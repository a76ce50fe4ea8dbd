package collect

import (
	"errors"

	"golang.org/x/sys/unix"
)

// renameNoReplace renames from to to, atomically failing with
// fs.ErrExist when anything (a file, a link, a FIFO, a device) is at to:
// a bundle never replaces what appeared at its path meanwhile.
func renameNoReplace(from, to string) error {
	err := unix.Renameat2(unix.AT_FDCWD, from, unix.AT_FDCWD, to, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
		return linkRename(from, to) // a file system without RENAME_NOREPLACE
	}
	if err != nil {
		return &osLinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}
