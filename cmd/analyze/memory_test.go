package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"casefile/analyze/input/inputtest"
	"casefile/bundle"
)

// maxRSS is the memory analyze may use on the inputs of TestMemoryFlat
// (issue 12: 300 bundles took 1 GiB, one bundle of 200k members 673 MiB).
const maxRSS = 256 << 20

// hostileFull says whether the full sizes run (make hostile).
func hostileFull() bool { return os.Getenv("CASEFILE_HOSTILE_FULL") != "" }

// buildAnalyze builds the command, to measure its peak memory.
func buildAnalyze(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "analyze")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// peakRSS runs bin with args and returns its exit code and peak RSS,
// through a launcher (rss_launch_test.go) so that the peak is analyze's
// own, not the test process's.
func peakRSS(t *testing.T, bin string, args ...string) (int, int64) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, append([]string{bin}, args...)...)
	cmd.Env = append(os.Environ(), launchEnv+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Stdout = nil
	if err := cmd.Run(); err != nil {
		t.Fatalf("analyze %v: launcher: %v: %s", args, err, stderr.String())
	}
	out := strings.TrimRight(stderr.String(), "\n")
	last := out[strings.LastIndexByte(out, '\n')+1:]
	var kib int64
	var code int
	if _, err := fmt.Sscanf(last, "maxrss %d exit %d", &kib, &code); err != nil {
		t.Fatalf("analyze %v: launcher said %q: %v", args, last, err)
	}
	// 0 and 1 are reports; 3 a report that checked nothing (raw files no
	// rule reads); 2 and anything else a refusal or a crash.
	if code == 2 || code > 3 {
		t.Fatalf("analyze %v: exit %d: %s", args, code, out)
	}
	return code, kib << 10 // KiB on Linux
}

