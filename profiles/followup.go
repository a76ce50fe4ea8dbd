package profiles

import "fmt"

// checkResample: items are ids of the profile's collect items or of the
// host items (profiles/_host.yaml), and after is positive.
func checkResample(p *Profile, r *Rule) error {
	at := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", p.File, line, fmt.Sprintf(format, args...))
	}
	rs := r.Resample
	if len(rs.Items) == 0 {
		return at(rs.Line, "rule %s: resample needs items (collect item ids)", r.ID)
	}
	if rs.After.Duration <= 0 {
		return at(rs.Line, "rule %s: resample needs after (how long after the bundle: 30m, 1h)", r.ID)
	}
	// A request carries the delay as at most four digits and a unit
	// (bundle.ParseAfter): 2h46m40s would be "10000s".
	if a := FormatAfter(rs.After); len(a) > 5 {
		return at(rs.Line, "rule %s: resample after %s does not fit a request (%s: at most 9999 of one unit; round it to minutes, hours or days)", r.ID, rs.After.Duration, a)
	}
	ids := map[string]bool{}
	for _, it := range p.Collect {
		ids[it.ID] = true
	}
	if p.Name != "_host" {
		if host, err := HostProfile(); err == nil {
			for _, it := range host.Collect {
				ids[it.ID] = true
			}
		}
	}
	for _, id := range rs.Items {
		if !ids[id] {
			return at(rs.Line, "rule %s: resample item %q is not a collect item of this profile or of the host items", r.ID, id)
		}
	}
	return nil
}

// FormatAfter writes a resample delay the way a request carries it
// ("1h", "90m", "2d").
func FormatAfter(d Duration) string {
	x := d.Duration
	switch {
	case x%(24*3600e9) == 0:
		return fmt.Sprintf("%dd", x/(24*3600e9))
	case x%3600e9 == 0:
		return fmt.Sprintf("%dh", x/3600e9)
	case x%60e9 == 0:
		return fmt.Sprintf("%dm", x/60e9)
	}
	return fmt.Sprintf("%ds", (x+5e8)/1e9)
}
