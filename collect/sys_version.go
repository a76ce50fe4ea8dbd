package collect

import "fmt"

// windowsVersion formats a Windows version number like `ver` does.
func windowsVersion(major, minor, build uint32) string {
	return fmt.Sprintf("%d.%d.%d", major, minor, build)
}
