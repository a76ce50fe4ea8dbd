package input_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"casefile/analyze/input"
	"casefile/analyze/input/inputtest"
)

// logText makes n bytes of log-like lines (timestamps, hosts, numbers),
// which gzip compresses about as well as real logs (8-10x).
func logText(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 1))
	verbs := []string{"accepted connection from", "closed session", "routing request to", "retrying", "timeout waiting for", "authenticated user"}
	var sb strings.Builder
	sb.Grow(n + 200)
	for sb.Len() < n {
		fmt.Fprintf(&sb, "2024-03-01T%02d:%02d:%02d.%03dZ host%02d app[%d]: %s 10.%d.%d.%d:%d id=%08x\n",
			r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000), r.IntN(8), 1000+r.IntN(9000),
			verbs[r.IntN(len(verbs))], r.IntN(256), r.IntN(256), r.IntN(256), 1024+r.IntN(60000), r.Uint32())
	}
	return sb.String()[:n]
}

// benchBundle writes a bundle of about size bytes of logs in files of
// fileSize and returns its path.
func benchBundle(b *testing.B, size, fileSize int) string {
	files := map[string]string{}
	for i := 0; i*fileSize < size; i++ {
		files[fmt.Sprintf("files/var/log/app/app.log.%d", i)] = logText(uint64(i), fileSize)
	}
	built := inputtest.Build(b, inputtest.Spec{Files: files})
	return built.WriteTarGz(b, b.TempDir())
}

// BenchmarkWalk compares Open+Walk of a ~200 MiB bundle (every member
// read to the end by fn) with plain gzip decompression of the same file:
// the input layer's cost over decompression is the difference.
func BenchmarkWalk(b *testing.B) {
	p := benchBundle(b, 200<<20, 8<<20)
	st, _ := os.Stat(p)
	b.Run("gunzip", func(b *testing.B) {
		b.SetBytes(200 << 20)
		for b.Loop() {
			f, _ := os.Open(p)
			zr, err := gzip.NewReader(f)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, zr)
			f.Close()
		}
	})
	b.Run("walk", func(b *testing.B) {
		b.SetBytes(200 << 20)
		b.ReportMetric(float64(st.Size()), "file-bytes")
		for b.Loop() {
			if _, err := walkEager(p, input.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkManyMembers walks a bundle of 100k tiny members.
func BenchmarkManyMembers(b *testing.B) {
	files := map[string]string{}
	for i := range 100_000 {
		files[fmt.Sprintf("files/var/spool/m/%d", i)] = "m\n"
	}
	built := inputtest.Build(b, inputtest.Spec{Files: files})
	p := built.WriteTarGz(b, b.TempDir())
	for b.Loop() {
		if _, err := walkLazy(p, input.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

var _ = context.Background
