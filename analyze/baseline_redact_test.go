package analyze

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casefile/bundle"
	"casefile/profiles"
)

// TestBaselineConfigsRedacted: a baseline keeps and diffs the redacted
// text of config files: raw logs (a customer's folder, never redacted by
// collect) and a bundle collected with --no-redact lose their secrets
// before the snapshot (what --save-baseline writes) and the diff; the
// change of a setting beside them still shows, and a profile's own
// redaction rule applies too.
func TestBaselineConfigsRedacted(t *testing.T) {
	p, err := profiles.Parse("t.yaml", []byte(`name: t
description: d
redact:
  - {name: app-token, pattern: 'token (?P<secret>\S+)'}
analyze:
  logs:
  - {files: ["files/**/*.log*"], time: ymd}
`))
	if err != nil {
		t.Fatal(err)
	}
	raw := func(cfg string) string {
		dir := filepath.Join(t.TempDir(), "raw")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, text := range map[string]string{"app.log": "2024-03-01 10:00:00 started\n", "app.cfg": cfg} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	noRedact := func(m *bundle.Manifest) { m.Redaction.Enabled = false }
	for _, c := range []struct {
		name      string
		good, bad string
		opts      Options
	}{
		{"raw", raw("level=8\npassword=hunter2\nuse token abc123\n"), raw("level=3\npassword=swordfish\nuse token def456\n"), Options{Profile: p}},
		{"bundle --no-redact",
			bundleOf(t, "good", map[string]string{"files/etc/app.cfg": "level=8\npassword=hunter2\n"}, noRedact),
			bundleOf(t, "bad", map[string]string{"files/etc/app.cfg": "level=3\npassword=swordfish\n"}, noRedact), Options{Profile: p}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			_, gs, err := RunSnapshot(ctx, []string{c.good}, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			_, bs, err := RunSnapshot(ctx, []string{c.bad}, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []*Snapshot{gs, bs} {
				for path, text := range s.Configs {
					for _, secret := range []string{"hunter2", "swordfish", "abc123", "def456"} {
						if strings.Contains(text, secret) {
							t.Errorf("snapshot keeps %s of %s: %q", secret, path, text)
						}
					}
				}
			}
			diffs := Compare(gs, bs).ConfigDiffs
			if len(diffs) != 1 || !strings.Contains(diffs[0].Diff, "\n-level=8\n") || !strings.Contains(diffs[0].Diff, "\n+level=3\n") {
				t.Fatalf("config diffs %+v, want the level's change", diffs)
			}
			for _, secret := range []string{"hunter2", "swordfish", "abc123", "def456"} {
				if strings.Contains(diffs[0].Diff, secret) {
					t.Errorf("the diff shows %s:\n%s", secret, diffs[0].Diff)
				}
			}
		})
	}
}

// TestBaselineHostFactsClock: collect's host facts state the moment of
// collection (clock_utc, clock_local), which differs between any two
// bundles: a baseline does not report it as a change; another line of
// them that changed (the kernel) still shows.
func TestBaselineHostFactsClock(t *testing.T) {
	facts := func(kernel, clock string) map[string]string {
		return map[string]string{"commands/host.facts.out": "hostname:      gw1\nkernel:        " + kernel + "\nuptime:        48d 3h 15m\n" +
			"clock_utc:     2026-12-07T20:" + clock + "Z\nclock_local:   2026-12-07T21:" + clock + "+01:00\nroot:          /\n"}
	}
	builtin := func(m *bundle.Manifest) {
		for i := range m.Items {
			if m.Items[i].ID == "host.facts" {
				m.Items[i].Kind, m.Items[i].Source = bundle.KindBuiltin, "builtin host-facts"
			}
		}
	}
	snap := func(files map[string]string) *Snapshot {
		_, s, err := RunSnapshot(context.Background(), []string{bundleOf(t, "b", files, builtin)}, Options{Profile: testProfile(t, logsYMD)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := snap(facts("5.10.0", "37:58"))
	if c := Compare(good, snap(facts("5.10.0", "38:00"))); len(c.ConfigDiffs)+len(c.CommandsDiffer) != 0 {
		t.Errorf("only the collection time differs, yet: %+v %v", c.ConfigDiffs, c.CommandsDiffer)
	}
	c := Compare(good, snap(facts("6.1.0", "38:00")))
	if len(c.ConfigDiffs) != 1 || !strings.Contains(c.ConfigDiffs[0].Diff, "+kernel:        6.1.0") || strings.Contains(c.ConfigDiffs[0].Diff, "clock_") {
		t.Errorf("config diffs %+v, want the kernel's line and no clock", c.ConfigDiffs)
	}
}
