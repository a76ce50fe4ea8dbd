package analyze

import (
	"fmt"

	"casefile/analyze/input"
)

// maxUnopenedNotes bounds the notes on archives not opened per coverage
// entry.
const maxUnopenedNotes = 3

// unopenedNotes names the archives of the bundle that the input layer did
// not open because they are nested more than input.MaxDepth deep: a rule
// whose inputs are missing may have them there (docs/input.md).
func (b *bundleState) unopenedNotes() []string {
	if b.ver == nil {
		return nil
	}
	var out []string
	n := 0
	for _, p := range b.ver.Integrity.Problems {
		if !input.TooDeep(p.Kind, p.Detail) {
			continue
		}
		if n < maxUnopenedNotes {
			out = append(out, fmt.Sprintf("%s was not read: %s", oneLine(p.Member), p.Detail))
		}
		n++
	}
	if n > maxUnopenedNotes {
		out = append(out, fmt.Sprintf("%d more archives nested too deep were not read", n-maxUnopenedNotes))
	}
	return out
}
