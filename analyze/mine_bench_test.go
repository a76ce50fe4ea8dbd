package analyze

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"casefile/analyze/input/inputtest"
	"casefile/profiles"
)

// BenchmarkMining is BenchmarkAnalyze's input (64 MiB of TFST component
// logs, every rule of the profile) with template mining on and off: the
// difference is what mining costs (goal: at most +15% wall time; the
// cpu-ns/op metric is the process's CPU time, steadier on a busy machine).
func BenchmarkMining(b *testing.B) {
	prof, err := profiles.Builtin("tfst")
	if err != nil {
		b.Skip("no tfst profile:", err)
	}
	const size = 64 << 20
	files := map[string]string{"files/opt/tivoli/EPProxy/epproxy.cfg": "debug-level=3\n"}
	end := inputtest.Time
	for i := 0; i < 8; i++ {
		name := []string{"EPProxy/epp", "GWProxy/gwp"}[i%2] + ".log"
		if i >= 2 {
			name += "." + strconv.Itoa(i/2)
		}
		files["files/opt/tivoli/"+name] = benchLog(uint64(i), size/8, end.Add(-time.Duration(i+1)*24*time.Hour))
	}
	dir := filepath.Clean(inputtest.Build(b, inputtest.Spec{Files: files}).WriteDir(b, b.TempDir()))
	opts := Options{Profile: prof, Clock: func() time.Time { return end }}
	for _, off := range []bool{true, false} {
		name := "mining"
		if off {
			name = "off"
		}
		b.Run(name, func(b *testing.B) {
			miningOff = off
			defer func() { miningOff = false }()
			b.SetBytes(size)
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				if _, err := Run(context.Background(), []string{dir}, opts); err != nil {
					b.Fatal(err)
				}
			}
			// The machine may be shared: CPU time (user and system, of
			// this process) says what mining costs when wall time is noise.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
