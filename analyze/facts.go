package analyze

import (
	"maps"
	"time"

	"casefile/profiles"
)

// group is the bundles analyzed with one profile.
type group struct {
	plan    *plan
	bundles []*bundleState
	// across, acrossErrs: the facts joined across bundles (facts_across.go)
	across     map[string]any
	acrossErrs map[string]error
}

// recordMap is a record as expressions see it: value, file, line, text,
// time, bundle, label, the named groups of its pattern and file pattern,
// and "" for each of names it lacks (the other captures of a rule). value
// is the typed value for a fact's records.
func recordMap(r *record, value any, label string, names []string) map[string]any {
	m := make(map[string]any, 7+len(r.pat.names)+len(r.fnames)+len(names))
	for _, n := range names {
		m[n] = ""
	}
	for i, n := range r.pat.names {
		m[n] = r.caps[i]
	}
	for i, n := range r.fnames {
		m[n] = r.fcaps[i]
	}
	m["value"] = value
	m["file"] = r.m.path
	m["line"] = r.line
	m["text"] = r.text
	if r.t.IsZero() {
		m["time"] = nil
	} else {
		m["time"] = r.t.In(r.b.loc)
	}
	m["bundle"] = r.b.name
	m["label"] = label
	return m
}

// typed converts a fact value by the fact's type; nil when it does not
// convert.
func typed(s, typ string) any {
	switch typ {
	case "number":
		if f, ok := parseLeadingNumber(s); ok {
			return f
		}
		return nil
	case "size":
		n, err := profiles.ParseSize(s)
		if err != nil {
			return nil
		}
		return int(n)
	case "duration":
		d, err := profiles.ParseDuration(s)
		if err != nil {
			return nil
		}
		return d
	}
	return s
}

// evalFacts computes a bundle's facts in profile order.
func (e *evaluator) evalFacts(b *bundleState) {
	p := b.plan
	sources := b.sources
	env := e.baseEnv([]*bundleState{b}, true)
	for i := range p.prof.Analyze.Facts {
		f := &p.prof.Analyze.Facts[i]
		var v any
		if sl := b.factSlot(f.Name); sl != nil {
			recs := b.slotRecords(sl)
			sortRecords(recs)
			if f.Format != "" {
				var terr error
				if recs, terr = typedRecords(f, recs); terr != nil {
					b.factErrs[f.Name] = terr.Error()
				}
			}
			fa := b.factAgg(sl)
			if fa != nil {
				recs = withRecords(recs, fa.records())
			}
			b.factRecs[f.Name] = recs
			dropped := b.slots[sl.id].dropped
			var maps []any
			for _, r := range recs {
				maps = append(maps, recordMap(r, typed(r.value(), f.Type), "", nil))
			}
			if maps == nil {
				maps = []any{}
			}
			sources[f.Name] = maps
			if fa != nil && f.Pick != "all" {
				v = fa.value()
			} else {
				v = pick(f, recs, maps, dropped)
			}
			if fa != nil {
				if n := fa.note(len(recs)); n != "" {
					b.factNotes[f.Name] = n
				}
			}
		} else if f.Data != nil {
			v = dataValue(f.Data)
		} else {
			var err error
			v, err = run(&f.Expr, env)
			if err != nil {
				b.factErrs[f.Name] = exprError(p.prof, &f.Expr, "fact "+f.Name, err).Error()
				v = nil
			}
		}
		b.facts[f.Name] = v
		env[f.Name] = v
	}
}

// factAgg is the aggregate of a fact's slot in this bundle (nil: none,
// the fact reads typed data or no line matched).
func (b *bundleState) factAgg(sl *slot) *factAgg {
	if sl.id < len(b.factAggs) {
		return b.factAggs[sl.id]
	}
	return nil
}

// withRecords adds to sorted records those of more not among them.
func withRecords(recs, more []*record) []*record {
	added := false
	for _, x := range more {
		found := false
		for _, r := range recs {
			if r.m == x.m && r.line == x.line && r.seg == x.seg {
				found = true
				break
			}
		}
		if !found {
			recs = append(recs, x)
			added = true
		}
	}
	if added {
		sortRecords(recs)
	}
	return recs
}

