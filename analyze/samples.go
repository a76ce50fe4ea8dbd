package analyze

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"casefile/analyze/report"
	"casefile/profiles"
)

// evalSamples is a check rule with samples: FACT (docs/followup.md). The
// bundles of one host (same host name in the manifest) are samples of it
// at their collection times; the earliest and the latest that have a
// value of the fact make one draft, judged by the rule's when with
// profiles.SampleVars bound. Raw inputs (no manifest, no time) are no
// samples.
func (e *evaluator) evalSamples(rr *ruleRun) []*draft {
	fact := rr.rp.rule.Check.Samples
	byHost := map[string][]*bundleState{}
	var hosts []string
	for _, b := range rr.bs {
		if b.manifest == nil || b.ref.IsZero() || b.facts[fact] == nil {
			continue
		}
		h := b.manifest.Host.Hostname
		if byHost[h] == nil {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], b)
	}
	var out []*draft
	for _, h := range hosts {
		bs := byHost[h]
		if len(bs) < 2 {
			continue
		}
		sort.SliceStable(bs, func(i, j int) bool { return bs[i].ref.Before(bs[j].ref) })
		a, z := bs[0], bs[len(bs)-1]
		if !z.ref.After(a.ref) {
			continue
		}
		d := z.ref.Sub(a.ref)
		hours := d.Hours()
		vars := map[string]any{
			"earlier": a.facts[fact], "later": z.facts[fact],
			"earlier_at": a.ref.In(z.loc), "later_at": z.ref.In(z.loc),
			"interval": intervalText(d), "hours": hours,
			"growth": nil, "per_hour": nil,
			"earlier_bundle": a.bundleMap, "later_bundle": z.bundleMap,
		}
		x, okA := numeric(a.facts[fact])
		y, okZ := numeric(z.facts[fact])
		if okA && okZ {
			vars["growth"] = y - x
			vars["per_hour"] = (y - x) / hours
		}
		key := ""
		if len(hosts) > 1 {
			key = h
		}
		var matches []*record
		for _, b := range []*bundleState{a, z} {
			if recs := b.factRecs[fact]; len(recs) > 0 {
				matches = append(matches, citedFactRecords(b, fact, recs, 3)...)
			}
		}
		out = append(out, &draft{key: key, vars: vars, matches: matches, count: 2, anchor: z.ref, bs: []*bundleState{z, a}})
	}
	return out
}

// numeric is a fact value as a number, when it is one: a fact taken from
// a capture (pick first/last) holds the text "1009".
func numeric(v any) (float64, bool) {
	switch x := v.(type) {
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return 0, false
}

// intervalText says a time between two samples in words: "55 minutes",
// "3 hours", "2 days".
func intervalText(d time.Duration) string {
	switch m := int(d.Round(time.Minute) / time.Minute); {
	case d < 2*time.Minute:
		return fmt.Sprintf("%d seconds", int(d.Round(time.Second)/time.Second))
	case m < 120:
		return fmt.Sprintf("%d minutes", m)
	case d < 72*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Round(time.Hour)/time.Hour))
	default:
		return fmt.Sprintf("%d days", int(d.Round(24*time.Hour)/(24*time.Hour)))
	}
}

// sampleRule reports whether a rule compares samples.
func sampleRule(r *profiles.Rule) bool {
	if r == nil {
		return false
	}
	_, ok := r.Kind.(*profiles.SamplesKind)
	return ok
}

// twoSamples reports whether some host has two bundles or more among bs
// (with a manifest and a collection time): a samples rule has something
// to compare.
func twoSamples(bs []*bundleState) bool {
	n := map[string]int{}
	for _, b := range bs {
		if b.manifest == nil || b.ref.IsZero() {
			continue
		}
		n[b.manifest.Host.Hostname]++
		if n[b.manifest.Host.Hostname] >= 2 {
			return true
		}
	}
	return false
}

// oneSample is the coverage of a samples rule without two bundles of one
// host: not applicable, saying what it needs.
func oneSample(rp *rulePlan, b *bundleState) report.RuleCoverage {
	return report.RuleCoverage{Rule: rp.rule.ID, Bundle: b.name, Status: report.CoverageNotApplicable,
		Reason: "compares two bundles of one host (a bundle and its follow-up); there is one"}
}
