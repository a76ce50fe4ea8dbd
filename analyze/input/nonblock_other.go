//go:build !unix

package input

// nonBlock: opening a file does not block on this system.
const nonBlock = 0
