package analyze

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"casefile/analyze/input/inputtest"
	"casefile/profiles"
)

// benchLog makes n bytes of TFST-style component log lines, with a rare
// line the tfst profile's rules match.
func benchLog(seed uint64, n int, start time.Time) string {
	return benchLogDense(seed, n, start, 0)
}

// benchLogDense is benchLog with dense lines in seven of routed-session
// failures (the logs of a failing system: issue 13); 0: the rare needles.
func benchLogDense(seed uint64, n int, start time.Time, dense int) string {
	noise := []string{
		"multiplexer: session %d opened to 10.%d.%d.%d:9494",
		"upcallReceiver [id=%d] data block of %d bytes queued",
		"downcallSender [id=%d,rs=%d] method %d completed in %dms",
		"epmgr: endpoint %d login from 10.%d.%d.%d accepted",
		"connectionManager: keepalive sent on channel %d (%d pending, %d acked)",
		"threadPool: worker %d idle, %d busy, %d queued, %d max",
	}
	needles := []string{
		"routingManager: WHO command received [l=nti281-gwp]",
		"routedSessionCreate: [rs=8128] open session failed (e =-2)",
		"gatewayProxySender [gw=9] failure creating a routed session for nti281-gwp",
		"accept() failed (e =24 - Too many open files)",
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	return benchLines(rng, n, start, func(buf []byte) []byte {
		if dense > 0 && rng.IntN(7) < dense {
			return fmt.Appendf(buf, "gatewayProxySender [gw=%d] failure creating a routed session for %s", rng.IntN(20), []string{"nti281-gwp", "nti282-gwp", "dmz.gwp-03"}[rng.IntN(3)])
		}
		if rng.IntN(50000) == 0 {
			return append(buf, needles[rng.IntN(len(needles))]...)
		}
		f := noise[rng.IntN(len(noise))]
		return fmt.Appendf(buf, f, rng.IntN(65536), rng.IntN(256), rng.IntN(256), rng.IntN(256))
	})
}

// benchLines makes n bytes of component log lines from start on: each a
// time a little after the last, a level and a thread id, then the message
// msg appends (drawing on rng, as the header does).
func benchLines(rng *rand.Rand, n int, start time.Time, msg func(buf []byte) []byte) string {
	buf := make([]byte, 0, n+256)
	t := start
	for len(buf) < n {
		t = t.Add(time.Duration(rng.IntN(400)) * time.Millisecond)
		buf = t.AppendFormat(buf, "06/01/02 15:04:05")
		buf = append(buf, ' ', byte('1'+rng.IntN(3)), ' ')
		buf = strconv.AppendInt(buf, int64(1000+rng.IntN(9000)), 10)
		buf = append(buf, ' ')
		buf = msg(buf)
		buf = append(buf, '\n')
	}
	return string(buf)
}

// BenchmarkAnalyze runs every rule of the tfst profile over a folder
// bundle of 64 MiB of component logs (the input's decompression is left
// out: scripts/bench-analyze.sh measures whole bundles).
func BenchmarkAnalyze(b *testing.B) { benchAnalyze(b, 64<<20, 0) }

// BenchmarkAnalyzeDense: 16 MiB where two lines in seven are
// routed-session failures (scripts/bench-analyze-dense.sh measures whole
// bundles against tar -xzOf).
func BenchmarkAnalyzeDense(b *testing.B) { benchAnalyze(b, 16<<20, 2) }

func benchAnalyze(b *testing.B, size, dense int) {
	prof, err := profiles.Builtin("tfst")
	if err != nil {
		b.Skip("no tfst profile:", err)
	}
	files := map[string]string{
		"files/opt/tivoli/EPProxy/epproxy.cfg": "debug-level=3\n",
		"commands/netstat.out":                 "tcp 0 0 10.0.0.1:9494 10.0.0.2:40000 CLOSE_WAIT 667710/epproxy\n",
	}
	end := inputtest.Time
	for i := 0; i < 8; i++ {
		name := []string{"EPProxy/epp", "GWProxy/gwp"}[i%2] + ".log"
		if i >= 2 {
			name += "." + strconv.Itoa(i/2)
		}
		files["files/opt/tivoli/"+name] = benchLogDense(uint64(i), size/8, end.Add(-time.Duration(i+1)*24*time.Hour), dense)
	}
	dir := inputtest.Build(b, inputtest.Spec{Files: files}).WriteDir(b, b.TempDir())
	opts := Options{Profile: prof, Clock: func() time.Time { return end }}
	if w := os.Getenv("CASEFILE_WORKERS"); w != "" {
		opts.Workers, _ = strconv.Atoi(w)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), []string{filepath.Clean(dir)}, opts); err != nil {
			b.Fatal(err)
		}
	}
	// The process's CPU time: steadier than wall time on a shared machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}
