package input

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand"
	"testing"
)

// callCounter counts the reads made of r.
type callCounter struct {
	r     io.Reader
	calls int
}

func (c *callCounter) Read(p []byte) (int, error) {
	c.calls++
	return c.r.Read(p)
}

// TestGzipReadSize: the gzip decompressor reads what is below it in
// blocks of gzReadSize (at least 32 KiB), not 4 KiB (a system call each on a bundle file),
// and yields every byte.
func TestGzipReadSize(t *testing.T) {
	plain := make([]byte, 1<<20)
	rng := rand.New(rand.NewSource(1))
	for i := range plain {
		plain[i] = byte('a' + rng.Intn(4)) // compresses about 4:1
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
	zw.Write(plain)
	zw.Close()
	cc := &callCounter{r: bytes.NewReader(z.Bytes())}
	dec, err := decompressor(compGz, cc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(dec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Fatalf("decompressed %d bytes, not the %d written", len(got), len(plain))
	}
	if most := z.Len()/(32<<10) + 2; cc.calls > most { // blocks of 32 KiB or more
		t.Errorf("%d reads of a %d-byte stream, want at most %d", cc.calls, z.Len(), most)
	}
}
