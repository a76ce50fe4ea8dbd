//go:build unix

package collect

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadCappedFIFO: a FIFO named as the request is refused at once;
// opening it first would block collect until someone wrote to it.
func TestReadCappedFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "REQ.json")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	done := make(chan error, 1)
	go func() { _, err := readCapped(p, 1<<20); done <- err }()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("readCapped(FIFO) = %v, want not a regular file", err)
	}
}
