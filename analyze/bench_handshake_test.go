package analyze

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"casefile/analyze/input/inputtest"
	"casefile/profiles"
)

// benchLogHandshake makes n bytes of TFST-style component log lines of
// which one in four is a WHO/TELL handshake line (benchgen -mix
// handshake), or none when hs is false; it returns the log and the
// number of handshake lines.
func benchLogHandshake(seed uint64, n int, start time.Time, hs bool) (string, int) {
	noise := []string{
		"multiplexer: session %d opened to 10.%d.%d.%d:9494",
		"upcallReceiver [id=%d] data block of %d bytes queued",
		"downcallSender [id=%d,rs=%d] method %d completed in %dms",
		"epmgr: endpoint %d login from 10.%d.%d.%d accepted",
		"connectionManager: keepalive sent on channel %d (%d pending, %d acked)",
		"threadPool: worker %d idle, %d busy, %d queued, %d max",
		"httpListener: GET /epp/status %d %d bytes in %dms",
		"routedSession [rs=%d] data transfer of %d bytes to gateway %d",
	}
	handshake := []string{
		"routingManager: TELL command received [l=nti281-gwp]",
		"routingManager: TELL reply command received",
		"routingManager: WHO command received [l=null]",
		"routingManager: WHO reply command received [l=nti281-gwp]",
	}
	rng := rand.New(rand.NewPCG(seed, 11))
	lines := 0
	log := benchLines(rng, n, start, func(buf []byte) []byte {
		if hs && rng.IntN(4) == 0 {
			lines++
			return append(buf, handshake[rng.IntN(len(handshake))]...)
		}
		f := noise[rng.IntN(len(noise))]
		args := make([]any, strings.Count(f, "%d"))
		for i := range args {
			args[i] = rng.IntN(65536)
		}
		return fmt.Appendf(buf, f, args...)
	})
	return log, lines
}

// BenchmarkHandshake runs every rule of the tfst profile over 16 MiB of
// component logs (a folder bundle: no decompression) without handshake
// lines (sparse) and with one line in four a WHO/TELL handshake line,
// which a dozen patterns of the profile match (facts, the sequence rule,
// a resolved_by, a context). cpu-ns/op is the process's CPU time (steady
// on a shared machine); handshake's cpu-ns/hs-line is what each
// handshake line costs beyond sparse's run of the same size (run both
// in one go: -bench 'Handshake').
func BenchmarkHandshake(b *testing.B) {
	prof, err := profiles.Builtin("tfst")
	if err != nil {
		b.Skip("no tfst profile:", err)
	}
	const size = 16 << 20
	end := inputtest.Time
	var sparseCPU float64
	for _, hs := range []bool{false, true} {
		files := map[string]string{
			"files/opt/tivoli/EPProxy/epproxy.cfg": "debug-level=3\n",
			"files/opt/tivoli/GWProxy/gwproxy.cfg": "debug-level=3\n",
		}
		hsLines := 0
		for i := 0; i < 8; i++ {
			name := []string{"EPProxy/epp", "GWProxy/gwp"}[i%2] + ".log"
			if i >= 2 {
				name += "." + strconv.Itoa(i/2)
			}
			log, n := benchLogHandshake(uint64(i), size/8, end.Add(-time.Duration(i+1)*24*time.Hour), hs)
			files["files/opt/tivoli/"+name] = log
			hsLines += n
		}
		dir := filepath.Clean(inputtest.Build(b, inputtest.Spec{Files: files}).WriteDir(b, b.TempDir()))
		opts := Options{Profile: prof, Clock: func() time.Time { return end }}
		name := "sparse"
		if hs {
			name = "handshake"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(size)
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				if _, err := Run(context.Background(), []string{dir}, opts); err != nil {
					b.Fatal(err)
				}
			}
			cpu := float64(cpuTime()-cpu0) / float64(b.N)
			b.ReportMetric(cpu, "cpu-ns/op")
			if !hs {
				sparseCPU = cpu
			} else if sparseCPU > 0 && hsLines > 0 {
				b.ReportMetric((cpu-sparseCPU)/float64(hsLines), "cpu-ns/hs-line")
			}
		})
	}
}
