package profiles

import (
	"path"
	"strings"
)

// MatchGlob reports whether the member path name matches glob. Globs use
// path.Match syntax per segment ("*", "?", "[...]") and "**" as a whole
// segment for any number of segments, so "files/**/ha.log*" matches
// "files/var/log/tippingpoint/ha.log.3.gz" and "files/ha.log". The error
// is path.ErrBadPattern for a malformed glob.
func MatchGlob(glob, name string) (bool, error) {
	return matchSegs(strings.Split(glob, "/"), strings.Split(name, "/"))
}

func matchSegs(g, n []string) (bool, error) {
	for len(g) > 0 {
		if g[0] == "**" {
			for len(g) > 1 && g[1] == "**" {
				g = g[1:]
			}
			if len(g) == 1 {
				return true, nil
			}
			for i := 0; i <= len(n); i++ {
				ok, err := matchSegs(g[1:], n[i:])
				if ok || err != nil {
					return ok, err
				}
			}
			return false, nil
		}
		if len(n) == 0 {
			// Validate the rest of the pattern even though it cannot match.
			for _, s := range g {
				if s != "**" {
					if _, err := path.Match(s, ""); err != nil {
						return false, err
					}
				}
			}
			return false, nil
		}
		ok, err := path.Match(g[0], n[0])
		if err != nil || !ok {
			return false, err
		}
		g, n = g[1:], n[1:]
	}
	return len(n) == 0, nil
}
