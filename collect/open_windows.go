//go:build windows

package collect

import "os"

// openNoFollow opens a file for reading. Windows has no O_NOFOLLOW; the
// caller has already resolved links and checked that the path names a
// regular file, and checks again on the open handle.
func openNoFollow(name string) (*os.File, error) {
	return os.Open(name)
}
