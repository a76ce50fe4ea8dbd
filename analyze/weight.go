package analyze

import "time"

// Weighted lines (docs/profiles.md, "Counted lines: weight"): a match
// rule's weight names a capture holding how many lines one line stands
// for ("message repeated 5 times: [ ... ]"). The line counts that many
// in hits, group counts, matched and rate.

// maxWeight bounds the count one line may stand for.
const maxWeight = 1_000_000_000

// weightOf is the count a record stands for under the capture name: its
// decimal value, 1 when name is "" or the capture is empty, not a
// number or below 1.
func weightOf(r *record, name string) int {
	if name == "" {
		return 1
	}
	for i, n := range r.pat.names {
		if n != name {
			continue
		}
		if r.raw != nil {
			return parseWeight(r.capBytes(i))
		}
		return parseWeight([]byte(r.caps[i]))
	}
	for i, n := range r.fnames {
		if n == name {
			return parseWeight([]byte(r.fcaps[i]))
		}
	}
	return 1
}

// parseWeight reads a count: digits, with "," or "_" as thousands
// separators; anything else, or below 1, is 1.
func parseWeight(b []byte) int {
	v, digits := 0, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v*10 + int(c-'0')
			digits++
			if v > maxWeight {
				return maxWeight
			}
		case (c == ',' || c == '_') && digits > 0:
		default:
			return 1
		}
	}
	if v < 1 {
		return 1
	}
	return v
}

// ruleWeight is the weight capture of a rule plan ("" for none).
func ruleWeight(rp *rulePlan) string {
	if rp.rule.Match == nil {
		return ""
	}
	return rp.rule.Match.Weight
}

// weightSum is the lines records stand for.
func weightSum(rs []*record, name string) int {
	n := 0
	for _, r := range rs {
		n += weightOf(r, name)
	}
	return n
}

// maxInWindowW is maxInWindow with each record counting its weight.
func maxInWindowW(rs []*record, w time.Duration, name string) int {
	if name == "" {
		return maxInWindow(rs, w)
	}
	type tw struct {
		t time.Time
		n int
	}
	var ts []tw
	for _, r := range rs {
		if !r.t.IsZero() {
			ts = append(ts, tw{r.t, weightOf(r, name)})
		}
	}
	best, i, sum := 0, 0, 0
	for j := range ts {
		sum += ts[j].n
		for ts[j].t.Sub(ts[i].t) > w {
			sum -= ts[i].n
			i++
		}
		best = max(best, sum)
	}
	return best
}
