//go:build linux || darwin || freebsd

package collect

import "golang.org/x/sys/unix"

// statDisk reports the space and inodes of the filesystem holding p.
func statDisk(p string) (diskUsage, error) {
	var s unix.Statfs_t
	if err := unix.Statfs(p, &s); err != nil {
		return diskUsage{}, err
	}
	bs := uint64(s.Bsize)
	return diskUsage{
		total: uint64(s.Blocks) * bs, free: uint64(s.Bfree) * bs, avail: uint64(s.Bavail) * bs,
		files: uint64(s.Files), filesFree: uint64(s.Ffree),
	}, nil
}
