package complete

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
)

func TestValues(t *testing.T) {
	got, dir := Profiles("auto")(nil, nil, "s")
	if diff := cmp.Diff([]cobra.Completion{"samhain", "sms"}, got); diff != "" || dir != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("profiles s: %v %v", diff, dir)
	}
	if got, _ := Profiles("auto")(nil, nil, "a"); !slices.Equal(got, []cobra.Completion{"auto"}) {
		t.Errorf("profiles a: %v", got)
	}
	if _, dir := Profiles()(nil, nil, "./my"); dir != cobra.ShellCompDirectiveFilterFileExt {
		t.Errorf("a path should complete YAML files, directive %v", dir)
	}
	ids, _ := RuleIDs("all")(nil, nil, "tfst.fd")
	if !slices.Equal(ids, []cobra.Completion{"tfst.fd-exhaustion"}) {
		t.Errorf("rule ids tfst.fd: %v", ids)
	}
	vars, _ := Variables(nil, nil, "install")
	if !slices.Contains(vars, "install_dir=") {
		t.Errorf("variables: %v", vars)
	}
	if got, _ := Words("info", "warning", "critical")(nil, nil, "w"); !slices.Equal(got, []cobra.Completion{"warning"}) {
		t.Errorf("words: %v", got)
	}
}

func TestZoneNames(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"Europe/Berlin", "Asia/Tokyo", "posix/Europe/Berlin", "zone.tab", "UCT"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	want := []string{"UTC", "Local", "Asia/Tokyo", "Europe/Berlin", "UCT"}
	if diff := cmp.Diff(want, zoneNames(dir)); diff != "" {
		t.Errorf("zones (-want +got):\n%s", diff)
	}
}
