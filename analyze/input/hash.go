package input

import (
	"crypto/sha256"
	"hash"
	"io"
)

// Members from asyncHashMin bytes (declared size) are hashed on the
// walk's hasher goroutine, so that SHA-256 overlaps decompression; smaller
// ones are hashed inline (a round trip would cost more than the hash).
const (
	asyncHashMin   = 1 << 20
	hashChunkSize  = 256 << 10
	hashChunkQueue = 8
)

// hasher computes SHA-256 on one goroutine per walk. Chunks are copies of
// the member's bytes (fn owns the buffers it reads into); at most
// hashChunkQueue+1 chunks exist, so a slow hasher slows the walk down
// instead of growing memory.
type hasher struct {
	jobs chan hashJob
	free chan []byte
	done chan struct{}
}

type hashJob struct {
	h    hash.Hash
	data []byte             // to hash, then returned to free
	out  *[sha256.Size]byte // set on a member's last job: where its sum goes
}

func newHasher() *hasher {
	hs := &hasher{jobs: make(chan hashJob, hashChunkQueue), free: make(chan []byte, hashChunkQueue+1), done: make(chan struct{})}
	for range hashChunkQueue + 1 {
		hs.free <- make([]byte, 0, hashChunkSize)
	}
	go func() {
		defer close(hs.done)
		for j := range hs.jobs {
			if j.data != nil {
				j.h.Write(j.data)
				hs.free <- j.data[:0]
			}
			if j.out != nil {
				j.h.Sum(j.out[:0])
			}
		}
	}()
	return hs
}

// stop waits for every sum; they are valid after it returns.
func (hs *hasher) stop() {
	if hs != nil {
		close(hs.jobs)
		<-hs.done
	}
}

// hashReader feeds what is read through it to the member's SHA-256
// (inline, or through the hasher) and counts it. With neither, it only
// counts (members whose hash nobody needs).
type hashReader struct {
	r   io.Reader
	n   int64
	h   hash.Hash
	hs  *hasher
	cur []byte
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if n > 0 {
		h.n += int64(n)
		h.write(p[:n])
	}
	return n, err
}

func (h *hashReader) write(p []byte) {
	if h.hs == nil {
		if h.h != nil {
			h.h.Write(p)
		}
		return
	}
	for len(p) > 0 {
		if h.cur == nil {
			h.cur = <-h.hs.free
		}
		k := copy(h.cur[len(h.cur):cap(h.cur)], p)
		h.cur, p = h.cur[:len(h.cur)+k], p[k:]
		if len(h.cur) == cap(h.cur) {
			h.hs.jobs <- hashJob{h: h.h, data: h.cur}
			h.cur = nil
		}
	}
}

// finish returns where the member's sum will be: at once for inline
// hashing, after hasher.stop for the hasher.
func (h *hashReader) finish() *[sha256.Size]byte {
	sum := new([sha256.Size]byte)
	if h.hs == nil {
		h.h.Sum(sum[:0])
		return sum
	}
	job := hashJob{h: h.h, out: sum}
	if len(h.cur) > 0 {
		job.data = h.cur
	} else if h.cur != nil {
		h.hs.free <- h.cur
	}
	h.cur = nil
	h.hs.jobs <- job
	return sum
}
