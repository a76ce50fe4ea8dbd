//go:build !amd64 || purego

package analyze

import "unsafe"

// hashBlocks is hashBlocksGo over the n bytes at p (n >= 16).
func hashBlocks(p *byte, n int, lo, hi uint64) (nlo, nhi uint64) {
	return hashBlocksGo(unsafe.Slice(p, n), lo, hi)
}
