//go:build windows

package collect

import "io/fs"

// fileOwner is not reported on Windows (ACLs, not ids).
func fileOwner(fs.FileInfo) (int, int) { return -1, -1 }
