//go:build unix && !linux

package collect

// oNoatime is Linux only.
const oNoatime = 0
