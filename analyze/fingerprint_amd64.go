//go:build amd64 && !purego

package analyze

// hashBlocks is hashBlocksGo (fingerprint.go) over the n bytes at p
// (n >= 16), in fingerprint_amd64.s.
//
//go:noescape
func hashBlocks(p *byte, n int, lo, hi uint64) (nlo, nhi uint64)

// lineFingerprints cuts data into lines from its start and gives each
// its fingerprint and end (the offset of its newline), up to len(fps)
// lines (ends as long); it stops before a line it leaves to the caller,
// one that ends in "\r\n" or within sixteen bytes of the data's end, and
// returns the lines done. In fingerprint_amd64.s: one loop over the
// bytes finds the newlines and hashes (hashBlocksGo's rounds).
//
//go:noescape
func lineFingerprints(data []byte, fps []uint64, ends []int32) (n int)
