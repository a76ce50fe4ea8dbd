package analyze

import (
	"bytes"
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

// TestLineFingerprints: lineFingerprints cuts random chunks (lines of 0
// to 70 bytes, some ending in "\r\n", with and without a last newline)
// where bytes.IndexByte does, gives each line fingerprint's value, and
// stops only before a line ending in "\r\n", within sixteen bytes of the
// end, or when its batch is full.
func TestLineFingerprints(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("0123456789/:;@AZaz ._-\x80\xb5\xc3\xff\r")
	fps, ends := make([]uint64, 7), make([]int32, 7)
	for trial := 0; trial < 300; trial++ {
		var data []byte
		for l := rng.IntN(60); l >= 0; l-- {
			for n := rng.IntN(71); n > 0; n-- {
				data = append(data, alphabet[rng.IntN(len(alphabet))])
			}
			if rng.IntN(8) == 0 {
				data = append(data, '\r')
			}
			data = append(data, '\n')
		}
		if rng.IntN(2) == 0 {
			data = append(data, "tail 123"...)
		}
		pos, lines := 0, 0
		for pos < len(data) {
			batch := pos
			k := lineFingerprints(data[pos:], fps, ends)
			for i := 0; i < k; i++ {
				e := bytes.IndexByte(data[pos:], '\n')
				if e < 0 || batch+int(ends[i]) != pos+e {
					t.Fatalf("trial %d, line %d: end %d, want %d", trial, lines, batch+int(ends[i]), pos+e)
				}
				line := data[pos : pos+e]
				if fps[i] != fingerprint(line) {
					t.Fatalf("trial %d, line %d %q: fingerprint %x, want %x", trial, lines, line, fps[i], fingerprint(line))
				}
				pos += e + 1
				lines++
			}
			if k == len(fps) {
				continue
			}
			// Left to the caller: only a line ending in "\r\n" or one
			// whose blocks would run past the data's end.
			e := bytes.IndexByte(data[pos:], '\n')
			if e > 0 && data[pos+e-1] != '\r' && hashable(data[pos:]) && !other() {
				t.Fatalf("trial %d: stopped before line %d %q for no reason", trial, lines, data[pos:pos+e+1])
			}
			if e < 0 {
				e = len(data) - pos
			}
			pos += e + 1
			lines++
		}
	}
}

// hashable reports whether lineFingerprints can take data's first line:
// every block it loads before the newline lies within data.
func hashable(data []byte) bool {
	e := bytes.IndexByte(data, '\n')
	if e < 0 {
		return false
	}
	return e/16*16+16 <= len(data)
}

// other reports whether lineFingerprints is the Go one, which leaves
// every line to its caller.
func other() bool {
	return lineFingerprints([]byte("0123456789abcdef\n0123456789abcdef"), make([]uint64, 1), make([]int32, 1)) == 0
}
