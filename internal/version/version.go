// Package version holds casefile's version: a release tag set at build time
// with -ldflags "-X casefile/internal/version.Version=v1.2.3", or else what
// the Go toolchain recorded in the binary (the module version of a
// `go install`, or the commit, its time and whether the tree was modified).
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is the release tag of both binaries, set by `make build` and
// `make release` from `git describe`; empty or "dev" for untagged builds.
var Version = "dev"

// Tool is the tool name recorded in manifests and reports.
const Tool = "casefile"

// String is the version both programs print for --version and `version`,
// and record in manifests and reports.
func String() string {
	info, _ := debug.ReadBuildInfo()
	return describe(Version, info)
}

func describe(tag string, info *debug.BuildInfo) string {
	if tag != "" && tag != "dev" {
		return tag
	}
	if info == nil {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, at string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	parts := []string{"commit " + rev}
	if at != "" {
		parts = append(parts, at)
	}
	if modified {
		parts = append(parts, "modified")
	}
	return fmt.Sprintf("dev (%s)", strings.Join(parts, ", "))
}

// Line is what `PROGRAM --version` and `PROGRAM version` print.
func Line(program string) string {
	return fmt.Sprintf("%s %s (%s, %s/%s)", program, String(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
