//go:build !linux && !darwin && !freebsd && !windows

package collect

import "fmt"

// statDisk is not implemented here; the df command item says it.
func statDisk(p string) (diskUsage, error) {
	return diskUsage{}, fmt.Errorf("%w on this OS", errUnsupported)
}
