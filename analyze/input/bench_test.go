package input_test

import (
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

// logText makes n bytes of log-like lines (increasing timestamps, a few
// hosts and components, message templates with numbers), which gzip
// compresses about as well as real logs (around 10x).
func logText(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 1))
	msgs := []string{
		"accepted connection from 10.1.%d.%d:%d",
		"closed session %d after %d ms",
		"routing request %d to gateway gw%02d",
		"retrying upstream call (attempt %d of %d)",
		"timeout waiting for reply from peer %d (%d ms)",
		"authenticated user u%04d from 10.2.0.%d",
	}
	var sb strings.Builder
	sb.Grow(n + 200)
	sec := 0
	for sb.Len() < n {
		sec += r.IntN(3)
		fmt.Fprintf(&sb, "2024-03-01 %02d:%02d:%02d,%03d INFO  [worker-%d] com.example.proxy.Session - ",
			sec/3600%24, sec/60%60, sec%60, r.IntN(1000), r.IntN(8))
		fmt.Fprintf(&sb, msgs[r.IntN(len(msgs))], r.IntN(256), r.IntN(256), 1024+r.IntN(4000))
		sb.WriteByte('\n')
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
// read to the end by fn, 1 MiB at a time, as the engine does) with plain
// gzip decompression of the same file: the input layer's cost over
// decompression is the difference. cpu-ns/op is the process CPU time
// (both are single-threaded), which a loaded machine disturbs less than
// the wall time.
func BenchmarkWalk(b *testing.B) {
	p := benchBundle(b, 200<<20, 8<<20)
	st, _ := os.Stat(p)
	b.Run("gunzip", func(b *testing.B) {
		b.SetBytes(200 << 20)
		buf := make([]byte, 1<<20)
		cpu := cpuTime()
		for b.Loop() {
			f, _ := os.Open(p)
			zr, err := gzip.NewReader(f)
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := zr.Read(buf); err != nil {
					break
				}
			}
			f.Close()
		}
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	})
	b.Run("walk", func(b *testing.B) {
		b.SetBytes(200 << 20)
		buf := make([]byte, 1<<20)
		cpu := cpuTime()
		for b.Loop() {
			_, err := walkWith(p, input.Options{}, func(_ input.Member, r io.Reader) error {
				for {
					_, err := io.ReadFull(r, buf)
					if err == io.EOF || err == io.ErrUnexpectedEOF {
						return nil
					}
					if err != nil {
						return err
					}
				}
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(st.Size()), "file-bytes")
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
