package collect

import (
	"context"
	"fmt"

	"casefile/bundle"
	"casefile/internal/slicesx"
	"casefile/profiles"
)

// Detection is a product found on the host and why it was recognised.
type Detection struct {
	// Profile is the detected product's profile.
	Profile *profiles.Profile
	// Reasons say what matched: "path /opt/product/appd.cfg
	// exists", "process 5120 matches ^(?:\S*/)?appd( |$)".
	Reasons []string
}

// Detect reports which of candidates are installed on the host that opts
// describe (Root, Set, RootCommandsOnly): a product is present when one
// of its detect paths exists under the root (after its variables are
// resolved) or one of its detect processes matches a process's command
// line. Candidates without a detect section are never detected.
func Detect(ctx context.Context, opts Options, candidates []*profiles.Profile) ([]Detection, error) {
	if len(candidates) == 0 {
		return nil, nil
	}
	opts.Profile = candidates[0]
	opts.NoRedact = true
	c, err := newCollector(opts)
	if err != nil {
		return nil, err
	}
	var out []Detection
	for _, p := range candidates {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(p.Detect.Paths) == 0 && len(p.Detect.Processes) == 0 {
			continue
		}
		c.opts.Profile = p
		c.vars = map[string]bundle.Variable{}
		c.resolveVars(ctx, p)
		var reasons []string
		for _, dp := range p.Detect.Paths {
			dp = c.expand(dp)
			if hasMeta(dp) {
				if m, _ := c.fs.glob(dp); len(m) > 0 {
					reasons = append(reasons, fmt.Sprintf("path %s exists", m[0]))
				}
			} else if c.fs.exists(dp) {
				reasons = append(reasons, fmt.Sprintf("path %s exists", dp))
			}
		}
		if len(p.Detect.Processes) > 0 {
			procs := c.processList(ctx)
		procLoop:
			for _, pat := range p.Detect.Processes {
				for _, pr := range procs.list {
					if pat.Re != nil && pat.Re.MatchString(pr.Cmdline) {
						reasons = append(reasons, fmt.Sprintf("process %d matches %s", pr.PID, pat.Src))
						continue procLoop
					}
				}
			}
		}
		reasons = slicesx.Uniq(reasons)
		if len(reasons) > 0 {
			out = append(out, Detection{Profile: p, Reasons: reasons})
		}
	}
	return out, nil
}
