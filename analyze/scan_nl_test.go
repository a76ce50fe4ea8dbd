package analyze

import (
	"bytes"
	"testing"
)

// TestMinePartNewlines: the worker takes a chunk's newlines from the
// miner's cut of it (lineCounter) when mining is on; they must be the
// newlines in the chunk, with or without a last newline, blank lines,
// carriage returns and blank-only shapes.
func TestMinePartNewlines(t *testing.T) {
	for _, data := range []string{
		"a\n", "a", "\n", "\n\n", "a\nb", "a\nb\n", "x 1\n\ny 2\r\n  \n\tz", "  \n \n", "a\r\n\r\n",
	} {
		lm := newLogMine(&member{}, timeCtx{})
		p := lm.scanPart([]byte(data))
		var c lineCounter = p
		got := c.lineCount()
		if data[len(data)-1] != '\n' {
			got--
		}
		if want := bytes.Count([]byte(data), []byte{'\n'}); got != want {
			t.Errorf("%q: %d newlines from the miner's lines, want %d", data, got, want)
		}
		p.release()
	}
}
