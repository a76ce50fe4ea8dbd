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
	buf := make([]byte, 0, n+256)
	t := start
	for len(buf) < n {
		t = t.Add(time.Duration(rng.IntN(400)) * time.Millisecond)
		buf = t.AppendFormat(buf, "06/01/02 15:04:05")
		buf = append(buf, ' ', byte('1'+rng.IntN(3)), ' ')
		buf = strconv.AppendInt(buf, int64(1000+rng.IntN(9000)), 10)
		buf = append(buf, ' ')
		if rng.IntN(50000) == 0 {
			buf = append(buf, needles[rng.IntN(len(needles))]...)
		} else {
			f := noise[rng.IntN(len(noise))]
			buf = fmt.Appendf(buf, f, rng.IntN(65536), rng.IntN(256), rng.IntN(256), rng.IntN(256))
		}
		buf = append(buf, '\n')
	}
	return string(buf)
}

// BenchmarkAnalyze runs every rule of the tfst profile over a folder
// bundle of 64 MiB of component logs (the input's decompression is left
// out: scripts/bench-analyze.sh measures whole bundles).
func BenchmarkAnalyze(b *testing.B) {
	prof, err := profiles.Builtin("tfst")
	if err != nil {
		b.Skip("no tfst profile:", err)
	}
	const size = 64 << 20
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
		files["files/opt/tivoli/"+name] = benchLog(uint64(i), size/8, end.Add(-time.Duration(i+1)*24*time.Hour))
	}
	dir := inputtest.Build(b, inputtest.Spec{Files: files}).WriteDir(b, b.TempDir())
	opts := Options{Profile: prof, Clock: func() time.Time { return end }}
	if w := os.Getenv("CASEFILE_WORKERS"); w != "" {
		opts.Workers, _ = strconv.Atoi(w)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), []string{filepath.Clean(dir)}, opts); err != nil {
			b.Fatal(err)
		}
	}
}
