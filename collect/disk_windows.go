//go:build windows

package collect

import "golang.org/x/sys/windows"

// statDisk reports the space of the volume holding p.
func statDisk(p string) (diskUsage, error) {
	name, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return diskUsage{}, err
	}
	var avail, total, free uint64
	if err := windows.GetDiskFreeSpaceEx(name, &avail, &total, &free); err != nil {
		return diskUsage{}, err
	}
	return diskUsage{total: total, free: free, avail: avail}, nil
}
