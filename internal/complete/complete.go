// Package complete supplies the values both programs' shell completion
// offers (cobra's `completion bash|zsh|fish|powershell`): profile names,
// rule ids, severities, formats and time zones.
package complete

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"casefile/profiles"
)

// Func is a cobra completion function.
type Func = func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective)

// Words completes from a fixed list.
func Words(words ...string) Func {
	return func(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return filter(words, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// Profiles completes built-in profile names (plus extra words such as
// "auto"), and YAML files when the word looks like a path.
func Profiles(extra ...string) Func {
	return func(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if strings.ContainsAny(prefix, `/\.`) {
			return []cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		}
		return filter(append(profiles.Names(), extra...), prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// RuleIDs completes the ids of every built-in profile's rules, plus extra
// words such as "all".
func RuleIDs(extra ...string) Func {
	return func(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		ids := append([]string(nil), extra...)
		for _, n := range profiles.Names() {
			p, err := profiles.Builtin(n)
			if err != nil {
				continue
			}
			for _, r := range p.Analyze.Rules {
				ids = append(ids, r.ID)
			}
		}
		return filter(ids, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// Variables completes "NAME=" for --set from the built-in profiles' variables.
func Variables(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	seen := map[string]bool{}
	var names []string
	for _, n := range profiles.Names() {
		p, err := profiles.Builtin(n)
		if err != nil {
			continue
		}
		for _, v := range p.Variables {
			if !seen[v.Name] {
				seen[v.Name] = true
				names = append(names, v.Name+"=")
			}
		}
	}
	return filter(names, prefix), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// TimeZones completes "UTC", "Local" and the IANA names of the system's
// zone database.
func TimeZones(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return filter(zoneNames(zoneDir()), prefix), cobra.ShellCompDirectiveNoFileComp
}

func zoneDir() string {
	if d := os.Getenv("ZONEINFO"); d != "" {
		return d
	}
	return "/usr/share/zoneinfo"
}

// zoneNames lists the zone names under dir: files whose names start with
// an upper-case letter, in folders that do too (skipping posix/, right/).
func zoneNames(dir string) []string {
	names := []string{"UTC", "Local"}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return nil
		}
		name := d.Name()
		if name == "" || name[0] < 'A' || name[0] > 'Z' {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(names[2:])
	return names
}

func filter(words []string, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			out = append(out, w)
		}
	}
	return out
}
