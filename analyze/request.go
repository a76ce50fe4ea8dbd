package analyze

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"casefile/analyze/report"
	"casefile/bundle"
	"casefile/profiles"
)

// RequestSpec asks Run for a follow-up request (analyze --request-out,
// docs/followup.md) besides the report.
type RequestSpec struct {
	// Note is the help desk's message to the person collecting.
	Note string
	// Set gives values for profile variables (--request-set): for those
	// found wrong, and for any other the help desk wants changed.
	Set map[string]string
	// Result is the request Run worked out; nil when there is nothing to
	// ask for (no item missing or failed, no variable wrong, no rule
	// wanting a second sample).
	Result *bundle.Request
}

// RequestError is a request that cannot be written for these inputs (not
// one host, no bundle file): a usage error, one line.
type RequestError struct{ Reason string }

func (e *RequestError) Error() string { return e.Reason }

// buildRequest fills spec.Result from the report and the bundles: the
// inputs must be bundles of one host (one profile); the request follows
// the latest of them.
func buildRequest(rep *report.Report, states []*bundleState, spec *RequestSpec, now time.Time) error {
	spec.Result = nil
	var host []int // indexes into states and rep.Bundles
	ids := map[string]bool{}
	for i, b := range states {
		if b.manifest == nil {
			continue
		}
		host = append(host, i)
		ids[b.plan.prof.Name+" on "+b.manifest.Host.Hostname] = true
	}
	if len(host) == 0 {
		return &RequestError{"--request-out needs a bundle: raw logs carry no manifest to follow"}
	}
	if len(ids) > 1 {
		var names []string
		for k := range ids {
			names = append(names, k)
		}
		sort.Strings(names)
		return &RequestError{fmt.Sprintf("--request-out: the inputs are bundles of %d hosts or profiles (%s); a request is for one host: analyze its bundles alone", len(ids), strings.Join(names, ", "))}
	}
	sort.SliceStable(host, func(a, b int) bool { return states[host[a]].ref.Before(states[host[b]].ref) })
	last := states[host[len(host)-1]]
	sum := fileSHA256(last)
	if sum == "" {
		return &RequestError{fmt.Sprintf("--request-out: %s: the bundle is not a file of its own (standard input, or inside another archive): give the bundle file the customer sent", last.in.Path)}
	}
	prof := last.plan.prof
	mf := last.manifest
	req := &bundle.Request{
		FormatVersion: bundle.RequestFormatVersion,
		Kind:          bundle.RequestKind,
		Created:       now.UTC().Truncate(time.Second),
		Profile:       mf.Profile.Name,
		Follows: bundle.RequestFollows{Bundle: last.name, SHA256: sum, Host: mf.Host.Hostname,
			CollectedAt: mf.Collection.EndUTC.UTC()},
		Items: []bundle.RequestItem{},
		Note:  spec.Note,
	}
	for _, i := range host {
		if c := states[i].manifest.Case; c != "" {
			req.Case = c
		}
	}
	added := map[string]bool{}
	addItem := func(id, reason string) {
		if !added[id] {
			added[id] = true
			req.Items = append(req.Items, bundle.RequestItem{ID: id, Reason: reason})
		}
	}

	// Items missing or failed, and not collected by a later bundle.
	for k, i := range host {
		for _, it := range rep.Bundles[i].Items {
			o := it.Outcome()
			if o != report.ItemMissing && o != report.ItemFailed {
				continue
			}
			later := false
			for _, j := range host[k+1:] {
				for _, jt := range rep.Bundles[j].Items {
					later = later || (jt.ID == it.ID && jt.Outcome() == report.ItemCollected)
				}
			}
			if later {
				continue
			}
			kind := it.ErrorKind
			if kind == "" {
				kind = "error"
			}
			why := "expected but not sent"
			if o == report.ItemFailed {
				why = "could not be collected"
			}
			reason := fmt.Sprintf("%s (%s", why, kind)
			if it.Error != "" {
				reason += ": " + it.Error
			}
			addItem(it.ID, clipReason(reason+")"))
		}
	}

	// Variables: wrong (nothing under it was found) or missing (no value
	// where an expected item needs one), judged on the latest bundle.
	lastItems := map[string]report.Item{}
	for _, it := range rep.Bundles[host[len(host)-1]].Items {
		lastItems[it.ID] = it
	}
	judged := map[string]bool{}
	for _, v := range prof.Variables {
		mv, ok := mf.Variables[v.Name]
		if !ok {
			continue
		}
		var users []string
		seen := map[string]bool{}
		for _, ci := range prof.Collect {
			if seen[ci.ID] || !ci.ForOS(mf.Host.OS) || !usesVar(ci, v.Name) {
				continue
			}
			if _, ok := lastItems[ci.ID]; ok {
				seen[ci.ID] = true
				users = append(users, ci.ID)
			}
		}
		if len(users) == 0 {
			continue
		}
		// Wrong: nothing under it was found, and either an expected item
		// under it is missing or the value was given by hand (--set, a
		// request). A detected value whose items are all optional (a
		// DBDIR without a gatelog on this host) is not judged.
		collected, notFound, expected := false, []string{}, false
		needy := []string{}
		for _, id := range users {
			it := lastItems[id]
			switch {
			case it.Outcome() == report.ItemCollected:
				collected = true
			case it.ErrorKind == bundle.ErrNotFound || it.ErrorKind == bundle.ErrCommandNotFound:
				notFound = append(notFound, id)
				expected = expected || !it.Optional
			case !it.Optional:
				needy = append(needy, id)
			}
		}
		byHand := mv.Source == "set" || mv.Source == "request"
		var rv *bundle.RequestVariable
		switch {
		case mv.Value != "" && !collected && len(notFound) > 0 && (expected || byHand):
			rv = &bundle.RequestVariable{Name: v.Name, Was: mv.Value,
				Reason: fmt.Sprintf("%s = %s (%s): none of the %d items under it was found (%s)", v.Name, mv.Value, mv.Source, len(users), strings.Join(notFound, ", "))}
		case strings.TrimSpace(mv.Value) == "" && len(needy) > 0:
			rv = &bundle.RequestVariable{Name: v.Name, Reason: fmt.Sprintf("%s has no value; %s need(s) it", v.Name, strings.Join(needy, ", "))}
		}
		if rv == nil {
			continue
		}
		rv.Reason = clipReason(rv.Reason)
		rv.Value = spec.Set[v.Name]
		judged[v.Name] = true
		req.Variables = append(req.Variables, *rv)
		for _, id := range users {
			addItem(id, fmt.Sprintf("under %s, which was wrong or missing", v.Name))
		}
	}
	var extra []string
	for name := range spec.Set {
		if !judged[name] {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		known := false
		for _, v := range prof.Variables {
			known = known || v.Name == name
		}
		if !known {
			var have []string
			for _, v := range prof.Variables {
				have = append(have, v.Name)
			}
			return &RequestError{fmt.Sprintf("--request-set %s: profile %s has no such variable (it has: %s)", name, prof.Name, strings.Join(have, ", "))}
		}
		was := ""
		if mv, ok := mf.Variables[name]; ok {
			was = mv.Value
		}
		req.Variables = append(req.Variables, bundle.RequestVariable{Name: name, Value: spec.Set[name], Was: was, Reason: "set by the help desk"})
	}

	// Second samples that rules with findings on this host ask for, unless
	// two bundles of the host already hold them.
	inHost := map[string]bool{}
	for _, i := range host {
		inHost[states[i].name] = true
	}
	asked := map[string]bool{}
	for _, f := range rep.Findings {
		if asked[f.ID] || !inHost[f.Bundle] {
			continue
		}
		rp := last.plan.ruleByID(f.ID)
		if rp == nil || rp.rule.Resample == nil {
			continue
		}
		asked[f.ID] = true
		rs := rp.rule.Resample
		samples := 0
		for _, i := range host {
			has := false
			for _, it := range rep.Bundles[i].Items {
				has = has || (contains(rs.Items, it.ID) && it.Outcome() == report.ItemCollected)
			}
			if has {
				samples++
			}
		}
		if samples >= 2 {
			continue
		}
		req.Resample = append(req.Resample, bundle.RequestResample{Rule: f.ID, Items: append([]string{}, rs.Items...),
			After: profiles.FormatAfter(rs.After), NotBefore: last.ref.Add(rs.After.Duration).UTC()})
	}
	if len(req.Items) == 0 && len(req.Variables) == 0 && len(req.Resample) == 0 {
		return nil
	}
	if _, err := bundle.MarshalRequest(req); err != nil {
		return &RequestError{"--request-out: " + err.Error()}
	}
	spec.Result = req
	return nil
}

func clipReason(s string) string {
	if len(s) > 1000 {
		s = strings.ToValidUTF8(s[:1000], "") + "..."
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// usesVar: the item's paths, command or arguments refer to {name}.
func usesVar(ci profiles.CollectItem, name string) bool {
	for _, s := range ci.Texts() {
		if slices.Contains(profiles.VarRefs(s), name) {
			return true
		}
	}
	return false
}
