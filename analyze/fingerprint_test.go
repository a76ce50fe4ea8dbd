package analyze

import (
	"math/rand/v2"
	"testing"
)

// TestHashBlocks: the kernel of fingerprint (assembly on amd64) gives
// hashBlocksGo's value on lines of every length up to 300 bytes of
// digits, letters, punctuation next to the digits (/ : ; @) and bytes of
// 0x80 and more, at every offset in memory.
func TestHashBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("0123456789/:;@AZaz ._-\t\x00\x7f\x80\xaf\xb0\xb5\xb9\xba\xc3\xff")
	buf := make([]byte, 320)
	for n := 16; n <= 300; n++ {
		for trial := 0; trial < 20; trial++ {
			off := rng.IntN(16)
			b := buf[off : off+n]
			for i := range b {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
			lo, hi := rng.Uint64(), rng.Uint64()
			gl, gh := hashBlocks(&b[0], n, lo, hi)
			wl, wh := hashBlocksGo(b, lo, hi)
			if gl != wl || gh != wh {
				t.Fatalf("%d bytes %q: hashBlocks %x %x, hashBlocksGo %x %x", n, b, gl, gh, wl, wh)
			}
		}
	}
}

// TestSkCache: the cache of shape keys gives shapeKey's value for every
// fingerprint, through its growth and its emptying when full.
func TestSkCache(t *testing.T) {
	var c skCache
	for round := 0; round < 3; round++ {
		for i := 1; i <= 3*skCacheMax; i++ {
			line := []byte(word(i) + " x")
			fp := uint64(i) * 0x9e3779b97f4a7c15
			if got, want := c.shapeKey(fp, line), shapeKey(line); got != want {
				t.Fatalf("round %d, fingerprint %d: %x, want %x", round, i, got, want)
			}
		}
		if c.n > skCacheMax || len(c.keys) > 2*skCacheMax {
			t.Fatalf("%d kept in %d slots, want at most %d", c.n, len(c.keys), skCacheMax)
		}
	}
}
