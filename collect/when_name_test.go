package collect

import (
	"strings"
	"testing"

	"casefile/bundle"
)

// TestWhenByName: a collect item's when may name a variable, which holds
// when its value is not empty, as analyze judges a condition
// (profiles.Truth): with --set extra_dir=... the item is collected,
// without it (the default is empty) it is skipped as not for this host.
func TestWhenByName(t *testing.T) {
	p := basicWithItem(t, "  - name: extra_dir\n    default: \"\"", "  - id: extra-config\n    files: [/etc/app/app.conf]\n    when: extra_dir")

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
