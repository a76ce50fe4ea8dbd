package profiles

import (
	"fmt"
	"sort"
	"strings"
)

// Facts across bundles: a fact with `across: any` (or all, sum, max, min,
// list, first) is, in a `scope: all` rule, one value for every bundle
// analyzed together, by its plain name. `server_running` there says that
// the server runs on one of the bundles' hosts; without across the rule
// writes any(bundles, .facts.server_running). Everywhere else the name is the
// bundle's own value, as for any fact.

// AcrossKinds are the ways of joining a fact's values over the bundles
// of a group, in bundle order.
var AcrossKinds = map[string]string{
	"any":   "holds (as a condition) in at least one bundle",
	"all":   "holds (as a condition) in every bundle",
	"sum":   "the sum of the numbers (nil counts 0)",
	"max":   "the largest number (nil when no bundle has one)",
	"min":   "the smallest number (nil when no bundle has one)",
	"list":  "the values of every bundle in one list: lists joined, single values added, nil left out",
	"first": "the first value that is not nil, \"\" or an empty list",
}

func checkAcross(f *Fact) error {
	if f.Across == "" {
		return nil
	}
	if _, ok := AcrossKinds[f.Across]; !ok {
		kinds := make([]string, 0, len(AcrossKinds))
		for k := range AcrossKinds {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		return fmt.Errorf("fact %q: across %q must be one of %s%s", f.Name, f.Across, strings.Join(kinds, ", "), didYouMean(f.Across, kinds))
	}
	return nil
}

// AcrossFacts are the names of the facts a scope all rule sees by name.
func AcrossFacts(p *Profile) []string {
	var out []string
	for i := range p.Analyze.Facts {
		if p.Analyze.Facts[i].Across != "" {
			out = append(out, p.Analyze.Facts[i].Name)
		}
	}
	return out
}
