package redact

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"casefile/profiles"
)

// corpusDir is the redaction corpus (testdata/redact/README.md).
var corpusDir = filepath.Join("..", "testdata", "redact")

// corpusCase is one corpus file: its input with the brackets removed,
// the secrets, and the lines that must come out unchanged.
type corpusCase struct {
	name    string
	target  Target
	input   string
	secrets []string
	// plain are the lines without a secret (look-alikes).
	plain []string
}

func loadCorpus(t *testing.T) []corpusCase {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.txt"))
	if len(files) == 0 {
		t.Fatal("no corpus files in " + corpusDir)
	}
	sort.Strings(files)
	var out []corpusCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := strings.Cut(string(data), "\n")
		c := corpusCase{name: filepath.Base(f)}
		switch k, v, _ := strings.Cut(head, " "); k {
		case "@path":
			c.target.Path = v
		case "@command":
			c.target.Command = v
		default:
			t.Fatalf("%s: first line must be @path or @command", f)
		}
		var in strings.Builder
		for _, line := range strings.SplitAfter(body, "\n") {
			if !strings.Contains(line, "⟦") {
				in.WriteString(line)
				if strings.TrimSpace(line) != "" {
					c.plain = append(c.plain, strings.TrimRight(line, "\n"))
				}
				continue
			}
			for {
				a := strings.Index(line, "⟦")
				if a < 0 {
					break
				}
				b := strings.Index(line[a:], "⟧")
				if b < 0 {
					t.Fatalf("%s: unclosed ⟦ in %q", f, line)
				}
				secret := line[a+len("⟦") : a+b]
				c.secrets = append(c.secrets, secret)
				line = line[:a] + secret + line[a+b+len("⟧"):]
			}
			in.WriteString(line)
		}
		c.input = in.String()
		out = append(out, c)
	}
	return out
}

// corpusEngine has the built-in rules and every built-in profile's own
// rules (each scoped to the files its profile names), as a collection
// with the profile that collects the file would have.
func corpusEngine(t *testing.T) *Engine {
	t.Helper()
	var rules []Rule
	for _, n := range profiles.Names() {
		p, err := profiles.Builtin(n)
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, FromProfile(p.Redact)...)
	}
	e, err := New(rules)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestCorpusRecall measures recall on the corpus (every bracketed secret
// must be gone) and false positives (every line without one must come
// out unchanged): >= 98% recall and no false positive.
func TestCorpusRecall(t *testing.T) {
	e := corpusEngine(t)
	var total, caught, plain, touched int
	for _, c := range loadCorpus(t) {
		got, _ := e.String(c.input, c.target)
		for _, s := range c.secrets {
			total++
			if strings.Contains(got, s) {
				t.Errorf("%s: secret %q survived", c.name, s)
				continue
			}
			caught++
		}
		lines := map[string]bool{}
		for _, l := range strings.Split(got, "\n") {
			lines[l] = true
		}
		for _, l := range c.plain {
			plain++
			if !lines[l] {
				touched++
				t.Errorf("%s: look-alike line changed: %q", c.name, l)
			}
		}
	}
	recall := float64(caught) / float64(total)
	t.Logf("recall %d/%d (%.1f%%); look-alike lines changed: %d of %d", caught, total, 100*recall, touched, plain)
	if total < 100 || plain < 50 {
		t.Errorf("corpus too small: %d secrets, %d look-alike lines", total, plain)
	}
	if recall < 0.98 {
		t.Errorf("recall %.1f%% < 98%%", 100*recall)
	}
	if touched > 0 {
		t.Errorf("%d false positives", touched)
	}
}

// TestCorpusMarkers: every secret is replaced by a marker, never simply
// cut, so the reader sees that something was there.
func TestCorpusMarkers(t *testing.T) {
	e := corpusEngine(t)
	for _, c := range loadCorpus(t) {
		got, counts := e.String(c.input, c.target)
		n := 0
		for _, v := range counts {
			n += v
		}
		if m := strings.Count(got, "[REDACTED:"); m != n || (len(c.secrets) > 0 && n == 0) {
			t.Errorf("%s: %d markers, counts say %d (%d secrets)", c.name, m, n, len(c.secrets))
		}
	}
}
