package collect

import (
	"os"
	"strings"
	"testing"

	"casefile/bundle"
	"casefile/profiles"
)

// TestWhenByName: a collect item's when may name a variable, which holds
// when its value is not empty, as analyze judges a condition
// (profiles.Truth): with --set extra_dir=... the item is collected,
// without it (the default is empty) it is skipped as not for this host.
func TestWhenByName(t *testing.T) {
	src, err := os.ReadFile(repoPath("testdata", "collect", "profiles", "basic.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	text = strings.Replace(text, "\ncollect:\n", "\n  - name: extra_dir\n    default: \"\"\ncollect:\n", 1)
	i := strings.Index(text, "\nredact:\n")
	if i < 0 {
		t.Fatal("basic.yaml has no redact section")
	}
	text = text[:i] + "\n  - id: extra-config\n    files: [/etc/app/app.conf]\n    when: extra_dir" + text[i:]
	p, err := profiles.Parse("basic.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}

	opts := testOptions(t, p, basicHost())
	it := findItem(t, run(t, opts).Manifest, "extra-config")
	if it.ErrorKind != bundle.ErrSkipped || !strings.Contains(it.Error, "is false") {
		t.Errorf("extra_dir empty: error_kind %q, error %q; want skipped, its when false", it.ErrorKind, it.Error)
	}

	opts = testOptions(t, p, basicHost())
	opts.Set = map[string]string{"extra_dir": "/srv/extra"}
	it = findItem(t, run(t, opts).Manifest, "extra-config")
	if it.ErrorKind != "" {
		t.Errorf("extra_dir set: %s %s, want the item collected", it.ErrorKind, it.Error)
	}
}
