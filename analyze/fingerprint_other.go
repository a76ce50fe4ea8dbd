//go:build !amd64 || purego

package analyze

import "unsafe"

// hashBlocks is hashBlocksGo over the n bytes at p (n >= 16).
func hashBlocks(p *byte, n int, lo, hi uint64) (nlo, nhi uint64) {
	return hashBlocksGo(unsafe.Slice(p, n), lo, hi)
}

// lineFingerprints leaves every line to the caller here (see
// fingerprint_amd64.go).
func lineFingerprints(data []byte, fps []uint64, ends []int32) (n int) { return 0 }
