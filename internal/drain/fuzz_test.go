package drain

import (
	"strings"
	"testing"
)

// covers reports whether template token t stands for the masked token k:
// equal, the wildcard, or key=<*> (with what Mask kept after the value)
// for a value of the same key.
func covers(t, k string) bool {
	if t == k || t == Wildcard {
		return true
	}
	i := strings.IndexByte(t, '=')
	return i > 0 && strings.HasPrefix(t[i+1:], Wildcard) && strings.HasPrefix(k, t[:i+1])
}

// FuzzMiner mines arbitrary lines (log lines are untrusted input): no
// panic; every line's cluster still covers it once all are mined
// (templates only generalize), token for token; the counts add up to the
// lines mined plus those the cap dropped.
func FuzzMiner(f *testing.F) {
	for _, s := range []string{
		"2024-03-01 10:00:00 connected to 10.0.0.1:5432 in 12 ms\nconnected to 10.0.0.2:5432 in 8 ms\n",
		"user=\"a b\" key=1] x\nuser=\"c\" key=2] y\nkey= z\n",
		"the disk alpha on host failed now\nthe disk beta on host failed now\nthe disk gamma on host failed now\n",
		"**** --\nNEW state\nRUNNING state\n/var/log/x.log opened\n\"quoted \" \"\n",
		"a\tb\r\nc\n\n \n" + strings.Repeat("w ", 300),
	} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, text string, maxT int) {
		m := New(Config{MaxTemplates: maxT%8 + 1})
		lines := strings.Split(text, "\n")
		got := make([]*Cluster, len(lines))
		mined, dropped := 0, 0
		for i, l := range lines {
			c := m.Add(l)
			n := len(Tokenize(l, nil))
			switch {
			case n == 0 && c != nil:
				t.Fatalf("line %q has no token, yet a cluster", l)
			case n > 0 && c == nil:
				dropped++
			case n > 0:
				mined++
			}
			got[i] = c
		}
		if m.Dropped != dropped {
			t.Errorf("Dropped %d, want %d", m.Dropped, dropped)
		}
		sum := 0
		for _, c := range m.Clusters() {
			sum += c.Count
		}
		if sum != mined {
			t.Errorf("counts add up to %d, want %d", sum, mined)
		}
		for i, c := range got {
			if c == nil {
				continue
			}
			toks := Tokenize(lines[i], nil)
			tpl := c.Tokens()
			if len(tpl) != len(toks) {
				t.Fatalf("line %q: template %q has %d tokens, the line %d", lines[i], c.Template(), len(tpl), len(toks))
			}
			for j := range tpl {
				if !covers(tpl[j], toks[j]) {
					t.Fatalf("line %q: template %q does not cover token %q", lines[i], c.Template(), toks[j])
				}
			}
		}
	})
}
