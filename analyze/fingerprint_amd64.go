//go:build amd64 && !purego

package analyze

// hashBlocks is hashBlocksGo (fingerprint.go) over the n bytes at p
// (n >= 16), in fingerprint_amd64.s.
//
//go:noescape
func hashBlocks(p *byte, n int, lo, hi uint64) (nlo, nhi uint64)
