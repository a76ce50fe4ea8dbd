package profiles

import "strings"

// Path helpers of the profile language (docs/profiles.md, "Texts are
// templates"): file-system path work written once in Go.

// withinDir reports whether path is dir or lies under it: "/var/tmp/x"
// is within "/var/tmp" and "/var/tmp/" and "/", not within "/var/t". A
// trailing slash of either is ignored. Anything that is not a path
// ("", nil, a relative path) is within nothing.
func withinDir(path, dir any) bool {
	p, _ := path.(string)
	d, _ := dir.(string)
	if !strings.HasPrefix(p, "/") || !strings.HasPrefix(d, "/") {
		return false
	}
	d = strings.TrimRight(d, "/")
	if d == "" {
		return true // the root holds every path
	}
	p = strings.TrimRight(p, "/")
	return p == d || strings.HasPrefix(p, d+"/")
}