// factSlot is the slot a pattern fact reads in this bundle: its only one,
// or (in_first) the first alternative with a member here; nil for an
// expression fact.
func (b *bundleState) factSlot(name string) *slot {
	alts := b.plan.factSlots[name]
	if len(alts) == 0 {
		return nil
	}
	for _, s := range alts {
		for _, p := range b.all {
			if s.reads(p) {
				return s
			}
		}
	}
	return alts[0]
}

// prepare makes a bundle's facts (all nil) and its `bundle` variable, so
// that every bundle of a group is in `bundles` before any fact is computed.
func (e *evaluator) prepare(b *bundleState) {
	p := b.plan
	b.facts = map[string]any{}
	b.factRecs = map[string][]*record{}
	b.factErrs = map[string]string{}
	b.factNotes = map[string]string{}
	b.sources = map[string]any{}
	for i := range p.prof.Analyze.Facts {
		f := &p.prof.Analyze.Facts[i]
		b.facts[f.Name] = nil
		b.sources[f.Name] = []any{}
	}
	b.bundleMap = e.bundleInfo(b, b.sources)
}

// pick reduces a pattern fact's records to its value.
func pick(f *profiles.Fact, recs []*record, maps []any, dropped int) any {
	values := make([]any, len(maps))
	for i, m := range maps {
		values[i] = m.(map[string]any)["value"]
	}
	switch f.Pick {
	case "count":
		return len(recs) + dropped
	case "exists":
		return len(recs) > 0
	case "all":
		return maps
	case "map":
		// Rows by key; a later row wins (pick first would keep the first:
		// use all and a filter for that).
		out := map[string]any{}
		for i, m := range maps {
			k, _ := m.(map[string]any)["key"].(string)
			out[k] = values[i]
		}
		return out
	case "distinct":
		out := []any{}
		seen := map[any]bool{}
		for _, v := range values {
			if v == nil || seen[v] {
				continue
			}
			seen[v] = true
			out = append(out, v)
		}
		return out
	case "first":
		if len(values) == 0 {
			return nil
		}
		return values[0]
	case "min", "max", "sum":
		var acc numAcc
		for _, v := range values {
			if x, ok := numberOf(v); ok {
				acc.add(x, f.Pick)
			}
		}
		if acc.n == 0 {
			return nil
		}
		return acc.acc
	}
	if len(values) == 0 {
		return nil
	}
	return values[len(values)-1]
}

// bundleInfo is the `bundle` variable.
func (e *evaluator) bundleInfo(b *bundleState, sources map[string]any) map[string]any {
	m := map[string]any{
		"name": b.name, "path": b.in.Path, "host": "", "profile": b.plan.prof.Name,
		"os": "", "kernel": "", "collected_at": nil, "note": "", "timezone": b.loc.String(),
		"facts": b.facts, "sources": sources,
	}
	if mf := b.manifest; mf != nil {
		m["host"] = mf.Host.Hostname
		m["os"] = mf.Host.OS
		m["kernel"] = mf.Host.Kernel
		m["note"] = mf.Note
		if !mf.Collection.EndUTC.IsZero() {
			m["collected_at"] = mf.Collection.EndUTC.In(b.loc)
		}
	}
	return m
}

// baseEnv is what every expression over these bundles sees: builtins,
// and (withFacts) the first bundle's facts by name.
func (e *evaluator) baseEnv(bs []*bundleState, withFacts bool) map[string]any {
	n := len(profiles.Bindings)
	if withFacts {
		n += len(bs[0].facts)
	}
	env := make(map[string]any, n)
	profiles.Bind(env, newScope(bs, e.opts.displayZone(), e.incident))
	if withFacts {
		maps.Copy(env, bs[0].facts)
	} else if g := bs[0].group; g != nil {
		across, _ := g.acrossFacts()
		maps.Copy(env, across)
	}
	return env
}

// timeOrNil is a time for expressions: nil when zero.
func timeOrNil(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	return t.In(loc)
}

// joinKey is the key a finding shows for a group's values (groupKey).
func joinKey(vals []string) string { return groupKey(vals) }
