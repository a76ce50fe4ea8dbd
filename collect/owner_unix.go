//go:build unix

package collect

import (
	"io/fs"
	"syscall"
)

// fileOwner returns a file's user and group ids (-1 when unknown).
func fileOwner(fi fs.FileInfo) (int, int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}
