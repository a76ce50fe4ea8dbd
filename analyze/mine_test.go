package analyze

import (
	"strings"
	"testing"
)

// TestFingerprint: lines that differ only in the digits of their numbers
// (same lengths) share a shape; any other difference, anywhere in the
// line, gives another; every byte value at every position of a word is
// judged digit or not as it is.
func TestFingerprint(t *testing.T) {
	a := "10/03/16 02:14:07 1 1779872 upcallSender [line=3505]: accept() failed (e=24 - Too many open files)"
	b := "11/04/17 03:15:08 2 2880983 upcallSender [line=4616]: accept() failed (e=35 - Too many open files)"
	if fingerprint([]byte(a)) != fingerprint([]byte(b)) {
		t.Error("same shape, different fingerprints")
	}
	for i := range a {
		if a[i] >= '0' && a[i] <= '9' {
			continue
		}
		c := []byte(a)
		c[i] ^= 0x20
		if c[i] >= '0' && c[i] <= '9' {
			continue
		}
		if fingerprint(c) == fingerprint([]byte(a)) {
			t.Errorf("byte %d changed, same fingerprint", i)
		}
	}
	// The eight-byte path and the tail agree on what a digit is, at every
	// position of a word.
	for v := 0; v < 256; v++ {
		if v == '#' {
			continue // the mark digits become: '#' and a digit are one shape
		}
		for pos := 0; pos < 8; pos++ {
			for _, tail := range []string{"yyyyyyyy", ""} {
				w := []byte(strings.Repeat("x", 8) + tail)
				x := []byte(strings.Repeat("x", 8) + tail)
				w[pos], x[pos] = byte(v), '5'
				isDigit := v >= '0' && v <= '9'
				if (fingerprint(w) == fingerprint(x)) != isDigit {
					t.Errorf("byte %#x at %d: digit %v, fingerprint says otherwise", v, pos, isDigit)
				}
			}
		}
		w := []byte("abc" + string([]byte{byte(v)}))
		if (fingerprint(w) == fingerprint([]byte("abc5"))) != (v >= '0' && v <= '9') {
			t.Errorf("tail byte %#x misjudged", v)
		}
	}
}
