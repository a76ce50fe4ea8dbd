package profiles

import (
	"path"
	"strings"
	"testing"
)

// listingPrograms read or list the files they are given: with a path or
// a {variable} argument they look at the real machine's path under
// --root, and a variable taken from host data would steer them. The
// collector's own kinds do this root-aware: list (with depth),
// matching-lines, disk-free, files.
var listingPrograms = map[string]string{
	"ls": "a list item", "dir": "a list item", "find": "a list item with depth", "stat": "a list item",
	"du": "a list item", "df": "host.df or the disk-free builtin", "cat": "a files item",
	"head": "a files item", "tail": "a files item", "grep": "the matching-lines builtin",
	"egrep": "the matching-lines builtin", "zgrep": "the matching-lines builtin", "wc": "a files item",
}

// TestNoHostPathsOnCommandLines: no built-in profile collects a listing,
// a file or free space by running a program on a path (issue 18: ls -la
// {install_dir} listed the real machine under --root).
func TestNoHostPathsOnCommandLines(t *testing.T) {
	for _, name := range Names() {
		p, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range p.Collect {
			argvs := it.Commands
			if len(it.Command) > 0 {
				argvs = append(argvs, it.Command)
			}
			for _, argv := range argvs {
				use, ok := listingPrograms[path.Base(argv[0])]
				if !ok {
					continue
				}
				for _, a := range argv[1:] {
					if strings.HasPrefix(a, "/") || strings.Contains(a, "{") {
						t.Errorf("%s: item %s runs %s on %s: use %s", p.File, it.ID, strings.Join(argv, " "), a, use)
						break
					}
				}
			}
		}
	}
}
