// Command testsummary reads `go test -json` on standard input and prints
// what a developer reads from plain `go test`: one line per package, the
// output of every failed test, and build errors. It then lists every
// skipped test with its reason, so that a test that did not run is never
// shown as "ok", and closes with "N passed, N failed, N skipped".
//
// It exits 1 when a test or package failed or a build broke, so that
// `go test -json ./... | testsummary` under pipefail fails like go test.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string
}

type testKey struct{ pkg, test string }

type summary struct {
	out                     io.Writer
	output                  map[testKey][]string // buffered output per running test
	skips                   []skip
	passed, failed, skipped int
	broken                  bool
}

type skip struct {
	key    testKey
	reason string
}

func main() {
	s := &summary{out: os.Stdout, output: map[testKey][]string{}}
	if err := s.read(os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(1)
	}
	s.close()
	if s.failed > 0 || s.broken {
		os.Exit(1)
	}
}

func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			// Not an event (go vet or the toolchain writing to stdout).
			fmt.Fprintln(s.out, string(line))
			continue
		}
		s.event(e)
	}
	return sc.Err()
}

func (s *summary) event(e event) {
	k := testKey{e.Package, e.Test}
	switch e.Action {
	case "build-output":
		fmt.Fprint(s.out, e.Output)
	case "build-fail":
		s.broken = true
	case "output":
		if e.Test == "" {
			// Package lines: "ok  pkg 1.2s", "FAIL pkg", "? pkg [no test files]", panics.
			fmt.Fprint(s.out, e.Output)
			return
		}
		s.output[k] = append(s.output[k], e.Output)
	case "pass":
		if e.Test == "" {
			return
		}
		s.passed++
		delete(s.output, k)
	case "fail":
		if e.Test == "" {
			s.broken = true
			return
		}
		s.failed++
		for _, l := range s.output[k] {
			fmt.Fprint(s.out, l)
		}
		delete(s.output, k)
	case "skip":
		if e.Test == "" {
			return
		}
		s.skipped++
		s.skips = append(s.skips, skip{k, reason(s.output[k])})
		delete(s.output, k)
	}
}

// reason is what a skipped test said, without go test's own framing lines.
func reason(lines []string) string {
	var said []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		said = append(said, t)
	}
	if len(said) == 0 {
		return "(no reason given)"
	}
	return strings.Join(said, " / ")
}

func (s *summary) close() {
	if len(s.skips) > 0 {
		sort.Slice(s.skips, func(i, j int) bool {
			a, b := s.skips[i].key, s.skips[j].key
			if a.pkg != b.pkg {
				return a.pkg < b.pkg
			}
			return a.test < b.test
		})
		fmt.Fprintf(s.out, "\nSkipped tests (%d):\n", len(s.skips))
		for _, sk := range s.skips {
			fmt.Fprintf(s.out, "  %s %s: %s\n", sk.key.pkg, sk.key.test, sk.reason)
		}
	}
	fmt.Fprintf(s.out, "\n%d passed, %d failed, %d skipped\n", s.passed, s.failed, s.skipped)
}
