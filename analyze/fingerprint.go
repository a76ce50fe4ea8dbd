package analyze

import (
	"encoding/binary"
	"math/bits"
)

// fingerprint hashes a line's bytes (no newline) with each digit as '0':
// lines that differ only in their digits share it (lines of one template
// whose numbers differ in length get different values: more
// fingerprints, one shape key, see shapeKey; two lines that collide share
// the first one's shape). It runs on every line the miner reads, so its
// kernel, hashBlocks, is written for the machine where it can be
// (fingerprint_amd64.s: SSE2 compares find the digits of sixteen bytes
// at once) and in Go elsewhere (hashBlocksGo, which TestHashBlocks holds
// the assembly to). The line is hashed sixteen bytes a step in two lanes
// (the step's first and last eight bytes, digits cleared, each a
// multiply-rotate round), its last bytes as the line's last sixteen
// (overlapping the step before: a line hashes alike wherever it stands;
// a line shorter than that is padded with zeros), and the length in the
// final mix.
func fingerprint(b []byte) uint64 {
	n := len(b)
	h, g := uint64(fpSeedH), uint64(fpSeedG)
	if n >= 16 {
		h, g = hashBlocks(&b[0], n, h, g)
	} else if n > 0 {
		var pad [16]byte
		copy(pad[:], b)
		h, g = hashBlocks(&pad[0], 16, h, g)
	}
	return mix(h, g, n)
}

// The seeds and the multipliers of the two lanes (fingerprint_amd64.s
// has the multipliers too).
const (
	fpSeedH = 0x9e3779b97f4a7c15
	fpSeedG = 0x243f6a8885a308d3
	fpMulH  = 0x9e3779b185ebca87
	fpMulG  = 0xc2b2ae3d27d4eb4f
)

// hashBlocksGo is hashBlocks in Go: the n bytes at b (n >= 16) sixteen at
// a time, then, when n is not a multiple of sixteen, the last sixteen.
func hashBlocksGo(b []byte, h, g uint64) (uint64, uint64) {
	n := len(b)
	for i := 0; i+16 <= n; i += 16 {
		h, g = fpRound(b[i:], h, g)
	}
	if n%16 != 0 {
		h, g = fpRound(b[n-16:], h, g)
	}
	return h, g
}

func fpRound(b []byte, h, g uint64) (uint64, uint64) {
	h = bits.RotateLeft64((h^digitZero(binary.LittleEndian.Uint64(b)))*fpMulH, 31)
	g = bits.RotateLeft64((g^digitZero(binary.LittleEndian.Uint64(b[8:])))*fpMulG, 29)
	return h, g
}

// mix folds the lanes and the length into the fingerprint: one
// multiply, its high bits folded down (the shape tables index by the low
// bits).
func mix(h, g uint64, n int) uint64 {
	h ^= bits.RotateLeft64(g, 29) ^ uint64(n)*0x9e3779b97f4a7c15
	h *= 0xff51afd7ed558ccd
	return h ^ h>>29
}

// digitZero returns w with each byte that is a digit as '0' (the low
// nibble cleared), other bytes as they are.
func digitZero(w uint64) uint64 {
	// A byte below 0x80 is a digit when adding 0x50 sets its high bit
	// (it is 0x30 or more) and adding 0x46 does not (it is below 0x3a);
	// the sums stay within each byte. Bytes of 0x80 and more are not.
	v := w & 0x7f7f7f7f7f7f7f7f
	d := (v + 0x5050505050505050) &^ (v + 0x4646464646464646) &^ w & 0x8080808080808080
	return w &^ (d>>3 - d>>7) // 0x10 - 0x01: the low nibble of each digit
}
