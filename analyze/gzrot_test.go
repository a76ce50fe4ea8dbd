package analyze

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// noisyLog makes n bytes of log lines that compress like real ones.
func noisyLog(seed uint64, n int) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for b.Len() < n {
		fmt.Fprintf(&b, "2024-03-01 10:%02d:%02d 3 %d worker %d moved %d bytes to 10.%d.%d.%d\n",
			rng.IntN(60), rng.IntN(60), rng.IntN(9999), rng.IntN(64), rng.IntN(1<<20), rng.IntN(256), rng.IntN(256), rng.IntN(256))
	}
	return b.String()
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// TestGzRotations reads .gz rotations stored in a .tar.gz bundle
// between plain logs, as logrotate leaves them.
func TestGzRotations(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- {id: t.x, title: x, explanation: x, remedy: x, match: {in: ["files/**/a.log*"], pattern: 'needle'}}`)
	files := map[string]string{
		"files/a.log":      noisyLog(1, 4<<20) + "2024-03-01 11:00:00 needle\n",
		"files/a.log.1.gz": gz(noisyLog(2, 4<<20) + "2024-03-01 09:00:00 needle\n"),
		"files/a.log.2":    noisyLog(3, 4<<20),
		"files/a.log.3.gz": gz(noisyLog(4, 4<<20)),
		"files/b.log":      noisyLog(5, 4<<20),
	}
	rep := runWith(t, p, []string{bundleOf(t, "", files, nil)}, Options{})
	if len(rep.Findings) != 1 || rep.Findings[0].Count != 2 {
		t.Errorf("findings: %v", summary(rep))
	}
}
