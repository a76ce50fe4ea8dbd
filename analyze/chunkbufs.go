package analyze

import (
	"context"
	"runtime"
)

// Chunks in flight. Every chunk a walk reads holds a token from the time
// its buffer is taken until the merger is done with it (or it is given
// back unread), so that the chunk buffers of all the inputs walked side
// by side are bounded together, not per walk: two walks hold no more
// chunk buffers than one (issue 13). A walk holds at most two tokens (the
// chunk it hands on and the next), so with more tokens than walks the
// merger always has a chunk to finish and a walk waiting for a token is
// never waiting on itself.

// chunkTokens is the bound for a scanner with this many workers (walks
// run side by side up to GOMAXPROCS).
func chunkTokens(workers int) int {
	return max(2*workers+2, runtime.GOMAXPROCS(0)+2)
}

// getBuf takes a token and a chunk buffer.
func (s *scanner) getBuf(ctx context.Context) (*[]byte, error) {
	select {
	case s.inFlight <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case bp := <-s.free:
		return bp, nil
	default:
		return bufPool.Get().(*[]byte), nil
	}
}

// freeBuf keeps a chunk buffer for the scanner's next chunks. A free list
// of the scanner's own, not only the pool: the pool is emptied at every
// other collection, and 1 MiB buffers made again in a heap full of the
// small objects a pass keeps (excerpts, records, templates) took fresh
// pages each time: the heap a 20-bundle run mapped grew by 12 MiB more
// than what it held (issue 13).
func (s *scanner) freeBuf(bp *[]byte) {
	select {
	case s.free <- bp:
	default:
		bufPool.Put(bp)
	}
}

// putBuf gives back a buffer that was not handed on, with its token.
func (s *scanner) putBuf(bp *[]byte) {
	s.freeBuf(bp)
	<-s.inFlight
}

// merged gives back the token of a chunk the merger is done with (its
// buffer is reused or kept by the merge).
func (s *scanner) merged() { <-s.inFlight }
