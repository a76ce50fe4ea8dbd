package version

import (
	"runtime/debug"
	"testing"
)

func TestDescribe(t *testing.T) {
	vcs := func(kv ...string) *debug.BuildInfo {
		info := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}
		for i := 0; i < len(kv); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return info
	}
	for _, c := range []struct {
		name string
		tag  string
		info *debug.BuildInfo
		want string
	}{
		{"release tag wins", "v1.4.0", vcs("vcs.revision", "8de81df0123456789"), "v1.4.0"},
		{"go install module version", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}}, "v1.3.0"},
		{"checkout", "dev", vcs("vcs.revision", "8de81df0123456789abc", "vcs.time", "2026-12-07T11:00:00Z", "vcs.modified", "false"),
			"dev (commit 8de81df01234, 2026-12-07T11:00:00Z)"},
		{"modified checkout", "", vcs("vcs.revision", "8de81df", "vcs.modified", "true"), "dev (commit 8de81df, modified)"},
		{"nothing known", "", vcs(), "dev"},
		{"no build info", "", nil, "dev"},
	} {
		if got := describe(c.tag, c.info); got != c.want {
			t.Errorf("%s: describe = %q, want %q", c.name, got, c.want)
		}
	}
}