// TestMemoryFlat: memory stays flat in the number of bundles of a zip and
// of members of a bundle.
func TestMemoryFlat(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS is read from Linux rusage")
	}
	nBundles, nMembers := 10, 2_000
	if hostileFull() {
		nBundles, nMembers = 300, 200_000
	}
	bin := buildAnalyze(t)
	dir := t.TempDir()
	log := strings.Repeat(calmLine, 2000) + emfileLine

	t.Run(fmt.Sprintf("%d bundles in a zip", nBundles), func(t *testing.T) {
		p := filepath.Join(dir, "many.zip")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		key := inputtest.Build(t, inputtest.Spec{}).Private
		for i := range nBundles {
			b := tfstBundle(t, fmt.Sprintf("tfst-epp%03d-20260302T080000Z", i), log, inputtest.Spec{Key: &key})
			w, err := zw.Create(b.Name + ".tar.gz")
			if err != nil {
				t.Fatal(err)
			}
			w.Write(b.TarGz())
		}
		zw.Close()
		f.Close()
		_, rss := peakRSS(t, bin, p, "-o", os.DevNull)
		t.Logf("%d bundles: peak RSS %d MiB", nBundles, rss>>20)
		if rss > maxRSS {
			t.Errorf("%d bundles: peak RSS %d MiB, over %d MiB", nBundles, rss>>20, maxRSS>>20)
		}
	})
	// --each keeps rows, never reports: its peak is that of the reports
	// made at once, not of the number of inputs.
	t.Run(fmt.Sprintf("--each over %d bundles", 12*nBundles/5), func(t *testing.T) {
		many := 12 * nBundles / 5 // 24, or 720 at full size
		key := inputtest.Build(t, inputtest.Spec{}).Private
		in := filepath.Join(dir, "each")
		var paths []string
		for i := range many {
			b := tfstBundle(t, fmt.Sprintf("tfst-epp%03d-20260302T080000Z", i), log, inputtest.Spec{Key: &key})
			paths = append(paths, b.WriteTarGz(t, in))
		}
		_, few := peakRSS(t, bin, append([]string{"--each", "--jobs", "2", "-o", filepath.Join(dir, "each-few")}, paths[:2]...)...)
		_, all := peakRSS(t, bin, append([]string{"--each", "--jobs", "2", "-o", filepath.Join(dir, "each-all")}, paths...)...)
		t.Logf("--each: peak RSS %d MiB for 2 bundles, %d MiB for %d", few>>20, all>>20, many)
		if limit := few + few/4 + 8<<20; all > limit {
			t.Errorf("--each: peak RSS %d MiB for %d bundles, over %d MiB (2 bundles: %d MiB): not flat", all>>20, many, limit>>20, few>>20)
		}
	})
	// Bundles full of matching lines (issue 13): what is kept of them
	// shares one budget, so that 8 such bundles take little more than
	// one (each has one log member: the template miner's share, which
	// grows with log members, stays small here). Each bundle's matching
	// lines would fill a good part of the budget if a rule that only
	// quotes its first and last lines kept more than its floors.
	t.Run("dense bundles: 8 against 1", func(t *testing.T) {
		var dense strings.Builder
		peers := []string{"nti281-gwp", "nti282-gwp", "dmz.gwp-03"}
		for i := range 40_000 {
			fmt.Fprintf(&dense, "09/10/13 10:%02d:%02d 1 17%05d gatewayProxySender [gw=6] failure creating a routed session for %s\n", i/60%60, i%60, i, peers[i%3])
			if i%2 == 0 {
				dense.WriteString(calmLine)
			}
		}
		key := inputtest.Build(t, inputtest.Spec{}).Private
		var paths []string
		for i := range 8 {
			b := tfstBundle(t, fmt.Sprintf("tfst-node%02d-20091013T120000Z", i), dense.String(), inputtest.Spec{Key: &key})
			paths = append(paths, b.WriteTarGz(t, dir))
		}
		// The lower of two runs on each side: a peak moves by a few MiB
		// with when the collector happens to run (38-41 MiB for one
		// bundle), which alone can cross the bound.
		lowest := func(args ...string) int64 {
			_, a := peakRSS(t, bin, args...)
			_, b := peakRSS(t, bin, args...)
			return min(a, b)
		}
		one := lowest(paths[0], "-o", os.DevNull)
		all := lowest(append(paths, "-o", os.DevNull)...)
		t.Logf("dense bundles: peak RSS %d MiB for 1, %d MiB for 8 (lower of two runs each)", one>>20, all>>20)
		// The goal is within 10%. Measured from a small launcher
		// (peakRSS): 1.3-1.45x before the bundles were walked one at a
		// time and the collector set by gctune (37-39 and 52-55 MiB);
		// now 1.03-1.13x. 1.2x leaves room for a noisy machine and
		// fails on the code before (1.28x and more).
		if all > one+one*20/100 {
			t.Errorf("dense bundles: peak RSS %d MiB for 8, %d MiB for 1: more than 1.2x", all>>20, one>>20)
		}
	})
	// Many log members (issue 13: one bundle of 10,000 members): what a
	// run keeps of a log after its pass (its templates folded into its
	// family's, its excerpts) is small, so that a bundle of 2,000 small
	// logs (60,000 at full size) peaks near a bundle of the same lines in
	// 10 logs: 1.03-1.06x (1.47x before the logs' templates were folded
	// at the end of each log and the collector set by gctune).
	t.Run(fmt.Sprintf("%d log members against 10", 10*nBundles*20), func(t *testing.T) {
		logs := 10 * nBundles * 20 // 2,000, or 60,000 at full size
		peers := []string{"nti281-gwp", "nti282-gwp", "dmz.gwp-03"}
		key := inputtest.Build(t, inputtest.Spec{}).Private
		build := func(name string, n int) string {
			files := map[string]string{}
			for i := range n {
				var b strings.Builder
				for j := range 20 * logs / n {
					fmt.Fprintf(&b, "09/10/13 10:%02d:%02d 1 17%05d gatewayProxySender [gw=6] failure creating a routed session for %s\n", j/60%60, j%60, j, peers[(i+j)%3])
					fmt.Fprintf(&b, "09/10/13 10:%02d:%02d 1 17%05d upcallSender [line=%d]: waiting for connection %d\n", j/60%60, j%60, j, i, j)
				}
				files[fmt.Sprintf("files/opt/tivoli/EPProxy/epp.log.%d", i+1)] = b.String()
			}
			b := inputtest.Build(t, inputtest.Spec{Name: name, Key: &key, Files: files, Edit: func(m *bundle.Manifest) {
				m.Profile.Name = "tfst"
				m.Host.Hostname = "epp01"
			}})
			return b.WriteTarGz(t, t.TempDir())
		}
		_, few := peakRSS(t, bin, build("tfst-epp01-20091013T120000Z", 10), "-o", os.DevNull)
		_, many := peakRSS(t, bin, build("tfst-epp02-20091013T120000Z", logs), "-o", os.DevNull)
		t.Logf("log members: peak RSS %d MiB for 10, %d MiB for %d", few>>20, many>>20, logs)
		if many > few+few*20/100 {
			t.Errorf("log members: peak RSS %d MiB for %d, %d MiB for 10: more than 1.2x", many>>20, logs, few>>20)
		}
	})
	// 200k members: in an archive inside a bundle (they are in no
	// manifest), and as raw logs.
	var inner bytes.Buffer
	zw := gzip.NewWriter(&inner)
	tw := tar.NewWriter(zw)
	for i := range nMembers {
		data := fmt.Sprintf("%d\n", i)
		tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("spool/%03d/%06d.dat", i/1000, i), Typeflag: tar.TypeReg, Size: int64(len(data)), Mode: 0o644})
		tw.Write([]byte(data))
	}
	tw.Close()
	zw.Close()
	t.Run(fmt.Sprintf("%d members in a nested archive", nMembers), func(t *testing.T) {
		b := inputtest.Build(t, inputtest.Spec{Name: "tfst-epp01-20260302T080000Z", Files: map[string]string{
			"files/opt/tivoli/EPProxy/epp.log":     log,
			"files/opt/tivoli/EPProxy/diag.tar.gz": inner.String(),
		}, Edit: func(m *bundle.Manifest) {
			m.Profile.Name = "tfst"
			m.Host.Hostname = "epp01"
		}})
		p := b.WriteTarGz(t, dir)
		_, rss := peakRSS(t, bin, p, "-o", os.DevNull)
		t.Logf("%d members: peak RSS %d MiB", nMembers, rss>>20)
		if rss > maxRSS {
			t.Errorf("%d members: peak RSS %d MiB, over %d MiB", nMembers, rss>>20, maxRSS>>20)
		}
	})
	t.Run(fmt.Sprintf("%d raw files", nMembers), func(t *testing.T) {
		p := filepath.Join(dir, "raw.tar.gz")
		os.WriteFile(p, inner.Bytes(), 0o644)
		_, rss := peakRSS(t, bin, "--profile", "tfst", p, "-o", os.DevNull)
		t.Logf("%d raw files: peak RSS %d MiB", nMembers, rss>>20)
		if rss > maxRSS {
			t.Errorf("%d raw files: peak RSS %d MiB, over %d MiB", nMembers, rss>>20, maxRSS>>20)
		}
	})
}
