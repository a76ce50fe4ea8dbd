package profiles

import (
	"path"
	"strings"
)

// MatchGlob reports whether the member path name matches glob. Globs use
// path.Match syntax per segment ("*", "?", "[...]") and "**" as a whole
// segment for any number of segments, so "files/**/ha.log*" matches
// "files/var/log/product/ha.log.3.gz" and "files/ha.log". The error
// is path.ErrBadPattern for a malformed glob.
func MatchGlob(glob, name string) (bool, error) {
	// Split into arrays on the stack: the engine matches every member of
	// a bundle against every glob of a profile (10,000 members allocated
	// hundreds of megabytes of garbage through strings.Split).
	var gb, nb [16]string
	return matchSegs(splitSlash(gb[:0], glob), splitSlash(nb[:0], name))
}

// splitSlash is strings.Split(s, "/") appended to dst.
func splitSlash(dst []string, s string) []string {
	for {
		i := strings.IndexByte(s, '/')
		if i < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
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
