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

// TestWhenHelpers: a collect item's when may call the helpers of the
// analyzer's expressions that need no bundle (profiles.Bindings, Pure),
// the same functions: a version compared by version_lt decides.
func TestWhenHelpers(t *testing.T) {
	p := basicWithItem(t, "  - name: app_version\n    default: \"1.3.1-TFS-0009\"", "  - id: old-config\n    files: [/etc/app/app.conf]\n    when: 'version_lt(app_version, \"1.3.1-TFS-0011\")'")

	opts := testOptions(t, p, basicHost())
	if it := findItem(t, run(t, opts).Manifest, "old-config"); it.ErrorKind != "" {
		t.Errorf("version 0009: %s %s, want the item collected", it.ErrorKind, it.Error)
	}
	opts = testOptions(t, p, basicHost())
	opts.Set = map[string]string{"app_version": "1.3.1-TFS-0012"}
	if it := findItem(t, run(t, opts).Manifest, "old-config"); it.ErrorKind != bundle.ErrSkipped {
		t.Errorf("version 0012: error_kind %q, want skipped, its when false", it.ErrorKind)
	}
}
