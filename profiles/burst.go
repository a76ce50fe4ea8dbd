package profiles

import "time"

// Bursts (issue 14): a match rule's densest window (window_start,
// window_end) and split_gap, one finding per burst of a group. The
// engine is analyze/burst.go; this is what the validator refuses.

// burstError names what keeps split_gap or the window variables from
// applying to a rule, at the line to show ("" when nothing). exprs are
// every expression and text hole of the rule; view gives an expression
// as compiled by the validation under way (which does not write into r).
func burstError(r *Rule, captures []string, exprs []*Expr, view func(*Expr) *Expr) (int, string) {
	m := r.Match
	if m == nil {
		return 0, "" // the window names are match variables: other kinds refuse them as unknown
	}
	if sg := m.SplitGap; sg.Line > 0 && sg.Duration < time.Second {
		return sg.Line, "split_gap must be a second or more (a gap longer than it starts the next burst; a burst's key names its start to the second)"
	}
	if m.Within.Duration <= 0 {
		for _, e := range exprs {
			for _, n := range ExprNames(view(e)) {
				if n == "window_start" || n == "window_end" {
					return max(e.Line, r.Line), n + " is the densest match.within window, and the rule has no within"
				}
			}
		}
	}
	if m.SplitGap.Duration > 0 && m.Where.IsSet() {
		// The bursts are cut in the pass, which judges a where that reads
		// only the line; one that reads facts is judged after it, on the
		// lines kept as evidence (not every line).
		for _, n := range ExprNames(view(&m.Where)) {
			if !contains(captures, n) && !contains(RecordFields, n) {
				return max(m.SplitGap.Line, r.Line), "split_gap needs a where that reads only the line (its captures and " +
					"record fields), not " + n + ": test " + n + " in the rule's when instead"
			}
		}
	}
	return 0, ""
}
