package profiles

import "testing"

// TestWithinDir: a path is within itself and the folders above it, with
// or without a trailing slash, within the root always, and never within
// a folder whose name it only starts with; nil, "" and relative paths
// are within nothing.
func TestWithinDir(t *testing.T) {
	tests := []struct {
		path, dir any
		want      bool
	}{
		{"/var/tmp/fsigk", "/var/tmp", true},
		{"/var/tmp/fsigk", "/var/tmp/", true},
		{"/var/tmp", "/var/tmp", true},
		{"/var/tmp/", "/var/tmp", true},
		{"/var/tmp/fsigk", "/", true},
		{"/var/tmpfs", "/var/tmp", false},
		{"/var", "/var/tmp", false},
		{"/tmp", "/var", false},
		{nil, "/", false},
		{"/tmp", nil, false},
		{"", "/", false},
		{"tmp/x", "tmp", false},
	}
	for _, tc := range tests {
		if got := withinDir(tc.path, tc.dir); got != tc.want {
			t.Errorf("within_dir(%v, %v) = %v, want %v", tc.path, tc.dir, got, tc.want)
		}
	}
}
