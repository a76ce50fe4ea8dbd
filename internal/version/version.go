// Package version holds casefile's version, set at build time with
// -ldflags "-X casefile/internal/version.Version=...".
package version

// Version of both binaries; "dev" for untagged builds.
var Version = "dev"

// Tool is the tool name recorded in manifests and reports.
const Tool = "casefile"
