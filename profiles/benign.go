package profiles

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// A profile's known-benign list is a text file beside its YAML
// (<name>.benign): one message template per line, as `analyze templates`
// prints them (<*> for a variable part), '#' starts a comment. A line
// starting with '!' is a template a reviewer judged not benign: it stays
// unexplained (and the generator keeps the judgement). Lines of
// these templates are explained: they are no unknown error. The lists of
// the built-in profiles are generated from the healthy fake hosts and
// reviewed (docs/testing.md); a help desk adds its own in the .benign file
// beside its own profile file.

// MaxBenignSize bounds a known-benign list.
const MaxBenignSize = 1 << 20

// ParseBenign returns the templates of a known-benign list.
func ParseBenign(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "!") {
			continue
		}
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return out
}

// readBenign reads a known-benign list; a missing file is an empty list.
func readBenign(path string) ([]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxBenignSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxBenignSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxBenignSize)
	}
	return ParseBenign(data), nil
}

// ReviewedNotBenign returns the templates a list marks with '!'.
func ReviewedNotBenign(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "!") {
			out = append(out, strings.Join(strings.Fields(l[1:]), " "))
		}
	}
	return out
}
