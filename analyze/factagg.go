package analyze

import (
	"fmt"
	"slices"
	"time"

	"casefile/profiles"
)

// Exact pattern facts. A pattern fact's value (pick count, exists, first,
// last, min, max, sum, distinct) is computed from every line its
// slot matches, in the pass (deliver hands each record to the slot's
// factAgg besides its bounded store); only the records behind the value
// (sources, cite, pick all, check for_each) stay bounded. distinct keeps
// at most maxFactValues values: beyond, the fact says so
// (factNote), and so does every finding of a rule that reads it.

// maxFactValues bounds the values a distinct fact keeps per bundle.
const maxFactValues = 4096

// fpos is where a line is, to order lines as sortRecords does: during
// the pass a time-of-day member's times are times of day on day day.
type fpos struct {
	t         time.Time
	day       int
	m         *member
	line, seg int
}

func posOfRec(r *record) fpos { return fpos{r.t, r.day, r.m, r.line, r.seg} }

// before orders positions of one bundle during the pass (record.before,
// with a time-of-day member's days counted).
func (p fpos) before(o fpos) bool {
	if p.m == o.m && p.m.tod && p.day != o.day && !p.t.IsZero() && !o.t.IsZero() {
		return p.day < o.day
	}
	if !p.t.Equal(o.t) {
		return p.t.Before(o.t)
	}
	if p.m.idx != o.m.idx {
		return p.m.idx < o.m.idx
	}
	if p.line != o.line {
		if p.m.newestFirst {
			return p.line > o.line
		}
		return p.line < o.line
	}
	return p.seg < o.seg
}

// final is the position with its time as fixTimes and fixYears leave a
// record's: dated (time-of-day members), its year moved (yearless).
func (p fpos) final() fpos {
	if p.t.IsZero() {
		return p
	}
	if f := p.m.yearFix; f != nil {
		p.t = f.apply(p.t)
	}
	if p.m.tod && p.m.todHave && !p.m.dated.IsZero() {
		p.t = p.m.dateOf(p.day, todOf(p.t))
	}
	p.day = 0
	return p
}

// factAgg is a pattern fact's aggregate over one slot in one bundle.
type factAgg struct {
	f *profiles.Fact
	n int // lines
	// first and last are the first and last lines (owned records), ext
	// the first line with the min or max value.
	first, last, ext *record
	firstV, lastV    any
	num              numAcc
	// distinct: the values in the order met, each with its first line;
	// over counts lines whose new value found the set full.
	vals  []factVal
	index map[any]int
	over  int
}

type factVal struct {
	v  any
	at fpos
}

func newFactAgg(f *profiles.Fact) *factAgg {
	fa := &factAgg{f: f}
	switch f.Pick {
	case "distinct":
		fa.index = map[any]int{}
	}
	return fa
}

// observe takes one record of the fact's slot (merger).
func (fa *factAgg) observe(r *record) {
	fa.n++
	switch fa.f.Pick {
	case "count", "exists", "all":
		return
	}
	p := posOfRec(r)
	isFirst := fa.first == nil || p.before(posOfRec(fa.first))
	isLast := fa.last == nil || posOfRec(fa.last).before(p)
	if fa.f.Pick != "distinct" && fa.f.Pick != "min" && fa.f.Pick != "max" && fa.f.Pick != "sum" && !isFirst && !isLast {
		return // first, last: the value of a line in between is not needed
	}
	v := typed(r.value(), fa.f.Type)
	if isFirst || isLast {
		o := r.own()
		if isFirst {
			fa.first, fa.firstV = o, v
		}
		if isLast {
			fa.last, fa.lastV = o, v
		}
	}
	switch fa.f.Pick {
	case "min", "max", "sum":
		x, ok := numberOf(v)
		if !ok {
			return
		}
		better := fa.num.n == 0 || fa.f.Pick == "min" && x < fa.num.acc || fa.f.Pick == "max" && x > fa.num.acc ||
			fa.f.Pick != "sum" && x == fa.num.acc && p.before(posOfRec(fa.ext))
		fa.num.add(x, fa.f.Pick)
		if better && fa.f.Pick != "sum" {
			fa.ext = r.own()
		}
	case "distinct":
		if v == nil {
			return
		}
		if i, ok := fa.index[v]; ok {
			if p.before(fa.vals[i].at) {
				fa.vals[i].at = p
			}
			return
		}
		if len(fa.vals) >= maxFactValues {
			fa.over++
			return
		}
		fa.index[v] = len(fa.vals)
		fa.vals = append(fa.vals, factVal{v, p})
	}
}

// records are the lines behind the value that the bounded store may have
// dropped (fixTimes and fixYears date them with the others).
func (fa *factAgg) records() []*record {
	var out []*record
	for _, r := range []*record{fa.first, fa.last, fa.ext} {
		if r != nil && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// value is the fact's value (after fixTimes and fixYears).
func (fa *factAgg) value() any {
	switch fa.f.Pick {
	case "count":
		return fa.n
	case "exists":
		return fa.n > 0
	case "first":
		return fa.firstV
	case "min", "max", "sum":
		if fa.num.n == 0 {
			return nil
		}
		return fa.num.acc
	case "distinct":
		vals := slices.Clone(fa.vals)
		for i := range vals {
			vals[i].at = vals[i].at.final()
		}
		slices.SortStableFunc(vals, func(a, b factVal) int {
			switch {
			case a.at.before(b.at):
				return -1
			case b.at.before(a.at):
				return 1
			}
			return 0
		})
		out := make([]any, len(vals))
		for i, x := range vals {
			out[i] = x.v
		}
		return out
	}
	if fa.n == 0 {
		return nil
	}
	return fa.lastV
}

// note says visibly what of the value is not exact ("": all of it is);
// kept is the number of records the fact's store kept.
func (fa *factAgg) note(kept int) string {
	switch {
	case fa.over > 0 && fa.f.Pick == "distinct":
		return fmt.Sprintf("fact %s holds the first %d distinct values met; %d lines with further values were counted, their values not kept (memory budget)", fa.f.Name, len(fa.vals), fa.over)
	case fa.f.Pick == "all" && kept < fa.n:
		return fmt.Sprintf("fact %s holds %d of its %d lines (the first and the last; memory budget)", fa.f.Name, kept, fa.n)
	}
	return ""
}

// numAcc accumulates the numbers of a min, max or sum fact.
type numAcc struct {
	acc float64
	n   int
}

func (a *numAcc) add(x float64, pick string) {
	switch {
	case a.n == 0:
		a.acc = x
	case pick == "min":
		a.acc = min(a.acc, x)
	case pick == "max":
		a.acc = max(a.acc, x)
	default:
		a.acc += x
	}
	a.n++
}

// numberOf is a typed fact value as a number, if it is one.
func numberOf(v any) (float64, bool) { return profiles.NumberOf(v) }
